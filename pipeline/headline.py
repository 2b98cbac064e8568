"""The figures people compare (收入总计, 支出总计, 基本支出, 项目支出, 人员经费, 公用经费, 三公经费 and its
parts, 机关运行经费 …): one rule picks each from a document's facts, and the published `headline_figures`,
the database, the site's pages and the narrative check all use it.

Each figure is a printed fact, never a sum the rule computes: the fact's amount, table and line travel
with it. A measure the document does not print has no row. Where the table that covers every fund is
not printed (no 支出总表), 基本支出 and 项目支出 come from the 一般公共预算支出表 and say so in `fund`.
机关运行经费 is often stated only in the 情况说明: without a table that prints it, the narrative's own
statement of it (of the whole document, not of one unit or a change on last year) is the figure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .lookup import Facts, first, key
from .records import BudgetFact, DocumentResult, HeadlineFigure, Statement
from .sources import page_of
from .tables.kinds import BY_NAME as KIND_BY_NAME
from .vocabulary import FUNDS, TOTAL_COLUMN_RE

Finder = Callable[[Facts], BudgetFact | None]
TOTAL = r"^(合计|总计)$"
# a 三公 table's total column: 合计, or the one that names 三公 (“三公”经费合计, “三公”经费财政拨款预算总额); its
# total row where it prints a row per part (合计 | 1、因公出国（境）费用 | …) or a row “三公”经费
THREE_TOTAL = r"^(合计|总计)$|三公"
THREE_TOTAL_ROW = r"三公\W?经费|^(合计|总计)$"
GENERAL_BUDGET = FUNDS[0][0]  # 一般公共预算


def column_of_total(kind: str, pattern: str, row: str | None = None) -> Finder:
    """The column `pattern` of the total row of the document's first table of `kind`; where the table
    prints an item per row instead (广州's 三公 table: rows “三公”经费, 其中：（一）因公出国（境）支出 …, a
    column per fund), the total column of the row whose label matches `row`."""
    def find(facts: Facts) -> BudgetFact | None:
        table = facts.first(kind)
        if table is None:
            return None
        total = facts.total_row(table.table_id)
        fact = facts.column(total, pattern) or _fund_part(total, pattern)
        if fact is None and row is not None:
            found = facts.row_where(table.table_id, row)
            fact = (facts.column(found, TOTAL) or first(found)) if found else None
        return fact
    return find


def _fund_part(row: dict[str, BudgetFact] | None, pattern: str) -> BudgetFact | None:
    """A column printed only by fund (深圳's 三公 table: 总计/一般公共预算, 总计/政府性基金预算 … and no total of
    them): its 一般公共预算 column, which the figure's `fund` then names."""
    for path, fact in (row or {}).items():
        parts = [key(p) for p in path.split("/")]
        if len(parts) < 2 or parts[-1] != GENERAL_BUDGET:
            continue
        group = parts[:-1]
        if len(group) >= 2 and TOTAL_COLUMN_RE.match(group[-1]):  # 公务用车购置及运行维护费/小计/一般公共预算
            group = group[:-1]
        if re.search(pattern, group[-1]):
            return fact
    return None


def summary_total(side: str, kind: str = "income_expenditure_summary") -> Finder:
    """收入总计 / 支出总计 of the first two-sided summary of `kind`."""
    def find(facts: Facts) -> BudgetFact | None:
        table = facts.first(kind)
        return facts.grand_total(table.table_id, side) if table else None
    return find


def general_grant_income(facts: Facts) -> BudgetFact | None:
    """The 一般公共预算拨款 row of the 收支总表's income side."""
    table = facts.first("income_expenditure_summary")
    row = facts.row_where(table.table_id, "一般公共预算拨款", "收入") if table else None
    return first(row) if row else None


@dataclass(frozen=True)
class Measure:
    name: str  # as published in headline_figures.measure
    subject: str  # the narrative subject (narrative.SUBJECTS) that states it
    find: Finder  # over the table that covers it
    fallback: Finder | None = None  # a one-fund table's figure where that table is not printed
    fund: str | None = None  # the fund its usual table covers: a figure of another scope says so in `fund`


THREE = "three_public"
MEASURES: tuple[Measure, ...] = (
    Measure("收入总计", "income_total", summary_total("收入")),
    Measure("支出总计", "expenditure_total", summary_total("支出")),
    Measure("财政拨款收支总计", "fiscal_grant_total", summary_total("收入", "fiscal_grant_summary")),
    Measure("一般公共预算拨款收入", "general_grant_income", general_grant_income),
    Measure("一般公共预算支出", "general_budget_total",
            column_of_total("general_budget_expenditure", r"^(合计|总计|支出总计)$"), fund=GENERAL_BUDGET),
    Measure("基本支出", "basic", column_of_total("expenditure_summary", r"^基本支出$"),
            column_of_total("general_budget_expenditure", r"^基本支出$")),
    Measure("项目支出", "projects", column_of_total("expenditure_summary", r"^项目支出$"),
            column_of_total("general_budget_expenditure", r"^项目支出$")),
    Measure("一般公共预算基本支出", "basic_general", column_of_total("general_budget_basic", TOTAL), fund=GENERAL_BUDGET),
    Measure("人员经费", "personnel", column_of_total("general_budget_basic", r"^人员经费$", r"^人员经费(合计|小计)?$"),
            fund=GENERAL_BUDGET),
    Measure("公用经费", "public_use", column_of_total("general_budget_basic", r"^公用经费$", r"^公用经费(合计|小计)?$"),
            fund=GENERAL_BUDGET),
    Measure("三公经费", "three_public", column_of_total(THREE, THREE_TOTAL, THREE_TOTAL_ROW)),
    Measure("因公出国（境）费", "overseas", column_of_total(THREE, r"^因公出国", r"因公出国")),
    Measure("公务用车购置及运行费", "vehicles", column_of_total(THREE, r"^公务用车购置及运行", r"公务用车购置及运行")),
    Measure("公务用车购置费", "vehicle_purchase", column_of_total(THREE, r"^公务用车购置费$|^购置费$",
                                                                r"公务用车购置(费|支出)$")),
    Measure("公务用车运行维护费", "vehicle_running", column_of_total(THREE, r"^公务用车运行|^运行(维护)?费$",
                                                                   r"公务用车运行(维护)?(费|支出)$")),
    Measure("公务接待费", "reception", column_of_total(THREE, r"^公务接待费$", r"公务接待")),
    Measure("机关运行经费", "office_running", column_of_total(THREE, r"^机关运行经费", r"机关运行经费")),
)
BY_SUBJECT: dict[str, Measure] = {m.subject: m for m in MEASURES}
BY_NAME: dict[str, Measure] = {m.name: m for m in MEASURES}
NAMES: tuple[str, ...] = tuple(m.name for m in MEASURES)
STATED_ONLY = ("office_running",)  # subjects whose figure may come from the narrative alone


def _stated(result: DocumentResult, subject: str) -> Statement | None:
    """The narrative's first statement of `subject` for the whole document (not a change, not one unit's)."""
    publisher = result.document.publisher
    for s in result.statements:
        if s.subject == subject and not s.change and (s.scope is None or s.scope == publisher):
            return s
    return None


def headline_figures(result: DocumentResult, facts: Facts | None = None) -> list[HeadlineFigure]:
    """The document's headline figures, in the order of MEASURES."""
    facts = facts or Facts(result)
    doc_id = result.document.doc_id
    seq = {id(f): n for n, f in enumerate(result.facts, start=1)}  # as output.rows_by_resource numbers them
    out = []
    for m in MEASURES:
        fact = m.find(facts)
        if fact is None and m.fallback is not None:
            fact = m.fallback(facts)
        if fact is not None:
            kind = facts.tables[fact.table_id].kind
            out.append(HeadlineFigure(
                doc_id=doc_id, measure=m.name, amount=fact.amount, printed=fact.printed, fund=fact.fund or KIND_BY_NAME[kind].fund,
                table_id=fact.table_id, fact_seq=seq[id(fact)], source_line=fact.source_line,
                source_page=fact.source_page, source_bbox=fact.source_bbox, ocr_confidence=fact.ocr_confidence,
                source_file=fact.source_file))
            continue
        stated = _stated(result, m.subject) if m.subject in STATED_ONLY else None
        if stated is not None:
            out.append(HeadlineFigure(
                doc_id=doc_id, measure=m.name, amount=stated.amount, printed=f"{stated.printed}{stated.unit}",
                fund=None, table_id=None, fact_seq=None, source_line=stated.source_line,
                source_page=page_of(result, stated.source_file, stated.source_line), source_file=stated.source_file))
    return out

