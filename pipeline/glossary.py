"""The 名词解释 (glossary) of a disclosure: numbered terms with their whole definitions.

`find_glossary` cuts the section's term list out of a document's lines; `parse_glossary` turns it into
`GlossaryTerm` rows (and `UnparsedLine` rows for what it cannot read).

Layouts handled:
- a heading of its own (`第四部分 名词解释`, `## 第九部分 名词解释`, `四、名词解释`, `附件：名词解释` …)
  followed by the terms; the same heading in the contents (目录) is skipped because no terms follow it;
- no heading at all: a run of numbered `term：指/反映/是…` definitions starting with number one
  (一、 / 1. / （一）), usually right after the 情况说明 text.

The section ends at the next part heading (第X部分, 二、表格部分, 附件/附表, 表1 …), at a repeated cover and
contents (the cover lines before a 目录 line are left out too), or at the end of the file.

Terms are numbered 一、 二、 … 二十二、, or `1.` / `1、` / `（一）` / `（1）`; a section uses one style, the
style of its first term, so sub-items of another style inside a definition stay in that definition.
A term (and its definition) may be broken over several lines, with blank lines between the pieces:
pieces are joined without a separator. Term = the text before the first ： or : (numbering removed),
definition = the rest. Printed characters are kept; markup (`<b>`, `**`, markdown `#`) and page numbers
(`-32-`, `— 5 —`, `第 3 页`) are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.privacy import mask_personal_data
from pipeline.records import GlossaryTerm, UnparsedLine
from pipeline.text.layout import is_page_number
from pipeline.text.lines import Line, match_key, strip_markup

_CN_DIGITS = "零〇一二两三四五六七八九十百"
_CN_VALUES = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

# Numbering styles, tried in this order on the printed text (markup removed, leading space removed).
_STYLES: list[tuple[str, re.Pattern[str]]] = [
    ("paren_cn", re.compile(rf"^[（(]\s*([{_CN_DIGITS}]+)\s*[）)]\s*[、.．]?\s*")),
    ("paren_arabic", re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*[、.．]?\s*")),
    ("cn", re.compile(rf"^([{_CN_DIGITS}]+)\s*[、.．]\s*")),
    ("arabic", re.compile(r"^(\d{1,3})\s*(?:[、．]|\.(?!\d))\s*")),
]

# the first characters a numbering can start with (besides a digit, \d)
_NUMBERING_START = frozenset("（(" + _CN_DIGITS)

_COLON = re.compile(r"[：:]")
_GLOSSARY_HEADING = re.compile(
    rf"^(?:第[{_CN_DIGITS}\d]+部分|[{_CN_DIGITS}]+[、.．]|\d{{1,2}}[、.．]|[（(][{_CN_DIGITS}\d]+[）)]"
    r"|附[件录]\d*[:：]?)?名词解释(?:说明)?[:：]?$"
)
# headings of the sections that follow a glossary: a short line without punctuation ending so
_SECTION_TITLE = re.compile(r"(编制说明|情况说明|预算情况|收支情况|预算表|总表|主要职能|机构设置|绩效目标)$")
_PART_HEADING = re.compile(rf"^第[{_CN_DIGITS}\d]+部分")
_CONTENTS = re.compile(r"^目录$")
# 二、表格部分 / 一、文字部分 / 附件 / 附表1 / 表1 / 公开表1-2 as a line of its own
_SECTION_WORD = re.compile(r"^.{0,8}部分$")
_ANNEX = re.compile(r"^附[件表录]\d*(?:[:：].{0,30})?$")
_TABLE_NUMBER = re.compile(rf"^(?:公开)?表[{_CN_DIGITS}\d]+(?:-\d+)?$")
# the start of a definition in a glossary without a heading of its own
_DEFINITION_START = re.compile(r"^(?:是指|指|反映|集中反映|主要反映|是|系|即|为|包括)")
_MAX_TERM_CHARS = 80  # a term longer than this (before the colon) is not a term
_MAX_TERM_PIECES = 4  # a term may be broken over at most this many lines
_TITLE_CHARS = 40  # cover lines are short


@dataclass(frozen=True, slots=True)
class _Number:
    style: str
    value: int
    rest: str  # the text after the numbering


def _clean(text: str) -> str:
    """The printed text of a line without markup and surrounding whitespace."""
    return strip_markup(text).strip()


def _cn_int(s: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十二 → 22, 一百零五 → 105; None if not a numeral."""
    if not s:
        return None
    if all(c in _CN_VALUES for c in s):  # 一〇五 style digit by digit
        value = 0
        for c in s:
            value = value * 10 + _CN_VALUES[c]
        return value
    total, current = 0, 0
    for c in s:
        if c in _CN_VALUES:
            current = _CN_VALUES[c]
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        elif c == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def _numbering(text: str) -> _Number | None:
    """The numbering at the start of a cleaned line, if any."""
    if not text or not (text[0] in _NUMBERING_START or text[0].isdigit()):
        return None  # every style starts with a bracket or a digit: most lines need no pattern tried
    for style, pattern in _STYLES:
        m = pattern.match(text)
        if not m:
            continue
        raw = m.group(1)
        value = int(raw) if raw.isdigit() else _cn_int(raw)
        if value is None or value == 0:
            continue
        return _Number(style, value, text[m.end() :])
    return None


def _is_blank(line: Line) -> bool:
    return not line.key or is_page_number(line.text)


def _is_heading_or_end(line: Line) -> str | None:
    """Why this line ends a glossary section (or None): 'part', 'contents', 'annex'."""
    key = line.key
    if not key:
        return None
    if _PART_HEADING.match(key):
        return "part"
    if _CONTENTS.match(key):
        return "contents"
    if _ANNEX.match(key) or _TABLE_NUMBER.match(key):
        return "annex"
    num = _numbering(_clean(line.text))
    if num is not None and _SECTION_WORD.match(match_key(num.rest)):
        return "part"  # 二、表格部分
    if "\t" in line.text or (len(key) <= 40 and not re.search(r"[。；;：:，,]", key) and _SECTION_TITLE.search(key)):
        return "part"  # the next section's heading (2025年单位预算编制说明) or a table's row
    return None


def _is_title_like(line: Line) -> bool:
    """A short line without sentence punctuation, as on a cover page."""
    text = _clean(line.text)
    key = match_key(text)
    if not key or len(key) > _TITLE_CHARS or "\t" in text:
        return False
    if re.search(r"[。；;：:，,]", key):
        return False
    return _numbering(text) is None


def _cover_start(lines: list[Line], contents_index: int, floor: int = 0) -> int:
    """The index of the first cover line right before a 目录 line (or `contents_index` if none).

    Walks back over blank lines and short title-like lines; stops at a page number (a cover starts a
    page), at a line of running text, or after six cover lines.
    """
    start = contents_index
    taken = 0
    i = contents_index - 1
    while i >= floor and taken < 6:
        line = lines[i]
        if not line.key:
            i -= 1
            continue
        if is_page_number(line.text) or not _is_title_like(line):
            break
        start = i
        taken += 1
        i -= 1
    return start


def _entry_text(lines: list[Line], i: int, style: str, limit: int = _MAX_TERM_PIECES) -> str:
    """The cleaned text of the entry starting at lines[i], up to `limit` non-blank pieces."""
    pieces = [_clean(lines[i].text)]
    j = i + 1
    while j < len(lines) and len(pieces) < limit:
        line = lines[j]
        j += 1
        if _is_blank(line):
            continue
        if _is_heading_or_end(line):
            break
        num = _numbering(_clean(line.text))
        if num is not None and num.style == style:
            break
        pieces.append(_clean(line.text))
    return _join(pieces)


def _split_term(entry: str) -> tuple[str, str] | None:
    """(term, definition) of an entry's text with its numbering removed, or None if there is no colon."""
    m = _COLON.search(entry)
    if not m:
        return None
    term = entry[: m.start()].strip()
    if not term or len(match_key(term)) > _MAX_TERM_CHARS or re.search(r"[。；;]", term) or "\t" in term:
        return None
    return term, entry[m.end() :].strip()


def _is_first_term(lines: list[Line], i: int, *, need_definition_word: bool) -> str | None:
    """The numbering style if lines[i] starts a term numbered one (一、 / 1. / （一）), else None."""
    text = _clean(lines[i].text)
    num = _numbering(text)
    if num is None or num.value != 1 or "\t" in text:
        return None
    if _is_heading_or_end(lines[i]):
        return None
    entry = _entry_text(lines, i, num.style)
    split = _split_term(_numbering(entry).rest if _numbering(entry) else entry)
    if split is None:
        return None
    if need_definition_word and not _DEFINITION_START.match(match_key(split[1])):
        return None
    return num.style


def _section_end(lines: list[Line], start: int, style: str) -> tuple[int, int]:
    """(end index exclusive, number of terms) of the term run starting at `start`."""
    last = _numbering(_clean(lines[start].text)).value  # type: ignore[union-attr]
    terms = 1
    i = start + 1
    while i < len(lines):
        line = lines[i]
        if _is_blank(line):
            i += 1
            continue
        reason = _is_heading_or_end(line)
        if reason == "contents":
            return _cover_start(lines, i, floor=start + 1), terms
        if reason:
            return i, terms
        text = _clean(line.text)
        num = _numbering(text)
        if num is not None and num.style == style and "\t" not in text:
            entry = _entry_text(lines, i, style)
            has_colon = _split_term(_numbering(entry).rest) is not None  # type: ignore[union-attr]
            if num.value == last + 1 or has_colon:
                last = num.value
                terms += 1
            else:
                return i, terms  # another numbered list (二、表格部分 without 部分, …)
        i += 1
    return len(lines), terms


def find_glossary(lines: list[Line]) -> tuple[int, int] | None:
    """(start_index, end_index_exclusive) into `lines` of the 名词解释 term list, or None.

    The start is the first term's line (the heading is not included).
    """
    # 1. a heading of its own, followed by terms (a heading in the contents is followed by none)
    for h, line in enumerate(lines):
        if not _GLOSSARY_HEADING.match(line.key):
            continue
        i = h + 1
        while i < len(lines) and _is_blank(lines[i]):
            i += 1
        if i >= len(lines):
            continue
        style = _is_first_term(lines, i, need_definition_word=False)
        if style is None:
            continue
        end, _ = _section_end(lines, i, style)
        return i, end

    # 2. no heading: the longest run of `一、term：指…` definitions (the later one on a tie)
    best: tuple[int, int, int] | None = None  # (terms, start, end)
    for i in range(len(lines)):
        style = _is_first_term(lines, i, need_definition_word=True)
        if style is None:
            continue
        end, terms = _section_end(lines, i, style)
        if terms < 2 or not _reads_like_definitions(lines[i:end]):
            continue
        if best is None or terms >= best[0]:
            best = (terms, i, end)
    if best is None:
        return None
    return best[1], best[2]


def _reads_like_definitions(section: list[Line]) -> bool:
    """At least two terms, and at least half of them defined as `指… / 反映… / 是…`."""
    terms, _ = parse_glossary("", section)
    defined = sum(1 for t in terms if _DEFINITION_START.match(match_key(t.definition)))
    return len(terms) >= 2 and defined * 2 >= len(terms)


def _join(pieces: list[str]) -> str:
    """Join the pieces of a broken line without a separator (a space only between two Latin letters)."""
    out = ""
    for piece in pieces:
        if out and piece and re.match(r"[A-Za-z]", piece[0]) and re.search(r"[A-Za-z]$", out):
            out += " "
        out += piece
    return out


def parse_glossary(doc_id: str, lines: list[Line]) -> tuple[list[GlossaryTerm], list[UnparsedLine]]:
    """The terms of a glossary section (`lines` as cut by `find_glossary`).

    Returns the terms in order (`seq` from 1, `source_line` = the line where the term starts) and the
    non-blank lines that could not be read.
    """
    terms: list[GlossaryTerm] = []
    unparsed: list[UnparsedLine] = []

    style: str | None = None
    # the entry being read: its lines and cleaned pieces
    entry_lines: list[Line] = []
    entry_pieces: list[str] = []

    def flush() -> None:
        if not entry_lines:
            return
        joined = _join(entry_pieces)
        num = _numbering(joined)
        split = _split_term(num.rest if num else joined)
        if split is None:
            reason = "numbered line with no ：/: between term and definition"
            for k, ln in enumerate(entry_lines):
                unparsed.append(
                    UnparsedLine(
                        doc_id,
                        None,
                        ln.number,
                        mask_personal_data(ln.text),
                        reason if k == 0 else "continuation of an unreadable term",
                    )
                )
        else:
            term, definition = split
            terms.append(GlossaryTerm(doc_id, len(terms) + 1, mask_personal_data(term), mask_personal_data(definition),
                                      entry_lines[0].number))
        entry_lines.clear()
        entry_pieces.clear()

    for line in lines:
        if _is_blank(line):
            continue  # blank lines and page numbers inside a definition are ignored
        text = _clean(line.text)
        num = _numbering(text)
        if "\t" not in text and num is not None and (style is None or num.style == style):
            flush()
            style = num.style
            entry_lines.append(line)
            entry_pieces.append(text)
            continue
        if _is_heading_or_end(line) in ("part", "contents"):
            flush()
            unparsed.append(
                UnparsedLine(doc_id, None, line.number, mask_personal_data(line.text),
                             "heading inside the glossary section")
            )
            continue
        if not entry_lines:
            unparsed.append(
                UnparsedLine(
                    doc_id,
                    None,
                    line.number,
                    mask_personal_data(line.text),
                    "text before the first numbered term of the glossary",
                )
            )
            continue
        entry_lines.append(line)
        entry_pieces.append(text)
    flush()
    return terms, unparsed
