"""What every check needs: the rule record, a ledger of one document's facts, and the comparison.

A rule is a plain function `run(ledger) -> None` that calls `ledger.compare(...)` once per identity it
tests; the ledger turns each comparison into a `Check` row (expected, actual, difference, tolerance of
the document's rounding) and remembers which facts a passing check confirmed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..amounts import decimals_of
from ..identities import is_total_item, step_of, tolerance
from ..records import BudgetFact, BudgetTable, Check, DocumentResult
from ..text.lines import match_key
from ..vocabulary import ORG_RE, TOTAL_COLUMN_RE, WAN_PER_UNIT

ZERO = Decimal(0)
WAN_PER_YUAN = Decimal("0.0001")
CARRIED_OVER_RE = re.compile(r"上年结转|结转结余|上年结余")



@dataclass(frozen=True)
class Rule:
    """A registered check. `identity` says in words what must hold; it is printed on the methodology page."""

    id: str  # stable kebab-case, named after the failure it detects
    title: str
    identity: str
    severity: str  # error: the arithmetic of the tables | warning: figures restated elsewhere
    kinds: tuple[str, ...]  # the table kinds it reads ("narrative" for the 情况说明)
    run: Callable[[Ledger], None]


def first(row: dict[str, BudgetFact]) -> BudgetFact:
    """A row's first fact: what the row's item, codes and line are read from."""
    return next(iter(row.values()))


def key(text: str | None) -> str:
    return match_key(text or "")


class Ledger:
    """One document's facts, indexed the ways the rules look them up, and the checks written so far."""

    def __init__(self, result: DocumentResult):
        self.result = result
        self.doc_id = result.document.doc_id
        self.tables: dict[str, BudgetTable] = {t.table_id: t for t in result.tables}
        self.facts: dict[str, list[BudgetFact]] = defaultdict(list)
        for f in result.facts:
            self.facts[f.table_id].append(f)
        self.checks: list[Check] = []
        self.confirmed: set[int] = set()  # id() of facts in at least one passing check
        self.rule: Rule | None = None

    # ------------------------------------------------------------------------------------ lookups
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

    def step(self, fact: BudgetFact) -> Decimal:
        """One unit of the last printed decimal of a fact, in 万元."""
        s = step_of(decimals_of(fact.printed))
        table = self.tables.get(fact.table_id)
        return s * WAN_PER_UNIT[table.amount_unit] if table is not None and table.amount_unit in WAN_PER_UNIT else s

    # --------------------------------------------------------------------------------- comparing
    def compare(self, table_id: str | None, actual: BudgetFact | Decimal | None,
                parts: Sequence[BudgetFact | Decimal], what: str, *, source_line: int | None = None,
                source_file: str | None = None, step: Decimal | None = None,
                facts: Iterable[BudgetFact] = (), at_least: bool = False) -> Check | None:
        """Write one check: `actual` (a printed total) against the sum of `parts`.

        Tolerance: one unit of the coarsest printed rounding per summed term (identities.tolerance).
        Nothing is written when the total is absent: the rule does not apply to what was not printed.
        The check cites `source_line` (of `source_file`) when given, else the line of `actual`.
        `at_least`: the identity is actual ≥ sum of parts (the parts are some of what the total holds); it
        passes above the sum too, but only equality confirms the facts.
        """
        if actual is None:
            return None
        assert self.rule is not None
        involved = [x for x in (actual, *parts) if isinstance(x, BudgetFact)] + list(facts)
        actual_value = actual.amount if isinstance(actual, BudgetFact) else actual
        expected = sum((p.amount if isinstance(p, BudgetFact) else p for p in parts), ZERO)
        if step is None:
            steps = [self.step(f) for f in involved] or [Decimal("0.01")]
            step = max(steps)
        difference = actual_value - expected
        equal = abs(difference) <= tolerance(step, len(parts))
        passed = equal or (at_least and difference > 0)
        line, file = (source_line, source_file) if source_line is not None else (
            (actual.source_line, actual.source_file) if isinstance(actual, BudgetFact) else (None, None))
        check = Check(
            doc_id=self.doc_id, check=self.rule.id, table_id=table_id, passed=passed,
            severity=self.rule.severity, expected=expected, actual=actual_value, difference=difference,
            source_line=line, source_file=file,
            message=f"{what}: printed {fmt(actual_value)}, expected {'at least ' if at_least else ''}{fmt(expected)}, "
                    f"difference {fmt(difference)}"
                    f" (tolerance {fmt(tolerance(step, len(parts)))})",
        )
        self.checks.append(check)
        if equal:
            self.confirmed.update(id(f) for f in involved)
        return check


def fmt(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def where(ledger: Ledger, table_id: str, line: int | None = None) -> str:
    t = ledger.tables[table_id]
    name = f"{t.number or table_id} {t.title}".strip()
    return f"{name} line {line}" if line else name
