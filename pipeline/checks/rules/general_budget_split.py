"""The 基本支出 and 项目支出 tables add up to the 一般公共预算支出表 (one fund, one scope): where the
general table prints 基本支出 / 项目支出 columns, each agrees with its table's 合计; otherwise the two
tables' totals add up to its 合计."""

from __future__ import annotations

from ...lookup import CARRIED_OVER_RE
from ..base import Ledger, Rule, key, where


def table_total(ledger: Ledger, kind: str):
    """The table's 一般公共预算 total: its 一般公共预算 column where it prints the money of every fund (烟台's
    项目支出预算情况表: 合计 | 财政拨款 (一般公共预算 | 政府性基金预算 …) | 单位资金 …), else its 合计. None where
    the row also carries money over from last year without saying of which fund: the scopes differ."""
    table = ledger.first(kind)
    if table is None:
        return None
    row = ledger.total_row(table.table_id)
    general = ledger.column(row, r"^一般公共预算(拨款|资金|拨款收入)?$")
    if general is not None and any(f.amount and CARRIED_OVER_RE.search(key(path.split("/")[-1]))
                                   for path, f in row.items()):
        return None  # 深圳: money carried over from last year, of no fund said, beside it: part may be 一般公共预算
    return general or ledger.column(row, r"^(合计|总计|金额|支出总计|金额合计)$")


def run(ledger: Ledger) -> None:
    general = ledger.first("general_budget_expenditure")
    if general is None:
        return
    row = ledger.total_row(general.table_id)
    basic, projects = table_total(ledger, "general_budget_basic"), table_total(ledger, "general_budget_projects")
    basic_col, projects_col = ledger.column(row, r"^基本支出$"), ledger.column(row, r"^项目支出$")
    name = where(ledger, general.table_id)
    if basic_col is not None or projects_col is not None:
        for col, part, label in ((basic_col, basic, "基本支出"), (projects_col, projects, "项目支出")):
            if col is not None and part is not None:
                ledger.compare(general.table_id, col, [part],
                               f"{name} {label} = 合计 of {where(ledger, part.table_id, part.source_line)}")
        return
    total = ledger.column(row, r"^(合计|总计|支出总计)$")
    if total is not None and basic is not None and projects is not None:
        ledger.compare(general.table_id, total, [basic, projects],
                       f"{name} 合计 = 合计 of {where(ledger, basic.table_id)} + 合计 of "
                       f"{where(ledger, projects.table_id)}")


RULE = Rule(
    id="general-budget-split-mismatch",
    title="基本支出表与项目支出表之和与一般公共预算支出表不符 / basic and project tables disagree with the general budget table",
    identity="一般公共预算支出表 合计 = 基本支出表 合计 + 项目支出表 合计 (or column by column where it prints "
             "基本支出 and 项目支出)",
    severity="error",
    kinds=("general_budget_expenditure", "general_budget_basic", "general_budget_projects"),
    run=run,
)
