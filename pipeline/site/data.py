"""The site's view of the database: the base tables of build/yusuan.db, read with plain sqlite3.

Only the resources of the data model are read (never views), and only the columns of
`pipeline/records.py`, so the site works with any database that has those tables. Values are normalised
on the way in: amounts become `Decimal` (SQLite may store them as REAL or TEXT), booleans `bool`.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..errors import PipelineError
from ..text.lines import match_key

# resource → the columns the site reads as Decimal
DECIMAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("facts_confirmed_share",),
    "budget_facts": ("amount", "ocr_confidence"),
    "projects": ("amount",),
    "performance_goals": ("amount",),
    "performance_indicators": ("target_value", "weight"),
    "checks": ("expected", "actual", "difference"),
    "headline_figures": ("amount", "ocr_confidence"),
}
BOOLEAN_COLUMNS: dict[str, tuple[str, ...]] = {"checks": ("passed",), "budget_facts": ("ocr_uncertain",)}
INTEGER_COLUMNS = ("row", "seq", "fact_seq", "source_line", "source_page", "line_start", "line_end", "fiscal_year",
                   "tables_found", "tables_missing", "facts_confirmed")
# resource → the columns that order its rows within a document (the order they were printed in)
ORDER: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "units": (),
    "budget_tables": ("table_id",),
    "budget_facts": ("table_id", "row"),
    "projects": ("source_line",),
    "performance_goals": ("source_line",),
    "performance_indicators": ("goal_id", "seq"),
    "glossary": ("seq",),
    "checks": (),
    "unparsed_lines": ("source_line",),
    "headline_figures": (),  # in the order of headline.MEASURES, as written
}
RESOURCES = tuple(ORDER)


def to_decimal(value: object) -> Decimal | None:
    """An amount as stored (REAL, INTEGER or TEXT) as an exact Decimal; floats by their shortest repr."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        return None


def to_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "t", "yes"}
    return bool(value)


def key(text: str | None) -> str:
    """The matching key of a printed label: NFKC, without any whitespace (text.lines.match_key)."""
    return match_key(text or "")


@dataclass
class SiteData:
    """Every row of every resource, as dicts, and the same rows grouped by document."""

    database: Path
    rows: dict[str, list[dict]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def of(self, resource: str, doc_id: str) -> list[dict]:
        return self._by_doc.get(resource, {}).get(doc_id, [])

    @property
    def documents(self) -> list[dict]:
        return self.rows["documents"]

    def __post_init__(self) -> None:
        self._by_doc: dict[str, dict[str, list[dict]]] = {}

    def index(self) -> None:
        for resource, rows in self.rows.items():
            grouped: dict[str, list[dict]] = defaultdict(list)
            for row in rows:
                grouped[row.get("doc_id")].append(row)
            self._by_doc[resource] = dict(grouped)


def load(database: Path) -> SiteData:
    """Read the base tables; a missing database or table is a `PipelineError` naming what is missing."""
    if not database.is_file():
        raise PipelineError(str(database), None, "no database: run `yusuan build` first (it writes the database)")
    data = SiteData(database)
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        tables = {r[0] for r in con.execute("select name from sqlite_master where type = 'table'")}
        missing = [t for t in RESOURCES if t not in tables]
        if missing:
            raise PipelineError(str(database), None, f"tables missing from the database: {', '.join(missing)}")
        for resource in RESOURCES:
            rows = [dict(r) for r in con.execute(f"select * from [{resource}] order by rowid")]
            for row in rows:
                for name in INTEGER_COLUMNS:
                    if isinstance(row.get(name), str | float):
                        row[name] = _to_int(row[name])
                for name in DECIMAL_COLUMNS.get(resource, ()):
                    if name in row:
                        row[name] = to_decimal(row[name])
                for name in BOOLEAN_COLUMNS.get(resource, ()):
                    if name in row:
                        row[name] = to_bool(row[name])
            order = ("doc_id", *ORDER[resource])
            rows.sort(key=lambda r: tuple(_sortable(r.get(c)) for c in order))  # stable: rowid breaks ties
            data.rows[resource] = rows
            data.counts[resource] = len(rows)
    finally:
        con.close()
    data.index()
    return data


def _to_int(value: str | float) -> int | None:
    number = to_decimal(value)
    return int(number) if number is not None and number.is_finite() else None


def _sortable(value: object) -> tuple[int, object]:
    return (0, "") if value is None else (1, value) if isinstance(value, int) else (2, str(value))
