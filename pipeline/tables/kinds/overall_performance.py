"""部门/单位整体支出绩效目标表: the goals and indicators of the whole department or unit."""

from . import TableKind, pattern

KIND = TableKind("overall_performance", "整体支出绩效目标表", pattern(r"整体(支出)?(预算)?绩效目标"), precedence=30,
                 shape="performance")
