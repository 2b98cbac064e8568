"""收入总表: income by source (财政拨款, 事业收入 …), per unit or function."""

from . import TableKind, pattern

KIND = TableKind("income_summary", "收入总表", pattern(r"收入(预算)?总(体情况)?表"), precedence=80)
