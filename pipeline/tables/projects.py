"""The projects of a 项目支出表: its rows that are projects, not totals, units or classifications.

Templates print projects in many ways: under unit rows (深圳市信访局 | 社工服务项目 …), under function
classes (201 → 20113 → 2011302 → 钻石宝玉石产业发展专项, 上海), under a category (部门特定目标类项目 → 综合管理
→ 2026驻京经费, 长春), with a unit column (湖州), with the category beside the name (实施公车统管费用 |
其他运转类, 烟台), or each with its unit and function codes (四川); some 项目支出表 list economic classes
(302 商品和服务支出 → 30201 办公费, 广州), which are no projects at all.

What they share is arithmetic: a row that groups others prints the sum of the rows under it. So the
rows are read from the last up, each one either a project or the head of the rows right after it when
its amount is their sum; a head of one row only when it looks like one (its row is itself a head, it
prints a code its row lacks or a shorter one, or its label names a unit or a category), since two
projects may print the same amount. Where the table prints its total, the projects must add up to it:
a reading that does not is replaced by the one that takes only the rows that look like heads.
Rows printing an economic code are classes, never projects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..identities import is_total_item, sums_to, tolerance
from ..privacy import mask_optional, mask_personal_data
from ..records import Project
from ..text.layout import Cell
from ..vocabulary import ORG_RE, PROJECT_GROUP_RE

TRAILING_NOTE_RE = re.compile(r"[（(][^（()）]*[)）]$")
ROW_NUMBER_CELL_RE = re.compile(r"^\d{1,3}$")  # a 序号 printed in its own cell


@dataclass(frozen=True)
class ProjectRow:
    """One printed row of a 项目支出表, as the table reader emitted it."""

    labels: tuple[Cell, ...]
    function_code: str | None
    economic_code: str | None
    unit_code: str | None
    unit_name: str | None
    amount: Decimal | None  # the row's total column, in 万元
    printed: str | None
    line: int

    @property
    def label(self) -> str:
        return " ".join(c.text for c in self.labels if c.text)


def projects_of(doc_id: str, table_id: str, rows: list[ProjectRow], step: Decimal) -> list[Project]:
    totals = [r for r in rows if is_total_item(r.label)]
    body = [r for r in rows if not is_total_item(r.label) and r.economic_code is None]
    if len(body) < len(rows) - len(totals):
        return []  # a table by economic class: its rows are classes
    total = totals[0].amount if totals else None
    heads, parent = _heads(body, step, total)
    return [_project(doc_id, table_id, r, _inherited(body, parent, i), _unit_above(body, parent, i))
            for i, r in enumerate(body) if i not in heads]


def _inherited(rows: list[ProjectRow], parent: dict[int, int], i: int) -> str | None:
    """A project's function code: its own, or that of the nearest classification row it is printed under."""
    while rows[i].function_code is None and i in parent:
        i = parent[i]
    return rows[i].function_code


def _unit_above(rows: list[ProjectRow], parent: dict[int, int], i: int) -> str | None:
    """The nearest unit's row a project is printed under (深圳: 深圳技师学院 → 技工教育管理)."""
    while i in parent:
        i = parent[i]
        if _is_unit_row(rows[i]):
            return rows[i].label
    return None


def _is_unit(label: str) -> bool:
    # a unit's name may end with where it is or which part (…中心（深圳）, 深圳市信访局（本级）)
    return bool(ORG_RE.search(TRAILING_NOTE_RE.sub("", label)))


def _is_unit_row(row: ProjectRow) -> bool:
    """A row that is a unit's name alone (a project's name beside its unit is two cells)."""
    return len(row.labels) == 1 and _is_unit(row.label)


def _heads(rows: list[ProjectRow], step: Decimal, total: Decimal | None) -> tuple[set[int], dict[int, int]]:
    """The rows that group others, and the row each row is printed under."""
    values = [r.amount or Decimal(0) for r in rows]
    if total is not None and sums_to(total, values, step):
        return set(), {}  # every row is a project
    heads, parent = _by_arithmetic(rows, values, step)
    if total is None or sums_to(total, (v for i, v in enumerate(values) if i not in heads), step):
        return heads, parent
    looking = {i for i, r in enumerate(rows) if _looks_like_head(r, rows[i + 1] if i + 1 < len(rows) else None)}
    if sums_to(total, (v for i, v in enumerate(values) if i not in looking), step):
        return looking, {}
    return heads, parent  # the document's own arithmetic is broken: the best reading still


def _by_arithmetic(rows: list[ProjectRow], values: list[Decimal],
                   step: Decimal) -> tuple[set[int], dict[int, int]]:
    """Rows from the last up; `after` holds the top-level rows below the current one, nearest first."""
    heads: set[int] = set()
    parent: dict[int, int] = {}
    after: list[int] = []  # indexes; a head stands for the rows it groups
    for i in range(len(rows) - 1, -1, -1):
        running, terms = Decimal(0), 0
        taken = 0
        for k, j in enumerate(after):
            running += values[j]
            terms += bool(values[j])
            if values[i] and terms and abs(values[i] - running) <= tolerance(step, terms):  # as sums_to
                if k > 0 or j in heads or _looks_like_head(rows[i], rows[j]):
                    taken = k + 1
                break  # the nearest sum: a head never reaches past the rows it adds up to
            if running > values[i] + step * (k + 1):
                break
        if taken:
            heads.add(i)
            parent.update((j, i) for j in after[:taken])
            del after[:taken]
        after.insert(0, i)
    return heads, parent


def _looks_like_head(row: ProjectRow, child: ProjectRow | None) -> bool:
    if PROJECT_GROUP_RE.search(row.label) or _is_unit_row(row):
        return True
    if row.function_code and child is not None:
        return not child.function_code or (len(row.function_code) < len(child.function_code)
                                           and child.function_code.startswith(row.function_code))
    return False


def _project(doc_id: str, table_id: str, row: ProjectRow, function_code: str | None,
             unit_above: str | None) -> Project:
    name, unit_beside = _name(row)
    unit_name = row.unit_name or unit_beside or unit_above
    return Project(doc_id=doc_id, table_id=table_id, unit_code=row.unit_code, unit_name=mask_optional(unit_name),
                   function_code=function_code, name=mask_personal_data(name), amount=row.amount,
                   printed=row.printed, source_line=row.line)


def _name(row: ProjectRow) -> tuple[str, str | None]:
    """The project's name: its label without the cells printed beside it in their own columns, a 序号
    before it, a category or a unit after it (实施公车统管费用 | 其他运转类, 2026驻京经费 | 长春市信访局); and
    the unit, where one is printed beside it."""
    cells = [c.text for c in row.labels if c.text]
    unit = None
    if len(cells) > 1 and ROW_NUMBER_CELL_RE.match(cells[0]):
        cells = cells[1:]
    while len(cells) > 1 and (PROJECT_GROUP_RE.search(cells[-1]) or _is_unit(cells[-1])):
        if not PROJECT_GROUP_RE.search(cells[-1]):
            unit = cells[-1]
        cells = cells[:-1]
    return " ".join(cells), unit
