"""A row's cells → its parts: classification/unit codes, label text and amounts.

Works the same on exact rows (cells with positions) and collapsed rows (tokens): codes lead, the label
follows, amounts trail. A two-sided row holds two such segments (收入 then 支出).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..amounts import amount_problem, is_amount, not_an_amount
from ..text.layout import Cell, Row

CODE_RE = re.compile(r"^\d{2,7}$")
LEADING_CODE_RE = re.compile(r"^(\d{2,7})\s+(\S.*)$")
# A classification code printed joined with its name in one cell: 2010301-行政运行, [30101]基本工资,
# 【201】一般公共服务支出, 2010301行政运行 (a full code glued to the name), 50201：办公经费
# (classification codes begin with 2: 支出功能分类, 3: 部门经济分类, 5: 政府经济分类; 028-8660 is a phone)
JOINED_CODE_RE = re.compile(
    r"^(?:[\[【［(（]\s*([235]\d{2,6})\s*[\]】］)）]|([235]\d{2,6})\s*[-－—–_:：.．、]+"
    r"|([235]\d{2}|[235]\d{4}|[235]\d{6})(?=[\u4e00-\u9fff]))\s*(\S.*)$")


@dataclass
class Segment:
    codes: list[str] = field(default_factory=list)
    labels: list[Cell] = field(default_factory=list)
    amounts: list[Cell] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    # codes printed joined with a name (2010601-行政运行 | 30101-基本工资): each one whole code
    joined: list[str] = field(default_factory=list)
    code_pos: list[int | None] = field(default_factory=list)  # the position of each of `codes`
    # names of a second classification printed beside the row's own (部门经济分类 基本工资 beside the
    # 功能分类 行政运行): their codes are the row's other code, the item is the row's own name
    other_names: list[Cell] = field(default_factory=list)
    # cells printed where amounts are that are no amount (1e30, a phone number), with the reason: the
    # segment is reported as an unparsed line, never read with a column missing
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return " ".join(c.text for c in self.labels if c.text)

    @property
    def line(self) -> int:
        cells = self.labels or self.amounts
        return cells[0].line if cells else (self.lines[0] if self.lines else 0)


def is_code(text: str) -> bool:
    return bool(CODE_RE.match(text))


def is_bad_amount(text: str, after_label: bool) -> bool:
    """A number-like cell that is no amount; before any label, 1.2.3 is an outline number (a label)."""
    problem = amount_problem(text)
    return problem is not None and (after_label or problem != "more than one decimal point")


ORDINAL_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\(\d+\)|\d+[.、](?!\d))")


def segments(row: Row, codes_allowed: bool = True, two_sided: bool = False,
             amount_start: int | None = None) -> list[Segment]:
    """Split a row into segments: [codes] [label] [amounts], repeated.

    In a two-sided row whose left side printed no amount, a numbered label (五、教育支出) after a label
    starts the right side. `amount_start`: in an exact row, the position of the first amount column (the
    header says so): cells left of it are codes and labels, never amounts (部门经济分类 301 01 基本工资 |
    政府经济分类 501 01 工资奖金津补贴 | amounts)."""
    out: list[Segment] = []
    seg = Segment(lines=list(row.lines))
    later: list[str] = []  # codes printed after the row's first label: a second classification
    for cell in row.cells:
        text = cell.text.strip()
        if not text:
            continue
        if amount_start is not None and cell.pos is not None and cell.pos < amount_start and not seg.amounts:
            if is_code(text) and codes_allowed:
                if seg.labels:
                    later.append(text)
                else:
                    seg.codes.append(text)
                    seg.code_pos.append(cell.pos)
                continue
            if (j := joined_code(text)) and codes_allowed and len(seg.joined) == len(seg.labels) + len(seg.other_names):
                seg.joined.append(j[0])
                text = j[1]
                if len(seg.joined) > 1:
                    seg.other_names.append(Cell(text, cell.line, cell.pos))
                    continue
            elif later:
                seg.other_names.append(Cell(text, cell.line, cell.pos))
                continue
            seg.labels.append(Cell(text, cell.line, cell.pos))
            continue
        if is_amount(text) and (seg.labels or seg.amounts or not (codes_allowed and is_code(text))):
            seg.amounts.append(Cell(text, cell.line, cell.pos))
            continue
        if is_bad_amount(text, seg.labels or seg.amounts):
            seg.amounts.append(Cell(text, cell.line, cell.pos))
            seg.problems.append(not_an_amount(text))  # type: ignore[arg-type]
            continue
        if seg.amounts or (two_sided and seg.labels and ORDINAL_RE.match(text)):
            out.append(seg)  # text after amounts (or a numbered label after a label) starts the next segment
            seg = Segment(lines=[cell.line])
        if codes_allowed and not seg.labels and is_code(text):
            seg.codes.append(text)
            seg.code_pos.append(cell.pos)
            continue
        m = LEADING_CODE_RE.match(text) if codes_allowed and not seg.labels else None
        if m and len(m.group(1)) in (3, 5, 6, 7):
            seg.codes.append(m.group(1))
            seg.code_pos.append(None)
            text = m.group(2)
        elif codes_allowed and len(seg.joined) == len(seg.labels) + len(seg.other_names) and (j := joined_code(text)):
            # only leading label cells: 支出功能分类 | 政府经济分类 | 部门经济分类, each code-name
            seg.joined.append(j[0])
            text = j[1]
            if len(seg.joined) > 1:
                seg.other_names.append(Cell(text, cell.line, cell.pos))
                continue
        seg.labels.append(Cell(text, cell.line, cell.pos))
    if later:
        code, _ = split_codes(later)
        if code:
            seg.joined.append(code)
    if seg.codes or seg.labels or seg.amounts:
        out.append(seg)
    return out


def joined_code(text: str) -> tuple[str, str] | None:
    """(code, name) of a cell that prints a classification code joined with its name, else None."""
    m = JOINED_CODE_RE.match(text)
    if not m:
        return None
    code = m.group(1) or m.group(2) or m.group(3)
    return (code, m.group(4)) if len(code) in (3, 5, 7) else None


def classification(seg: Segment, code_kind: str) -> tuple[str | None, str | None, str | None]:
    """(function_code, economic_code, unit_code) of a row.

    Codes in their own cells are joined as `split_codes` does and are of the table's `code_kind` (a 3xx or
    5xx one is economic in any table); codes joined with names say their classification by their first
    digit where a row prints several (支出功能分类 2xx, 部门经济分类 3xx, 政府经济分类 5xx, the latter
    published only where no 3xx is printed)."""
    klass, unit = split_codes(seg.codes)
    if not seg.joined:
        # a table of function classes may list economic ones instead (广州's 项目支出表: 302 商品和服务支出)
        if code_kind == "function" and not (klass and klass[0] in "35"):
            return klass, None, unit
        return None, klass, unit
    codes = ([klass] if klass else []) + seg.joined
    if len(codes) == 1:
        code = codes[0]
        kind = "function" if code[0] == "2" else "economic" if code[0] in "35" else code_kind
        return (code, None, unit) if kind == "function" else (None, code, unit)
    function = next((c for c in codes if c[0] == "2"), None)
    economic = next((c for c in codes if c[0] == "3"), None) or next((c for c in codes if c[0] == "5"), None)
    return function, economic, unit


def table_code(seg: Segment, code_kind: str) -> str | None:
    """The code of the table's own classification (`code_kind`) a row prints, for its hierarchy."""
    function, economic, _ = classification(seg, code_kind)
    return function if code_kind == "function" else economic


def complete_codes(segs: list[Segment]) -> None:
    """Codes printed by level in separate 类 | 款 | 项 columns, each row printing only its new level (205 |
    | 08 | | 03): a 款 or 项 alone is completed with the levels of the rows above it, by its column."""
    levels: dict[int, str] = {}  # column position → the code printed there last
    class_pos: int | None = None
    for seg in segs:
        if not seg.codes or len(seg.code_pos) != len(seg.codes) or any(p is None for p in seg.code_pos):
            continue
        if len(seg.codes[0]) == 3:
            class_pos = seg.code_pos[0]
        if class_pos is None or len(seg.codes[0]) != 2 or seg.code_pos[0] <= class_pos:
            for code, pos in zip(seg.codes, seg.code_pos, strict=True):
                levels = {p: c for p, c in levels.items() if p < pos}
                levels[pos] = code
            continue
        first = seg.code_pos[0]
        above = [levels[p] for p in sorted(levels) if p < first]
        if not above or len(above[0]) != 3:
            continue
        for code, pos in zip(seg.codes, seg.code_pos, strict=True):
            levels = {p: c for p, c in levels.items() if p < pos}
            levels[pos] = code
        seg.codes = above + seg.codes
        seg.code_pos = sorted(p for p in levels if p < first) + seg.code_pos


def split_codes(codes: list[str]) -> tuple[str | None, str | None]:
    """(classification code, unit code) from the codes printed before a label.

    类/款/项 printed in separate columns are joined (201 + 38 + 08 = 2013808); a longer code that extends
    the one built so far replaces it (301, 01, 30101); six digits, or three digits after a complete
    class code, are a unit code (332901, department 332).
    """
    klass = ""
    unit: str | None = None
    for code in codes:
        if len(code) == 6:
            unit = code
        elif len(code) == 2 and len(klass) in (3, 5):
            klass += code
        elif len(code) in (3, 5, 7):
            if not klass or (code.startswith(klass) and len(code) > len(klass)):
                klass = code
            elif len(code) == 3 and len(klass) >= 3:
                unit = code
            else:
                klass = code
        elif len(code) == 2 and not klass:
            klass = code
    return (klass or None), unit
