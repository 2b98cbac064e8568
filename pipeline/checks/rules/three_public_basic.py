"""The “三公” table's 公务接待费 and 公务用车运行维护费 are at least the economic lines 30217 公务接待费 and
30231 公务用车运行维护费 of the 基本支出 table (both 一般公共预算 money).

At least, not equal: the “三公” table counts all such spending of its funds, the basic table only the
part paid from basic money; the rest is paid from project money (a 三公 table of 2 万元 against 1 万元 of
30217 in the basic table). Equality confirms both figures; a 三公 figure below its basic line is a
discrepancy. A warning, as the scopes are not printed. Where the basic table prints no such line, all of it
is project money: nothing to compare. A basic table by 政府经济分类 and 部门经济分类 prints the line once per
government class (50206 | 30217 for the administration, 50502 | 30217 for its institutions): the figure is
the sum of them."""

from __future__ import annotations

from ..base import Ledger, Rule, first, where

LINES = (("30217", r"^公务接待费$"), ("30231", r"^公务用车运行(维护)?费$"))


def run(ledger: Ledger) -> None:
    three, basic = ledger.first("three_public"), ledger.first("general_budget_basic")
    if three is None or basic is None:
        return
    total_row = ledger.total_row(three.table_id) or (ledger.rows(three.table_id) or [None])[0]
    rows: dict[str | None, list] = {}
    for r in ledger.rows(basic.table_id):
        rows.setdefault(first(r).economic_code, []).append(r)
    for code, pattern in LINES:
        figure = ledger.column(total_row, pattern)
        lines = [f for f in (ledger.column(r, r"合计|总计") for r in rows.get(code, [])) if f is not None]
        if figure is None or not lines:
            continue  # a basic table without the line: the 三公 money is project money, another scope
        ledger.compare(three.table_id, figure, lines,
                       f"{where(ledger, three.table_id, figure.source_line)} {figure.measure} ≥ line {code} of "
                       f"{where(ledger, basic.table_id, lines[0].source_line)}"
                       + (f" ({len(lines)} lines)" if len(lines) > 1 else ""), at_least=True)


RULE = Rule(
    id="three-public-basic-mismatch",
    title="“三公”经费表与基本支出表的公务接待费、公务用车运行维护费不符 / “三公” table disagrees with the basic table",
    identity="“三公”表 公务接待费 ≥ 基本支出表 30217; 公务用车运行维护费 ≥ 基本支出表 30231 (the rest is project money)",
    severity="warning",
    kinds=("three_public", "general_budget_basic"),
    run=run,
)
