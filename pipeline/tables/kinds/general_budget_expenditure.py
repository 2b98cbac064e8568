"""一般公共预算支出表 (按功能分类): general-budget spending by function, 基本支出 and 项目支出."""

from . import TableKind, pattern

KIND = TableKind("general_budget_expenditure", "一般公共预算支出表",
                 pattern(r"一般公共预算(拨款)?支出(预算|情况)?表|功能分类(预算|支出)表"), precedence=140,
                 exclude=pattern(r"经济分类"), fund="一般公共预算")
