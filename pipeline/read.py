"""Read one disclosure file into a `DocumentResult`: the reading stage of the pipeline.

file → lines → parts and table regions → rows → facts, performance goals, glossary. Each step is a
function of the previous step's output; nothing reaches back.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from . import glossary, glossary_codes, metadata, narrative, performance, recognise
from .amounts import is_amount
from .departments import department_type
from .identities import is_total_item
from .records import BudgetFact, BudgetTable, Document, DocumentResult
from .tables.find import TableRegion, find_tables, unit_of
from .tables.kinds import KINDS
from .tables.read import TableResult, income_sources, read_table
from .text.decode import read_text
from .text.layout import one_row_per_line
from .text.lines import Line, match_key, split_lines

FUND_KINDS = {k.kind: k.fund for k in KINDS if k.fund in ("政府性基金预算", "国有资本经营预算")}


@dataclass
class Timings:
    stages: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, seconds: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + seconds


def read_document(path: Path, catalog_entry: dict | None = None, timings: Timings | None = None) -> DocumentResult:
    """Read one disclosure. Raises `UnreadableInput` when the file is not readable text."""
    timings = timings or Timings()
    t0 = time.perf_counter()
    text, sha256 = read_text(path)
    lines = split_lines(text)
    timings.add("decode", time.perf_counter() - t0)
    return read_lines(lines, path, sha256, catalog_entry or {}, timings)


def read_lines(lines: list[Line], path: Path, sha256: str, entry: dict, timings: Timings) -> DocumentResult:
    t0 = time.perf_counter()
    lines = one_row_per_line(lines)
    meta = metadata.read_metadata(lines)
    layout = find_tables(lines)
    doc = _document(path, sha256, entry, meta, unit_of(lines, 0, len(lines)) or "万元")
    doc_id, doc_unit = doc.doc_id, doc.amount_unit
    result = DocumentResult(document=doc)
    timings.add("find", time.perf_counter() - t0)

    t0 = time.perf_counter()
    sources: frozenset[str] | None = None
    absent = frozenset(FUND_KINDS[t.kind.kind] for t in layout.tables if t.kind.kind in FUND_KINDS and _is_empty(lines, t))
    settled_later: list[tuple[TableRegion, BudgetTable]] = []
    for n, region in enumerate(layout.tables, start=1):
        table_id = f"t{n:02d}"
        unit = unit_of(lines, region.start, region.end) or doc_unit
        table = BudgetTable(doc_id, table_id, region.kind.kind, region.number, region.title, "", unit,
                            lines[region.start].number, lines[region.end - 1].number)
        result.tables.append(table)
        if region.kind.settled_by:
            settled_later.append((region, table))  # read once the tables that can settle it are
            continue
        table.status, facts = _read_region(result, doc_id, table_id, lines, region, unit, absent, sources)
        if region.kind.kind == "income_expenditure_summary" and table.status == "parsed":
            sources = income_sources(facts)
    for region, table in settled_later:
        table.status = _read_with_known_totals(result, lines, region, table, absent)
    # in table order, as if read in order (sorts are stable)
    result.facts.sort(key=lambda f: f.table_id)
    result.unparsed.sort(key=lambda u: u.table_id or "")
    result.column_identities = dict(sorted(result.column_identities.items()))
    _add_missing(result, layout, lines)
    for fact in result.facts:
        fact.fiscal_year = fact_year(fact, doc.fiscal_year)
    timings.add("tables", time.perf_counter() - t0)

    t0 = time.perf_counter()
    span = glossary.find_glossary(lines)
    if span:
        terms, unparsed = glossary.parse_glossary(doc_id, lines[span[0]:span[1]])
        result.glossary.extend(terms)
        result.unparsed.extend(unparsed)
        glossary_codes.resolve_codes(result)
    timings.add("glossary", time.perf_counter() - t0)

    t0 = time.perf_counter()
    inside = [(r.start, r.end) for r in layout.tables] + ([span] if span else [])
    result.statements = narrative.read_statements(_outside(lines, inside))
    timings.add("narrative", time.perf_counter() - t0)

    if not count_tables(result):
        doc.status, doc.status_reason = recognise.without_tables(lines, meta, layout)
    dedupe_units(result)
    _mark_source(result, path.name)
    return result


def count_tables(result: DocumentResult) -> bool:
    """Set the document's tables_found / tables_missing and, where it has tables, its status (ok, or partial
    with the count of lines not read); whether any table was found."""
    doc = result.document
    found = [t for t in result.tables if t.status != "missing"]
    doc.tables_found = len(found)
    doc.tables_missing = len(result.tables) - len(found)
    if found:
        doc.status = "partial" if result.unparsed else "ok"
        doc.status_reason = f"{len(result.unparsed)} lines could not be read (see unparsed_lines)" \
            if result.unparsed else None
    return bool(found)


def _mark_source(result: DocumentResult, name: str) -> None:
    """Every record read from this file names it: a disclosure may be joined from several files
    (pipeline/join.py), and each record's source_line counts in its own file."""
    for records in (result.tables, result.facts, result.projects, result.goals, result.indicators,
                    result.glossary, result.unparsed, result.statements):
        for record in records:
            record.source_file = name


YEAR_RE = re.compile(r"((?:19|20)\d{2})年")
PREVIOUS_YEAR_RE = re.compile(r"上年|上一年")


def fact_year(fact: BudgetFact, year: int | None) -> int | None:
    """The year a printed number is for: the year its column (2025年预算数/合计) or its row (a row 2025 年 of
    a 三公 table by year) names, the year before for 上年 columns (上年预算数; not 上年结转, money carried
    into this year), else the document's year."""
    m = YEAR_RE.search(fact.column_path) or YEAR_RE.fullmatch(match_key(fact.item))
    if m:
        return int(m.group(1))
    if year and PREVIOUS_YEAR_RE.search(fact.column_path) and "结转" not in fact.column_path \
            and "结余" not in fact.column_path:
        return year - 1
    return year


def _document(path: Path, sha256: str, entry: dict, meta: dict, unit: str | None) -> Document:
    """The `documents` row: the catalog entry's values where it gives them, else what the text says."""
    publisher = entry.get("publisher") or meta.get("publisher")
    return Document(
        doc_id=entry.get("doc_id") or metadata.derive_doc_id(meta, sha256),
        title=entry.get("title") or meta.get("title"),
        publisher=publisher,
        supervisor=entry.get("supervisor") or meta.get("supervisor"),
        region=entry.get("region") or meta.get("region"),
        admin_level=entry.get("admin_level") or meta.get("admin_level"),
        fiscal_year=entry.get("fiscal_year") or meta.get("fiscal_year"),
        kind=entry.get("kind") or meta.get("kind"),
        amount_unit=unit,
        source_file=path.name,
        source_sha256=sha256,
        source_url=entry.get("source_url"),
        department_type=department_type(publisher) or department_type(meta.get("supervisor")),
    )


def unread_document(path: Path, sha256: str, entry: dict, status: str, reason: str) -> DocumentResult:
    """A document whose text cannot be read (a scan: ``no_text_layer``): its row, with the status and
    reason, and nothing else."""
    doc = _document(path, sha256, entry, {}, None)
    doc.status, doc.status_reason = status, reason
    return DocumentResult(document=doc)


def _read_region(result: DocumentResult, doc_id: str, table_id: str, lines: list[Line], region: TableRegion,
                 unit: str, absent: frozenset[str], sources: frozenset[str] | None) -> tuple[str, list]:
    if region.kind.shape == "performance":
        goals, indicators, unparsed = performance.parse_performance(
            doc_id, table_id, region.kind.kind, lines[region.start:region.end])
        result.goals.extend(goals)
        result.indicators.extend(indicators)
        result.unparsed.extend(unparsed)
        if goals:
            return "parsed", []
        return ("empty" if region.empty_note or not unparsed else "unparsed"), []
    table = read_table(doc_id, table_id, lines, region, unit, absent, sources)
    return _add_table(result, table_id, region, table), table.facts


def _add_table(result: DocumentResult, table_id: str, region: TableRegion, table: TableResult) -> str:
    """Add what was read of a budget table to the document; its status."""
    result.facts.extend(table.facts)
    result.column_identities[table_id] = table.identities
    result.projects.extend(table.projects)
    result.units.extend(table.units)
    result.unparsed.extend(table.unparsed)
    if region.empty_note or table.data_rows == 0:
        return "empty"
    return "parsed" if table.facts else "unparsed"


def _read_with_known_totals(result: DocumentResult, lines: list[Line], region: TableRegion, table: BudgetTable,
                            absent: frozenset[str]) -> str:
    """Read a table that other tables can settle, with the totals and items they print; they only narrow
    rows its own arithmetic leaves ambiguous. If rows stay unparsed it is read again without them, and the
    reading with fewer unparsed rows is kept (the one without, on a tie)."""
    by_kind = {t.kind: t for t in result.tables if t.status == "parsed"}
    known = {}
    for want in region.kind.settled_by:
        other = by_kind.get(want.kind)
        total = _table_total(result, other.table_id, want.code, want.label if want.column else None) \
            if other else None
        if total is not None:
            known[want.label] = total
    rows = {label: items for kind, label in region.kind.settled_by_rows
            if (items := _item_amounts(result, by_kind.get(kind))) is not None}
    doc_id = result.document.doc_id
    read = read_table(doc_id, table.table_id, lines, region, table.amount_unit, absent, None, known or None,
                      rows or None)
    if read.unparsed and (known or rows):
        alone = read_table(doc_id, table.table_id, lines, region, table.amount_unit, absent)
        if len(alone.unparsed) <= len(read.unparsed):
            read = alone
    return _add_table(result, table.table_id, region, read)


def _item_amounts(result: DocumentResult, table: BudgetTable | None) -> dict[str, frozenset[Decimal]] | None:
    """Each item's first amounts in a table read whole (no unparsed line: an item it does not print has
    none), by the item's match key; None for a table missing or read in part."""
    if table is None or any(u.table_id == table.table_id for u in result.unparsed):
        return None
    first: dict[int, BudgetFact] = {}
    for f in result.facts:
        if f.table_id == table.table_id and f.row not in first:
            first[f.row] = f
    items: dict[str, set[Decimal]] = {}
    for f in first.values():
        items.setdefault(match_key(f.item), set()).add(f.amount)
    return {k: frozenset(v) for k, v in items.items()}


def _table_total(result: DocumentResult, table_id: str, economic_code: str | None = None,
                 column: str | None = None):
    """The first amount of a table's 合计 row (printed first or last), or of its first row with that
    economic code, in 万元; with `column`, the total row's amount in the column of that title (None if the
    table has no such column)."""
    facts = [f for f in result.facts if f.table_id == table_id]
    if economic_code:
        facts = [f for f in facts if f.economic_code == economic_code]
    elif facts:
        facts = [f for f in facts if is_total_item(f.item)]
    if not facts:
        return None
    first_row = min(f.row for f in facts)
    row = [f for f in facts if f.row == first_row]
    if column is not None:
        row = [f for f in row if match_key(f.column_path.split("/")[0]) == column]
    return row[0].amount if row else None


def _outside(lines: list[Line], spans: list[tuple[int, int]]):
    """The lines outside the given [start, end) index ranges (the narrative, for a document's text)."""
    skip = sorted(spans)
    i = 0
    for start, end in skip:
        yield from lines[i:max(i, start)]
        i = max(i, end)
    yield from lines[i:]


def _is_empty(lines: list[Line], region: TableRegion) -> bool:
    """A fund's table that prints no non-zero amount (or says it has no data)."""
    if region.empty_note:
        return True
    for line in lines[region.title_line + 1:region.end]:
        for token in line.text.replace("\t", " ").split():
            if is_amount(token) and token.strip("0.,") != "":
                return False
    return True


def _add_missing(result: DocumentResult, layout, lines: list[Line]) -> None:
    found = {t.kind for t in result.tables}
    seen: set[str] = set()
    n = len(result.tables)
    for kind, number, title, index in layout.listed:
        if kind.kind in found or kind.kind in seen:
            continue
        seen.add(kind.kind)
        n += 1
        result.tables.append(BudgetTable(
            result.document.doc_id, f"t{n:02d}", kind.kind, number, title, "missing", None,
            lines[index].number, lines[index].number,
        ))


def dedupe_units(result: DocumentResult) -> None:
    """Each unit once (by code and name), in the order first named."""
    seen: set[tuple[str | None, str]] = set()
    units = []
    for u in result.units:
        if (u.unit_code, u.unit_name) not in seen:
            seen.add((u.unit_code, u.unit_name))
            units.append(u)
    result.units = units
