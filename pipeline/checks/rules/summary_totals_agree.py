"""The 收入总表 and 支出总表 totals equal the 收支总表's: 收入总表 合计 = 收入总计 (both count 上年结转),
支出总表 合计 = 本年支出合计 (or 支出总计 where no 本年支出合计 is printed)."""

from __future__ import annotations

import re

from ..base import Ledger, Rule, key, where

SUMMARY_ROW = {"收入": re.compile(r"^收入总计$"), "支出": re.compile(r"^本年支出合计$|^支出总计$")}


def summary_figure(ledger: Ledger, table_id: str, side: str):
    return ledger.figure(table_id, SUMMARY_ROW[side], side)


def run(ledger: Ledger) -> None:
    summary = ledger.first("income_expenditure_summary")
    if summary is None:
        return
    for kind, side in (("income_summary", "收入"), ("expenditure_summary", "支出")):
        table = ledger.first(kind)
        if table is None:
            continue
        total = ledger.column(ledger.total_row(table.table_id), r"^(合计|总计|收入总计|支出总计)$")
        expected = summary_figure(ledger, summary.table_id, side)
        if total is None or expected is None:
            continue
        ledger.compare(table.table_id, total, [expected],
                       f"{where(ledger, table.table_id, total.source_line)} 合计 = {key(expected.item)} of "
                       f"{where(ledger, summary.table_id, expected.source_line)}")


RULE = Rule(
    id="summary-totals-disagree",
    title="收入总表、支出总表与收支总表的总数不符 / income or expenditure table disagrees with the summary",
    identity="收入总表 合计 = 收支总表 收入总计; 支出总表 合计 = 收支总表 本年支出合计",
    severity="error",
    kinds=("income_expenditure_summary", "income_summary", "expenditure_summary"),
    run=run,
)
