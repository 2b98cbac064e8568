"""What every check needs: the rule record, a ledger of one document's facts, and the comparison.

A rule is a plain function `run(ledger) -> None` that calls `ledger.compare(...)` once per identity it
tests; the ledger (the document's facts as `lookup.Facts` finds them, and the checks written so far)
turns each comparison into a `Check` row (expected, actual, difference, tolerance of the document's
rounding) and remembers which facts a passing check confirmed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..amounts import decimals_of
from ..identities import step_of, tolerance
from ..lookup import Facts, first, key
from ..records import BudgetFact, Check, DocumentResult
from ..vocabulary import WAN_PER_UNIT

ZERO = Decimal(0)
WAN_PER_YUAN = Decimal("0.0001")

__all__ = ["WAN_PER_YUAN", "ZERO", "Ledger", "Rule", "first", "fmt", "key", "where"]


@dataclass(frozen=True)
class Rule:
    """A registered check. `identity` says in words what must hold; it is printed on the methodology page."""

    id: str  # stable kebab-case, named after the failure it detects
    title: str
    identity: str
    severity: str  # error: the arithmetic of the tables | warning: figures restated elsewhere
    kinds: tuple[str, ...]  # the table kinds it reads ("narrative" for the 情况说明)
    run: Callable[[Ledger], None]


class Ledger(Facts):
    """One document's facts, indexed the ways the rules look them up, and the checks written so far."""

    def __init__(self, result: DocumentResult):
        super().__init__(result)
        self.checks: list[Check] = []
        self.confirmed: set[int] = set()  # id() of facts in at least one passing check
        self.rule: Rule | None = None
        self.terms: list[Terms] = []  # what each check compared (pipeline/ocr_guard.py reads them again)

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
        cites_actual = isinstance(actual, BudgetFact) and (line, file) == (actual.source_line, actual.source_file)
        check = Check(
            doc_id=self.doc_id, check=self.rule.id, table_id=table_id, passed=passed,
            severity=self.rule.severity, expected=expected, actual=actual_value, difference=difference,
            source_line=line, source_file=file, source_bbox=actual.source_bbox if cites_actual else None,
            message=f"{what}: printed {fmt(actual_value)}, expected {'at least ' if at_least else ''}{fmt(expected)}, "
                    f"difference {fmt(difference)}"
                    f" (tolerance {fmt(tolerance(step, len(parts)))})",
        )
        self.checks.append(check)
        self.terms.append(Terms(check, actual, tuple(parts), tuple(involved), tolerance(step, len(parts)), at_least))
        if equal:
            self.confirmed.update(id(f) for f in involved)
        return check


@dataclass(frozen=True)
class Terms:
    """What one check compared: `actual` against the sum of `parts`, within `limit`."""

    check: Check
    actual: BudgetFact | Decimal
    parts: tuple[BudgetFact | Decimal, ...]
    involved: tuple[BudgetFact, ...]  # the facts it reads (the compared ones and any it cites besides)
    limit: Decimal
    at_least: bool

    def holds(self, changed: BudgetFact | None = None, amount: Decimal = ZERO) -> bool:
        """Whether the identity holds, with `changed` read as `amount` instead of its own."""
        def value(x: BudgetFact | Decimal) -> Decimal:
            if isinstance(x, BudgetFact):
                return amount if x is changed else x.amount
            return x
        difference = value(self.actual) - sum((value(p) for p in self.parts), ZERO)
        return abs(difference) <= self.limit or (self.at_least and difference > 0)


def fmt(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def where(ledger: Ledger, table_id: str, line: int | None = None) -> str:
    t = ledger.tables[table_id]
    name = f"{t.number or table_id} {t.title}".strip()
    return f"{name} line {line}" if line else name
