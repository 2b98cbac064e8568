"""收支总表 (部门/单位收支总表, 收支预算总表, 财务收支预算总表): all income left, all spending right."""

from . import TableKind, pattern

KIND = TableKind("income_expenditure_summary", "收支总表", pattern(r"收支(预算)?总(体情况|公开)?表"), precedence=70,
                 shape="two_sided")
