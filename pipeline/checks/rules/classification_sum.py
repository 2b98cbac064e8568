"""In every column, classification children add up to their parent (项 → 款 → 类), the top-level rows
to the table's 合计 row, and the rows of a budget unit to the unit's row.

Children of a coded row are the rows after it that carry a longer code starting with its code (the
shortest such codes: a 类 row followed directly by 项 rows sums those). Rows with the same code are
siblings (the projects of one 项), not children.
"""

from __future__ import annotations

from ...tables.read import ORG_RE
from ..base import Ledger, Rule, is_total_item, key, where


def code_of(row) -> str | None:
    f = next(iter(row.values()))
    return f.function_code or f.economic_code


def children(rows: list, i: int) -> list:
    """Rows directly under rows[i] by its code: the shortest longer codes starting with it, up to the
    first row that is not under it (empty if none)."""
    code = code_of(rows[i])
    block = []
    for row in rows[i + 1:]:
        c = code_of(row)
        if c is None or not c.startswith(code) or c == code:
            break
        block.append(row)
    if not block:
        return []
    shortest = min(len(code_of(r)) for r in block)
    return [r for r in block if len(code_of(r)) == shortest]


def top_level(rows: list) -> list:
    """Coded rows under no other coded row since the last uncoded row (a unit's row starts a new block).
    Rows with the same code are siblings (the projects of one 项)."""
    out, seen = [], set()
    for row in rows:
        c = code_of(row)
        if c is None:
            seen = set()
            continue
        if not any(c.startswith(p) and c != p for p in seen):
            out.append(row)
        seen.add(c)
    return out


def fully_coded(rows: list) -> bool:
    """Every row but totals, budget units and blank-label repeats carries a code: only then do the codes
    say which row is under which (an extraction that kept a few codes cells would mislead the sums)."""
    for row in rows:
        f = next(iter(row.values()))
        if code_of(row) or is_total_item(f.item) or not key(f.item) or f.unit_code or ORG_RE.search(key(f.item)):
            continue
        return False
    return True


def compare_rows(ledger: Ledger, table_id: str, parent, parts: list, what: str) -> None:
    for path, total in parent.items():
        values = [r[path] for r in parts if path in r]  # a child without this column printed adds nothing
        ledger.compare(table_id, total, values,
                       f"{where(ledger, table_id, total.source_line)} {what} [{path}]")


def run(ledger: Ledger) -> None:
    for table_id, facts in ledger.facts.items():
        if any(f.side for f in facts):
            continue  # two-sided summaries: summary-parts-mismatch
        rows = ledger.rows(table_id)
        if not any(code_of(r) for r in rows) or not fully_coded(rows):
            continue
        for i, row in enumerate(rows):
            if code_of(row) is None:
                continue
            kids = children(rows, i)
            if kids:
                item = next(iter(row.values())).item
                compare_rows(ledger, table_id, row, kids,
                             f"{code_of(row)} {key(item)} = sum of its {len(kids)} sub-rows")
        tops = top_level(rows)
        if not tops:
            continue
        for i, row in enumerate(rows):
            if code_of(row) is not None:
                continue
            item = next(iter(row.values())).item
            if is_total_item(item):
                compare_rows(ledger, table_id, row, tops, f"{key(item)} = sum of the {len(tops)} top-level rows")
            elif key(item):  # a budget unit's row: its top-level rows follow it, up to the next uncoded row
                block = []
                for later in rows[i + 1:]:
                    if code_of(later) is None:
                        break
                    block.append(later)
                mine = [r for r in tops if any(r is b for b in block)]
                if mine:
                    compare_rows(ledger, table_id, row, mine, f"{key(item)} = sum of its {len(mine)} rows")


RULE = Rule(
    id="classification-sum-mismatch",
    title="科目分项之和与上级科目不符 / classification rows do not add up",
    identity="in every column: 类 = sum of its 款, 款 = sum of its 项 (function and economic codes alike); "
             "合计 = sum of the top-level rows; a budget unit's row = sum of its rows",
    severity="error",
    kinds=("expenditure_summary", "general_budget_expenditure", "general_budget_basic", "general_budget_projects",
           "fiscal_grant_by_economic", "gov_fund_expenditure", "soe_capital_expenditure"),
    run=run,
)
