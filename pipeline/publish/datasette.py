"""Datasette on the built database: its metadata, rendered from `pipeline.fields`, and `yusuan serve`.

`yusuan build` writes `<build>/metadata.json` beside `<build>/yusuan.db` (`write_metadata`):
the title, description and licence of the data, the source of every document (in the database
description: publisher, title, source URL where known, input file and its sha256), every table's
title and description (the derived tables' from `database.DERIVED_DOCS`), every column's description
with the unit in words (万元), facets, sort orders, and the canned queries (`QUERIES`): headline totals
by document, largest projects, 三公经费 by document, failed checks, where a fact is printed (its page
and cell, a link to the PDF's page) and a search across the glossary, projects and indicators.

`yusuan serve` runs `make_datasette(database)` — the database immutable and read-only (Datasette's
`-i`), with `SETTINGS` (SQL time limit, rows returned, no suggested facets), the row counts of its
tables taken once (`inspect_data`, as `datasette inspect` gives the deployed instance) and the plugins
of `PLUGINS_DIR` (limits.py: the size of a value, of a result and of SQLite's heap; facets.py: a facet of
a whole table read from the stored counts of `facet_counts`, a table's default facets only on pages of few
rows; permissions.py: a table's permission rules read from the metadata once; pauses.py: what the server
holds from its start frozen out of the garbage collector's full collections) — under uvicorn, as `datasette serve` does; the tests use the same
app. The deployed instance gets the same settings and plugins (publish.yml).

At 10,000 documents (benchmarks/datasette_speed.py) no page reads more than it shows, give or take an
index: the canned queries that list documents, checks or matches show a page of 100 rows in an index's
order, searches read the rowids of a page from a full-text index, a facet of a whole table reads the
counts stored when the database was written, and the default facets that would count millions of rows
are left out.

Text from the documents reaches Datasette's pages through its templates, which escape it; the one
HTML written here (the sources in the database description) escapes every value and links a source URL
only if it is http(s).
"""

from __future__ import annotations

import asyncio
import html
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from ..fields import DATASET, FILES_SEPARATOR, PRINTED_PLACES_NOTE, RESOURCES, UNITS
from ..output import write_if_changed
from ..records import Document, DocumentResult
from ..site.escape import safe_url
from . import published_records
from .database import AMOUNT_COLUMNS, DERIVED_DOCS, FACET_COUNTS

METADATA_FILE = "metadata.json"
PLUGINS_DIR = Path(__file__).resolve().parent / "datasette_plugins"
SETTINGS = {
    "sql_time_limit_ms": 3000,
    "max_returned_rows": 5000,
    "facet_time_limit_ms": 500,
    "allow_download": True,
    # suggesting facets counts the values of every column on every table page: millions of rows at scale
    "suggest_facets": False,
}

# Facets (counted only on pages of at most 5,000 rows: datasette_plugins/facets.py; of the tables of one
# row per document, 100,000: their facets count indexed columns or ten thousand rows) and default sort of
# each table (columns people filter and order by; every sort has an index).
FEW_ROWS = "few_rows"
ONE_ROW_PER_DOCUMENT = {"documents": 100_000, "headline_totals": 100_000, "three_public": 100_000}
TABLE_FACETS: dict[str, list[str]] = {
    "documents": ["region", "fiscal_year", "kind", "status"],
    "units": ["doc_id"],
    "budget_tables": ["doc_id", "kind", "status"],
    "budget_facts": ["doc_id", "measure", "fund", "side"],
    "projects": ["doc_id", "function_code"],
    "performance_goals": ["doc_id"],
    "performance_indicators": ["doc_id", "level1", "level2", "operator"],
    "glossary": ["doc_id"],
    "checks": ["doc_id", "check", "passed", "severity"],
    "unparsed_lines": ["doc_id", "table_id"],
    "headline_totals": ["fiscal_year", "kind"],
    "three_public": ["fiscal_year"],
    "expenditure_by_function": ["table_kind", "level"],
    "changes": ["change", "build", "region"],
    "newly_failed_checks": ["doc_id", "check", "severity", "build"],
}
TABLE_OPTIONS: dict[str, dict] = {
    "documents": {"sort": "doc_id", "label_column": "title"},
    "units": {"label_column": "unit_name"},
    "projects": {"sort_desc": "amount", "label_column": "name"},
    "performance_goals": {"label_column": "project"},
    "glossary": {"label_column": "term"},
    "checks": {"sort": "passed"},
    "changes": {"sort_desc": "build", "label_column": "title"},
    "newly_failed_checks": {"sort_desc": "build"},
}
for _table, _columns in TABLE_FACETS.items():
    TABLE_OPTIONS.setdefault(_table, {})["facets"] = [
        {FEW_ROWS: {"column": c, "max_rows": ONE_ROW_PER_DOCUMENT[_table]} if _table in ONE_ROW_PER_DOCUMENT else c}
        for c in _columns]

# The canned queries that list documents, checks or matches show 100 rows a page (:page 1, 2 …), read
# in the order of an index: no page reads more than its rows (the tables they read hold every row).
PAGE_SIZE = 100
PAGE_SQL = f"LIMIT {PAGE_SIZE} OFFSET {PAGE_SIZE} * (max(1, coalesce(CAST(:page AS INTEGER), 1)) - 1)"
PAGE_NOTE = (f"{PAGE_SIZE} rows a page: page 2, 3 … for the next ones; every row is in the {{table}} table "
             "(pages, filters and CSV of all rows).")


def _phrase(column: str) -> str:
    """An FTS5 phrase of the :q parameter (double quotes doubled), for a MATCH on `column`."""
    return f"{column} MATCH '\"' || replace(:q, '\"', '\"\"') || '\"'"


def _search_part(source: str, text_sql: str, amount_sql: str, like_columns: list[str]) -> str:
    """One table's matches, a page of them: the page's rowids are read in order from the trigram index (3
    characters or more) or from that of two-character words (1 or 2; a prefix for one character), then
    only those rows; a match of the two-character words is checked against the text itself (exact for
    letters and digits, which is what that index holds)."""
    like = " OR ".join(f"{c} LIKE '%' || :q || '%'" for c in like_columns)
    bigram = (f"{source}_bigrams MATCH '\"' || replace(:q, '\"', '\"\"') || '\"' "
              "|| CASE length(:q) WHEN 1 THEN ' *' ELSE '' END")
    return (
        f"SELECT '{source}' AS source, doc_id, {text_sql} AS text, {amount_sql} AS amount, source_line\n"
        f"FROM {source}\n"
        f"WHERE rowid IN (\n"
        f"  SELECT id FROM (SELECT rowid AS id FROM {source}_fts WHERE length(:q) >= 3\n"
        f"                  AND {_phrase(f'{source}_fts')} ORDER BY rowid {PAGE_SQL})\n"
        f"  UNION ALL\n"
        f"  SELECT id FROM (SELECT rowid AS id FROM {source}_bigrams WHERE length(:q) IN (1, 2)\n"
        f"                  AND {bigram} ORDER BY rowid {PAGE_SQL}))\n"
        f"  AND (length(:q) >= 3 OR {like})"
    )


SEARCH_SQL = (
    "\nUNION ALL\n".join([
        _search_part("glossary", "term || '：' || definition", "NULL", ["term", "definition"]),
        _search_part("projects", "name", "amount", ["name"]),
        _search_part("performance_indicators", "name", "NULL", ["name"]),
    ])
    + "\nORDER BY source, doc_id, source_line, text"
)

# the sha256 of a fact's own file: documents.source_sha256 lists one per file of source_file (64 hex digits
# and the separator each), so the file's position in source_file picks its sha256
_SEP = FILES_SEPARATOR
_FILES = f"'{_SEP}' || d.source_file || '{_SEP}'"
_BEFORE = f"substr({_FILES}, 1, instr({_FILES}, '{_SEP}' || f.source_file || '{_SEP}') - 1)"
_FILE_SHA = (f"substr(d.source_sha256, {64 + len(_SEP)} * ((length({_BEFORE}) - length(replace({_BEFORE}, '{_SEP}', '')))"
             f" / {len(_SEP)}) + 1, 64)")
_BY_DOCUMENT = ("WHERE (:publisher = '' OR instr(publisher, :publisher) > 0)\n"
                "  AND (:fiscal_year = '' OR fiscal_year = :fiscal_year)\n"
                f"ORDER BY doc_id\n{PAGE_SQL}")

# where a fact is printed: its file, page and cell, the published PDF at that page, and the site's views of it
PRINTED_PLACE_SQL = (
    "SELECT doc_id, seq, table_id, item, measure, amount, printed, source_file, source_line,\n"
    "  source_page, source_bbox, ocr_confidence, ocr_uncertain,\n"
    "  CASE WHEN source_page IS NOT NULL AND instr(document_files, '; ') = 0 AND lower(document_files) LIKE '%.pdf'\n"
    "    AND (source_url LIKE 'http://%' OR source_url LIKE 'https://%')\n"
    "    THEN source_url || '#page=' || source_page END AS pdf_page_url,\n"
    "  CASE WHEN source_page IS NOT NULL THEN 'pages/' || sha || '/' || source_page || '.png' END AS page_image,\n"
    "  CASE WHEN source_page IS NULL THEN 'sources/' || sha || '.html#L' || source_line\n"
    "    ELSE 'pages/' || sha || '/' || source_page || '.html' || coalesce('#b-' || replace(source_bbox, ',', '-'), '')\n"
    "  END AS site_view\n"
    f"FROM (SELECT f.*, d.source_file AS document_files, d.source_url, {_FILE_SHA} AS sha\n"
    "  FROM budget_facts f JOIN documents d ON d.doc_id = f.doc_id\n"
    "  WHERE f.doc_id = :doc_id AND (:seq = '' OR f.seq = CAST(:seq AS INTEGER)))\n"
    f"ORDER BY seq\n{PAGE_SQL}"
)

QUERIES: dict[str, dict] = {
    "headline_totals_by_document": {
        "title": "主要数字 Headline totals by document",
        "description": "收入总计, 支出总计, 基本支出, 项目支出 and 三公经费 of each document, in 万元; publisher: a "
                       "part of its name, fiscal_year: a year. " + PAGE_NOTE.format(table="headline_totals"),
        "sql": f"SELECT * FROM headline_totals\n{_BY_DOCUMENT}",
        "params": ["publisher", "fiscal_year", "page"],
    },
    "largest_projects": {
        "title": "最大的项目 Largest projects",
        "description": "The 100 largest projects of all documents, in 万元.",
        "sql": (
            "SELECT p.doc_id, d.publisher, p.name, p.function_code, p.amount, p.source_line\n"
            "FROM projects p JOIN documents d ON d.doc_id = p.doc_id\n"
            "WHERE p.amount IS NOT NULL\n"
            "ORDER BY p.amount DESC, p.doc_id, p.source_line\n"
            "LIMIT 100"
        ),
    },
    "compare_department_type": {
        "title": "部门比较 One type of department across cities",
        "description": "The headline figures (万元) of every document of one department type (信访, 统计, 气象 …: "
                       "documents.department_type), largest 支出总计 first; see the department_types query for the "
                       "types. split_fund is 一般公共预算 where 基本支出 and 项目支出 come from that table only. "
                       + PAGE_NOTE.format(table="headline_totals"),
        "sql": (
            "SELECT region, publisher, doc_id, fiscal_year, kind, income_total, expenditure_total, basic_expenditure,\n"
            "  project_expenditure, personnel_expenditure, public_use_expenditure, three_public, office_running,\n"
            "  split_fund\n"
            "FROM headline_totals WHERE department_type = :department_type\n"
            f"ORDER BY expenditure_total IS NULL, expenditure_total DESC, doc_id\n{PAGE_SQL}"
        ),
        "params": ["department_type", "page"],
    },
    "department_types": {
        "title": "部门类型 Department types",
        "description": "Each department type with the number of regions and documents that have it.",
        "sql": (
            "SELECT department_type, count(DISTINCT region) AS regions, count(*) AS documents\n"
            "FROM documents WHERE department_type IS NOT NULL\n"
            "GROUP BY department_type ORDER BY regions DESC, documents DESC, department_type"
        ),
    },
    "compare_measure": {
        "title": "按指标比较 One headline figure across all documents",
        "description": "One measure of headline_figures (收入总计, 支出总计, 基本支出, 项目支出, 人员经费, 公用经费, "
                       "三公经费, 公务接待费, 机关运行经费 …) for every document that prints it, largest first, with "
                       "the table and line it is printed on. " + PAGE_NOTE.format(table="headline_figures"),
        "sql": (
            "SELECT h.measure, d.region, d.publisher, d.department_type, h.doc_id, h.amount, h.fund, h.table_id,\n"
            "  h.source_line, h.source_page\n"
            "FROM headline_figures h JOIN documents d ON d.doc_id = h.doc_id\n"
            "WHERE h.measure = :measure\n"
            f"ORDER BY h.amount DESC, h.doc_id\n{PAGE_SQL}"
        ),
        "params": ["measure", "page"],
    },
    "three_public_by_document": {
        "title": "三公经费 “Three public” expenses by document",
        "description": "三公经费 and its parts (因公出国(境)费, 公务接待费, 公务用车购置及运行费) of each document's "
                       "budget year, in 万元; publisher: a part of its name, fiscal_year: a year. "
                       + PAGE_NOTE.format(table="three_public"),
        "sql": f"SELECT * FROM three_public\n{_BY_DOCUMENT}",
        "params": ["publisher", "fiscal_year", "page"],
    },
    "failed_checks": {
        "title": "未通过的核对 Failed checks",
        "description": "Every check that failed, errors first: what was compared, where, and the difference. "
                       + PAGE_NOTE.format(table="checks"),
        "sql": (
            "SELECT doc_id, seq, [check], table_id, severity, expected, actual, difference, source_line, message\n"
            "FROM checks WHERE passed = 0\n"
            f"ORDER BY severity, doc_id, seq\n{PAGE_SQL}"
        ),
        "params": ["page"],
    },
    "printed_place": {
        "title": "原文定位 Where a fact is printed",
        "description": "The facts of one document (doc_id; seq: one fact, e.g. a headline figure's fact_seq) with "
                       "where each is printed: the file, line, page and box of its cell (x0,top,x1,bottom in PDF "
                       "points from the page's top left corner); pdf_page_url opens the published PDF at that "
                       "page (documents.source_url with #page=N, for a document of one PDF file); page_image is "
                       "the site's picture of the page and site_view the site's 查看原文 (under the site's "
                       "address): the page with the cell outlined, or the text with the line highlighted. "
                       + PRINTED_PLACES_NOTE + " " + PAGE_NOTE.format(table="budget_facts"),
        "sql": PRINTED_PLACE_SQL,
        "params": ["doc_id", "seq", "page"],
    },
    "search": {
        "title": "搜索 Search the glossary, projects and indicators",
        "description": "Words of three characters or more use the full-text index (trigram); shorter ones "
                       "(三公, 结转) an index of two-character words. Of each table the first "
                       f"{PAGE_SIZE} matches, in document order: page 2, 3 … for the next ones; each table's "
                       "own search (its page's search box, three characters or more) pages through all.",
        "sql": SEARCH_SQL,
        "params": ["q", "page"],
    },
}


def _count(con: sqlite3.Connection, table: str) -> int | None:
    try:
        return con.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]
    except sqlite3.OperationalError:  # a contentless full-text table (_bigrams) cannot be scanned: no count, as
        return None                   # Datasette's own inspect


def inspect_data(database: Path) -> dict:
    """What `datasette inspect` gives the deployed instance, for `yusuan serve`: the file's size and each
    table's row count, counted once at start-up, so that a table's unfiltered page shows its count without
    counting millions of rows on every visit (Datasette reads it for an immutable database). The hash
    (an ETag of the download) is left out: hashing gigabytes would hold up every start."""
    con = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        tables = {name: {"count": _count(con, name)} for name in names}
    finally:
        con.close()
    return {database.stem: {"hash": None, "size": database.stat().st_size, "file": str(database), "tables": tables}}


def metadata_path(database: Path) -> Path:
    return database.parent / METADATA_FILE


def _column_description(heading: str, title_en: str, description: str) -> str:
    return f"{heading} — {title_en}. {description}"


# the sources listed in the database's description (the documents table lists every one): 10,000 would
# make a page of megabytes
SOURCES_LISTED = 200


def _sources_html(documents) -> str:
    items = []
    for doc in documents[:SOURCES_LISTED]:
        name = f"{doc.publisher}《{doc.title}》" if doc.publisher and doc.title else (doc.title or doc.doc_id)
        url = safe_url(doc.source_url)
        if url:
            link = f'<a href="{html.escape(url)}">{html.escape(doc.source_url)}</a>'
        elif doc.source_url:  # javascript:, data: … shown as text, never a link
            link = f"source URL (not http or https, not linked): <code>{html.escape(doc.source_url)}</code>"
        else:
            link = "source URL not recorded"
        items.append(
            f"<li><strong>{html.escape(name)}</strong> ({html.escape(doc.doc_id)}): {link}; input "
            f"<code>{html.escape(doc.source_file or '')}</code>, sha256 <code>{html.escape(doc.source_sha256 or '')}"
            "</code></li>"
        )
    return (
        f"<p>{html.escape(DATASET['description'])}</p>"
        f"<p>Amounts are in 万元 ({UNITS['万元']}). Licence: "
        f"<a href=\"{DATASET['license']['path']}\">{html.escape(DATASET['license']['title'])}</a>.</p>"
        f"<p>Where each record is printed: {html.escape(PRINTED_PLACES_NOTE)} The printed_place query lists "
        "them for the facts of a document.</p>"
        f"<p>Sources ({len(documents)} documents):</p><ul>{''.join(items)}</ul>"
        + (f"<p>… and {len(documents) - SOURCES_LISTED:,} more: the documents table lists the source of every "
           "document (source_url, source_file, source_sha256).</p>" if len(documents) > SOURCES_LISTED else "")
    )


def metadata(results: Iterable[DocumentResult], database_name: str = "yusuan") -> dict:
    """The Datasette metadata of the database built from these documents."""
    return documents_metadata(published_records(results)["documents"], database_name)


def documents_metadata(documents: list[Document], database_name: str = "yusuan") -> dict:
    """The Datasette metadata of a database of these documents (their records, in doc_id order)."""
    tables: dict[str, dict] = {}
    for name, res in RESOURCES.items():
        entry: dict = {
            "title": f"{res.title_zh} {res.title_en}",
            "description": res.description,
            "columns": {f.name: _column_description(f.heading, f.title_en, f.full_description) for f in res.fields},
        }
        entry.update(TABLE_OPTIONS.get(name, {}))
        tables[name] = entry
    for name, (title, description, columns) in DERIVED_DOCS.items():
        described = {}
        for column, text in columns.items():
            unit = f" Unit: 万元 ({UNITS['万元']})." if column in AMOUNT_COLUMNS else ""
            described[column] = f"{text}{unit}"
        tables[name] = {"title": title, "description": description, "columns": described}
    tables[FACET_COUNTS] = {  # what the facets of a whole table read (datasette_plugins/facets.py)
        "title": "分面计数 Facet counts",
        "description": "Per table and column people facet on, each value's number of rows, counted once when the "
                       "database was written: Datasette reads a facet of a whole table from here.",
        "hidden": True,
    }
    return {
        "title": DATASET["title"],
        "description": DATASET["description"],
        "license": DATASET["license"]["name"],
        "license_url": DATASET["license"]["path"],
        "source": "The publishing bodies' budget disclosures (each listed on the database page)",
        "databases": {
            database_name: {
                "title": DATASET["title"],
                "description_html": _sources_html(documents),
                "license": DATASET["license"]["name"],
                "license_url": DATASET["license"]["path"],
                "tables": tables,
                "queries": QUERIES,
            }
        },
    }


def write_metadata(results: Iterable[DocumentResult], database: Path) -> Path:
    """Write the metadata for `database` beside it (written only when it changed); returns its path."""
    return write_documents_metadata(published_records(results)["documents"], database)


def write_documents_metadata(documents: list[Document], database: Path) -> Path:
    """`write_metadata` of the documents' records (in doc_id order)."""
    path = metadata_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(documents_metadata(documents, database.stem), ensure_ascii=False, indent=2) + "\n"
    write_if_changed(path, text)
    return path


def make_datasette(database: Path):
    """The Datasette instance `yusuan serve` runs: the database immutable, the metadata and SETTINGS."""
    from datasette.app import Datasette

    meta = json.loads(metadata_path(database).read_text(encoding="utf-8"))
    return Datasette(immutables=[str(database)], metadata=meta, settings=dict(SETTINGS), plugins_dir=str(PLUGINS_DIR),
                     inspect_data=inspect_data(database))


def serve(database: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Serve the database with Datasette until interrupted (as `datasette serve -i` does)."""
    import uvicorn

    ds = make_datasette(database)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="info", lifespan="on", workers=1)
