"""Datasette plugin: a table's permission rules read from the metadata once, not on every check.

Loaded like limits.py, so it imports nothing from yusuan. Datasette 0.65 answers each "view-table" check
(one per table listed on the index and database pages: 60 tables with the full-text indexes' own, and
one or more on every table page) by deep-copying the whole metadata (every column's description) and
merging it, a quarter of a millisecond each: 30 ms of the index page. The metadata of `yusuan serve`
never changes while it runs, so the rules found for a table are kept, per metadata: a Datasette given
new metadata (`_metadata_local` replaced) finds them again. Without that method (another Datasette) the
plugin does nothing.
"""

from __future__ import annotations

from datasette import hookimpl


@hookimpl
def startup(datasette):
    find = getattr(datasette, "_table_permission_allows", None)
    if find is None or getattr(find, "kept_per_metadata", False):
        return
    kept: dict = {}
    seen = [None]

    def table_permission_allows(database, table):
        if seen[0] is not datasette._metadata_local:
            kept.clear()
            seen[0] = datasette._metadata_local
        if (database, table) not in kept:
            kept[database, table] = find(database, table)
        return kept[database, table]

    table_permission_allows.kept_per_metadata = True
    datasette._table_permission_allows = table_permission_allows
