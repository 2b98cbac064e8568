"""Two-sided summaries (收支总表, 财政拨款收支总表): on each side, the numbered items (一、二、…) add up
to 本年收入合计 / 本年支出合计, and that plus the items printed after it (上年结转, 结转下年) to
收入总计 / 支出总计. Where no 本年…合计 is printed, the numbered items add up to the 总计."""

from __future__ import annotations

import re

from ...vocabulary import GRAND_TOTAL_RE, YEAR_TOTAL_RE
from ...vocabulary import LEVEL1_ITEM_RE as LEVEL1_RE
from ..base import Ledger, Rule, first, key, where

# A numbered detail of the item above it: 1.财政拨款结余、结转, （一）…, (1) …
SUB_ITEM_RE = re.compile(r"^(?:\d+[.、．]|[（(][一二三四五六七八九十\d]+[）)])")


def run(ledger: Ledger) -> None:
    for table in ledger.tables_of("income_expenditure_summary", "fiscal_grant_summary"):
        for side in ("收入", "支出"):
            rows = ledger.rows(table.table_id, side)
            items = [key(first(r).item) for r in rows]
            year = next((i for i, it in enumerate(items) if YEAR_TOTAL_RE.match(it)), None)
            grand = next((i for i, it in enumerate(items) if GRAND_TOTAL_RE.match(it)), None)
            first_total = year if year is not None else grand
            if first_total is None:
                continue
            numbered = [r for r, it in zip(rows[:first_total], items[:first_total], strict=True)
                        if LEVEL1_RE.match(it)]
            if numbered:
                _compare(ledger, table.table_id, rows[first_total], numbered, items[first_total])
            if year is not None and grand is not None and grand > year:
                # the items between: 上年结转 … (not their numbered details: 1.财政拨款结余、结转 of 上年结余、结转)
                after = [r for r, it in zip(rows[year + 1:grand], items[year + 1:grand], strict=True)
                         if not SUB_ITEM_RE.match(it)]
                _compare(ledger, table.table_id, rows[grand], [rows[year], *after], items[grand])


def _compare(ledger: Ledger, table_id: str, total_row: dict, parts: list, label: str) -> None:
    for path, total in total_row.items():
        values = [r[path] for r in parts if path in r]
        ledger.compare(table_id, total, values,
                       f"{where(ledger, table_id, total.source_line)} {label} [{total.side} {path}] = "
                       f"sum of {len(parts)} items")


RULE = Rule(
    id="summary-parts-mismatch",
    title="收支总表分项之和与合计不符 / summary items do not add up to their total",
    identity="on each side of a 收支总表 / 财政拨款收支总表: 本年收入合计 = sum of the numbered income items; "
             "收入总计 = 本年收入合计 + 上年结转 (and the same for 支出)",
    severity="error",
    kinds=("income_expenditure_summary", "fiscal_grant_summary"),
    run=run,
)
