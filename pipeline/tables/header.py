"""Amount columns of a table from the positions of its header cells, where the layout keeps them.

Tab-separated rows, pipe tables and HTML keep every cell of a ruled header in its place, merged cells
included (the text in the first cell of the merge, the others empty). There the header needs no
vocabulary: each header cell spans the positions up to the next cell of its row (within its parent's
span), the cells of the row below inside that span are its children, and a cell without children is an
amount column, titled as printed. A template's own column titles (一般公共预算收入, 单位资金, 项目支出总数 …)
thus become columns without being known; the known words only tell the columns that hold no amounts (项目,
科目编码, 类/款/项, 单位名称 …, and 行次/栏次) and which column totals its siblings (合计, 小计).

Collapsed layouts lose the positions: their header is read by vocabulary (`columns.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text.layout import Row
from ..text.lines import match_key
from .columns import Column, ColumnModel, identities_of

# Header cells of columns that hold no amounts: the item, its codes, the unit, and row numbers
NOT_AMOUNT_RE = re.compile(
    r"(?:科目|名称|编码|代码|类别)(?:\(科目\))?$|^(?:项目|[类款项]|备注|说明|行次|栏次|序号|功能分类|经济分类|收入|支出"
    r"|预算单位|单位|部门|年度|年份|类型|项目单位|实施单位|[一二三]级项目)$"
)

COLUMN_NUMBER_MARKS = {"栏次", "行次", "序号", "甲", "乙", "丙", "丁"}


def is_column_numbers(text: str) -> bool:
    """A row that numbers the columns (栏次 | 1 | 2 | 3 …, ** | ** | 1 | 2 …, 甲 乙 1 2): header, not data."""
    cells = [c.strip() for c in (text.split("\t") if "\t" in text else text.split()) if c.strip()]
    marks = [c for c in cells if c in COLUMN_NUMBER_MARKS or set(c) <= {"*"}]
    numbers = [c for c in cells if c not in marks]
    if not numbers or not all(n.isdigit() for n in numbers):
        return False
    if [int(n) for n in numbers] != list(range(1, len(numbers) + 1)):
        return False
    return len(numbers) >= 3 or (bool(marks) and len(numbers) >= 2)



@dataclass
class _Span:
    text: str
    start: int
    end: int  # exclusive
    row: int


def positional_model(rows: list[Row]) -> ColumnModel | None:
    """The column model of a header printed as exact rows, with each leaf's grid position
    (`ColumnModel.positions`); None when the header is not exact or names no amount column."""
    rows = [r for r in rows if r.exact and any(c.text for c in r.cells)]
    rows = [r for r in rows if not is_column_numbers("\t".join(c.text for c in r.cells))]
    if not rows or len(rows) > 6:
        return None
    width = max(len(r.cells) for r in rows)
    grid = [[_text(r, p) for p in range(width)] for r in rows]
    spans: list[list[_Span]] = []
    for i, texts in enumerate(grid):
        bounds = [0, width] if i == 0 else sorted({b for s in spans[i - 1] for b in (s.start, s.end)})
        cells = [p for p, t in enumerate(texts) if t]
        level = []
        for p in cells:
            parent_end = next((b for b in bounds if b > p), width)
            nxt = next((q for q in cells if q > p), width)
            level.append(_Span(texts[p], p, min(nxt, parent_end), i))
        spans.append(level)
    root = Column("")
    positions: dict[int, int] = {}
    leaves: list[Column] = []

    def grow(parent: Column, span: _Span, depth: int) -> None:
        node = Column(match_key(span.text), parent=parent)
        parent.children.append(node)
        kids: list[_Span] = []
        for below in spans[depth + 1:]:  # the first row below with titles under this one (a level may skip)
            kids = [s for s in below if span.start <= s.start < span.end]
            if kids:
                depth = kids[0].row - 1
                break
        if kids and kids[0].start > span.start:  # the cell's first position has no sub-title: its own column
            kids.insert(0, _Span(span.text, span.start, kids[0].start, depth + 1))
        if not kids or (len(kids) == 1 and kids[0].start == span.start and kids[0].end >= span.end
                        and match_key(kids[0].text) == node.label):
            leaves.append(node)
            for p in range(span.start, span.end):
                positions[p] = len(leaves) - 1
            return
        for kid in kids:
            grow(node, kid, depth + 1)

    started = False
    for span in spans[0]:
        if not started and _not_amount(span, spans):
            for amounts in _amounts_under_label(span, spans):  # 支出项目类别 printed over the 总计 beside it
                started = True
                grow(root, amounts, amounts.row)
            continue
        if _not_amount(span, spans):
            return None  # a label column right of the amounts: not one table's header
        started = True
        grow(root, span, 0)
    if not leaves or any(NOT_AMOUNT_RE.search(leaf.label) for leaf in leaves):
        return None  # no amount column, or a group printed over a label column: the cells are not aligned
    return ColumnModel(leaves, identities_of(root, leaves), positions)


def _text(row: Row, p: int) -> str:
    if p >= len(row.cells) or row.cells[p].from_above:
        return ""  # merged down from the row above: the same column
    return row.cells[p].text.strip()


def _amounts_under_label(span: _Span, spans: list[list[_Span]]) -> list[_Span]:
    """Amount columns under a label's header cell, right of the label's own position: 深圳's 项目支出总表
    prints 支出项目类别 over two positions, the second holding 总计 one row down (and the row's first amount);
    those columns are the table's, not part of the label."""
    for level in spans[span.row + 1:]:
        below = [s for s in level if span.start <= s.start < span.end]
        if below:
            return [s for s in below if s.start > span.start and not NOT_AMOUNT_RE.search(match_key(s.text))
                    and not _not_amount(s, spans)]
    return []


def _not_amount(span: _Span, spans: list[list[_Span]]) -> bool:
    """A top-level header cell over a column without amounts (项目, 科目编码 over 类 款 项, 单位名称 …)."""
    if NOT_AMOUNT_RE.search(match_key(span.text)):
        return True
    below = [s for level in spans[span.row + 1:] for s in level if span.start <= s.start < span.end]
    return bool(below) and all(NOT_AMOUNT_RE.search(match_key(s.text)) for s in below)
