"""In every column, classification children add up to their parent (项 → 款 → 类), the top-level rows
to the table's 合计 row, and the rows of a budget unit to the unit's row.

Children of a coded row are the rows after it that carry a longer code starting with its code (the
shortest such codes: a 类 row followed directly by 项 rows sums those). Rows with the same code are
siblings (the projects of one 项), except where an extraction lost the 项 digits: a 类 or 款 row followed
by rows printed with its very code that add up to it in every column is their parent.
"""

from __future__ import annotations

from ...identities import is_total_item, sums_to
from ...vocabulary import ORG_RE
from ..base import Ledger, Rule, first, key, where

SUB_ROW = "~"  # appended to the code of a row printed with its parent's code


def codes_of(ledger: Ledger, rows: list) -> list[str | None]:
    codes = [first(r).function_code or first(r).economic_code for r in rows]
    for i, code in enumerate(codes):
        if not code or len(code) >= 7 or SUB_ROW in code:
            continue
        j = i + 1
        while j < len(codes) and codes[j] == code:
            j += 1
        under = rows[i + 1:j]
        if under and all(sums_to(f.amount, [r[p].amount for r in under if p in r], ledger.step(f))
                         for p, f in rows[i].items()):
            for k in range(i + 1, j):
                codes[k] = code + SUB_ROW
    return codes


def children(codes: list, i: int) -> list[int]:
    """Indexes of the rows directly under row i by its code: the shortest longer codes starting with it,
    up to the first row that is not under it."""
    code = codes[i]
    block = []
    for k in range(i + 1, len(codes)):
        c = codes[k]
        if c is None or not c.startswith(code) or c == code:
            break
        block.append(k)
    if not block:
        return []
    shortest = min(len(codes[k]) for k in block)
    return [k for k in block if len(codes[k]) == shortest]


def top_level(codes: list) -> list[int]:
    """Coded rows under no other coded row since the last uncoded row (a unit's row starts a new block)."""
    out, seen = [], set()
    for i, c in enumerate(codes):
        if c is None:
            seen = set()
            continue
        if not any(c.startswith(p) and c != p for p in seen):
            out.append(i)
        seen.add(c)
    return out


def fully_coded(rows: list, codes: list) -> bool:
    """Every row but totals, budget units and blank-label repeats carries a code: only then do the codes
    say which row is under which (an extraction that kept a few code cells would mislead the sums)."""
    for row, code in zip(rows, codes, strict=True):
        f = first(row)
        if code or is_total_item(f.item) or not key(f.item) or f.unit_code or ORG_RE.search(key(f.item)):
            continue
        return False
    return True


def compare_rows(ledger: Ledger, table_id: str, parent, parts: list, what: str) -> None:
    for path, total in parent.items():
        values = [r[path] for r in parts if path in r]  # a child without this column printed adds nothing
        ledger.compare(table_id, total, values, f"{where(ledger, table_id, total.source_line)} {what} [{path}]")


def run(ledger: Ledger) -> None:
    for table_id, facts in ledger.facts.items():
        if any(f.side for f in facts):
            continue  # two-sided summaries: summary-parts-mismatch
        rows = ledger.rows(table_id)
        codes = codes_of(ledger, rows)
        if not any(codes) or not fully_coded(rows, codes):
            continue
        for i, row in enumerate(rows):
            kids = children(codes, i) if codes[i] else []
            if kids:
                compare_rows(ledger, table_id, row, [rows[k] for k in kids],
                             f"{codes[i].rstrip(SUB_ROW)} {key(first(row).item)} = sum of its {len(kids)} sub-rows")
        tops = top_level(codes)
        if not tops:
            continue
        for i, row in enumerate(rows):
            if codes[i] is not None:
                continue
            item = first(row).item
            if is_total_item(item):
                compare_rows(ledger, table_id, row, [rows[k] for k in tops],
                             f"{key(item)} = sum of the {len(tops)} top-level rows")
            elif key(item):  # a budget unit's row: its top-level rows follow it, up to the next uncoded row
                end = next((k for k in range(i + 1, len(rows)) if codes[k] is None), len(rows))
                mine = [rows[k] for k in tops if i < k < end]
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
