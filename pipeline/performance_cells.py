"""Performance-target tables printed one cell per line (PyMuPDF): rebuild their rows.

Such text keeps every cell but loses where a row ends. The forms' closed vocabularies and their row
grammar give the rows back, so that the row parser (`performance.py`) reads them like tab-separated rows:

* A run of header words (≥ 3, one of them 一级指标 / 三级指标 / 指标值 / 目标值) is the column header; it
  says which grammar the rows follow and, for the split grammar, where each column is.
* A form label (项目名称, 实施单位, 年度目标, …) starts a row that runs to the next label or header.
* *Split* rows (Sichuan 公开表6): `[goal cells] [一级] [二级] 三级… operator value [unit] [weight]
  [direction]`. The operator cell and the well-formed tail after it end the row. Cells before the level
  words are goal cells: the amount anchors them (a unit code and an amount alone is a unit's summary
  row). The rebuilt row puts every cell in its header column, as the tab-separated form would.
* *Combined* rows (Nantong, Shenzhen): `[一级] [二级] (三级 target × N)`, N the header's target columns.
  Level words alone (a 二级 without 三级 under it) are rows too. The rows are found by a search for the
  one split of the cells in which every row is well formed; a 三级指标 worded like a 二级指标
  (服务对象满意度) is then told from a level by what follows it.

What cannot be placed is reported, never guessed: text between rows that continues a cell of the row
above (its column is lost with the layout) unless it closes a bracket that the last 三级指标 left open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.amounts import is_amount
from pipeline.performance import (
    DIRECTIONS,
    LEVEL1,
    LEVEL1_OR_LEVEL2,
    form_role,
    is_header_word,
    is_level2,
    is_level_word,
    is_strong_header,
    is_structural,
    number_of,
    operator_of,
    target_roles,
    unit_name_of,
)
from pipeline.text.layout import is_page_number
from pipeline.text.lines import Line, strip_markup
from pipeline.vocabulary import ORG_RE

REASON_LOST_COLUMN = ("text between rows of a table printed one cell per line: it continues a cell of the "
                      "row above, but the layout lost which column (project, annual goal or indicator)")
REASON_NO_SPLIT = ("cells of a table printed one cell per line that do not split into rows of a 三级指标 and "
                   "{targets} target(s) under their levels: a cell was left empty, so where rows end is unknown")
_FINISHED = re.compile(r"[。.！!]\s*[\"”」]?$")  # a sentence ends here
_OPEN = "（([［【"
_CLOSE = "）)]］】"
# Columns of the split grammar, by role, and the header words that title them.
SPLIT_COLUMNS = {
    "unit": ("单位名称", "单位"), "project": ("项目名称", "项目", "名称"), "amount": ("预算数", "预算金额"),
    "annual": ("年度目标",), "level1": ("一级指标",), "level2": ("二级指标",), "name": ("三级指标",),
    "operator": ("指标性质", "指标性"), "target": ("指标值",), "unit_of_measure": ("度量单位", "计量单位"),
    "weight": ("权重",), "direction": ("指标方向性", "指标方向"),
}  # fmt: skip


def is_one_cell_per_line(lines: list[Line]) -> bool:
    """Do the region's level words (产出指标, 数量指标, …) stand alone on their lines? In rows of any other
    layout they share a line with the 三级指标 and targets."""
    alone = shared = 0
    for line in lines:
        if "\t" in line.text or "|" in line.text or "<" in line.text:
            shared += any(is_level_word(k) for k in line.text.split())
        elif is_level_word(line.key):
            alone += 1
        elif any(is_level_word(t) for t in line.text.split()):
            shared += 1
        if shared >= 8 and shared > 4 * alone:
            return False  # rows of another layout: decided, the rest need not be read
    return alone >= 3 and alone >= 4 * shared


def _is_level2(key: str, after_level1: bool) -> bool:
    """A 二级指标, but never a word that is only a 一级指标 (效益指标 has the shape of a 二级指标)."""
    return is_level2(key, after_level1) and (key not in LEVEL1 or key in LEVEL1_OR_LEVEL2)


@dataclass
class Rebuilt:
    lines: list[Line]  # rows as tab-separated lines, numbered by their first cell
    rejected: list[tuple[Line, str]]  # cells that could not be placed, with the reason


def rebuild_rows(lines: list[Line]) -> Rebuilt:
    """The region's lines with its cells regrouped into tab-separated rows (other lines unchanged)."""
    out = Rebuilt([], [])
    grammar, columns, targets = "split", {}, 1
    i = 0
    while i < len(lines):
        line = lines[i]
        if _ends_cells(line):
            out.lines.append(line)
            i += 1
            continue
        cells = []  # the run of cells up to the next heading or title; page breaks and blank lines
        while i < len(lines) and not _ends_cells(lines[i]):  # inside it are no cells
            if lines[i].key and not is_page_number(lines[i].text, bare=False):
                cells.append(lines[i])
            elif lines[i].key:
                out.lines.append(lines[i])
            i += 1
        k = 0
        while k < len(cells):
            header = _header_run(cells, k)
            if header:
                keys = [c.key for c in cells[k:k + header]]
                text = "".join(keys)
                if "权重" in text or "指标性质" in text:
                    grammar = "split"
                elif "指标值" in text or "目标值" in text:
                    grammar, targets = "combined", len(target_roles(keys)) or 1
                columns = _columns(keys)
                out.lines.append(_row(cells[k:k + header]))
                k += header
                continue
            # a split table has no form labels: a 三级指标 may be worded like one (完成时间)
            forms = not (columns and grammar == "split")
            if forms and form_role(cells[k].key) is not None:
                j = k + 1
                while j < len(cells) and form_role(cells[j].key) is None and not _header_run(cells, j):
                    j += 1
                out.lines.append(_row(cells[k:j]))
                k = j
                continue
            j = k
            while j < len(cells) and not (forms and form_role(cells[j].key) is not None) \
                    and not _header_run(cells, j):
                j += 1
            block = cells[k:j]
            if grammar == "combined":
                _combined_rows(block, targets, out)
            else:
                _split_rows(block, columns, out)
            k = j
    return out


def _ends_cells(line: Line) -> bool:
    return bool(line.key) and is_structural(line.key, line.text) and not is_page_number(line.text, bare=False)


def _header_run(cells: list[Line], k: int) -> int:
    """Length of the column header starting at cell k, 0 if none starts there."""
    j = k
    while j < len(cells) and is_header_word(cells[j].key):
        j += 1
    return j - k if is_strong_header([c.key for c in cells[k:j]]) else 0


def _columns(keys: list[str]) -> dict[str, int]:
    out = {}
    for role, words in SPLIT_COLUMNS.items():
        for col, key in enumerate(keys):
            if key in words and role not in out:
                out[role] = col
                break
    return out


def _row(cells: list[Line]) -> Line:
    return Line(cells[0].number, "\t".join(c.text.strip() for c in cells))


def _placed(cells: list[tuple[str, Line]], columns: dict[str, int]) -> Line:
    """A row with every cell in its role's header column (cells of one role joined), or the cells in order
    when the header did not give every role a column."""
    first = min(c.number for _, c in cells)
    if not all(role in columns for role, _ in cells):
        return Line(first, "\t".join(c.text.strip() for _, c in cells))
    row = [""] * (max(columns.values()) + 1)
    for role, cell in cells:
        col = columns[role]
        row[col] += cell.text.strip()
    return Line(first, "\t".join(row))


# ------------------------------------------------------------------------------------- split grammar


def _tail_end(cells: list[Line], j: int) -> int | None:
    """Where the tail starting at operator cell j ends: `op value [unit] [weight] [direction]`."""
    if j + 1 >= len(cells) or operator_of(cells[j + 1].text) is not None or is_level_word(cells[j + 1].key):
        return None
    k = j + 2

    def boundary(at: int) -> bool:
        return (at >= len(cells) or number_of(cells[at].text) is not None or cells[at].key in DIRECTIONS
                or is_level_word(cells[at].key))

    if k < len(cells) and number_of(cells[k].text) is None and cells[k].key not in DIRECTIONS \
            and not is_level_word(cells[k].key) and operator_of(cells[k].text) is None and boundary(k + 1):
        k += 1  # the unit
    if k < len(cells) and number_of(cells[k].text) is not None and len(cells[k].key) <= 6:
        k += 1  # the weight
    if k < len(cells) and cells[k].key in DIRECTIONS:
        k += 1
    return k


def _roles_of_tail(cells: list[Line], j: int, end: int) -> list[tuple[str, Line]]:
    roles = [("operator", cells[j]), ("target", cells[j + 1])]
    for cell in cells[j + 2:end]:
        if cell.key in DIRECTIONS:
            roles.append(("direction", cell))
        elif number_of(cell.text) is not None:
            roles.append(("weight", cell))
        else:
            roles.append(("unit_of_measure", cell))
    return roles


@dataclass
class _Open:
    """What the rows above left unfinished, for text between rows to continue."""

    name: str = ""  # the last 三级指标
    unit: str = ""  # its unit of measure (人/ of 人/次)
    annual: str = ""  # the current goal's annual goal


def _split_rows(cells: list[Line], columns: dict[str, int], out: Rebuilt) -> None:
    pos = 0
    state = _Open()
    while pos < len(cells):
        op, end = _next_tail(cells, pos)
        if op is None:
            _between_rows(cells[pos:], columns, out, state)
            return
        prefix = cells[pos:op]
        anchor = next((i for i, c in enumerate(prefix) if is_level_word(c.key)), None)
        if anchor is None:  # no level word: a 三级指标 under the levels of the rows above
            anchor = len(prefix) - 1
        goal = _goal_rows(prefix[:anchor], columns, out, state)
        levels: list[tuple[str, Line]] = []
        body = prefix[anchor:]
        b = 0
        if len(body) > 1 and body[0].key in LEVEL1:
            levels.append(("level1", body[0]))
            b = 1
        if len(body) > b + 1 and _is_level2(body[b].key, after_level1=bool(levels)):
            levels.append(("level2", body[b]))
            b += 1
        names = [("name", c) for c in body[b:]]
        state.name = "".join(c.text for _, c in names)
        tail = _roles_of_tail(cells, op, end)
        state.unit = "".join(c.text for role, c in tail if role == "unit_of_measure")
        out.lines.append(_placed([*goal, *levels, *names, *tail], columns))
        pos = end


def _next_tail(cells: list[Line], pos: int) -> tuple[int | None, int]:
    for j in range(pos + 1, len(cells)):
        if operator_of(cells[j].text) is not None:
            end = _tail_end(cells, j)
            if end is not None:
                return j, end
    return None, len(cells)


def _goal_rows(run: list[Line], columns: dict[str, int], out: Rebuilt, state: _Open) -> list[tuple[str, Line]]:
    """Goal cells before an indicator: rows that end at an amount (a unit's summary row, then the goal of
    this row, whose annual goal follows its amount). Returns the goal's cells for the indicator's row.
    A number followed by an amount is text (a project named `2024 年…` broken after its year)."""
    amounts = [i for i, c in enumerate(run)
               if is_amount(c.text) and not (i + 1 < len(run) and is_amount(run[i + 1].text))]
    if amounts:  # the rest of the last 三级指标 or unit comes first: then the rows of this goal
        lead = 0
        while lead < amounts[0] and _continues_indicator(run[lead], state) is not None:
            lead += 1
        _between_rows(run[:lead], columns, out, state)
        run, amounts = run[lead:], [i - lead for i in amounts]
    if not amounts:
        _between_rows(run, columns, out, state)
        return []
    start = 0
    goal: list[tuple[str, Line]] = []
    for n, at in enumerate(amounts):
        before = run[start:at]
        if len(before) > 2 or (len(before) == 2 and not _is_unit(before[0].text)
                               and not is_amount(before[1].text)):
            _between_rows(before[:-1], columns, out, state)
            before = before[-1:]
        roles = [("project", c) for c in before]
        if len(before) == 2 and not is_amount(before[1].text):
            roles[0] = ("unit", before[0])
        elif before and _is_unit(before[0].text) and n < len(amounts) - 1:
            roles[0] = ("unit", before[0])  # a unit's summary row: code and name, then its amount
        roles.append(("amount", run[at]))
        if n < len(amounts) - 1:
            out.lines.append(_placed(roles, columns))
        else:
            goal = roles + [("annual", c) for c in run[at + 1:]]
            state.annual = strip_markup("".join(c.text for c in run[at + 1:]))
        start = at + 1
    return goal


def _is_unit(text: str) -> bool:
    key = unit_name_of(text).replace(" ", "")
    return unit_name_of(text) != text.strip() or bool(ORG_RE.search(key))


def _between_rows(run: list[Line], columns: dict[str, int], out: Rebuilt, state: _Open) -> None:
    """Text between rows continues cells of the rows above, in column order. It is placed only where the
    text itself shows which cell it ends: it closes a bracket the last 三级指标 left open, or it finishes
    (。) the annual goal the goal's row left unfinished — then a cell before it continues the project name,
    the column before the annual goal; or it is the short rest of a unit cut at its slash (人/ 次). Anything
    else is reported."""
    roles: list[str | None] = [None] * len(run)
    for i, cell in enumerate(run):
        if not any(roles[i + 1:]) and (role := _continues_indicator(cell, state)) is not None:
            roles[i] = role
            if role == "name":
                state.name += cell.text
            else:
                state.unit += cell.text
        elif state.annual and not _FINISHED.search(state.annual) and _FINISHED.search(strip_markup(cell.text)) \
                and all(r is None for r in roles[i:]):
            roles[i] = "annual"
            state.annual += cell.text
            if i == 1 and roles[0] is None:
                roles[0] = "project"
    for role, cell in zip(roles, run, strict=True):
        if role is None:
            out.rejected.append((cell, REASON_LOST_COLUMN))
        else:
            out.lines.append(_placed([(role, cell)], columns))


def _continues_indicator(cell: Line, state: _Open) -> str | None:
    """The cell of the last indicator that `cell` completes: its 三级指标 (it closes a bracket the name left
    open) or its unit (the short rest of 人/ cut at its slash)."""
    if _opened(state.name) > 0 and any(ch in cell.text for ch in _CLOSE):
        return "name"
    if state.unit.endswith("/") and len(cell.key) <= 4:
        return "unit_of_measure"
    return None


def _opened(text: str) -> int:
    return sum(text.count(ch) for ch in _OPEN) - sum(text.count(ch) for ch in _CLOSE)


# ---------------------------------------------------------------------------------- combined grammar


def _combined_rows(cells: list[Line], targets: int, out: Rebuilt) -> None:
    rows = _combined_split(tuple(c.key for c in cells), targets)
    if rows is None:  # a cell left empty: any row boundary would be a guess
        out.rejected.extend((c, REASON_NO_SPLIT.format(targets=targets)) for c in cells)
        return
    for start, end in rows:
        out.lines.append(_row(cells[start:end]))


@lru_cache(maxsize=1024)
def _combined_split(keys: tuple[str, ...], targets: int) -> tuple[tuple[int, int], ...] | None:
    """The split of the cells into rows `[一级] [二级] (三级 target×N)` that covers them all, preferring
    at each row a level word read as a level over one read as a 三级指标."""
    n = len(keys)

    def level1(i: int) -> bool:
        return i < n and keys[i] in LEVEL1

    def level2(i: int, after: bool) -> bool:
        return i < n and _is_level2(keys[i], after)

    def is_level(i: int) -> bool:
        return level1(i) or level2(i, False)

    def options(i: int) -> list[int]:
        """Where a row starting at cell i may end, the preferred first."""
        out = []
        for l1 in ((1, 0) if level1(i) else (0,)):
            for l2 in ((1, 0) if level2(i + l1, bool(l1)) else (0,)):
                body = i + l1 + l2
                ends = []
                if body < n and not is_level(body):
                    ends.append(body + 1 + targets)  # a 三级指标 and its targets
                if l1 + l2:
                    ends.append(body)  # levels alone
                if body < n and is_level(body) and l2:
                    # a 三级指标 worded like a level (服务对象满意度): the parser reads one 二级 only
                    ends.append(body + 1 + targets)
                out += [e for e in ends if e <= n and not any(is_level(t) for t in range(body + 1, e))]
        return out

    # from the last cell back: where the first row from cell i ends in the first preferred split that covers
    # every cell after it
    row_end: list[int | None] = [None] * n + [n]
    for i in range(n - 1, -1, -1):
        row_end[i] = next((e for e in options(i) if row_end[e] is not None), None)
    rows = []
    i = 0
    while i < n:
        end = row_end[i]
        if end is None:
            return None
        rows.append((i, end))
        i = end
    return tuple(rows)
