"""Two-sided summaries (收支总表, 财政拨款收支总表): on each side, the numbered items (一、二、…) add up
to 本年收入合计 / 本年支出合计, and that plus the items printed after it (上年结转, 结转下年) to
收入总计 / 支出总计. Where no 本年…合计 is printed, the numbered items add up to the 总计.

Some summaries print the year's total as the first numbered item (一、本年支出) and number its items afresh
below it (一、一般公共服务支出 … 三十一、往来性支出), then go on with 二、年终结转结余: the items add up to
that heading, and the heading with the items after its run to the 总计. Likewise an unnumbered carry-over
(上年结转结余) may list its funds as 一、一般公共预算拨款 …: details of it, not further items."""

from __future__ import annotations

import re

from ...identities import year_heading
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
            numbered = [i for i in range(first_total) if LEVEL1_RE.match(items[i])]
            heading, under = year_heading(items[:first_total])
            if heading is not None and under:
                _compare(ledger, table.table_id, rows[heading], [rows[i] for i in under], items[heading])
            top = [rows[i] for i in numbered if i not in under]
            if top:
                _compare(ledger, table.table_id, rows[first_total], top, items[first_total])
            if year is not None and grand is not None and grand > year:
                after = [rows[i] for i in _carried(items, year + 1, grand)]
                _compare(ledger, table.table_id, rows[grand], [rows[year], *after], items[grand])


def _carried(items: list[str], start: int, end: int) -> list[int]:
    """The items between the year's total and the 总计 (上年结转 …), without their details: 1.财政拨款结余、结转
    or （一）… of 上年结余、结转, and a run 一、… 二、… printed under an unnumbered carry-over (上年结转结余)."""
    kept: list[int] = []
    under_unnumbered = in_details = False
    for i in range(start, end):
        item = items[i]
        if SUB_ITEM_RE.match(item):
            continue
        if LEVEL1_RE.match(item) and under_unnumbered and (in_details or item.startswith("一、")):
            in_details = True
            continue
        kept.append(i)
        under_unnumbered, in_details = not LEVEL1_RE.match(item), False
    return kept


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
             "收入总计 = 本年收入合计 + 上年结转 (and the same for 支出); where the year's total is printed as the "
             "first numbered item (一、本年支出), the items numbered under it add up to it",
    severity="error",
    kinds=("income_expenditure_summary", "fiscal_grant_summary"),
    run=run,
)
