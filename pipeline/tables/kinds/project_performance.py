"""项目(支出)绩效目标表: one form (or block of rows) per project, its goals and indicators."""

from . import TableKind, pattern

KIND = TableKind("project_performance", "项目支出绩效目标表", pattern(r"(项目|专项资金|政策|转移支付).*绩效(目标)?(表|申报表)|预算绩效目标表"), precedence=40,
                 shape="performance")
