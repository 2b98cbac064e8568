"""Figures the narrative (情况说明) states agree with the tables: 收入/支出总计, 财政拨款收支总数,
一般公共预算拨款收入, 基本支出, 项目支出, 人员经费, 公用经费, 三公经费 and its parts.

A warning: the tables are the published budget, the narrative restates them. Statements of a change on
the previous year (比上年增加 X 万元) are recomputed where the tables print both years (a 三公 table with a row per
year); elsewhere none is written. The tolerance is the coarser of the two roundings (the text often
rounds: 12.4 万元 for 12.40)."""

from __future__ import annotations

import re

from ...amounts import decimals_of
from ...headline import MEASURES
from ...identities import step_of
from ...narrative import OWN_LEVEL_RE
from ...records import BudgetFact, Statement
from ..base import WAN_PER_YUAN, Ledger, Rule, first, key

THREE = "three_public"
# subject (narrative.SUBJECTS) → where the tables print it: the headline rule's table of every fund (a
# narrative's 基本支出 is not the 一般公共预算 table's)
FIGURES = {m.subject: m.find for m in MEASURES}


def _year_rows(ledger: Ledger, kind: str):
    """(this year's row, last year's row) of a table that prints a row per year (2021 年 | 2022 年)."""
    table, year = ledger.first(kind), ledger.result.document.fiscal_year
    if table is None or not year:
        return None
    rows = {key(first(r).item): r for r in ledger.rows(table.table_id)}
    now, before = rows.get(f"{year}年"), rows.get(f"{year - 1}年")
    return (now, before) if now and before else None


def _check_change(ledger: Ledger, s) -> None:
    """比上年增加/减少 X 万元, recomputed where the table prints both years (the 三公 table by year)."""
    pattern = CHANGE_COLUMNS.get(s.subject)
    years = _year_rows(ledger, THREE) if pattern else None
    if years is None:
        return
    now, before = (ledger.column(r, pattern) for r in years)
    if now is None or before is None:
        return
    stated = -s.amount if s.change == "减少" else s.amount
    text_step = step_of(decimals_of(s.printed)) * (WAN_PER_YUAN if s.unit == "元" else 1)
    ledger.compare(
        now.table_id, stated, [now, -before.amount],
        f"情况说明 line {s.source_line} states a change of {s.change} {s.printed}{s.unit} ({s.subject}) — the "
        f"table prints {now.printed} ({_line(now, s)}) against {before.printed} ({_line(before, s)});"
        f" sentence: {s.sentence}",
        source_line=s.source_line, source_file=s.source_file, step=max(text_step, ledger.step(now)), facts=[before],
    )


def _line(fact: BudgetFact, statement: Statement) -> str:
    """Where a table's figure is: its line, and its file when the tables are another file than the
    narrative's (a disclosure joined from several files)."""
    if fact.source_file and fact.source_file != statement.source_file:
        return f"line {fact.source_line} of {fact.source_file}"
    return f"line {fact.source_line}"


CHANGE_COLUMNS = {"three_public": r"^(合计|总计)$", "reception": r"^公务接待费$", "overseas": r"^因公出国",
                  "vehicles": r"^公务用车购置及运行", "vehicle_running": r"^公务用车运行|^运行(维护)?费$",
                  "vehicle_purchase": r"^公务用车购置费$|^购置费$"}


# subject → (table, column) of the figure in a unit's own row, for a section of the narrative on one unit
UNIT_FIGURES = {
    "income_total": ("income_summary", r"^(合计|总计|收入总计)$"),
    "expenditure_total": ("expenditure_summary", r"^(合计|总计|支出总计)$"),
    "basic": ("expenditure_summary", r"^基本支出$"),
    "projects": ("expenditure_summary", r"^项目支出$"),
}
BRACKETS_RE = re.compile(r"[（()）]")


def _name(text: str | None) -> str:
    return BRACKETS_RE.sub("", key(text))


def _unit_figure(ledger: Ledger, s: Statement) -> BudgetFact | None:
    """The figure of the unit a section of the narrative speaks of, in that unit's row of the table."""
    kind, pattern = UNIT_FIGURES.get(s.subject, (None, None))
    table = ledger.first(kind) if kind else None
    if table is None:
        return None
    rows = {_name(first(row).item): row for row in reversed(ledger.rows(table.table_id))}
    name, own_level = _name(s.scope), OWN_LEVEL_RE.sub("", _name(s.scope))
    # 某局（本级）: the row so named, else the unit's row without the word, unless that is the department's
    row = rows.get(name) or (rows.get(own_level) if own_level != _name(ledger.result.document.publisher) else None)
    return ledger.column(row, pattern) if row else None


def run(ledger: Ledger) -> None:
    publisher = _name(ledger.result.document.publisher)
    for s in ledger.result.statements:
        one_unit = s.scope is not None and _name(s.scope) != publisher
        if s.change:
            if not one_unit:  # a unit's change on last year: the tables print no unit's last year
                _check_change(ledger, s)
            continue
        if one_unit:  # a section of the narrative on one unit: that unit's row of the tables
            fact = _unit_figure(ledger, s)
        else:
            find = FIGURES.get(s.subject)
            fact = find(ledger) if find else None
        if fact is None:
            continue
        text_step = step_of(decimals_of(s.printed)) * (WAN_PER_YUAN if s.unit == "元" else 1)
        ledger.compare(
            fact.table_id, s.amount, [fact],
            f"情况说明 line {s.source_line} states {s.printed}{s.unit} ({s.subject}) — the table prints "
            f"{fact.printed} at {_line(fact, s)}; sentence: {s.sentence}",
            source_line=s.source_line, source_file=s.source_file, step=max(text_step, ledger.step(fact)),
        )


RULE = Rule(
    id="narrative-figure-mismatch",
    title="情况说明中的数字与表格不符 / a figure stated in the narrative differs from the tables",
    identity="each 收入/支出总计, 财政拨款收支总数, 一般公共预算拨款收入, 基本支出, 项目支出, 人员经费, 公用经费, "
             "三公经费 and its parts stated in the 情况说明 = the same figure in its table",
    severity="warning",
    kinds=("narrative",),
    run=run,
)
