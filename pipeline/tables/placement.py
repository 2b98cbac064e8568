"""Place the numbers of a row whose empty cells vanished into the table's columns.

The numbers keep their order, so a placement is an increasing choice of columns. A placement is valid
when every column identity of the table holds (`identities.py`). We enumerate valid placements by
backtracking, checking each identity as soon as all its columns are decided. One valid placement: use it.
Several: the row is ambiguous and reported, never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

from ..identities import Identity, holds

MAX_CANDIDATES = 8


def placements(
    values: Sequence[Decimal],
    n_columns: int,
    identities: Sequence[Identity],
    allowed: Sequence[int],
    step: Decimal,
    limit: int = MAX_CANDIDATES,
) -> list[tuple[int, ...]]:
    """All increasing assignments of `values` to `allowed` columns that satisfy every identity
    (at most `limit`)."""
    # Rows repeat the same pattern (合计 = 小计 = 基本支出 …) across a corpus: cache by content.
    return list(_placements(tuple(values), n_columns, tuple(identities), tuple(sorted(allowed)), step, limit))


@lru_cache(maxsize=8192)
def _placements(
    values: tuple[Decimal, ...],
    n_columns: int,
    identities: tuple[Identity, ...],
    allowed: tuple[int, ...],
    step: Decimal,
    limit: int,
) -> tuple[tuple[int, ...], ...]:
    k = len(values)
    if k == 0:
        return [()]
    if k > len(allowed):
        return []
    # identities become checkable once the last of their columns is behind us
    by_last: dict[int, list[Identity]] = {}
    for ident in identities:
        by_last.setdefault(max(ident.columns), []).append(ident)
    row: list[Decimal | None] = [None] * n_columns
    found: list[tuple[int, ...]] = []
    chosen: list[int] = []

    def check_upto(upto: int, after: int) -> bool:
        """Check identities whose last column lies in [after, upto)."""
        for col in range(after, upto):
            for ident in by_last.get(col, ()):
                if not holds(ident, row, step):
                    return False
        return True

    def search(j: int, start: int, checked: int) -> None:
        if len(found) >= limit:
            return
        if j == k:
            if check_upto(n_columns, checked):
                found.append(tuple(chosen))
            return
        for idx in range(start, len(allowed) - (k - j) + 1):
            col = allowed[idx]
            if not check_upto(col, checked):
                return  # the columns before `col` are settled and already fail: later cols fail too
            row[col] = values[j]
            chosen.append(col)
            if check_upto(col + 1, col):
                search(j + 1, idx + 1, col + 1)
            chosen.pop()
            row[col] = None

    search(0, 0, 0)
    return tuple(found)
