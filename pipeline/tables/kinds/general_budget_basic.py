"""一般公共预算基本支出表 / 基本支出总表: basic spending (人员经费, 公用经费) by economic class."""

from . import TableKind, pattern

KIND = TableKind("general_budget_basic", "一般公共预算基本支出表",
                 pattern(r"基本支出(预算)?(总|情况)?表|基本支出.*经济分类.*表"), precedence=90, code_kind="economic",
                 fund="一般公共预算")
