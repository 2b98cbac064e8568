"""The SQLite database (`build/yusuan.db`): every resource as a table of the same name, built with
sqlite-utils from the same rows as the data packages.

- Columns, types, NOT NULL, primary keys and foreign keys come from `pipeline.fields` (string → TEXT,
  integer → INTEGER, number → REAL, boolean → INTEGER 0/1). Amounts are REAL here (exact decimals are in
  the packages).
- Indexes on the columns people filter on and sort by (`INDEXES`).
- FTS5 full-text search with the trigram tokenizer on Chinese text (`FTS`, `<table>_fts`): a MATCH needs 3
  characters or more. For words of one or two characters, `<table>_bigrams` (`BIGRAMS`) index the same
  text as its two-character words (unicode61 tokenizer on the text cut into overlapping pairs, no content
  stored): the canned `search` query uses either, so no search reads a whole table.
- Derived tables (`DERIVED`), written from the others by one SELECT each: `headline_totals` (the
  `headline_figures` of each document in one row: income and expenditure totals, 基本支出, 项目支出, 人员经费,
  公用经费, 三公经费, 机关运行经费), `three_public` (三公经费 and its parts per document, from the same rows),
  `expenditure_by_function` (amounts by 支出功能分类 code with the names printed) and
  `projects_with_goals` (each project with its performance goal, matched on doc_id, the project name and the unit where both name one,
  whitespace and full-width brackets ignored). Stored rows, not views: at 10,000 documents a view would
  read millions of facts on every page.
- `facet_counts`: each table's counts of the values of the columns people facet on, counted once, from
  which Datasette answers a facet of a whole table (`FACET_COUNTS`).

The database is written to a temporary file beside the target, of a name no other build uses, flushed
and renamed over it, so a reader never sees half a database and a full disk leaves the previous one; the
same input gives the same bytes.
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

from ..atomic import fsync_folder, make_folder, output_error, temp_name
from ..errors import PipelineError
from ..fields import RESOURCES, Resource
from ..records import DocumentResult
from . import published_records, typed_rows
from .package_rows import PackageRows

SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}

# Columns people filter on (doc_id first: every table is read per document), each followed by the order of
# the page that shows the rows, so that a page of a filter matching 100,000 facts reads its 100 rows in
# order instead of sorting them all: budget_facts by code in key order (doc_id, seq; the site links
# there), projects by code largest first (the projects table's sort), the checks of one rule as the
# checks table sorts them (passed, doc_id, seq), the failed checks as the failed_checks query does.
# (doc_id, table_id, row) finds one printed row's facts, (doc_id, kind) a document's tables of a kind
# (the derived tables' lookups: written before ANALYZE, their plans must not need its statistics).
INDEXES: dict[str, list[list[str]]] = {
    "documents": [["region"], ["fiscal_year"], ["kind"], ["publisher"]],
    "units": [["doc_id"], ["unit_code"]],
    "budget_tables": [["doc_id", "kind"], ["kind"], ["status"]],
    "budget_facts": [["doc_id", "table_id", "row"], ["function_code", "doc_id", "seq"],
                     ["economic_code", "doc_id", "seq"], ["measure"], ["fund"], ["side"], ["unit_code"]],
    "projects": [["doc_id", "table_id"], ["function_code", "amount"], ["amount"]],
    "performance_goals": [["doc_id", "table_id"], ["project"]],
    "performance_indicators": [["doc_id", "goal_id"], ["level1"], ["level2"]],
    "glossary": [["doc_id"], ["term"], ["function_code"]],
    "checks": [["doc_id", "table_id"], ["check", "passed", "doc_id", "seq"], ["passed", "doc_id", "seq"],
               ["passed", "severity", "doc_id", "seq"], ["severity"]],
    "unparsed_lines": [["doc_id", "table_id"], ["reason"]],
    "headline_figures": [["measure", "amount"]],
    "changes": [["build"], ["change"]],
    "newly_failed_checks": [["build"], ["check"]],
}

# full-text search (FTS5, trigram tokenizer) on the Chinese text columns
FTS: dict[str, list[str]] = {
    "budget_facts": ["item"],
    "projects": ["name"],
    "performance_goals": ["project", "annual_goal"],
    "performance_indicators": ["name"],
    "glossary": ["term", "definition"],
}

# the same text as two-character words, for searches of one or two characters (the canned search's)
BIGRAMS: dict[str, list[str]] = {
    "glossary": ["term", "definition"],
    "projects": ["name"],
    "performance_indicators": ["name"],
}
_LETTERS_AND_DIGITS = re.compile(r"[^\W_]+")


def bigrams(text: str | None) -> str:
    """`text` as the words the `_bigrams` tables index: each two letters or digits printed side by side,
    and the last of each run of them, so that a two-character word is a word of the index and a
    one-character word the prefix of one ('三公经费' -> '三公 公经 经费 费')."""
    words: list[str] = []
    for run in _LETTERS_AND_DIGITS.findall(text or ""):
        words.extend(run[i:i + 2] for i in range(len(run) - 1))
        words.append(run[-1])
    return " ".join(words)


def _key(sql: str) -> str:
    """A name as matched across tables: no spaces (ASCII or ideographic), half-width brackets."""
    return f"replace(replace(replace(replace({sql}, ' ', ''), '\u3000', ''), '（', '('), '）', ')')"


def _pivot(columns: dict[str, str]) -> str:
    """One column per headline measure (column name → headline_figures.measure)."""
    return ",\n".join(f"  MAX(CASE WHEN h.measure = '{m}' THEN h.amount END) AS {c}" for c, m in columns.items())


# The derived tables read the published headline figures (pipeline/headline.py picks them): the same figures as
# the site's pages, one row per document, found by doc_id alone.
THREE_PUBLIC_COLUMNS = {
    "three_public": "三公经费", "overseas_travel": "因公出国（境）费", "official_reception": "公务接待费",
    "official_vehicles": "公务用车购置及运行费", "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行维护费",
}
THREE_PUBLIC_SQL = f"""
WITH p AS (
  SELECT
    d.doc_id, d.publisher, d.fiscal_year,
    MAX(CASE WHEN h.measure = '三公经费' THEN h.table_id END) AS table_id,
    MAX(CASE WHEN h.measure = '三公经费' THEN h.fact_seq END) AS fact_seq,
{_pivot(THREE_PUBLIC_COLUMNS)}
  FROM documents d JOIN headline_figures h ON h.doc_id = d.doc_id
  WHERE h.measure IN ({", ".join(f"'{m}'" for m in THREE_PUBLIC_COLUMNS.values())})
  GROUP BY d.doc_id
)
SELECT p.doc_id, p.publisher, p.fiscal_year, p.table_id, f.row, {", ".join(f"p.{c}" for c in THREE_PUBLIC_COLUMNS)}
FROM p LEFT JOIN budget_facts f ON f.doc_id = p.doc_id AND f.seq = p.fact_seq
ORDER BY p.doc_id
"""

HEADLINE_COLUMNS = {
    "income_total": "收入总计", "expenditure_total": "支出总计", "basic_expenditure": "基本支出",
    "project_expenditure": "项目支出", "personnel_expenditure": "人员经费", "public_use_expenditure": "公用经费",
    "three_public": "三公经费", "office_running": "机关运行经费",
}
HEADLINE_SQL = f"""
SELECT
  d.doc_id, d.title, d.publisher, d.region, d.fiscal_year, d.kind, d.department_type,
{_pivot(HEADLINE_COLUMNS)},
  MAX(CASE WHEN h.measure = '基本支出' THEN h.fund END) AS split_fund
FROM documents d LEFT JOIN headline_figures h ON h.doc_id = d.doc_id
GROUP BY d.doc_id
ORDER BY d.doc_id
"""

# Top-level columns only: 合计/总计/支出总计, 基本支出, 项目支出 of the 支出总表 (all funds) and of the
# 一般公共预算支出表 (one fund), one row per printed row that carries a function code.
EXPENDITURE_BY_FUNCTION_SQL = """
SELECT
  f.doc_id, f.table_id, b.kind AS table_kind, b.title AS table_title,
  MAX(f.fund) AS fund, f.function_code,
  CASE length(f.function_code) WHEN 3 THEN '类' WHEN 5 THEN '款' ELSE '项' END AS level,
  f.item AS name,
  MAX(CASE WHEN f.column_path IN ('合计', '总计', '支出总计') THEN f.amount END) AS total,
  MAX(CASE WHEN f.column_path = '基本支出' THEN f.amount END) AS basic_expenditure,
  MAX(CASE WHEN f.column_path = '项目支出' THEN f.amount END) AS project_expenditure,
  MIN(f.source_line) AS source_line
FROM budget_facts f
JOIN budget_tables b ON b.doc_id = f.doc_id AND b.table_id = f.table_id
WHERE b.kind IN ('expenditure_summary', 'general_budget_expenditure') AND f.function_code IS NOT NULL
GROUP BY f.doc_id, f.table_id, f.row
ORDER BY f.doc_id, f.table_id, f.row
"""

# the goal of a project: same document, same name, same unit where both name one (units of a department
# may each have a project of one name); an expression index on performance_goals finds it
PROJECTS_WITH_GOALS_SQL = f"""
SELECT
  p.doc_id, p.table_id, p.source_line, p.unit_code, p.unit_name, p.function_code, p.name AS project, p.amount,
  g.goal_id, g.amount AS goal_amount, g.annual_goal, g.medium_term_goal,
  (SELECT count(*) FROM performance_indicators i WHERE i.doc_id = g.doc_id AND i.goal_id = g.goal_id)
    AS indicators
FROM projects p
LEFT JOIN performance_goals g ON g.doc_id = p.doc_id AND {_key('g.project')} = {_key('p.name')}
  AND (p.unit_name IS NULL OR g.unit_name IS NULL OR {_key('g.unit_name')} = {_key('p.unit_name')})
ORDER BY p.doc_id, p.table_id, p.source_line, g.goal_id
"""

# Tables derived from the others when the database is written (name -> SELECT, written in this order: a
# SELECT may read the tables before it), so that every page and query on them reads stored rows: at
# 10,000 documents a view computed per request would read millions of facts.
DERIVED: dict[str, str] = {
    "three_public": THREE_PUBLIC_SQL,
    "headline_totals": HEADLINE_SQL,
    "expenditure_by_function": EXPENDITURE_BY_FUNCTION_SQL,
    "projects_with_goals": PROJECTS_WITH_GOALS_SQL,
}
# their primary keys (the others have none: their rows are numbered in the SELECT's order) and indexes
DERIVED_KEYS: dict[str, list[str]] = {"three_public": ["doc_id"], "headline_totals": ["doc_id"]}
DERIVED_INDEXES: dict[str, list[list[str]]] = {
    "headline_totals": [["region"], ["fiscal_year"], ["department_type"]],
    "expenditure_by_function": [["doc_id", "table_id"], ["function_code"]],
    "projects_with_goals": [["doc_id"], ["goal_id"]],
}
INTEGER_COLUMNS = frozenset({"fiscal_year", "row", "source_line", "indicators"})
# indexes on an expression the derived tables join on (name -> table, indexed expressions)
EXPRESSION_INDEXES: dict[str, tuple[str, str]] = {
    "idx_performance_goals_doc_id_project_key": ("performance_goals", f"doc_id, {_key('project')}"),
}


# What each derived table holds, for the Datasette metadata: (title, description, {column: description});
# amount columns are named in AMOUNT_COLUMNS (万元).
DERIVED_DOCS: dict[str, tuple[str, str, dict[str, str]]] = {
    "three_public": (
        "三公经费 “Three public” expenses by document",
        "三公经费 and its parts of each document's “三公”经费 table for the budget year, as headline_figures "
        "publishes them (its 合计 row, else the row of the budget year; the total column of this year).",
        {"table_id": "The 三公 table read.", "row": "The row of that table read.",
         "three_public": "三公经费 total (合计/总计).", "overseas_travel": "因公出国(境)费.",
         "official_reception": "公务接待费.", "official_vehicles": "公务用车购置及运行(维护)费 (小计).",
         "vehicle_purchase": "公务用车购置费.", "vehicle_operation": "公务用车运行(维护)费."},
    ),
    "headline_totals": (
        "主要数字 Headline totals",
        "Per document, the headline_figures in one row: 收入总计 and 支出总计 of the 收支总表, 基本支出 and 项目支出 "
        "of the 支出总表's total row (of the 一般公共预算支出表 where no 支出总表 is printed: split_fund says so), "
        "人员经费 and 公用经费 of the 基本支出表, 三公经费 and 机关运行经费. Empty where the document prints no such "
        "figure.",
        {"department_type": "What kind of department publishes it (信访, 统计 …), for comparisons.",
         "income_total": "收入总计 (income total, including 上年结转).",
         "expenditure_total": "支出总计 (expenditure total).",
         "basic_expenditure": "基本支出 (basic expenditure).",
         "project_expenditure": "项目支出 (project expenditure).",
         "personnel_expenditure": "人员经费 (staff costs) of the 一般公共预算基本支出表.",
         "public_use_expenditure": "公用经费 (running costs) of the 一般公共预算基本支出表.",
         "three_public": "三公经费 (“three public” expenses) of the budget year.",
         "office_running": "机关运行经费 (office running costs), of its table or as the 情况说明 states it.",
         "split_fund": "The fund of basic_expenditure / project_expenditure: empty for every fund (支出总表), "
                       "一般公共预算 where only that table prints them."},
    ),
    "expenditure_by_function": (
        "按功能分类的支出 Expenditure by function",
        "Amounts by 支出功能分类 code, with the names printed, from the 支出总表 (all funds) and the "
        "一般公共预算支出表 (table_kind and fund say which): one row per printed row with a function code.",
        {"table_kind": "expenditure_summary (支出总表, all funds) or general_budget_expenditure (一般公共预算).",
         "table_title": "The table's title as printed.", "fund": "The fund of the table's columns, where they say.",
         "level": "类 (3 digits), 款 (5) or 项 (7).", "name": "The row label as printed.",
         "total": "The row's total column (合计/总计/支出总计).", "basic_expenditure": "基本支出 column.",
         "project_expenditure": "项目支出 column.", "source_line": "The line the row was printed on."},
    ),
    "projects_with_goals": (
        "项目与绩效目标 Projects with their performance goals",
        "Each project of the project expenditure table with its performance goal, matched on doc_id and the "
        "project name (spaces and full-width brackets ignored), and on the unit where both tables name it; goal "
        "columns are empty where no goal matches (names printed differently in the two tables).",
        {"project": "The project's name as printed in the project table.", "amount": "The project's amount.",
         "unit_name": "The project's unit, where the project table says.",
         "goal_id": "The matching goal (performance_goals).", "goal_amount": "The amount of the goal table.",
         "annual_goal": "年度目标.", "medium_term_goal": "中长期目标.",
         "indicators": "Number of the goal's indicators."},
    ),
}
AMOUNT_COLUMNS = frozenset({
    "three_public", "overseas_travel", "official_reception", "official_vehicles", "vehicle_purchase",
    "vehicle_operation", "income_total", "personnel_expenditure", "public_use_expenditure", "office_running", "expenditure_total", "basic_expenditure", "project_expenditure", "total",
    "amount", "goal_amount",
})


# The whole-table facet counts (`FACET_COUNTS`): per table, each column an index starts with (the columns
# people filter and facet on) and FACET_COLUMNS (the rest of the Datasette metadata's default facets), its
# values counted once, as Datasette's column facet counts
# them (non-null values, largest count first, then value), the first FACET_VALUES_KEPT of them (a facet
# shows at most max_returned_rows, 5,000, and one more to say it is truncated). The Datasette plugin
# datasette_plugins/facets.py answers a facet of a whole table from them: counting 2 million facts along
# an index takes 100-200 ms a facet at 10,000 documents, reading the stored counts 1 ms.
FACET_COUNTS = "facet_counts"
FACET_VALUES_KEPT = 5001
FACET_COLUMNS: dict[str, list[str]] = {
    "documents": ["status"], "budget_tables": ["status"], "performance_indicators": ["operator"],
    "checks": ["passed", "severity"], "unparsed_lines": ["table_id"], "changes": ["region"],
    "newly_failed_checks": ["doc_id", "severity"], "headline_totals": ["kind"], "three_public": ["fiscal_year"],
    "expenditure_by_function": ["table_kind", "level"],
}


def facet_count_columns() -> dict[str, list[str]]:
    """Table -> the columns whose whole-table counts are stored, in a fixed order."""
    out: dict[str, list[str]] = {}
    for indexes in (INDEXES, DERIVED_INDEXES, {t: [[c] for c in cs] for t, cs in FACET_COLUMNS.items()}):
        for table, column_lists in indexes.items():
            for columns in column_lists:
                if columns[0] not in out.setdefault(table, []):
                    out[table].append(columns[0])
    return out


def write_facet_counts(conn: sqlite3.Connection) -> None:
    """Create and fill `facet_counts` (table_name, column_name, value, count); `value` has no type, so that
    a value keeps its own (an integer stays an integer)."""
    conn.execute(f"CREATE TABLE [{FACET_COUNTS}] (\n   [table_name] TEXT NOT NULL,\n   [column_name] TEXT NOT NULL,\n"
                 "   [value],\n   [count] INTEGER NOT NULL\n)")
    for table, columns in facet_count_columns().items():
        for column in columns:
            conn.execute(f"INSERT INTO [{FACET_COUNTS}] SELECT ?, ?, [{column}], count(*) FROM [{table}] "
                         f"WHERE [{column}] IS NOT NULL GROUP BY [{column}] ORDER BY count(*) DESC, [{column}] "
                         f"LIMIT {FACET_VALUES_KEPT}", (table, column))
    conn.execute(f"CREATE INDEX [idx_{FACET_COUNTS}] ON [{FACET_COUNTS}] ([table_name], [column_name], [count] DESC, "
                 "[value])")


class DatabaseError(PipelineError):
    """The rows break the database's own keys: a bug in yusuan, never a finding about a document."""


def create_table_sql(res: Resource) -> str:
    """CREATE TABLE for one resource, from its fields: types, NOT NULL, primary key, foreign keys."""
    lines = []
    for f in res.fields:
        null = " NOT NULL" if f.required else ""
        lines.append(f"   [{f.name}] {SQL_TYPES[f.type]}{null}")
    lines.append(f"   PRIMARY KEY ({', '.join(f'[{k}]' for k in res.primary_key)})")
    for fk in res.foreign_keys:
        lines.append(f"   FOREIGN KEY ({', '.join(f'[{k}]' for k in fk.fields)}) REFERENCES "
                     f"[{fk.resource}]({', '.join(f'[{k}]' for k in fk.reference)})")
    return f"CREATE TABLE [{res.name}] (\n" + ",\n".join(lines) + "\n)"


def _sql_value(value: object) -> object:
    return float(value) if value is not None and not isinstance(value, (str, int, float)) else value


def write_database(results: Iterable[DocumentResult], path: Path, log: dict[str, list] | None = None) -> Path:
    """Build the database of these documents (and the build's `log`, see changes.py) at `path` (atomically
    replaced); returns `path`."""
    rows = typed_rows(published_records(results, log=log))
    return _replace(path, rows.__getitem__)


def write_database_of(rows: PackageRows, path: Path) -> Path:
    """`write_database` of the rows of the documents' published packages (`package_rows`), streamed: the
    same file, without the records of every document in memory at once."""
    return _replace(path, lambda name: rows.typed_rows(name, amounts=float))


def _replace(path: Path, rows: Callable[[str], Iterable[tuple]]) -> Path:
    """The database of `rows(resource)` written into a temporary file, then put in place of `path`."""
    make_folder(path.parent)
    tmp = temp_name(path)
    try:
        _write(rows, path, tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fsync_folder(path.parent)
    except OSError as e:
        raise output_error(path, e) from None
    except sqlite3.OperationalError as e:  # "database or disk is full", "attempt to write a readonly database"
        code = errno.ENOSPC if "full" in str(e) else errno.EACCES if "readonly" in str(e) else None
        raise output_error(path, OSError(code, str(e))) from None
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            leftover.unlink(missing_ok=True)
    return path


def _write(rows: Callable[[str], Iterable[tuple]], path: Path, tmp: Path) -> None:
    import sqlite_utils  # imported when a database is written: a no-change build needs none

    db = sqlite_utils.Database(tmp)
    try:
        # a temporary file, fsynced and renamed into place once whole (write_database): no sync and no
        # journal on disk for each commit (the syncs were 80% of the stage); the file's bytes are the same
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA journal_mode = MEMORY")
        db.execute("PRAGMA foreign_keys = ON")
        for name, res in RESOURCES.items():
            db.execute(create_table_sql(res))
            # one executemany of plain tuples, one transaction a table: sqlite-utils' insert_all builds a dict
            # and a statement per batch and checks every value (half the stage); the table is ours, made above
            columns = ", ".join(f"[{n}]" for n in res.field_names)
            marks = ", ".join("?" * len(res.field_names))
            try:
                with db.conn:
                    db.conn.executemany(f"INSERT INTO [{name}] ({columns}) VALUES ({marks})",
                                        (tuple(map(_sql_value, row)) for row in rows(name)))
            except sqlite3.IntegrityError as e:
                raise DatabaseError(str(path), None, f"table {name}: {e} (a bug in yusuan, not in the documents)") \
                    from None
        add_indexes_and_views(db)
        db.conn.commit()
        db.vacuum()
    finally:
        db.close()


def add_indexes_and_views(db) -> None:
    """Everything the build adds once the tables hold their rows: indexes, full-text search, the derived
    tables and the query planner's statistics (also run by benchmarks/datasette_speed.py on a made
    database). `db` is a sqlite_utils.Database."""
    for name, indexes in INDEXES.items():
        for columns in indexes:
            db[name].create_index(columns, index_name=f"idx_{name}_{'_'.join(columns)}")
    for index, (name, expression) in EXPRESSION_INDEXES.items():
        db.execute(f"CREATE INDEX [{index}] ON [{name}] ({expression})")
    for name, columns in FTS.items():
        db[name].enable_fts(columns, tokenize="trigram")
    db.conn.create_function("yusuan_bigrams", 1, bigrams, deterministic=True)
    for name, columns in BIGRAMS.items():
        db.execute(f"CREATE VIRTUAL TABLE [{name}_bigrams] USING fts5({', '.join(columns)}, content='', "
                   "detail='none', columnsize=0, tokenize='unicode61')")
        db.execute(f"INSERT INTO [{name}_bigrams] (rowid, {', '.join(columns)}) SELECT rowid, "
                   f"{', '.join(f'yusuan_bigrams([{c}])' for c in columns)} FROM [{name}] ORDER BY rowid")
    for name in DERIVED:
        write_derived(db.conn, name)
    write_facet_counts(db.conn)
    db.execute("ANALYZE")


def derived_table_sql(conn: sqlite3.Connection, name: str) -> str:
    """CREATE TABLE of a derived table: the columns of its SELECT, typed (amounts REAL, INTEGER_COLUMNS,
    the rest TEXT), its primary key and doc_id's foreign key to documents."""
    columns = [d[0] for d in conn.execute(f"SELECT * FROM ({DERIVED[name]}) LIMIT 0").description]
    lines = [f"   [{c}] {'REAL' if c in AMOUNT_COLUMNS else 'INTEGER' if c in INTEGER_COLUMNS else 'TEXT'}"
             + (" NOT NULL" if c == "doc_id" else "") for c in columns]
    if name in DERIVED_KEYS:
        lines.append(f"   PRIMARY KEY ({', '.join(f'[{k}]' for k in DERIVED_KEYS[name])})")
    lines.append("   FOREIGN KEY ([doc_id]) REFERENCES [documents]([doc_id])")
    return f"CREATE TABLE [{name}] (\n" + ",\n".join(lines) + "\n)"


def write_derived(conn: sqlite3.Connection, name: str) -> None:
    """Create and fill one derived table (rows in its SELECT's order) and its indexes."""
    conn.execute(derived_table_sql(conn, name))
    conn.execute(f"INSERT INTO [{name}] {DERIVED[name].strip()}")
    for columns in DERIVED_INDEXES.get(name, []):
        conn.execute(f"CREATE INDEX [idx_{name}_{'_'.join(columns)}] ON [{name}] "
                     f"({', '.join(f'[{c}]' for c in columns)})")
