"""The words budget tables share, which the readers and the checks both use: one place for each.

All patterns match a line's or cell's match key (`text.lines.match_key`: NFKC, whitespace removed), so
合 计, 合计 and ＿合计 in full-width forms are the same word. What is printed is kept as printed elsewhere;
these only decide what a word means.
"""

from __future__ import annotations

import re
from decimal import Decimal

# ---------------------------------------------------------------------------------------- total rows

# The row that totals a table or a side of it: 合计, 总计, 本年收入合计, 支出总计, 一、合计, 收入合计 …
TOTAL_ITEM_RE = re.compile(r"^(?:[一二三四五六七八九十]+、)?(?:本年)?(?:收入|支出)?(?:合计|总计):?$")  # 总计：
# The year's own totals on a two-sided summary (before 上年结转 and 年末结转 are added) and its grand totals
YEAR_TOTAL_RE = re.compile(r"^本年(收入|支出)合计$")
GRAND_TOTAL_RE = re.compile(r"^(收入|支出)总计$")
# The year's total printed as the first numbered item (一、本年支出), its items numbered afresh below it
NUMBERED_YEAR_TOTAL_RE = re.compile(r"^[一二三四五六七八九十]+、本年(收入|支出)(合计)?$")
# What a summary carries between years (上年结转结余, 年终结转结余, 结转下年支出): never one of the year's items
CARRY_OVER_ITEM_RE = re.compile(r"结转|结余")
# The header of a column that numbers the rows (行次 | 1 | 2 …): no amounts
ROW_NUMBER_COLUMN_RE = re.compile(r"^行次$")
# A numbered top-level item (一、一般公共服务支出, 二、事业收入): a 类 row of a summary
LEVEL1_ITEM_RE = re.compile(r"^[一二三四五六七八九十]+、")

# ------------------------------------------------------------------------------------- total columns

# A column that totals its siblings (合计 over 基本支出 | 项目支出)
TOTAL_COLUMN_RE = re.compile(r"^(合计|总计|小计|支出总计|收入总计|金额合计)$")

# ----------------------------------------------------------------------------------------------- funds

# The three budgets a column, a table or an empty-table note can name, and the words that name them
FUNDS = (
    ("一般公共预算", re.compile(r"一般公共预算")),
    ("政府性基金预算", re.compile(r"政府性基金")),
    ("国有资本经营预算", re.compile(r"国有资本经营")),
)

# ------------------------------------------------------------------------------------------- units

# The unit line of a table or a document: 金额单位：万元, 单位:元, （单位：千元）
UNIT_RE = re.compile(r"(?:金额)?单位[:：]\s*(万元|千元|元)")
# What one printed unit is in 万元, the published unit (exact decimals)
WAN_PER_UNIT = {"万元": Decimal(1), "千元": Decimal("0.1"), "元": Decimal("0.0001")}

# ------------------------------------------------------------------------------------------- sides

# The items of a two-sided summary: 收入 on the left, 支出 on the right; read from the item's words where
# the layout does not say which side a collapsed row's segment is on
INCOME_SIDE_RE = re.compile(r"收入|拨款|上年结转|上年结余|资金|弥补|年初结转")
EXPENDITURE_SIDE_RE = re.compile(r"支出|结转下年|年末结转")

# ------------------------------------------------------------------------------------- empty tables

# A table's note that it has no data (本单位无政府性基金预算收支, 无此项内容, 本表为空 …)
EMPTY_NOTE_RE = re.compile(r"无数据|无此项(内容|数据)?|无发生额|本表为空|没有.*(预算|支出)|无.*预算(拨款)?(收支|支出|安排)"
                           r"|无[^，。]{0,30}项目[，,]?不涉及")

# ------------------------------------------------------------------------------------- organisations

# A name that ends as an organisation's does (…中心, …局, …委员会, …学校): a unit's row of a table, a 预算单位
# column, a narrative section about one unit
ORG_RE = re.compile(r"(中心|局|厅|委员会|委|院|办公室|部门|所|站|队|馆|学校|校|处|社|台|团|协会|会)$")
# A project's category, printed as a row over its projects (部门特定目标类项目) or in a cell beside each
# (实施公车统管费用 | 其他运转类)
PROJECT_GROUP_RE = re.compile(r"类(?:项目)?$")
