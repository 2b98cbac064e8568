"""In the 基本支出 table, 人员经费 = 301 工资福利支出 + 303 对个人和家庭的补助, and 公用经费 = 302 商品和
服务支出 (+ 310 资本性支出 where the table prints it)."""

from __future__ import annotations

from ..base import Ledger, Rule, first, where

GROUPS = ((r"^人员经费$", ("301", "303")), (r"^公用经费$", ("302", "310")))


def run(ledger: Ledger) -> None:
    for basic in ledger.tables_of("general_budget_basic"):
        rows = ledger.rows(basic.table_id)
        total_row = ledger.total_row(basic.table_id)
        by_code: dict[str, dict] = {}
        for r in rows:
            code = first(r).economic_code
            by_code.setdefault(code, r)  # the first unit's rows only where several units print codes
        for pattern, codes in GROUPS:
            figure = ledger.column(total_row, pattern)
            if figure is None or not any(c in by_code for c in ("301", "302", "303", "310")):
                continue
            parts = [f for c in codes if c in by_code
                     for f in [ledger.column(by_code[c], r"^(合计|总计)$")] if f is not None]
            ledger.compare(basic.table_id, figure, parts,
                           f"{where(ledger, basic.table_id, figure.source_line)} {figure.measure} = "
                           + " + ".join(c for c in codes if c in by_code))


RULE = Rule(
    id="staff-costs-mismatch",
    title="人员经费、公用经费与经济分类不符 / staff or running costs differ from their economic classes",
    identity="基本支出表: 人员经费 = 301 + 303; 公用经费 = 302 (+ 310)",
    severity="error",
    kinds=("general_budget_basic",),
    run=run,
)
