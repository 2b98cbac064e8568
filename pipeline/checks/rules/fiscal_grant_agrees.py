"""The 财政拨款收支总表's 一般公共预算 expenditure equals the 一般公共预算支出表's 合计.

Compared only over one fund: the 一般公共预算 column where the summary prints one; its total column
only when the document has no 政府性基金 or 国有资本经营 money (their tables are empty or absent)."""

from __future__ import annotations

import re

from ..base import Ledger, Rule, key, where

SPENDING_ROW = re.compile(r"^(?:[一二三四五六七八九十]+、)?本年支出(合计)?$|^支出总计$")
OTHER_FUNDS = ("gov_fund_expenditure", "soe_capital_expenditure")


def run(ledger: Ledger) -> None:
    summary, general = ledger.first("fiscal_grant_summary"), ledger.first("general_budget_expenditure")
    if summary is None or general is None:
        return
    row = ledger.row_where(summary.table_id, SPENDING_ROW, "支出")
    if row is None:
        return
    figure = ledger.column(row, r"^一般公共预算")
    if figure is None:
        if ledger.tables_of(*OTHER_FUNDS) and any(
                f.amount for t in ledger.tables_of(*OTHER_FUNDS) for f in ledger.facts[t.table_id]):
            return  # the summary's total covers other funds too: a different scope, not a failure
        figure = ledger.figure(summary.table_id, SPENDING_ROW, "支出", r"合计|总计|预算数")
    total = ledger.column(ledger.total_row(general.table_id), r"^(合计|总计|支出总计)$")
    if total is None:
        return
    ledger.compare(general.table_id, total, [figure],
                   f"{where(ledger, general.table_id, total.source_line)} 合计 = {key(figure.item)} "
                   f"[{figure.column_path}] of {where(ledger, summary.table_id, figure.source_line)}")


RULE = Rule(
    id="fiscal-grant-mismatch",
    title="财政拨款收支总表与一般公共预算支出表不符 / fiscal grant summary disagrees with the general budget table",
    identity="一般公共预算支出表 合计 = 财政拨款收支总表 本年支出 (一般公共预算 column)",
    severity="error",
    kinds=("fiscal_grant_summary", "general_budget_expenditure"),
    run=run,
)
