"""Datasette plugin: a table's default facets are counted only on pages of few rows.

Loaded like limits.py (`yusuan serve` and the Cloud Run deployment), so it imports nothing from yusuan. A
facet in the metadata written as {"few_rows": "column"} is a column facet counted only when the page
holds at most MAX_ROWS rows: a table filtered to one document or one code, or a small table. On the
unfiltered page of a table of millions of rows (budget_facts, checks at 10,000 documents) counting each
value would read every row on every visit; there it is left out. A facet asked for in the URL
(`_facet=column`) is counted as always, within facet_time_limit_ms.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.facets import ColumnFacet
from datasette.utils import escape_sqlite

MAX_ROWS = 5_000  # a document holds fewer; 10-20 ms a facet of 5,000 rows on one core, a table has up to 4


class FewRowsFacet(ColumnFacet):
    type = "few_rows"

    async def suggest(self):
        return []

    def get_configs(self):
        """The facets of the metadata to count on this page: {"few_rows": column} or {"few_rows": {"column":
        …, "max_rows": N}}; none where the page holds more rows, or was not counted (row_count is the
        page's count, the table's own cached at start-up when unfiltered; None when it timed out or a JSON
        shape skips it); a column also asked for in the URL is counted once, by the column facet."""
        asked = set(self.request.args.getlist("_facet"))
        chosen = []
        for source_and_config in super().get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config.get("simple")
            if column in asked or self.row_count is None or self.row_count > config.get("max_rows", MAX_ROWS):
                continue
            chosen.append(source_and_config)
        return chosen

    async def facet_results(self):
        configs = self.get_configs()
        if not configs:
            return [], []
        # A filtered page: its rows first, found as the page finds them (at most MAX_ROWS; only the
        # columns counted), then counted. Else SQLite may count along the column's index over the whole
        # table and keep the few rows that match (checks?check=… at 10,000 documents: 0.8 s, not 10 ms).
        # A whole table is counted along those indexes.
        tables = ((self.ds.inspect_data or {}).get(self.database) or {}).get("tables") or {}
        if self.row_count != (tables.get(self.table) or {}).get("count"):
            columns = ", ".join(escape_sqlite(c["config"].get("column") or c["config"]["simple"]) for c in configs)
            self.sql = f"WITH page AS MATERIALIZED (SELECT {columns} FROM ({self.sql})) SELECT * FROM page"
        results, timed_out = await super().facet_results()
        for result in results:
            result["type"] = ColumnFacet.type  # shown as any column facet
        return results, timed_out


@hookimpl
def register_facet_classes():
    return [FewRowsFacet]
