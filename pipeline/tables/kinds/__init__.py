"""The standard set of budget tables: one module per kind in this package, discovered.

Each module exposes `KIND`, a `TableKind`: what its title says (key words, matched on the
whitespace-free NFKC key of a line, never an exact title: titles vary by region and year — 部门/单位,
预算表/支出表, 收支预算总表/财务收支预算总表 …), how its rows are laid out, the fund it covers, and which
other tables settle the rows its own arithmetic leaves ambiguous. Adding a module adds the kind to the
reader, the published `budget_tables.kind` enum and the data dictionary.

Kinds are tried in `precedence` order (most specific first); the first whose `title` matches and whose
`exclude` does not wins. `shape` tells the reader how rows are laid out:

- ``columns``: a label (with classification and unit codes) and amount columns under a header tree;
- ``two_sided``: 收入 on the left, 支出 on the right (收支总表, 财政拨款收支总表);
- ``performance``: one row per indicator or one form per project (read by `pipeline.performance`).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from typing import NamedTuple


class Known(NamedTuple):
    """A total another table prints that settles an ambiguous table: that table's `kind`, the `label` of
    the columns it must match in the ambiguous table, and where in that table it is printed: the first
    amount of the row with economic `code`, the amount in its total row's column titled `label`
    (`column`), or its total row's first amount."""

    kind: str
    label: str
    code: str | None = None
    column: bool = False


@dataclass(frozen=True)
class TableKind:
    kind: str
    name: str  # the usual Chinese title
    title: re.Pattern[str]
    precedence: int  # tried in this order, most specific first
    exclude: re.Pattern[str] | None = None
    shape: str = "columns"
    code_kind: str = "function"  # which classification its 科目编码 column holds: function | economic
    fund: str | None = None  # the fund a one-fund table covers (an empty one says this fund has no money)
    # totals other tables print that settle this table's ambiguous rows (read after those tables)
    settled_by: tuple[Known, ...] = ()
    # (kind of another table, the column label its first amount stands for): that table's rows settle
    # this table's ambiguous rows item by item
    settled_by_rows: tuple[tuple[str, str], ...] = ()


def pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def _discover() -> tuple[TableKind, ...]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind = getattr(module, "KIND", None)
        if not isinstance(kind, TableKind):
            raise TypeError(f"{module.__name__} defines no KIND (a pipeline.tables.kinds.TableKind)")
        if kind.kind != info.name:
            raise ValueError(f"{module.__name__} defines the kind {kind.kind!r}: a kind's module is named after it")
        found.append(kind)
    order = [k.precedence for k in found]
    if len(set(order)) != len(order):
        raise ValueError(f"two table kinds share a precedence: {sorted(order)}")
    return tuple(sorted(found, key=lambda k: k.precedence))


KINDS: tuple[TableKind, ...] = _discover()
BY_NAME = {k.kind: k for k in KINDS}


def kind_of(name: str) -> TableKind:
    """The registered kind called `name`; an unknown name fails loudly, naming the known ones."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown table kind {name!r}; known kinds: {', '.join(BY_NAME)}") from None


def match_kind(key: str) -> TableKind | None:
    """The kind whose title key words `key` (a match key, see `text.lines.match_key`) carries."""
    for kind in KINDS:
        if kind.title.search(key) and not (kind.exclude and kind.exclude.search(key)):
            return kind
    return None
