"""Numbers as printed → exact decimals in 万元.

A printed amount keeps its text (`printed`); the amount is a Decimal, never a float. Amounts printed in 元
are converted exactly (96,282,213.44 元 → 9628.221344 万元).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

# 1,234.56 | 1234.56 | -8.7 | 0 | 12 ; thousands separators must be well formed.
AMOUNT_RE = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")

TEN_THOUSAND = Decimal(10000)


@lru_cache(maxsize=65536)  # called for every token, often for the same one (0.00, a row re-read)
def is_amount(token: str) -> bool:
    return bool(AMOUNT_RE.match(token.strip()))


@lru_cache(maxsize=65536)  # pure, and the Decimal it returns is immutable
def parse_amount(token: str) -> Decimal | None:
    """The printed number as a Decimal (in the unit it was printed in), or None if it is not one."""
    t = token.strip()
    if not AMOUNT_RE.match(t):
        return None
    return Decimal(t.replace(",", "").replace("−", "-"))


def to_wan(value: Decimal, unit: str | None) -> Decimal:
    """Convert an amount printed in `unit` (元 or 万元) to 万元, exactly."""
    if unit == "元":
        return _plain(value / TEN_THOUSAND)
    return value


def _plain(d: Decimal) -> Decimal:
    """Drop trailing zeros created by division without switching to exponent notation."""
    d = d.normalize()
    return d.quantize(Decimal(1)) if d == d.to_integral() else d


def decimals_of(printed: str) -> int:
    t = printed.strip()
    return len(t.split(".", 1)[1]) if "." in t else 0
