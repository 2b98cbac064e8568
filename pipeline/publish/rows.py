"""A package's rows checked against their own Table Schema with Frictionless's cell readers, as the build
checks every document's package before publishing it.

`Package.validate()` spends nine tenths of a document's validation on metadata (the descriptor parsed,
validated by JSON Schema and copied again for every resource, a cell reader made for every field): 0.2 s
a document, against 0.02 s for its rows. Here the schema of each resource is made into Frictionless
cell readers once per process, and every cell of every row goes through them: the same types, the same
constraints (required, pattern, enum, minimum …) and Frictionless's own error messages; then the header,
the number of cells of each row, blank rows and the primary key, as `Package.validate()` checks them. The
descriptor is rendered by the same code for every package (`package.package_descriptor`); the tests
validate published packages whole with `package.validate_package`.
"""

from __future__ import annotations

import csv
import io
from functools import cache

from frictionless import Schema, errors

from ..fields import RESOURCES

# (resource, CSV line (its header is line 1), field or None, the row's cells, the message)
Problem = tuple[str, int | None, str | None, list[str], str]


@cache
def _readers(name: str) -> tuple[list[str], list, list[int]]:
    """The field names of a resource, Frictionless's cell reader of each and the positions of its primary key."""
    descriptor = RESOURCES[name].table_schema()
    descriptor.pop("foreignKeys")  # checked once per target by package.foreign_key_problems
    schema = Schema.from_descriptor(descriptor)
    names = [f.name for f in schema.fields]
    return names, [f.create_cell_reader() for f in schema.fields], [names.index(k) for k in schema.primary_key]


def row_problems(name: str, data: bytes, limit: int = 50) -> list[Problem]:
    """What breaks the schema of resource `name` in its CSV `data` (at most `limit` problems)."""
    names, readers, key = _readers(name)
    found: list[Problem] = []
    rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    header = next(rows, [])
    if header != names:
        found.append((name, 1, None, header, f"the header {header} is not the schema's fields {names}"))
    seen: dict[tuple, int] = {}
    for line, cells in enumerate(rows, start=2):
        if len(found) >= limit:
            break
        if not any(cells):
            found.append((name, line, None, cells, errors.BlankRowError(note="", cells=cells, row_number=line).message))
            continue
        if len(cells) != len(names):
            found.append((name, line, None, cells, f"the row has {len(cells)} cells; the schema has {len(names)} fields"))
            continue
        values = []
        for number, (field, reader, cell) in enumerate(zip(names, readers, cells, strict=True), start=1):
            value, notes = reader(cell)
            values.append(value)
            for kind, note in (notes or {}).items():
                error = errors.TypeError if kind == "type" else errors.ConstraintError
                found.append((name, line, field, cells, error(note=note, cells=cells, row_number=line, cell=cell,
                                                              field_name=field, field_number=number).message))
        if key:
            cells_of_key = tuple(values[i] for i in key)
            if set(cells_of_key) == {None}:
                note = 'cells composing the primary keys are all "None"'
                found.append((name, line, None, cells, errors.PrimaryKeyError(note=note, cells=cells,
                                                                              row_number=line).message))
            elif cells_of_key in seen:
                note = f"the same as in the row at position {seen[cells_of_key]}"
                found.append((name, line, None, cells, errors.PrimaryKeyError(note=note, cells=cells,
                                                                              row_number=line).message))
            else:
                seen[cells_of_key] = line
    return found[:limit]
