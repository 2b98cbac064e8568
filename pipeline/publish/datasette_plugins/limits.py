"""Datasette plugin: what one query may cost, so that no query takes the server down.

Loaded by `yusuan serve` (`make_datasette`, plugins_dir) and deployed beside the database
(`datasette publish cloudrun --plugins-dir pipeline/publish/datasette_plugins`), so it imports nothing
from yusuan. With the settings' time limit (sql_time_limit_ms: a cartesian join is interrupted) and row
limit (max_returned_rows), it bounds memory:

- every value: SQLITE_LIMIT_LENGTH, so `randomblob(1000000000)`, a huge `group_concat`, `printf` or
  `replace` fails at once with "string or blob too big" instead of building a gigabyte;
- every result: the rows fetched by one cursor may hold at most MAX_RESULT_BYTES of text and blobs
  (5000 rows of 10 MB values would be 50 GB);
- SQLite's own heap (sorters, caches, the process's connections together): a hard limit, set once.
"""

from __future__ import annotations

import sqlite3
import weakref

from datasette import hookimpl

MAX_VALUE_BYTES = 10 * 1024 * 1024  # the largest value of the database is a few KB
MAX_SQL_BYTES = 100 * 1024
MAX_RESULT_BYTES = 32 * 1024 * 1024
MAX_HEAP_BYTES = 256 * 1024 * 1024  # process-wide (sqlite3_hard_heap_limit64)


class ResultTooLarge(sqlite3.OperationalError):
    """An OperationalError, so that Datasette shows it as the query's error (400), not a crash."""


_spent: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # cursor → bytes fetched so far


def _row(cursor: sqlite3.Cursor, values: tuple) -> sqlite3.Row:
    size = sum(len(v) if isinstance(v, str | bytes) else 8 for v in values)
    total = _spent.get(cursor, 0) + size
    if total > MAX_RESULT_BYTES:
        raise ResultTooLarge(f"query result too large: more than {MAX_RESULT_BYTES // (1024 * 1024)} MB; "
                             "select fewer rows or shorter values")
    _spent[cursor] = total
    return sqlite3.Row(cursor, values)


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    conn.row_factory = _row  # Datasette set sqlite3.Row; this is the same, counted


@hookimpl
def startup() -> None:
    conn = sqlite3.connect(":memory:")
    try:
        current = conn.execute("PRAGMA hard_heap_limit").fetchone()[0]
        if not current or current > MAX_HEAP_BYTES:
            conn.execute(f"PRAGMA hard_heap_limit = {MAX_HEAP_BYTES}")
    finally:
        conn.close()
