"""Publishing: the data packages (`package.py`), the SQLite database (`database.py`) and the Datasette
metadata (`datasette.py`).

One code path: every output takes the records of `pipeline.output.rows_by_resource` (through
`published_records`) and types them with `pipeline.fields` (`Resource.values`), so a package, the database
and the site always hold the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..checks.across import run_across
from ..fields import RESOURCES
from ..output import rows_by_resource
from ..records import DocumentResult


def published_records(results: Iterable[DocumentResult], across: bool = True) -> dict[str, list]:
    """The records of every resource, of the given documents in doc_id order (each document's rows in its
    own published order), and after each document's own checks its checks across documents
    (`checks.across`: they depend on the other documents, so only the combined outputs hold them; a
    document's own package is written with `across=False`)."""
    results = sorted(results, key=lambda x: x.document.doc_id)
    out: dict[str, list] = {name: [] for name in RESOURCES}
    across = run_across(results) if across else {}
    for result in results:
        for name, rows in rows_by_resource(result).items():
            out[name].extend(rows)
        for n, check in enumerate(across.get(result.document.doc_id, []), start=len(result.checks) + 1):
            check.seq = n
            out["checks"].append(check)
    return out


def typed_rows(records: dict[str, list]) -> dict[str, list[tuple]]:
    """Each resource's records as tuples of typed cells in column order (see `fields.Resource.values`)."""
    return {name: [RESOURCES[name].values(rec) for rec in records[name]] for name in RESOURCES}
