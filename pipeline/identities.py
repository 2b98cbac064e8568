"""The accounting identities a budget table satisfies, shared by number placement and by the checks.

Every identity is `total = sum of parts`, compared within the document's rounding: each summed term may
be off by one unit of the last printed decimal (0.01 万元 for two decimals, 1 万元 for whole numbers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .text.lines import match_key
from .vocabulary import CARRY_OVER_ITEM_RE, LEVEL1_ITEM_RE, NUMBERED_YEAR_TOTAL_RE, TOTAL_ITEM_RE

ZERO = Decimal(0)


def is_total_item(item: str | None) -> bool:
    """Is a row label the table's total (合 计 too: matched on the whitespace-free key)?"""
    return bool(TOTAL_ITEM_RE.match(match_key(item or "")))


def year_heading(keys: Sequence[str]) -> tuple[int | None, list[int]]:
    """Of one side of a two-sided summary (its row labels as match keys): the numbered item that is the
    year's total (一、本年支出) and the items numbered afresh under it, from the 一、 right after it up to the
    first carry-over (二、年终结转结余): they add up to it, and it, not they, is an item of the 总计.
    (None, []) where the year's total is no numbered item; (heading, []) where nothing is numbered under it
    (一、本年收入, （一）…, 二、上年结转)."""
    numbered = [i for i, k in enumerate(keys) if LEVEL1_ITEM_RE.match(k)]
    heading = next((i for i in numbered if NUMBERED_YEAR_TOTAL_RE.match(keys[i])), None)
    if heading is None:
        return None, []
    below = [i for i in numbered if i > heading]
    under: list[int] = []
    if below and keys[below[0]].startswith("一、"):
        for i in below:
            if CARRY_OVER_ITEM_RE.search(keys[i]) or is_total_item(keys[i]):
                break
            under.append(i)
    return heading, under


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
