"""One disclosure published as several files: the 情况说明 and the 报表 apart (附件1 …情况说明, 附件2 …报表).

Each file is read on its own: its records name it (`source_file`) and their `source_line` counts in it.
This stage joins the results of the files of one disclosure into one document before the checks run, so
that the narrative's figures are checked against the tables printed in the other file. It makes new
records; the files' own results are left as they were read.

Which files make one disclosure:

- those one catalog entry lists under `files:`, in that order;
- without a catalog entry, a narrative printed without its tables (no standard table, status partial) and
  the one file of tables (standard tables, no narrative figure) with the same publisher, year and kind,
  read from their text. Where more than one file could pair, none is joined: a guess would mix two
  disclosures.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from . import metadata
from .departments import department_type
from .fields import FILES_SEPARATOR
from .read import count_tables, dedupe_units
from .records import DocumentResult, Unit
from .text.lines import match_key

_KIND_FAMILY = {"部门预算": "预算", "单位预算": "预算", "部门决算": "决算", "单位决算": "决算"}
# the documents fields a joined document takes from the first of its files that has them
_META = ("title", "publisher", "supervisor", "region", "admin_level", "fiscal_year", "kind", "source_url")


def is_narrative_only(result: DocumentResult) -> bool:
    """A 情况说明 printed without its tables: no table found, and recognised as a narrative whose tables are
    elsewhere (recognise.without_tables: partial) or stating budget figures (a 情况说明 without contents)."""
    doc = result.document
    return doc.tables_found == 0 and (doc.status == "partial" or (doc.status == "failed" and bool(result.statements)))


def is_tables_only(result: DocumentResult) -> bool:
    """A file of standard tables without a narrative that states figures (the 报表 of a disclosure)."""
    return result.document.tables_found > 0 and not result.statements


def pair_key(result: DocumentResult) -> tuple | None:
    """Publisher, year and kind; 部门预算 and 单位预算 are one kind here: a file of tables alone says less
    of which it is than its narrative's cover (the joined document takes the narrative's)."""
    doc = result.document
    if not (doc.publisher and doc.fiscal_year and doc.kind):
        return None
    return match_key(doc.publisher), doc.fiscal_year, _KIND_FAMILY.get(doc.kind, doc.kind)


def pairs(results: Sequence[tuple[str, DocumentResult]]) -> list[tuple[str, str]]:
    """(narrative file, tables file) of every disclosure whose two halves are two files of `results`
    (file name, its result), found by publisher, year and kind; only where exactly one of each pairs up."""
    narratives: dict[tuple, list[str]] = defaultdict(list)
    tables: dict[tuple, list[str]] = defaultdict(list)
    for name, result in results:
        key = pair_key(result)
        if key is None or FILES_SEPARATOR.strip() in name:  # a name with the separator cannot be listed
            continue
        if is_narrative_only(result):
            narratives[key].append(name)
        elif is_tables_only(result):
            tables[key].append(name)
    return sorted((narratives[k][0], tables[k][0]) for k in narratives
                  if len(narratives[k]) == 1 and len(tables.get(k, ())) == 1)


def join(parts: Sequence[DocumentResult], doc_id: str | None = None) -> DocumentResult:
    """One document from the results of its files, in reading order (their checks are not taken: the
    joined document is checked afresh). `doc_id` is the catalog's; without it, one is derived from the
    joined metadata and every file's content hash."""
    if not parts:
        raise ValueError("a joined document needs at least one file")
    docs = [p.document for p in parts]
    doc = replace(docs[0])  # a new row: the files' own results stay as they were read
    for name in _META:
        setattr(doc, name, next((getattr(d, name) for d in docs if getattr(d, name) is not None), None))
    doc.amount_unit = next((d.amount_unit for d in docs if d.tables_found and d.amount_unit), docs[0].amount_unit)
    doc.source_file = FILES_SEPARATOR.join(d.source_file or "" for d in docs)
    doc.source_sha256 = FILES_SEPARATOR.join(d.source_sha256 or "" for d in docs)
    doc.department_type = department_type(doc.publisher) or next(
        (d.department_type for d in docs if d.department_type), None)
    if doc_id is None:
        digest = hashlib.sha256(doc.source_sha256.encode()).hexdigest()
        doc_id = metadata.derive_doc_id({n: getattr(doc, n) for n in _META}, digest)
    doc.doc_id = doc_id
    joined = DocumentResult(document=doc)
    found = {t.kind for p in parts for t in p.tables if t.status != "missing"}
    n = 0
    for part in parts:
        ids: dict[str, str] = {}
        for table in part.tables:
            if table.status == "missing" and table.kind in found:
                continue  # listed in one file's contents, printed in another's: not missing
            n += 1
            ids[table.table_id] = f"t{n:02d}"
            joined.tables.append(replace(table, doc_id=doc_id, table_id=ids[table.table_id]))
        _copy(part, joined, ids, doc_id)
    joined.units = [Unit(doc_id, u.unit_code, u.unit_name) for p in parts for u in p.units]
    dedupe_units(joined)
    count_tables(joined)
    doc.facts_confirmed, doc.facts_confirmed_share = 0, None  # the checks of the joined document say
    return joined


def _copy(part: DocumentResult, joined: DocumentResult, ids: dict[str, str], doc_id: str) -> None:
    """The records of one file, under the joined document's doc_id and table ids."""
    def table(old: str | None) -> str | None:
        return ids.get(old, old) if old is not None else None

    def goal(old: str) -> str:  # t13-g01: the goal's table, then its order there
        head, _, tail = old.partition("-")
        return f"{table(head)}-{tail}"

    joined.facts += [replace(f, doc_id=doc_id, table_id=table(f.table_id)) for f in part.facts]
    joined.projects += [replace(p, doc_id=doc_id, table_id=table(p.table_id)) for p in part.projects]
    joined.goals += [replace(g, doc_id=doc_id, table_id=table(g.table_id), goal_id=goal(g.goal_id))
                     for g in part.goals]
    joined.indicators += [replace(i, doc_id=doc_id, goal_id=goal(i.goal_id)) for i in part.indicators]
    offset = len(joined.glossary)
    joined.glossary += [replace(g, doc_id=doc_id, seq=g.seq + offset) for g in part.glossary]
    joined.unparsed += [replace(u, doc_id=doc_id, table_id=table(u.table_id)) for u in part.unparsed]
    joined.statements += [replace(s) for s in part.statements]
    joined.column_identities.update({table(k): v for k, v in part.column_identities.items()})
    joined.line_pages.update(part.line_pages)
    joined.line_boxes.update(part.line_boxes)
