"""A project's amount in the performance table agrees with the project expenditure table.

A warning: performance tables often state a project's total funds (all sources, or several years)
where the project table gives one year's 一般公共预算 money."""

from __future__ import annotations

from collections import defaultdict

from ...text.lines import match_key
from ..base import Ledger, Rule


def run(ledger: Ledger) -> None:
    projects = defaultdict(list)
    for p in ledger.result.projects:
        if p.amount is not None:
            projects[match_key(p.name)].append(p)
    if not projects:
        return
    facts = {(f.table_id, f.source_line, f.amount): f for f in ledger.result.facts}  # a project's own figure
    for goal in ledger.result.goals:
        rows = projects.get(match_key(goal.project or ""))
        if goal.amount is None or not rows:
            continue
        if goal.unit_name and all(p.unit_name for p in rows):
            # units of one department may each have a project of the same name (湖州: 医院能力建设): a
            # goal is compared with its own unit's, and with none where the table lists only others'
            rows = [p for p in rows if match_key(p.unit_name) == match_key(goal.unit_name)]
            if not rows:
                continue
        same = [p for p in rows if p.amount == goal.amount]
        if len(rows) > 1 and same:
            rows = same[:1]  # the project table prints the name twice (e.g. this year's and carried-over money)
        parts = [facts.get((p.table_id, p.source_line, p.amount)) or p.amount for p in rows]
        ledger.compare(goal.table_id, goal.amount, parts,
                       f"performance goal {goal.goal_id} {goal.project} (line {goal.source_line}) amount = "
                       f"项目支出表 line {', '.join(str(p.source_line) for p in rows)}",
                       source_line=goal.source_line, source_file=goal.source_file)


RULE = Rule(
    id="project-amount-mismatch",
    title="绩效目标表与项目支出表的项目金额不符 / project amount differs between performance and project tables",
    identity="绩效目标表 project amount = sum of that project's rows in the 项目支出表",
    severity="warning",
    kinds=("project_performance", "general_budget_projects"),
    run=run,
)
