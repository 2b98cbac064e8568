"""The accounting identities a budget table satisfies, shared by number placement and by the checks.

Every identity is `total = sum of parts`, compared within the document's rounding: each summed term may
be off by one unit of the last printed decimal (0.01 万元 for two decimals, 1 万元 for whole numbers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Identity:
    """columns[total] = sum of columns[parts] (indexes into a table's amount columns)."""

    total: int
    parts: tuple[int, ...]

    @property
    def columns(self) -> tuple[int, ...]:
        return (self.total, *self.parts)


def step_of(decimals: int) -> Decimal:
    """One unit of the last printed decimal: 2 → 0.01, 0 → 1."""
    return Decimal(1).scaleb(-decimals)


def tolerance(step: Decimal, terms: int) -> Decimal:
    return step * max(1, terms)


def sums_to(total: Decimal | None, parts: Iterable[Decimal | None], step: Decimal) -> bool:
    """Does `total` equal the sum of `parts` within rounding (absent values count as zero)?"""
    values = [p for p in parts if p is not None and p != ZERO]
    expected = sum(values, ZERO)
    actual = total if total is not None else ZERO
    return abs(actual - expected) <= tolerance(step, len(values)) if values else abs(actual) <= step / 2


def holds(identity: Identity, row: Sequence[Decimal | None], step: Decimal) -> bool:
    return sums_to(row[identity.total], (row[p] for p in identity.parts), step)
