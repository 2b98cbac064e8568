"""Find the parts of a disclosure and the regions of its standard tables.

A title line is recognised by the registry in `kinds.py`; whether it starts a table or is only an entry
of the contents (目录) or of an outline repeated at the end is decided by what follows it: a table is
followed, before the next title, by a header, a unit line, rows of amounts or a 无数据 note, while a
contents entry is followed by other entries. A title repeated after a page break with the same number
continues the table it repeats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..amounts import is_amount
from ..text.layout import is_page_number
from ..text.lines import Line, strip_markup
from ..vocabulary import EMPTY_NOTE_RE, UNIT_RE
from .kinds import TableKind, match_kind

# A table's number as printed: 公开表1-2, 附表3, 表 3, 表三, 预算01表, 预算表 1, 公开01表, 单位预算05表;
# 表01 glued to the year of the title (表012026年…) is 表01
NUMBER_RE = re.compile(
    r"((?:公开)?表\s*\d{1,3}(?=(?:19|20)\d\d年)|(?:单位|部门)?预算\d+表|预算表\s*\d+|公开\s*\d+\s*表"
    r"|公开表\s*\d+(?:\s*[-－—]\s*\d+)?"
    r"|附表\s*\d+(?:\s*[-－—]\s*\d+)?|表\s*\d+(?:\s*[-－—]\s*\d+)?|表[一二三四五六七八九十]+(?!般))"
)
ONLY_NUMBER_RE = re.compile(
    r"^(?:(?:(?:单位|部门)?预算|公开)\d+表|(?:预算表|公开表|附表|表)(?:\d+(?:[-－—]\d+)?|[一二三四五六七八九十]+))$")
PART_RE = re.compile(r"^第[一二三四五六七八九十]+部分|^[一二三]、(?:文字|表格)部分")
CONTENTS_RE = re.compile(r"^目录$")
SENTENCE_RE = re.compile(r"[。；，,;]|情况说明|情况$")
NARRATIVE_RE = re.compile(r"。|情况说明$|^其他相关情况")
BODY_WINDOW = 8  # non-empty lines below a title in which a table's header or unit must appear
BODY_HINT_RE = re.compile(r"项目|科目|合计|预算数|单位名称|部门名称|单位代码|单位编码|预算单位|金额单位|单位[:：]")


@dataclass
class TableRegion:
    kind: TableKind
    number: str | None
    title: str  # as printed (markup removed, whitespace kept)
    title_line: int  # index into the document's lines
    start: int  # index of the first line of the region (title, or its number line)
    end: int  # index after the last line
    continuations: list[int] = field(default_factory=list)  # indexes of repeated title lines
    empty_note: bool = False


@dataclass
class Layout:
    tables: list[TableRegion]
    listed: list[tuple[TableKind, str | None, str, int]]  # contents entries: kind, number, title, index
    parts: list[tuple[str, int]]  # part headings: key, index


def _title_candidate(line: Line) -> tuple[TableKind, str | None] | None:
    key = line.key
    if not key or len(key) > 70 or "表" not in key or SENTENCE_RE.search(key.replace("（", "(")):
        return None
    if key.startswith(("注", "说明", "备注")) or "《" in key:
        return None
    kind = match_kind(key)
    if kind is None:
        return None
    m = NUMBER_RE.search(key)
    return kind, (m.group(1) if m else None)


# The title of a table outside the standard set (政府采购预算明细表, 政府购买服务明细表, 机关运行经费支出预算表 …):
# no kind of ours, but where it stands the table above it ends
OTHER_TITLE_RE = re.compile(r"(明细|预算|支出|收入|情况|经费|汇总|统计)[^，。；]{0,6}表(\(.{1,12}\))?$")


def _other_title(line: Line) -> bool:
    key = line.key
    if not key or len(key) > 50 or SENTENCE_RE.search(key.replace("（", "(")) or key.startswith(("注", "说明", "备注")):
        return False
    return bool(OTHER_TITLE_RE.search(key)) and match_kind(key) is None and (
        NUMBER_RE.match(key) is not None or "\t" not in line.text)


def _is_number_only(line: Line) -> str | None:
    key = line.key
    return key if ONLY_NUMBER_RE.match(key) else None


def _has_body(lines: list[Line], start: int, end: int) -> bool:
    """Does what follows a title look like a table (not the next contents entry)? Only the lines just
    below the title count: a sentence or a part heading (情况说明) there means the title was the last entry
    of a contents page, however table-like the narrative further down may be."""
    seen = 0
    for line in lines[start:end]:
        key = line.key
        if not key or is_page_number(line.text):
            continue  # a page's number (- 1 -, 25, 2 5) is no row of amounts
        if UNIT_RE.search(key) or EMPTY_NOTE_RE.search(key) or BODY_HINT_RE.search(key):
            return True
        if any(is_amount(t) for t in strip_markup(line.text).split()):
            return True
        seen += 1
        if SENTENCE_RE.search(key) or seen >= BODY_WINDOW:
            return False
    return False


def find_tables(lines: list[Line]) -> Layout:
    candidates: list[tuple[int, TableKind, str | None]] = []
    others: list[int] = []  # titles of tables outside the standard set
    parts: list[tuple[str, int]] = []
    for i, line in enumerate(lines):
        key = line.key
        if PART_RE.match(key) or CONTENTS_RE.match(key):
            parts.append((key, i))
            continue
        found = _title_candidate(line)
        if found:
            candidates.append((i, found[0], found[1]))
        elif "表" in key and _other_title(line):
            others.append(i)

    boundaries = sorted({i for i, _, _ in candidates} | {i for _, i in parts} | set(others) | {len(lines)})
    tables: list[TableRegion] = []
    listed: list[tuple[TableKind, str | None, str, int]] = []
    carried: dict[int, tuple[str | None, int]] = {}
    for i, kind, number in candidates:
        nxt = next(b for b in boundaries if b > i)
        title = strip_markup(lines[i].text).strip()
        start = i
        if number is None and i > 0:
            number, start = _number_above(lines, i)
        if not _has_body(lines, i + 1, nxt):
            if nxt < len(lines) and _title_candidate(lines[nxt]) == (kind, None) and nxt - i <= 3:
                carried[nxt] = (number, start)  # a numbered title line printed again just below
            else:
                listed.append((kind, number, title, i))
            continue
        if i in carried:
            number, start = carried[i]
        prev = tables[-1] if tables else None
        if prev and prev.kind is kind and (_continues(prev, number, start, kind)
                                           or _form_continues(prev, lines, i, nxt)):
            prev.continuations.append(i)
            prev.end = nxt
            continue
        tables.append(TableRegion(kind, number, title, i, start, nxt))
    tables = _one_per_fund(tables)
    # a contents (目录) lists its tables one after the other; a lone title without a body is a heading of the
    # narrative that names a table (（二）部门主管专项资金的绩效目标表), not a listed table
    listed = [entry for entry in listed if any(0 < abs(entry[3] - other[3]) <= 3 for other in listed)]
    for t in tables:
        t.end = _trim_end(lines, t)
        t.empty_note = any(_is_empty_note(lines[j].key) for j in range(t.title_line + 1, t.end))
    return Layout(tables, listed, parts)


def _one_per_fund(tables: list[TableRegion]) -> list[TableRegion]:
    """A one-fund kind printed twice (一般公共预算基本支出情况表 and 基本支出预算情况表 of all funds): the table
    whose title names the fund is that kind; the other is a table outside the standard set."""
    named = {t.kind.kind for t in tables if t.kind.fund and t.kind.fund in t.title.replace(" ", "")}
    return [t for t in tables if not (t.kind.kind in named and t.kind.fund not in t.title.replace(" ", ""))]


def _is_empty_note(key: str) -> bool:
    # every EMPTY_NOTE_RE wording holds 无, 没有 or 本表为空: most lines need no search
    return ("无" in key or "没有" in key or "本表为空" in key) and bool(EMPTY_NOTE_RE.search(key))


def _number_above(lines: list[Line], i: int) -> tuple[str | None, int]:
    """A number printed on its own line just above the title (公开表1 / 表 1 …)."""
    j = i - 1
    while j >= 0 and not lines[j].key and i - j <= 3:
        j -= 1
    if j >= 0 and (num := _is_number_only(lines[j])):
        return num, j
    return None, i


def _continues(prev: TableRegion, number: str | None, start: int, kind: TableKind) -> bool:
    """A title printed again right after its own table (a page break) continues it.

    Performance forms (one per project, usually unnumbered) are separate tables.
    """
    if prev.end < start - 3:
        return False
    if prev.number and number:
        return re.sub(r"\s", "", prev.number) == re.sub(r"\s", "", number)
    return prev.number is None and number is None and kind.shape != "performance"


FORM_START_RE = re.compile(r"项目名称|单位名称|部门名称|一级指标|项目支出|预算单位|主管部门|资金|年度目标|总体目标")
YEAR_SUBTITLE_RE = re.compile(r"^\(?\d{4}年度?\)?$")
MARKUP_ONLY_RE = re.compile(r"(?:</?(?:table|thead|tbody)[^>]*>\s*)+|\|?[\s:|-]*-{3,}[\s:|-]*\|?")


def _form_continues(prev: TableRegion, lines: list[Line], i: int, nxt: int) -> bool:
    """A performance form's title printed again at the top of the next page, above more indicator rows
    (no project name, no header): the same form goes on."""
    if prev.kind.shape != "performance" or prev.end < i - 4:
        return False
    for line in lines[i + 1:nxt]:
        key = line.key
        if (not key or YEAR_SUBTITLE_RE.match(key) or match_kind(key) is prev.kind or is_page_number(line.text)
                or MARKUP_ONLY_RE.fullmatch(line.text.strip())):
            continue
        return not FORM_START_RE.search(key)
    return False


# A heading of the narrative after the last performance form: 2.有关情况说明, 八、其他特殊事项说明, 第四部分 …
NARRATIVE_HEADING_RE = re.compile(
    r"^(?:(?:[一二三四五六七八九十]+、|\d+[.、．]|\([一二三四五六七八九十\d]+\))[^，。；,;]{0,24}(?:说明|名词解释|其他.{0,8}事项)"
    r"|第[一二三四五六七八九十]+部分)"
)


def _trim_end(lines: list[Line], t: TableRegion) -> int:
    """Stop a region where the narrative begins (a sentence or a 情况说明 heading below a table that is
    not a performance table, whose cells hold sentences; a note that the table is empty stays in it),
    before a number line that belongs to the next title, and before trailing blanks."""
    end = t.end
    if t.kind.shape != "performance":
        for j in range(t.title_line + 1, end):
            key = lines[j].key
            if (NARRATIVE_RE.search(key) and not EMPTY_NOTE_RE.search(key)
                    and not any(is_amount(x) for x in strip_markup(lines[j].text).split())):
                end = j
                break
    else:  # cells of a performance table hold sentences: only a heading of the narrative ends it
        for j in range(t.title_line + 1, end):
            if "\t" not in lines[j].text and NARRATIVE_HEADING_RE.match(lines[j].key):
                end = j
                break
    while end > t.title_line + 1 and (not lines[end - 1].key or _is_number_only(lines[end - 1])):
        end -= 1
    return end


def unit_of(lines: list[Line], start: int, end: int) -> str | None:
    for line in lines[start:end]:
        m = UNIT_RE.search(line.key) if "单位" in line.key else None  # UNIT_RE needs 单位: skip the search
        if m:
            return m.group(1)
    return None
