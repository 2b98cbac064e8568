"""Accounting checks: every identity of the data model, run on every document (one module per rule)."""

from __future__ import annotations

from ..records import DocumentResult


def run_checks(result: DocumentResult) -> None:
    """Append a `Check` row for every rule and table it applies to, and the confirmed-facts share."""
    result.checks = []
