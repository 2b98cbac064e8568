"""Write a document's records as CSV files, one per resource of the data model.

Deterministic: the same records give the same bytes (fixed column order, `\\n` line ends, decimals
as printed by `Decimal`, booleans as true/false).
"""

from __future__ import annotations

import csv
import io
from dataclasses import fields
from decimal import Decimal
from pathlib import Path

from . import __version__
from . import records as r
from .atomic import write_atomic

RESOURCES: dict[str, type] = {
    "documents": r.Document,
    "units": r.Unit,
    "budget_tables": r.BudgetTable,
    "budget_facts": r.BudgetFact,
    "projects": r.Project,
    "performance_goals": r.PerformanceGoal,
    "performance_indicators": r.PerformanceIndicator,
    "glossary": r.GlossaryTerm,
    "checks": r.Check,
    "unparsed_lines": r.UnparsedLine,
    "headline_figures": r.HeadlineFigure,
}


def rows_by_resource(result: r.DocumentResult) -> dict[str, list]:
    """The records of each resource as published: the one post-step between reading (and checking) a
    document and writing it anywhere (packages, database, site).

    It numbers `seq` of facts, projects and checks in the order they were read or run and of unparsed lines in line
    order (their primary keys with `doc_id`), and stamps `documents.pipeline_version`. Idempotent.
    """
    unparsed = sorted(result.unparsed, key=lambda u: (u.source_line, u.table_id or ""))
    for rows in (result.facts, result.projects, result.checks, unparsed):
        for n, row in enumerate(rows, start=1):
            row.seq = n
    result.document.pipeline_version = __version__
    return {
        "documents": [result.document],
        "units": result.units,
        "budget_tables": result.tables,
        "budget_facts": result.facts,
        "projects": result.projects,
        "performance_goals": result.goals,
        "performance_indicators": result.indicators,
        "glossary": result.glossary,
        "checks": result.checks,
        "unparsed_lines": unparsed,
        "headline_figures": result.headline,
    }


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def to_csv(cls: type, rows: list) -> str:
    names = [f.name for f in fields(cls)]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([cell(getattr(row, n)) for n in names])
    return buf.getvalue()


def write_document(result: r.DocumentResult, out_dir: Path) -> None:
    folder = out_dir / result.document.doc_id
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in rows_by_resource(result).items():
        write_if_changed(folder / f"{name}.csv", to_csv(RESOURCES[name], rows))


def write_if_changed(path: Path, text: str | bytes) -> None:
    """Write `text` (UTF-8) or bytes to `path` unless the file already holds exactly these bytes; through a
    temporary file and a rename (`atomic.write_atomic`), so the file is never seen half written."""
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return
    write_atomic(path, data)
