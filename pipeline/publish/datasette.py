"""Datasette on the built database: its metadata, rendered from `pipeline.fields`, and `yusuan serve`.

`yusuan build` writes `<build>/metadata.json` beside `<build>/yusuan.db` (`write_metadata`):
the title, description and licence of the data, the source of every document (in the database
description: publisher, title, source URL where known, input file and its sha256), every table's and
view's title and description, every column's description with the unit in words (万元), facets, sort
orders, and the canned queries (`QUERIES`): headline totals by document, largest projects, 三公经费 by
document, failed checks and a search across the glossary, projects and indicators.

`yusuan serve` runs `make_datasette(database)` — the database immutable and read-only (Datasette's
`-i`), with `SETTINGS` (SQL time limit, rows returned) and the plugins of `PLUGINS_DIR` (limits.py: the
size of a value, of a result and of SQLite's heap) — under uvicorn, as `datasette serve` does; the tests
use the same app. The deployed instance gets the same settings and plugins (publish.yml).

Text from the documents reaches Datasette's pages through its templates, which escape it; the one
HTML written here (the sources in the database description) escapes every value and links a source URL
only if it is http(s).
"""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import Iterable
from pathlib import Path

from ..fields import DATASET, RESOURCES, UNITS
from ..output import write_if_changed
from ..records import Document, DocumentResult
from ..site.escape import safe_url
from . import published_records
from .database import AMOUNT_COLUMNS, DERIVED_DOCS

METADATA_FILE = "metadata.json"
PLUGINS_DIR = Path(__file__).resolve().parent / "datasette_plugins"
SETTINGS = {
    "sql_time_limit_ms": 3000,
    "max_returned_rows": 5000,
    "facet_time_limit_ms": 500,
    "allow_download": True,
}

# facets and default sort of each table (columns people filter and order by)
TABLE_OPTIONS: dict[str, dict] = {
    "documents": {"facets": ["region", "fiscal_year", "kind", "status"], "sort": "doc_id", "label_column": "title"},
    "units": {"facets": ["doc_id"], "label_column": "unit_name"},
    "budget_tables": {"facets": ["doc_id", "kind", "status"]},
    "budget_facts": {"facets": ["doc_id", "measure", "fund", "side"]},
    "projects": {"facets": ["doc_id", "function_code"], "sort_desc": "amount", "label_column": "name"},
    "performance_goals": {"facets": ["doc_id"], "label_column": "project"},
    "performance_indicators": {"facets": ["doc_id", "level1", "level2", "operator"]},
    "glossary": {"facets": ["doc_id"], "label_column": "term"},
    "checks": {"facets": ["doc_id", "check", "passed", "severity"], "sort": "passed"},
    "unparsed_lines": {"facets": ["doc_id", "table_id"]},
}


def _phrase(column: str) -> str:
    """An FTS5 phrase of the :q parameter (double quotes doubled), for a MATCH on `column`."""
    return f"{column} MATCH '\"' || replace(:q, '\"', '\"\"') || '\"'"


def _search_part(source: str, text_sql: str, amount_sql: str, like_columns: list[str]) -> str:
    like = " OR ".join(f"{c} LIKE '%' || :q || '%'" for c in like_columns)
    return (
        f"SELECT '{source}' AS source, doc_id, {text_sql} AS text, {amount_sql} AS amount, source_line\n"
        f"FROM {source}\n"
        f"WHERE (length(:q) >= 3 AND rowid IN (SELECT rowid FROM {source}_fts WHERE {_phrase(f'{source}_fts')}))\n"
        f"   OR (length(:q) BETWEEN 1 AND 2 AND ({like}))"
    )


SEARCH_SQL = (
    "\nUNION ALL\n".join([
        _search_part("glossary", "term || '：' || definition", "NULL", ["term", "definition"]),
        _search_part("projects", "name", "amount", ["name"]),
        _search_part("performance_indicators", "name", "NULL", ["name"]),
    ])
    + "\nORDER BY source, doc_id, source_line"
)

QUERIES: dict[str, dict[str, str]] = {
    "headline_totals_by_document": {
        "title": "主要数字 Headline totals by document",
        "description": "收入总计, 支出总计, 基本支出, 项目支出 and 三公经费 of each document, in 万元.",
        "sql": "SELECT * FROM headline_totals ORDER BY doc_id",
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
    "three_public_by_document": {
        "title": "三公经费 “Three public” expenses by document",
        "description": "三公经费 and its parts (因公出国(境)费, 公务接待费, 公务用车购置及运行费) of each document's "
                       "budget year, in 万元.",
        "sql": "SELECT * FROM three_public ORDER BY doc_id",
    },
    "failed_checks": {
        "title": "未通过的核对 Failed checks",
        "description": "Every check that failed, errors first: what was compared, where, and the difference.",
        "sql": (
            "SELECT doc_id, seq, [check], table_id, severity, expected, actual, difference, source_line, message\n"
            "FROM checks WHERE passed = 0\n"
            "ORDER BY severity, doc_id, seq"
        ),
    },
    "search": {
        "title": "搜索 Search the glossary, projects and indicators",
        "description": "Words of three characters or more use the full-text index (trigram); shorter ones "
                       "(三公, 结转) are looked for with LIKE.",
        "sql": SEARCH_SQL,
    },
}


def metadata_path(database: Path) -> Path:
    return database.parent / METADATA_FILE


def _column_description(heading: str, title_en: str, description: str) -> str:
    return f"{heading} — {title_en}. {description}"


def _sources_html(documents) -> str:
    items = []
    for doc in documents:
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
        f"<p>Sources ({len(documents)} documents):</p><ul>{''.join(items)}</ul>"
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
    path = metadata_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(metadata(results, database.stem), ensure_ascii=False, indent=2) + "\n"
    write_if_changed(path, text)
    return path


def make_datasette(database: Path):
    """The Datasette instance `yusuan serve` runs: the database immutable, the metadata and SETTINGS."""
    from datasette.app import Datasette

    meta = json.loads(metadata_path(database).read_text(encoding="utf-8"))
    return Datasette(immutables=[str(database)], metadata=meta, settings=dict(SETTINGS), plugins_dir=str(PLUGINS_DIR))


def serve(database: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Serve the database with Datasette until interrupted (as `datasette serve -i` does)."""
    import uvicorn

    ds = make_datasette(database)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="info", lifespan="on", workers=1)
