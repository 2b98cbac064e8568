"""支出总表: all spending by function, 基本支出 and 项目支出."""

from . import TableKind, pattern

KIND = TableKind("expenditure_summary", "支出总表", pattern(r"支出(预算)?总(体情况)?表"), precedence=110)
