"""Numbers as printed → exact decimals in 万元.

A printed amount keeps its text (`printed`); the amount is a Decimal, never a float. Amounts printed in 元
or 千元 are converted exactly (96,282,213.44 元 → 9628.221344 万元, 1,234.5 千元 → 123.45 万元).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from .privacy import personal_number
from .vocabulary import WAN_PER_UNIT

# 1,234.56 | 1234.56 | -8.7 | 0 | 12 ; thousands separators must be well formed; digits 0-9 only. Some
# templates separate the last three digits only (120258,600 元: an Excel format): the same number.
AMOUNT_RE = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d{4,},\d{3}|\d+)(?:\.\d+)?$", re.ASCII)
# What a reader could take for a number (Unicode digits, separators, an exponent): when it is no amount,
# it is reported with the reason, never read as a label or dropped.
NUMERIC_RE = re.compile(r"^[-−+]?[\d.,，]*\d[\d.,，]*(?:[eE][-+]?\d+)?$")
# No budget prints more: 10^15 元 is a thousand times the national budget.
MAX_INTEGER_DIGITS = 15


@lru_cache(maxsize=65536)  # called for every token, often for the same one (0.00, a row re-read)
def is_amount(token: str) -> bool:
    t = token.strip()
    return bool(AMOUNT_RE.match(t)) and amount_problem(t) is None


@lru_cache(maxsize=65536)
def amount_problem(token: str) -> str | None:
    """Why a token that looks like a number is not an amount ("exponent notation", "looks like a mobile
    phone number"); None for an amount, and for text that does not look like a number (a label)."""
    t = token.strip()
    # personal data, not money, printed as bare digits (an amount of that size in 元 prints decimals or
    # separators; a phone written 138-1234-5678 is text, masked where it is published)
    if t[:-1].isascii() and t[:-1].isdigit() and (kind := personal_number(t)):
        return f"looks like {kind}"
    if AMOUNT_RE.match(t):
        digits = len(t.lstrip("-−").split(".")[0].replace(",", ""))
        if digits > MAX_INTEGER_DIGITS:
            return f"{digits} digits before the decimal point: larger than any budget prints"
        return None
    if not NUMERIC_RE.match(t):
        return None
    if "，" in t:
        return "a full-width comma inside the number"
    if not t.isascii():
        return "digits other than 0-9 (full-width or another script)"
    if "e" in t or "E" in t:
        return "exponent notation"
    if t.count(".") > 1:
        return "more than one decimal point"
    if "," in t:
        return "thousands separators out of place"
    return None  # 1. (an ordinal), +5: text, as before


def not_an_amount(token: str) -> str | None:
    """The unparsed-line reason for a number-like token that is no amount: "1e30: not an amount (exponent
    notation)"; None otherwise."""
    problem = amount_problem(token)
    return f"{token.strip()}: not an amount ({problem})" if problem else None


@lru_cache(maxsize=65536)  # pure, and the Decimal it returns is immutable
def parse_amount(token: str) -> Decimal | None:
    """The printed number as a Decimal (in the unit it was printed in), or None if it is not one."""
    t = token.strip()
    if not is_amount(t):
        return None
    return Decimal(t.replace(",", "").replace("−", "-"))


def to_wan(value: Decimal, unit: str | None) -> Decimal:
    """Convert an amount printed in `unit` (元, 千元 or 万元; None: 万元) to 万元, exactly."""
    if unit in (None, "万元"):
        return value
    return _plain(value * WAN_PER_UNIT[unit])


def _plain(d: Decimal) -> Decimal:
    """Drop trailing zeros created by division without switching to exponent notation."""
    d = d.normalize()
    return d.quantize(Decimal(1)) if d == d.to_integral() else d


def decimals_of(printed: str) -> int:
    t = printed.strip()
    return len(t.split(".", 1)[1]) if "." in t else 0
