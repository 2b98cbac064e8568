"""A document's printed figures, looked up the ways the checks and the headline figures need: the tables
of a kind, a table's rows in printed order, its total row, a row's column.

Read-only: nothing here computes an amount; every lookup answers with a printed fact (or None).
"""

from __future__ import annotations

import re
from collections import defaultdict

from .identities import is_total_item
from .records import BudgetFact, BudgetTable, DocumentResult
from .text.lines import match_key
from .vocabulary import GRAND_TOTAL_RE, ORG_RE, TOTAL_COLUMN_RE

CARRIED_OVER_RE = re.compile(r"上年结转|结转结余|上年结余")


def first(row: dict[str, BudgetFact]) -> BudgetFact:
    """A row's first fact: what the row's item, codes and line are read from."""
    return next(iter(row.values()))


def key(text: str | None) -> str:
    return match_key(text or "")


class Facts:
    """One document's facts, indexed by table."""

    def __init__(self, result: DocumentResult):
        self.result = result
        self.doc_id = result.document.doc_id
        self.tables: dict[str, BudgetTable] = {t.table_id: t for t in result.tables}
        self.facts: dict[str, list[BudgetFact]] = defaultdict(list)
        for f in result.facts:
            self.facts[f.table_id].append(f)

    def tables_of(self, *kinds: str) -> list[BudgetTable]:
        return [t for t in self.result.tables if t.kind in kinds and self.facts.get(t.table_id)]

    def first(self, *kinds: str) -> BudgetTable | None:
        found = self.tables_of(*kinds)
        return found[0] if found else None

    def rows(self, table_id: str, side: str | None = None) -> list[dict[str, BudgetFact]]:
        """The table's printed rows in order, each as {column_path: fact} (one side of a two-sided table)."""
        by_row: dict[int, dict[str, BudgetFact]] = {}
        for f in self.facts.get(table_id, []):
            if f.side == side or side is None:
                by_row.setdefault(f.row, {})[f.column_path] = f
        return [by_row[r] for r in sorted(by_row)]

    def total_row(self, table_id: str, side: str | None = None) -> dict[str, BudgetFact] | None:
        """The row that totals the table: its 合计/总计 row; else the row of the budget year in tables with
        a row per year (2021 年 | 2022 年 | 增减变化金额); else the only row; else a single unit's row printed
        first."""
        rows = self.rows(table_id, side)
        items = [key(first(r).item) for r in rows]
        for row, item in zip(rows, items, strict=True):
            if is_total_item(item):
                return row
        year = self.result.document.fiscal_year
        for row, item in zip(rows, items, strict=True):
            if year and item == f"{year}年":
                return row
        if len(rows) == 1:
            return rows[0]  # a table of one row (三公经费: 346.30 288.70 25.40 …) is its own total
        units = [r for r in rows if ORG_RE.search(key(first(r).item))
                 and not (first(r).function_code or first(r).economic_code)]
        if len(units) == 1 and rows and units[0] is rows[0]:
            return rows[0]
        return None

    def row_where(self, table_id: str, item: str | re.Pattern, side: str | None = None):
        """The first row (of one side) whose whitespace-free item matches `item` (searched)."""
        for row in self.rows(table_id, side):
            if re.search(item, key(first(row).item)):
                return row
        return None

    def figure(self, table_id: str, item: str | re.Pattern, side: str | None = None,
               column: str = r"合计|总计") -> BudgetFact | None:
        """The amount of the first row whose item matches: in its total column, else its first amount."""
        row = self.row_where(table_id, item, side)
        return (self.column(row, column) or first(row)) if row else None

    def grand_total(self, table_id: str, side: str) -> BudgetFact | None:
        """收入总计 / 支出总计 of a two-sided summary (side 收入 / 支出)."""
        return self.figure(table_id, GRAND_TOTAL_RE, side)

    def column(self, row: dict[str, BudgetFact] | None, pattern: str) -> BudgetFact | None:
        """The fact of `row` whose column's own label (last part of its path) matches `pattern`; a column
        that is a total (合计/总计) is preferred when several match."""
        if not row:
            return None
        hits = [f for path, f in row.items() if re.search(pattern, key(path.split("/")[-1]))]
        if not hits:  # a group's total: 公务用车购置及运行费/小计
            group = pattern.lstrip("^").rstrip("$")
            hits = [f for path, f in row.items() if "/" in path and re.search(group, key(path.rsplit("/", 1)[0]))
                    and TOTAL_COLUMN_RE.match(key(path.split("/")[-1]))]
        if not hits:
            return None
        year = self.result.document.fiscal_year  # a table printing two years: this year's column
        this_year = [f for f in hits if f.fiscal_year in (None, year)]
        if not this_year and any(f.fiscal_year in (None, year) for f in row.values()):
            return None  # this year's cell is blank: last year's figure is not this year's
        # this year's own money before money carried over from last year (当年预算 | 上年结转结余 blocks)
        return min(this_year or hits, key=lambda f: (CARRIED_OVER_RE.search(f.column_path) is not None,
                                                      f.column_path.count("/"), f.column_path))
