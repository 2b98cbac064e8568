"""Settle ambiguous rows by the column totals of the table's 合计 row.

When a row's numbers fit several columns (合计 + 基本支出, or 合计 + 项目支出?), the rows at the bottom of
the classification (leaf codes) must still add up, column by column, to the total row. We search the
choices of the ambiguous leaf rows for the one combination that makes every column add up; if exactly one
exists, it is used, otherwise the rows stay ambiguous.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..identities import tolerance

MAX_NODES = 200_000

Placement = tuple[int, ...]


def leaf_indexes(codes: Sequence[str | None]) -> list[int]:
    """Rows whose classification code no other row refines. Where several rows print the same code
    (a 款 row and its 项 rows when the 项 code is not printed), the first of them is their parent."""
    present = [c for c in codes if c]
    leaves = []
    seen: set[str] = set()
    for i, code in enumerate(codes):
        if not code:
            continue
        refined = any(o != code and o.startswith(code) for o in present)
        repeated_parent = present.count(code) > 1 and code not in seen
        seen.add(code)
        if not refined and not repeated_parent:
            leaves.append(i)
    return leaves


def resolve(
    total: Sequence[Decimal | None],
    rows: Sequence[tuple[Sequence[Decimal], list[Placement]]],
    step: Decimal,
) -> list[Placement] | None:
    """One placement per row such that every column sums to `total`, or None if not exactly one."""
    n = len(total)
    fixed = [0 * step] * n
    open_rows = []
    for i, (values, cands) in enumerate(rows):
        if len(cands) == 1:
            for v, c in zip(values, cands[0], strict=True):
                fixed[c] += v
        else:
            open_rows.append((i, values, cands))
    # Largest amounts first, so that overshooting a column total prunes early.
    open_rows.sort(key=lambda r: -max(r[1]))
    # What rows k.. could still add to each column, to prune branches that can no longer reach a total.
    reach = [[0 * step] * n for _ in range(len(open_rows) + 1)]
    for k in range(len(open_rows) - 1, -1, -1):
        _, values, cands = open_rows[k]
        reach[k] = list(reach[k + 1])
        for c in range(n):
            reach[k][c] += max((v for cand in cands for v, cc in zip(values, cand, strict=True) if cc == c),
                               default=0 * step)
    target = [(t or 0 * step) - f for t, f in zip(total, fixed, strict=True)]
    # Tight: a looser, per-term tolerance would let small amounts move between columns unnoticed.
    tol = tolerance(step, 1) / 2
    solutions: list[list[Placement]] = []
    nodes = 0
    acc = [0 * step] * n
    chosen: list[Placement] = []

    def search(k: int) -> None:
        nonlocal nodes
        nodes += 1
        if len(solutions) > 1 or nodes > MAX_NODES:
            return
        if k == len(open_rows):
            if all(abs(a - t) <= tol for a, t in zip(acc, target, strict=True)):
                solutions.append(list(chosen))
            return
        _, values, cands = open_rows[k]
        for cand in cands:
            for v, c in zip(values, cand, strict=True):
                acc[c] += v
            if all(acc[c] <= target[c] + tol for c in cand) and all(
                acc[c] + reach[k + 1][c] >= target[c] - tol for c in range(n)
            ):
                chosen.append(cand)
                search(k + 1)
                chosen.pop()
            for v, c in zip(values, cand, strict=True):
                acc[c] -= v

    if any(v < 0 for _, values, _ in open_rows for v in values):
        return None
    search(0)
    if len(solutions) != 1 or nodes > MAX_NODES:
        return None
    settled = {i: cand for (i, _, _), cand in zip(open_rows, solutions[0], strict=True)}
    return [settled.get(i, cands[0]) for i, (_, cands) in enumerate(rows)]


def parents(codes: Sequence[str | None]) -> list[int | None]:
    """For each row, the row whose classification it refines (its 类 or 款 row), else None.

    The parent is the nearest earlier row whose code is a proper prefix, or the first row of a run that
    prints the same code again (a 款 row followed by its 项 rows when the 项 code is not printed).
    """
    out: list[int | None] = []
    first_of: dict[str, int] = {}
    for i, code in enumerate(codes):
        parent = None
        if code:
            if code in first_of:
                parent = first_of[code]
            else:
                best = -1
                for j in range(i - 1, -1, -1):
                    other = codes[j]
                    if other and other != code and code.startswith(other) and len(other) > best:
                        parent, best = j, len(other)
                first_of[code] = i
        out.append(parent)
    return out


def reachable(value: Decimal, parts: Sequence[Decimal], step: Decimal, limit: int = 50_000) -> bool | None:
    """Is `value` the sum of some of `parts` (within half a step)? None when too many sums to tell."""
    unit = step
    target = int((value / unit).to_integral_value())
    sums = {0}
    for p in parts:
        q = int((p / unit).to_integral_value())
        sums |= {s + q for s in sums if s + q <= target}
        if len(sums) > limit:
            return None
    return target in sums
