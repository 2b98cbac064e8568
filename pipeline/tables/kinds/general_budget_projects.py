"""一般公共预算项目支出表 / 项目支出总表: spending per project (its rows are also the `projects`)."""

from . import TableKind, pattern

KIND = TableKind("general_budget_projects", "一般公共预算项目支出表", pattern(r"项目支出(预算)?(总|情况)?表"),
                 precedence=100, exclude=pattern(r"绩效"), fund="一般公共预算")
