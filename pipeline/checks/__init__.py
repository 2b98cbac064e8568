"""Accounting checks: every identity of the data model, run on every document.

One module per rule in `rules/`, each exposing `RULE` (a `base.Rule`): adding a module adds the check,
to the build, the published `checks` resource and the methodology page alike. Rules run in the order
of their module names, so the `checks` rows of a document come out in the same order every time.
"""

from __future__ import annotations

import importlib
import pkgutil
from decimal import Decimal

from ..headline import headline_figures
from ..ocr_guard import guard
from ..records import DocumentResult
from . import rules as _rules
from .base import Ledger, Rule


def _discover() -> list[Rule]:
    found = []
    for info in sorted(pkgutil.iter_modules(_rules.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{_rules.__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if not isinstance(rule, Rule):
            raise TypeError(f"{module.__name__} defines no RULE (a pipeline.checks.base.Rule)")
        found.append(rule)
    ids = [r.id for r in found]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate check ids: {sorted(ids)}")
    return found


RULES: list[Rule] = _discover()


def rule(rule_id: str) -> Rule:
    for r in RULES:
        if r.id == rule_id:
            return r
    raise KeyError(f"unknown check {rule_id!r}; known: {', '.join(r.id for r in RULES)}")


def run_checks(result: DocumentResult) -> None:
    """The check stage: pick the headline figures (the rules compare the narrative with the same ones),
    write a `Check` row for every rule and identity that applies, flag the amounts OCR may have misread
    (`ocr_guard`), and the share of confirmed facts."""
    ledger = Ledger(result)
    result.headline = headline_figures(result, ledger)
    for r in RULES:
        ledger.rule = r
        r.run(ledger)
    result.checks = ledger.checks
    guard(result, ledger.terms)  # amounts OCR may have misread: flagged, never changed
    doc = result.document
    doc.facts_confirmed = sum(id(f) in ledger.confirmed for f in result.facts)
    doc.facts_confirmed_share = (
        (Decimal(doc.facts_confirmed) / len(result.facts)).quantize(Decimal("0.0001")) if result.facts else None
    )
