"""政府性基金预算“三公”经费支出预算表: the 三公 spending paid from government funds."""

from . import TableKind, pattern

KIND = TableKind("gov_fund_three_public", "政府性基金预算“三公”经费支出预算表", pattern(r"政府性基金.*三公"),
                 precedence=10, fund="政府性基金预算")
