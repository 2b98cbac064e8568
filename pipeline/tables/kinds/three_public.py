"""一般公共预算“三公”经费支出表: 因公出国(境)费, 公务用车购置及运行费, 公务接待费 (and often 机关运行经费).

The 基本支出 table's 30217 公务接待费 and 30231 公务用车运行维护费 lines settle which 三公 column an amount
is in, where only one placement agrees with them."""

from . import Known, TableKind, pattern

KIND = TableKind(
    "three_public", "一般公共预算“三公”经费支出表", pattern(r"三公.*(经费|表)"), precedence=20,
    code_kind="economic",
    settled_by=(Known("general_budget_basic", "公务接待费", "30217"),
                Known("general_budget_basic", "公务用车运行维护费", "30231"),
                Known("general_budget_basic", "公务用车运行费", "30231"),
                Known("general_budget_basic", "运行费", "30231")),
)
