"""Performance tables printed one cell per line (PyMuPDF): rows rebuilt from the cells by the row grammar.

The inputs are small forms written here cell by cell; the expected goals and indicators are read off them.
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.performance import parse_performance
from pipeline.performance_cells import REASON_LOST_COLUMN, is_one_cell_per_line
from pipeline.text.lines import split_lines

NANTONG_FORM = """\
## 项目预算绩效目标表
2024年度
项目名称
消费者权益保护工作经费
资金总额
27
年度目标
开展消费维权活动。
一级指标
二级指标
三级指标
半年（程） 指标值
全年（程） 指标值
产出指标
数量指标
投诉处理数量
≥500件
≥1000件
质量指标
投诉按时办结率
≥90%
≥95%
成本指标
效益指标
社会效益
知晓度
较高
较高
满意度指标
服务对象满意度
服务对象满意度
≥90%
≥90%
"""


def indicators_of(text: str):
    goals, indicators, unparsed = parse_performance("doc", "t01", "project_performance", split_lines(text))
    return goals, [(i.level1, i.level2, i.name, i.half_year_target, i.target) for i in indicators], unparsed


def test_combined_form_rows_are_rebuilt_by_the_number_of_targets():
    assert is_one_cell_per_line(split_lines(NANTONG_FORM))
    goals, indicators, unparsed = indicators_of(NANTONG_FORM)
    assert [(g.project, g.amount, g.annual_goal) for g in goals] == [
        ("消费者权益保护工作经费", Decimal(27), "开展消费维权活动。")]
    assert indicators == [
        ("产出指标", "数量指标", "投诉处理数量", "≥500件", "≥1000件"),
        ("产出指标", "质量指标", "投诉按时办结率", "≥90%", "≥95%"),
        ("效益指标", "社会效益", "知晓度", "较高", "较高"),  # 成本指标 printed alone holds no indicator
        ("满意度指标", "服务对象满意度", "服务对象满意度", "≥90%", "≥90%"),  # a 三级 worded like a 二级
    ]
    assert unparsed == []


def test_a_target_left_empty_is_reported_not_regrouped():
    """Without one of its targets the rows can no longer be told apart: nothing is guessed."""
    text = NANTONG_FORM.replace("≥90%\n≥95%\n", "≥95%\n")
    goals, indicators, unparsed = indicators_of(text)
    assert indicators == []
    assert len(goals) == 1 and goals[0].project == "消费者权益保护工作经费"
    assert {u.text for u in unparsed} >= {"投诉按时办结率", "≥95%", "知晓度"}
    assert all("a cell was left empty" in u.reason for u in unparsed)


SICHUAN_TABLE = """\
### 单位预算项目支出绩效目标表（公开表6）
单位名称
项目名称
预算数
年度目标
一级指标
二级指标
三级指标
指标性质
指标值
度量单位
权重
指标方向性
332-四川省市场监督管理局 部门
150.00
332901-四川省市场监督管理局数据应用中心
电子签名服务项目
120.00
提供电子签名服务，保障系统
产出指标
数量指标
平均每日办理签名数
≥
13000
人/
10
正向指标
次
稳定运行。
效益指标
社会效益指标
签名文书办理时间（按工作日
≤
2
天
20
计）
2024
30.00
将内控管理制度嵌入系统。
产出指标
时效指标
完成时间
定性
2025年6月30日前
10
年财务内控运维服务项目
"""


def test_split_table_rows_end_at_their_tail_and_goals_at_their_amount():
    lines = split_lines(SICHUAN_TABLE)
    assert is_one_cell_per_line(lines)
    goals, indicators, unparsed = parse_performance("doc", "t01", "project_performance", lines)
    assert [(g.unit_name, g.project, g.amount, g.annual_goal) for g in goals] == [
        ("四川省市场监督管理局数据应用中心", "电子签名服务项目", Decimal(120), "提供电子签名服务，保障系统稳定运行。"),
        ("四川省市场监督管理局数据应用中心", "2024", Decimal(30), "将内控管理制度嵌入系统。"),
    ]
    assert [(i.goal_id, i.level2, i.name, i.operator, i.target, i.target_unit, i.weight, i.direction)
            for i in indicators] == [
        ("t01-g01", "数量指标", "平均每日办理签名数", "≥", "13000", "人/次", Decimal(10), "正向指标"),
        ("t01-g01", "社会效益指标", "签名文书办理时间（按工作日计）", "≤", "2", "天", Decimal(20), None),
        ("t01-g02", "时效指标", "完成时间", "定性", "2025年6月30日前", None, Decimal(10), None),
    ]
    # the rest of the second project's name: which cell it continues is lost with the layout
    assert [(u.source_line, u.text, u.reason) for u in unparsed] == [(47, "年财务内控运维服务项目", REASON_LOST_COLUMN)]


def test_rows_of_other_layouts_are_not_rebuilt():
    tab = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t数量\t≥1\n效益指标\t社会效益\t效果\t好\n"
    collapsed = "产出指标 数量指标 数量 ≥1\n成本指标\n效益指标 社会效益 效果 好\n满意度指标 满意度 满意 高\n"
    assert not is_one_cell_per_line(split_lines(tab))
    assert not is_one_cell_per_line(split_lines(collapsed))


def test_a_long_form_is_split_without_recursion():
    """Rows are found from the last cell back, so a form of thousands of indicators is read as well."""
    rows = "".join(("质量指标\n" if i % 1000 == 999 else "") + f"指标{i}\n≥{i}%\n" for i in range(3000))
    text = "项目名称\n大项目\n年度绩效指标\n一级指标\n二级指标\n三级指标\n目标值\n产出指标\n数量指标\n" + rows
    goals, indicators, unparsed = indicators_of(text)
    assert len(goals) == 1 and len(indicators) == 3000 and unparsed == []
    assert indicators[998] == ("产出指标", "数量指标", "指标998", None, "≥998%")
    assert indicators[2999] == ("产出指标", "质量指标", "指标2999", None, "≥2999%")
