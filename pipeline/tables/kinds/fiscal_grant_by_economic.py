"""财政拨款支出预算表（部门经济分类科目）: fiscal money by economic class, 基本 and 项目.

The 一般公共预算 基本支出 / 项目支出 totals fix which columns hold 基本 and 项目 money, the 一般公共预算支出表's
当年财政拨款安排 / 上年结转安排 columns which of its groups (省当年 …, 中央提前通知 …, 上年结转 …) does, and the
basic table's rows settle a row printed without codes by the basic money it has there."""

from . import Known, TableKind, pattern

KIND = TableKind(
    "fiscal_grant_by_economic", "财政拨款支出预算表（部门经济分类科目）",
    pattern(r"财政拨款(基本)?支出.*(经济分类|经济科目)|经济分类.*(预算|支出|情况)表|支出(预算)?表\(按?(部门)?经济分类"),
    precedence=50, exclude=pattern(r"一般公共预算基本支出|项目支出"),
    code_kind="economic",
    settled_by=(Known("general_budget_basic", "基本支出"),
                Known("general_budget_projects", "项目支出"),
                Known("general_budget_expenditure", "当年财政拨款安排", column=True),
                Known("general_budget_expenditure", "上年结转安排", column=True)),
    settled_by_rows=(("general_budget_basic", "基本支出"),),
)
