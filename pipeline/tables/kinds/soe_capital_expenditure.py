"""国有资本经营预算支出表: spending paid from state capital operations (often printed empty)."""

from . import TableKind, pattern

KIND = TableKind("soe_capital_expenditure", "国有资本经营预算支出表", pattern(r"国有资本经营预算.*支出.*表"),
                 precedence=130, fund="国有资本经营预算")
