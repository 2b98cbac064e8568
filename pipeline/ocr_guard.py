"""Arithmetic guards OCR: the amounts OCR may have misread are flagged, never corrected.

An amount read by OCR (its `ocr_confidence` set) is `ocr_uncertain` when the engine was less sure of its
cell than `LOW_CONFIDENCE`, or when it takes part in a check that fails. A failing check says, in its
message, which one digit of which amount would make it hold, where that is unambiguous: every amount of
the check read with low confidence is tried with each of its digits changed to each other digit, and a
change counts when it makes every check that amount takes part in hold (not only this one). Where exactly
one change, of one amount, counts, the message ends with it ("if 1,234.56 were 1,284.56 …"); where none or
several do, nothing is said. The published amount stays the one printed.

Run by the check stage (`checks.run_checks`) after the rules, from what each check compared
(`checks.base.Terms`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from .amounts import parse_amount
from .records import BudgetFact, DocumentResult
from .vocabulary import WAN_PER_UNIT

# Below this the engine's own confidence marks a cell as doubtful. Measured (benchmarks/ocr_confidence.py
# --sample 14 --pages 2: 28 table pages of 14 text-layer disclosures of 11 cities rendered and read by OCR,
# 470 amounts): every amount read right scored at least 0.905 (5 % under 0.940), and tests/scanned/'s real
# scan at least 0.925; 0.93 would flag 2 % of the right reads, 0.95 7.5 %, 0.9 none. No digit was misread
# there, so what a misread scores is not measured: the arithmetic is the guard for those (an amount in a
# failing check is doubtful whatever its confidence), the threshold only adds what the engine doubts.
LOW_CONFIDENCE = Decimal("0.9")
DIGITS = "0123456789"


def guard(result: DocumentResult, terms: list) -> None:
    """Set `ocr_uncertain` on every fact read by OCR and add the one-digit hint to the failing checks
    (`terms`: the `checks.base.Terms` of every check of the document)."""
    by_fact: dict[int, list] = defaultdict(list)
    for t in terms:
        for fact in _compared(t):
            by_fact[id(fact)].append(t)
    in_failing = {id(f) for t in terms if not t.check.passed for f in t.involved}
    ocr = [f for f in result.facts if f.ocr_confidence is not None]
    for fact in ocr:
        fact.ocr_uncertain = fact.ocr_confidence < LOW_CONFIDENCE or id(fact) in in_failing
    if not ocr:
        return
    units = {t.table_id: t.amount_unit for t in result.tables}
    for t in terms:
        if t.check.passed:
            continue
        candidates = [(fact, printed) for fact in _compared(t)
                      if fact.ocr_confidence is not None and fact.ocr_confidence < LOW_CONFIDENCE
                      for printed, amount in one_digit_changes(fact, units.get(fact.table_id))
                      if all(other.holds(fact, amount) for other in by_fact[id(fact)])]
        if len(candidates) == 1:
            fact, printed = candidates[0]
            t.check.message += (f"; if {fact.printed} (line {fact.source_line}, read by OCR with confidence "
                                f"{fact.ocr_confidence}) were {printed}, every check it takes part in would hold "
                                "(published as read)")


def _compared(terms) -> list[BudgetFact]:
    """The facts a check sums or compares (once each, in order)."""
    out: dict[int, BudgetFact] = {}
    for x in (terms.actual, *terms.parts):
        if isinstance(x, BudgetFact):
            out.setdefault(id(x), x)
    return list(out.values())


def one_digit_changes(fact: BudgetFact, unit: str | None) -> Iterator[tuple[str, Decimal]]:
    """Every number that `fact.printed` would be with one digit another (no new leading zero), with its
    amount in 万元."""
    printed = fact.printed
    value = parse_amount(printed)
    if value is None:
        return
    per_unit = WAN_PER_UNIT.get(unit or "万元", Decimal(1))
    first = next(i for i, c in enumerate(printed) if c in DIGITS)
    for i, c in enumerate(printed):
        if c not in DIGITS:
            continue
        for d in DIGITS:
            if d == c or (d == "0" and i == first and len(printed) > i + 1 and printed[i + 1] in DIGITS + ","):
                continue
            changed = printed[:i] + d + printed[i + 1:]
            new = parse_amount(changed)
            if new is not None:
                yield changed, fact.amount + (new - value) * per_unit
