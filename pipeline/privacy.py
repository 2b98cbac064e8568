"""Personal data in published text is masked where a record is created.

A disclosure sometimes prints a person's mobile number, resident ID number or e-mail address (a contact in
a glossary, a project manager in an indicator). The facts travel one way, so every text field is masked
once, when the reader creates its record, and nothing downstream sees the original:

- mobile number (11 digits from 13…, bare or 138-1234-5678, optionally +86): the first 3 and the last 4
  digits are kept, ``138****5678``;
- resident ID number (17 digits and a check digit or X): the region code (first 6) and the last 4 are
  kept, the date of birth hidden, ``110101********123X``;
- e-mail address: the first character of the name and the domain are kept, ``z***@example.com``.

Office numbers with an area code (0755-12345678, 028-86601234) are the contacts public bodies print for
the public, not personal data: they stay. A digit run that is part of a longer number or an amount
(13812345678.00, 1,381,234,567) is not a phone number.
"""

from __future__ import annotations

import re

# not inside a longer number or an amount: no digit, or separator then digit, on either side
_BEFORE = r"(?<![\d.,])"  # the full-width ， separates clauses, never thousands
_AFTER = r"(?!\d|[.,]\d)"
MOBILE_RE = re.compile(_BEFORE + r"((?:(?:\+|00)86[- ]?)?1[3-9]\d)(-?)(\d{4})\2(\d{4})" + _AFTER, re.ASCII)
ID_NUMBER_RE = re.compile(_BEFORE + r"(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx]|[.,]\d)", re.ASCII)
EMAIL_RE = re.compile(r"(?<![\w.+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})",
                      re.ASCII)
_ANY_RE = re.compile(r"\d{11}|\d{3}-\d{4}-\d{4}|@")  # cheap test: most text has none of these


def mask_personal_data(text: str) -> str:
    """The text with mobile numbers, ID numbers and e-mail addresses masked (see the module's docstring)."""
    if not text or not _ANY_RE.search(text):
        return text
    text = ID_NUMBER_RE.sub(lambda m: f"{m[1]}********{m[2]}", text)
    text = MOBILE_RE.sub(lambda m: f"{m[1]}{m[2]}****{m[2]}{m[4]}", text)
    return EMAIL_RE.sub(lambda m: f"{m[1]}***@{m[2]}", text)


def contains_personal_data(text: str) -> bool:
    """Whether `mask_personal_data` would change the text (one pass: a long text is tested once, not
    piece by piece)."""
    return bool(text) and any(p.search(text) for p in (ID_NUMBER_RE, MOBILE_RE, EMAIL_RE))


def personal_number(token: str) -> str | None:
    """What personal number a whole token is ("a mobile phone number", "an ID card number"), or None: an
    amount column uses it to report such a cell instead of reading it as money."""
    if ID_NUMBER_RE.fullmatch(token):
        return "an ID card number"
    if MOBILE_RE.fullmatch(token):
        return "a mobile phone number"
    return None


def mask_optional(text: str | None) -> str | None:
    """`mask_personal_data` for a field that may be empty."""
    return mask_personal_data(text) if text else text
