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


@dataclass
class Segment:
    codes: list[str] = field(default_factory=list)
    labels: list[Cell] = field(default_factory=list)
    amounts: list[Cell] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
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


def segments(row: Row, codes_allowed: bool = True, two_sided: bool = False) -> list[Segment]:
    """Split a row into segments: [codes] [label] [amounts], repeated.

    In a two-sided row whose left side printed no amount, a numbered label (五、教育支出) after a label
    starts the right side."""
    out: list[Segment] = []
    seg = Segment(lines=list(row.lines))
    for cell in row.cells:
        text = cell.text.strip()
        if not text:
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
            continue
        m = LEADING_CODE_RE.match(text) if codes_allowed and not seg.labels else None
        if m and len(m.group(1)) in (3, 5, 6, 7):
            seg.codes.append(m.group(1))
            text = m.group(2)
        seg.labels.append(Cell(text, cell.line, cell.pos))
    if seg.codes or seg.labels or seg.amounts:
        out.append(seg)
    return out


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
