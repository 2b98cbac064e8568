"""A two-sided summary balances: 收入总计 = 支出总计."""

from __future__ import annotations

from ..base import Ledger, Rule, where


def run(ledger: Ledger) -> None:
    for table in ledger.tables_of("income_expenditure_summary", "fiscal_grant_summary"):
        income = ledger.grand_total(table.table_id, "收入")
        spending = ledger.grand_total(table.table_id, "支出")
        if income is None or spending is None:
            continue
        ledger.compare(table.table_id, spending, [income],
                       f"{where(ledger, table.table_id, spending.source_line)} 支出总计 = 收入总计")


RULE = Rule(
    id="summary-unbalanced",
    title="收入总计与支出总计不等 / income and expenditure totals differ",
    identity="收支总表 and 财政拨款收支总表: 支出总计 = 收入总计",
    severity="error",
    kinds=("income_expenditure_summary", "fiscal_grant_summary"),
    run=run,
)
