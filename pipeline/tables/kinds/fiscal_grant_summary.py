"""财政拨款收支(预算)总表 / 政府预算拨款收支总表: fiscal income by fund and its spending, two-sided."""

from . import TableKind, pattern

KIND = TableKind("fiscal_grant_summary", "财政拨款收支总表", pattern(r"(财政拨款|政府预算拨款)收支.*总(体情况)?表"),
                 precedence=60, shape="two_sided")
