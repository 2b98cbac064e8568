"""A 行次 column: the number of each row (1, 2, 3 …) printed beside its label, in 决算-style templates and
some 收支总表. It holds no amount, and left in, it shifts every amount one column (a two-sided summary then
has "2 amounts but the header has 1 amount columns").

Where a table's header names a 行次 column, its cells are taken out of every row before the rows are
read: in exact layouts (tab-separated, pipe tables) the cells at its positions, when they are empty or a
row number; in collapsed layouts, where positions are lost, the bare whole number printed right after each
label (in such a table every label is followed by its row number first).
"""

from __future__ import annotations

import re

from ..amounts import is_amount
from ..text.layout import exact_cells, tokens
from ..text.lines import Line, match_key
from ..vocabulary import ROW_NUMBER_COLUMN_RE

ROW_NUMBER_RE = re.compile(r"^\d{1,3}$")


def without_row_numbers(lines: list[Line]) -> list[Line]:
    """The table's lines without its 行次 column (the lines themselves when it has none)."""
    positions: set[int] = set()
    collapsed_header = False
    for line in lines:
        cells = exact_cells(line.text)
        if cells is None:
            collapsed_header |= any(ROW_NUMBER_COLUMN_RE.match(t) for t in map(match_key, tokens(line.text)))
        else:
            positions |= {i for i, c in enumerate(cells) if ROW_NUMBER_COLUMN_RE.match(match_key(c))}
    if not positions and not collapsed_header:
        return lines
    out = []
    for line in lines:
        cells = exact_cells(line.text)
        if cells is not None and positions:
            kept = [c for i, c in enumerate(cells) if i not in positions or not _is_row_number(c)]
            text = "\t".join(kept) if "\t" in line.text else "|" + "|".join(c.replace("|", "\\|") for c in kept) + "|"
        elif cells is None and collapsed_header:
            text = " ".join(_collapsed(tokens(line.text)))
        else:
            text = line.text
        out.append(line if text == line.text else Line(line.number, text))
    return out


def _is_row_number(cell: str) -> bool:
    key = match_key(cell)
    return not key or bool(ROW_NUMBER_RE.match(key) or ROW_NUMBER_COLUMN_RE.match(key))


def _collapsed(toks: list[str]) -> list[str]:
    """A collapsed row without the row number after each label (一、事业收入 2 100.00 → 一、事业收入 100.00)."""
    out: list[str] = []
    for tok in toks:
        after_label = bool(out) and not is_amount(out[-1]) and not ROW_NUMBER_COLUMN_RE.match(match_key(out[-1]))
        if after_label and ROW_NUMBER_RE.match(tok):
            continue
        if ROW_NUMBER_COLUMN_RE.match(match_key(tok)):
            continue  # the header's own 行次
        out.append(tok)
    return out
