"""What a file in which no standard table was found is: a budget disclosure's narrative printed without
its tables, a disclosure whose tables the reader does not know, or no budget disclosure at all.

Crawls of government sites catch notices, reports and forms next to the budgets; publishers print the
情况说明 and the tables as two files. Each gets its status and a reason in the user's terms, and none
publishes facts it does not hold. Decided by the words budget disclosures use everywhere (部门预算, 收支预算,
财政拨款, 三公经费 …), never by a file name.
"""

from __future__ import annotations

import re

from .text.lines import Line

# Words of a budget disclosure's narrative and tables; a notice that mentions 预算 once has few of them
BUDGET_WORDS_RE = re.compile(
    r"(部门|单位)预算|收支(预算)?总|收入预算|支出预算|财政拨款|一般公共预算|政府性基金预算|三公|基本支出|项目支出"
    r"|机关运行经费|绩效目标"
)
# A line that names the budget year's disclosure: 2026年部门预算, 单位预算公开, 部门预算情况说明
DISCLOSURE_TITLE_RE = re.compile(r"(部门|单位)(（部门）)?预算|预算(公开|情况说明)|预算编制说明")
# What a narrative says about tables printed elsewhere: 附件：…部门预算报表 / 详见附表
TABLES_ELSEWHERE_RE = re.compile(r"附件.{0,40}(报表|附表|预算表)|详见附(件|表)")
MIN_BUDGET_LINES = 5  # a disclosure's narrative has at least this many lines in budget words
HEAD_LINES = 80


def without_tables(lines: list[Line], meta: dict, layout) -> tuple[str, str]:
    """(status, reason) of a document in which no standard table was found."""
    budget_lines = sum(1 for line in lines if BUDGET_WORDS_RE.search(line.key))
    titled = bool(meta.get("kind") in ("部门预算", "单位预算")) or any(
        DISCLOSURE_TITLE_RE.search(line.key) for line in lines[:HEAD_LINES])
    first = next((line.text.strip()[:60] for line in lines if line.key), "")
    if budget_lines < MIN_BUDGET_LINES or not titled:
        what = f"“{first}”" if first else "an empty text"
        return ("not_a_disclosure",
                f"no budget disclosure: no standard table and no budget title ({budget_lines} lines in budget "
                f"words); it begins {what}")
    if layout.listed or any(TABLES_ELSEWHERE_RE.search(line.key) for line in lines):
        listed = f"its contents list {len(layout.listed)} tables, " if layout.listed else ""
        return ("partial", f"the narrative (情况说明) only: {listed}no standard table is printed in this file "
                           "(the tables are published as another file)")
    return ("failed", "a budget disclosure in which no standard table was found")
