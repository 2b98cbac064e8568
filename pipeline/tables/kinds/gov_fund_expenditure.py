"""政府性基金预算支出表: spending paid from government funds (often printed empty, with a note)."""

from . import TableKind, pattern

KIND = TableKind("gov_fund_expenditure", "政府性基金预算支出表", pattern(r"政府性基金.*支出.*表"), precedence=120,
                 fund="政府性基金预算")
