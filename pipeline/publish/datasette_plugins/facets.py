"""Datasette plugin: facets that never count millions of rows on a visit.

Loaded like limits.py (`yusuan serve` and the Cloud Run deployment), so it imports nothing from yusuan.

- A facet of a whole table (`_facet=column` on an unfiltered page, or one of the metadata's) is read from
  the database's `facet_counts` table (pipeline/publish/database.py: the counts of the columns people facet
  on, counted once when the database is written) where it holds the column: at 10,000 documents counting
  the 2 million facts along an index takes 100-200 ms a facet, reading the stored counts 1 ms. The page holds
  the whole table when its count is the table's own (a subset of as many rows is the table). The results
  are Datasette's own column facet's (links, labels, truncation): only its one query reads other rows.
- A facet in the metadata written as {"few_rows": "column"} is counted only when the page holds at most
  MAX_ROWS rows (a table filtered to one document or one code, or a small table); on the unfiltered page
  of a table of millions of rows it is left out. A facet asked for in the URL is counted as always (or
  read, as above), within facet_time_limit_ms.

Datasette's own column facet (the plugin "datasette.facets") is replaced by StoredCountsColumnFacet, which
is that facet with the stored counts; its date and array facets are registered as they were.
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl
from datasette.facets import ArrayFacet, ColumnFacet, DateFacet, Facet
from datasette.plugins import pm
from datasette.utils import detect_json1, escape_sqlite

MAX_ROWS = 5_000  # a document holds fewer; 10-20 ms a facet of 5,000 rows on one core, a table has up to 4
STORED = "facet_counts"
STORED_VALUES = 5001  # database.FACET_VALUES_KEPT: the values stored of a column, largest counts first
STORED_SQL = (f"select value, count from {STORED} where table_name = :table and column_name = :column "
              "order by count desc, value limit :limit")


class _StoredCountsDatasette:
    """The Datasette instance as the column facet sees it, but for its query of one column's counts, which
    reads the stored ones."""

    def __init__(self, ds, table: str, column: str, limit: int):
        self._ds, self._params = ds, {"table": table, "column": column, "limit": limit}

    def __getattr__(self, name):
        return getattr(self._ds, name)

    async def execute(self, database, sql, params=None, **kwargs):
        return await self._ds.execute(database, STORED_SQL, self._params, **kwargs)


class StoredCountsColumnFacet(ColumnFacet):
    type = "column"
    _only: list | None = None

    def chosen_configs(self) -> list:
        """The facets of this page (each {"source": …, "config": …})."""
        return Facet.get_configs(self)

    def get_configs(self):
        return self._only if self._only is not None else self.chosen_configs()

    def table_count(self) -> int | None:
        """The table's row count, taken at start-up (inspect data), or None."""
        tables = ((self.ds.inspect_data or {}).get(self.database) or {}).get("tables") or {}
        return (tables.get(self.table) or {}).get("count")

    def whole_table(self) -> bool:
        return bool(self.table) and self.row_count is not None and self.row_count == self.table_count()

    async def stored_columns(self) -> set[str]:
        """The columns of this table whose counts are stored (none in a database without facet_counts)."""
        try:
            rows = await self.ds.execute(self.database, f"select distinct column_name from {STORED} "
                                         "where table_name = :table", {"table": self.table})
        except sqlite3.OperationalError:  # no such table: a database written before facet_counts
            return set()
        return {row[0] for row in rows}

    async def facet_results(self):
        configs = self.chosen_configs()
        stored = await self.stored_columns() if configs and self.whole_table() else set()
        limit = self.get_facet_size() + 1
        if limit > STORED_VALUES:
            stored = set()
        results, timed_out = [], []
        for config in configs:
            column = config["config"].get("column") or config["config"].get("simple")
            self._only = [config]
            ds = self.ds
            if column in stored:
                self.ds = _StoredCountsDatasette(ds, self.table, column, limit)
            try:
                one, late = await super().facet_results()
            finally:
                self.ds, self._only = ds, None
            results.extend(one)
            timed_out.extend(late)
        return results, timed_out


class FewRowsFacet(StoredCountsColumnFacet):
    type = "few_rows"

    async def suggest(self):
        return []

    def chosen_configs(self):
        """The facets of the metadata to count on this page: {"few_rows": column} or {"few_rows": {"column":
        …, "max_rows": N}}; none where the page holds more rows, or was not counted (row_count is the
        page's count, the table's own cached at start-up when unfiltered; None when it timed out or a JSON
        shape skips it); a column also asked for in the URL is counted once, by the column facet."""
        asked = set(self.request.args.getlist("_facet"))
        chosen = []
        for source_and_config in Facet.get_configs(self):
            config = source_and_config["config"]
            column = config.get("column") or config.get("simple")
            if column in asked or self.row_count is None or self.row_count > config.get("max_rows", MAX_ROWS):
                continue
            chosen.append(source_and_config)
        return chosen

    async def facet_results(self):
        configs = self.chosen_configs()
        if not configs:
            return [], []
        # A filtered page: its rows first, found as the page finds them (at most MAX_ROWS; only the
        # columns counted), then counted. Else SQLite may count along the column's index over the whole
        # table and keep the few rows that match (checks?check=… at 10,000 documents: 0.8 s, not 10 ms).
        # A whole table is counted along those indexes, or read from the stored counts.
        if not self.whole_table():
            columns = ", ".join(escape_sqlite(c["config"].get("column") or c["config"]["simple"]) for c in configs)
            self.sql = f"WITH page AS MATERIALIZED (SELECT {columns} FROM ({self.sql})) SELECT * FROM page"
        results, timed_out = await super().facet_results()
        for result in results:
            result["type"] = ColumnFacet.type  # shown as any column facet
        return results, timed_out


# this module's column facet replaces Datasette's (the module is run again by each Datasette that loads it)
if pm.has_plugin("datasette.facets"):
    pm.unregister(name="datasette.facets")


@hookimpl
def register_facet_classes():
    return [StoredCountsColumnFacet, DateFacet] + ([ArrayFacet] if detect_json1() else []) + [FewRowsFacet]
