"""What every rule across documents needs: the rule record and the comparison of a figure printed in one
document with figures printed in others."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ...amounts import decimals_of, parse_amount
from ...identities import step_of, tolerance
from ...records import Check, DocumentResult, HeadlineFigure
from ..base import fmt

NUMBER_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class AcrossRule:
    id: str
    title: str
    identity: str
    severity: str
    run: Callable[[Sequence[DocumentResult]], list[Check]]
    kinds: tuple[str, ...] = ("documents",)  # for the methodology page: what it reads


def step_of_figure(figure: HeadlineFigure) -> Decimal:
    """One unit of the figure's last printed decimal, in 万元: a figure printed in 元 (its amount is a
    ten-thousandth of the number printed) is that much finer."""
    digits = NUMBER_RE.search(figure.printed)
    step = step_of(decimals_of(digits.group(0))) if digits else Decimal("0.01")
    printed = parse_amount(digits.group(0)) if digits else None
    return step * (figure.amount / printed) if printed else step


def compare(rule: AcrossRule, figure: HeadlineFigure, parts: Sequence[HeadlineFigure], what: str) -> Check:
    """`figure` (printed in one document) against the sum of `parts` (printed in others)."""
    expected = sum((p.amount for p in parts), Decimal(0))
    step = max(step_of_figure(f) for f in (figure, *parts))
    limit = tolerance(step, len(parts))
    difference = figure.amount - expected
    return Check(
        doc_id=figure.doc_id, check=rule.id, table_id=figure.table_id, passed=abs(difference) <= limit,
        severity=rule.severity, expected=expected, actual=figure.amount, difference=difference,
        source_line=figure.source_line, source_file=figure.source_file, source_page=figure.source_page,
        source_bbox=figure.source_bbox,
        message=f"{what}: printed {fmt(figure.amount)}, expected {fmt(expected)}, difference {fmt(difference)}"
                f" (tolerance {fmt(limit)})",
    )


def where(figure: HeadlineFigure) -> str:
    """A figure's place, for the message: document, table and line."""
    table = f" {figure.table_id}" if figure.table_id else " 情况说明"
    return f"{figure.doc_id}{table} line {figure.source_line}"
