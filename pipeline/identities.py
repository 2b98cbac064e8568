"""The accounting identities a budget table satisfies, shared by number placement and by the checks.

Every identity is `total = sum of parts`, compared within the document's rounding: each summed term may
be off by one unit of the last printed decimal (0.01 万元 for two decimals, 1 万元 for whole numbers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .text.lines import match_key
from .vocabulary import TOTAL_ITEM_RE

ZERO = Decimal(0)


def is_total_item(item: str | None) -> bool:
    """Is a row label the table's total (合 计 too: matched on the whitespace-free key)?"""
    return bool(TOTAL_ITEM_RE.match(match_key(item or "")))


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
