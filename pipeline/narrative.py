"""Figures the narrative (情况说明) states: 收入/支出总计, 基本支出, 项目支出, 三公经费 and its parts, 人员经费,
公用经费, 一般公共预算拨款收入 …, each with its sentence and line, for the checks to compare with the tables.

The narrative is every line outside the tables and the glossary. Extraction breaks its sentences over
lines (and blank lines), so the lines are joined into one text with a map back to line numbers; a
figure is a known subject followed, within the same clause, by an amount in 万元 or 元.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable

from .amounts import parse_amount, to_wan
from .privacy import contains_personal_data, mask_personal_data
from .records import Statement
from .text.lines import Line, match_key
from .vocabulary import ORG_RE

# subject → pattern; where two overlap (一般公共预算基本支出 / 基本支出), the match that starts first wins,
# so the longer wording is found before the shorter one inside it.
SUBJECTS: dict[str, str] = {
    "fiscal_grant_total": r"财政拨款收支(?:预算)?(?:总数|总额|总预算|预算)",
    "general_budget_total": r"一般公共预算(?:财政)?(?:拨款)?支出(?:预算)?",
    "basic_general": r"一般公共预算基本支出",
    "general_grant_income": r"一般公共预算拨款收入",
    "other_fund": r"(?:政府性基金|国有资本经营)预算(?:拨款)?(?:安排的)?(?:收入|支出)",
    "income_total": r"收入预算(?:总数|总额)?|预算收入|收入总计|收入合计|收支预算总数|收支预算总额|收支总预算",
    "expenditure_total": r"支出预算(?:总数|总额)?|预算支出|支出总计|支出合计",
    "basic": r"基本支出",
    "projects": r"项目支出",
    "personnel": r"人员经费",
    "public_use": r"公用经费",
    "three_public": r"[“\"‘]?三公[”\"’]?经费",
    "office_running": r"机关运行经费",
    "reception": r"公务接待费",
    "vehicles": r"公务用车购置及运行(?:维护)?费",
    "vehicle_running": r"公务用车运行(?:维护)?费",
    "vehicle_purchase": r"公务用车购置费",
    "overseas": r"因公出国[（(]境[）)](?:经)?费(?:用)?",
}
SUBJECT_RE = re.compile("|".join(f"(?P<{name}>{p})" for name, p in SUBJECTS.items()))
# after the subject, within one clause (no ，。；：), up to 30 characters, then the amount. The gap is bounded in
# the pattern (MAX_GAP pieces; longer gaps are rejected by length after the match): unbounded, a text with no
# clause mark would be scanned to its end for every subject.
FIGURE_RE = re.compile(r"(?P<gap>(?:[^，,。；;：:、\d]|\d{4}\s*年){0,30}?)(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|元)")
# 部分|工作: the amount of something else; 执行数|决算数: last year's outturn (比 2025 年预算收入执行数 483,923.17
# 万元), not this budget; （三）: a numbered heading between subject and figure starts another item (图 2：基本支出和
# 项目支出情况（三）年终结转结余资金 0 万元); a heading …情况说明 followed by another item's name: the figure is that
# item's (五、一般公共预算支出情况说明一般公共服务支出 1378.41万元), not the heading subject's as in 二、收入预算情况说明2026
# 年度收入预算 44169.36万元
NOT_THE_SUBJECT_RE = re.compile(r"部分|工作|项目[）)]|执行数|决算数|[（(][一二三四五六七八九十]{1,3}[）)]"
                                r"|情况说明\D*?(?:支出|收入)")
FOLLOWING_CHANGE_RE = re.compile(
    r"[，,]?\s*比\s*(?:上年|上一年|\d{4}\s*年)[^，,。；;\d]{0,8}?(?P<way>增加|减少|下降|增长)\s*"
    r"(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|元)")
CHANGE_RE = re.compile(r"比|增加|减少|增长|下降|增减")
# Subjects that are also the tail of other names (某服务项目支出, 某中心基本支出, 临聘人员经费): the document's own only when
# what precedes them is no part of a name (a clause mark, a year, 其中, 安排, 部门 …)
GENERIC_SUBJECTS = ("projects", "basic", "income_total", "expenditure_total", "personnel", "public_use")
FREE_BEFORE_RE = re.compile(r"[，,。；;：:、（()）\s\d“”\"年中其含是为括排门位算计级本用于的及和与对出入按为"
                            r"局委办院心厅会处所站队馆校部室]")  # …财政局收入预算: after the publisher's name
# 2.“农林水支出”科目 83 万元，主要用于人员经费 18 万元: what follows a subject's own amount in its sentence is
# that subject's breakdown, not the document's
SUBJECT_BREAKDOWN_RE = re.compile(r"科目[^，,。；;\d]{0,6}\d[\d,]*(?:\.\d+)?\s*万?元")
# A section heading that names one unit (十三、深圳市社会保险基金管理局龙华分局, 一、某局（本级）): up to the next
# heading of its level or above, the figures are that unit's, not the whole document's
HEADING_RE = re.compile(r"^(?:(?P<top>[一二三四五六七八九十]{1,3}、)|[（(][一二三四五六七八九十]{1,3}[）)])\s*"
                        r"(?P<name>[^\d，,。；;：:、]{2,40})$")
OWN_LEVEL_RE = re.compile(r"[（(]?本级[）)]?$")
SENTENCE_END = "。；;"
SENTENCE_END_RE = re.compile(f"[{SENTENCE_END}]")
MAX_GAP = 30


def joined(lines: Iterable[Line]) -> tuple[str, list[int], list[int]]:
    """The non-blank lines as one text; starts[i] is where line numbers[i] begins in it."""
    parts, starts, numbers = [], [], []
    size = 0
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if parts and parts[-1][-1:].isascii() and parts[-1][-1:].isalnum() and text[:1].isascii() \
                and text[:1].isalnum():
            parts.append(" ")  # keep 2025 | 年 or two numbers apart
            size += 1
        starts.append(size)
        numbers.append(line.number)
        parts.append(text)
        size += len(text)
    return "".join(parts), starts, numbers


def unit_sections(lines: Iterable[Line]) -> tuple[list[int], list[str | None]]:
    """Where the narrative speaks of one unit: (line numbers where the scope changes, the unit's name as
    printed from there on, None where it speaks of the whole document again)."""
    at, scopes = [], []
    current: tuple[int, str] | None = None  # (heading level, name)
    for line in lines:
        m = HEADING_RE.match(line.text.strip())
        if m is None:
            continue
        level = 1 if m.group("top") else 2
        name = m.group("name").strip()
        if ORG_RE.search(match_key(OWN_LEVEL_RE.sub("", name))):
            current = (level, name)
        elif current is not None and level <= current[0]:
            current = None
        else:
            continue
        at.append(line.number)
        scopes.append(current[1] if current else None)
    return at, scopes


def read_statements(lines: Iterable[Line]) -> list[Statement]:
    """Every figure of the narrative. Linear in the text: one pass for the subjects, each figure looked at
    within its clause, and its sentence found among the sentence ends indexed once."""
    lines = list(lines)
    text, starts, numbers = joined(lines)
    section_at, section_scope = unit_sections(lines)
    ends = [m.start() for m in SENTENCE_END_RE.finditer(text)]
    mask = mask_personal_data if contains_personal_data(text) else None
    out: list[Statement] = []
    taken: set[int] = set()  # a figure belongs to the first subject before it (a heading repeats a subject)
    for m in SUBJECT_RE.finditer(text):
        figure = FIGURE_RE.match(text, m.end())
        if figure is None or len(figure.group("gap")) > MAX_GAP or figure.start("number") in taken:
            continue
        if text[m.start() - 1:m.start()] == "非" or NOT_THE_SUBJECT_RE.search(figure.group("gap")):
            continue  # 非公用经费部分: a negated subject; 部分）工作: the amount of something else
        if m.lastgroup in GENERIC_SUBJECTS and not FREE_BEFORE_RE.match(text[max(0, m.start() - 1):m.start()] or "，"):
            continue  # 安检服务项目支出 328.69 万元: one project's money, not the document's 项目支出
        sentence_start = ends[bisect.bisect_left(ends, m.start()) - 1] + 1 if ends and ends[0] < m.start() else 0
        if SUBJECT_BREAKDOWN_RE.search(text, sentence_start, m.start()):
            continue  # one subject's money: “农林水支出”科目 83 万元，主要用于人员经费 18 万元
        taken.add(figure.start("number"))
        value = parse_amount(figure.group("number"))
        if value is None:
            continue
        subject = m.lastgroup
        change = CHANGE_RE.search(figure.group("gap"))
        gap_change = None
        if change:
            gap_change = "减少" if re.search(r"减少|下降", figure.group("gap")) else "增加"
        at = figure.start("number")
        line = numbers[bisect.bisect_right(starts, at) - 1]
        section = bisect.bisect_right(section_at, line) - 1
        scope = section_scope[section] if section >= 0 else None
        out.append(Statement(
            subject=subject, amount=to_wan(value, figure.group("unit")), printed=figure.group("number"),
            unit=figure.group("unit"), sentence=_sentence(text, ends, m.start(), figure.end(), mask), source_line=line,
            change=gap_change, scope=scope,
        ))
        follow = FOLLOWING_CHANGE_RE.match(text, figure.end())
        if follow and not gap_change:  # 12.4 万元，比 2021 年预算减少 8.7 万元: the same subject's change
            change_value = parse_amount(follow.group("number"))
            if change_value is not None:
                taken.add(follow.start("number"))
                out.append(Statement(
                    subject=subject, amount=to_wan(change_value, follow.group("unit")),
                    printed=follow.group("number"), unit=follow.group("unit"),
                    sentence=_sentence(text, ends, m.start(), follow.end(), mask),
                    source_line=numbers[bisect.bisect_right(starts, follow.start("number")) - 1],
                    change="减少" if follow.group("way") in ("减少", "下降") else "增加", scope=scope,
                ))
    return out


def _sentence(text: str, ends: list[int], start: int, end: int, mask: Callable[[str], str] | None) -> str:
    """The sentence around text[start:end] (at most 150 characters either side), personal data masked
    (`mask`, None when the text holds none): it is quoted in the published checks. `ends`: the positions of
    every sentence end, in order."""
    i = bisect.bisect_left(ends, start)  # ends[i - 1] is the last end before start
    left = ends[i - 1] + 1 if i else 0
    j = bisect.bisect_left(ends, end, i)  # the first end at or after `end`
    right = ends[j] + 1 if j < len(ends) else len(text)
    sentence = text[max(left, start - 150):min(right, end + 150)].strip()
    return mask(sentence) if mask else sentence
