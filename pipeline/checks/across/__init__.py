"""Checks across documents: identities that hold between two or more disclosures (a department and its
units, this year's and last year's), run on every set of documents a build publishes.

One module per rule in `rules/`, each exposing `RULE` (an `AcrossRule`), discovered like the
document rules of `pipeline.checks.rules`. A rule reads the documents' published headline figures
(`pipeline.headline`) and writes `Check` rows for the document whose figure it checks, citing the other
documents' lines in its message.

These rows depend on several documents, so they live in the combined outputs (datapackages/all/, the
database, the site), after the document's own checks, never in one document's package: a document's
package changes only when that document changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence

from ...records import Check, DocumentResult
from . import rules as _rules
from .base import AcrossRule


def _discover() -> list[AcrossRule]:
    found = []
    for info in sorted(pkgutil.iter_modules(_rules.__path__), key=lambda m: m.name):
        rule = getattr(importlib.import_module(f"{_rules.__name__}.{info.name}"), "RULE", None)
        if not isinstance(rule, AcrossRule):
            raise TypeError(f"{_rules.__name__}.{info.name} defines no RULE (a pipeline.checks.across.AcrossRule)")
        found.append(rule)
    return found


RULES: list[AcrossRule] = _discover()


def run_across(results: Sequence[DocumentResult]) -> dict[str, list[Check]]:
    """doc_id → the checks across documents of that document, in rule order (deterministic: the results
    are taken in doc_id order)."""
    ordered = sorted(results, key=lambda r: r.document.doc_id)
    out: dict[str, list[Check]] = {}
    for rule in RULES:
        for check in rule.run(ordered):
            out.setdefault(check.doc_id, []).append(check)
    return out


