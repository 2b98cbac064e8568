"""Performance-target tables (绩效目标表): goals and indicators, checked against values read by hand."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from layouts import LAYOUTS

from pipeline.performance import (
    REASON_MIXED_TEXT,
    REASON_NO_AMOUNT,
    REASON_NO_TARGET,
    REASON_OPEN_INDICATOR,
    parse_performance,
    parse_target,
    plain_latex,
)
from pipeline.records import PerformanceGoal, PerformanceIndicator
from pipeline.text.lines import Line, split_lines

DISCLOSURES = Path(__file__).resolve().parent.parent / "disclosures"
DOC = "doc"
TABLE = "t13"


def read(name: str) -> list[Line]:
    return split_lines((DISCLOSURES / name).read_text(encoding="utf-8"))


def cut(lines: list[Line], is_start: Callable[[str], bool], is_end: Callable[[str], bool]) -> list[Line]:
    """From the first line that starts the region to the line before the one that ends it."""
    start = next(i for i, line in enumerate(lines) if is_start(line.text))
    end = next((i for i in range(start + 1, len(lines)) if is_end(lines[i].text)), len(lines))
    return lines[start:end]


def inline(*texts: str) -> list[Line]:
    return split_lines("\n".join(texts) + "\n")


def ind(goal: str, seq: int, line: int, row: str, half: str | None = None) -> PerformanceIndicator:
    """An expected indicator; `row` is 一级|二级|三级|operator|target|value|unit|weight|direction, empty = None."""
    level1, level2, name, op, target, value, unit, weight, direction = (f or None for f in row.split("|"))
    return PerformanceIndicator(
        doc_id=DOC,
        goal_id=f"{TABLE}-{goal}",
        seq=seq,
        level1=level1,
        level2=level2,
        name=name,
        operator=op,
        target=target,
        target_value=None if value is None else Decimal(value),
        target_unit=unit,
        weight=None if weight is None else Decimal(weight),
        direction=direction,
        half_year_target=half,
        source_line=line,
    )


def at(indicators: list[PerformanceIndicator], line: int) -> PerformanceIndicator:
    (found,) = [i for i in indicators if i.source_line == line]
    return found


def goal_at(goals: list[PerformanceGoal], line: int) -> PerformanceGoal:
    (found,) = [g for g in goals if g.source_line == line]
    return found


# ---------------------------------------------------------------------------------------------------
# Sichuan, tab-separated (四川省市场监督管理局数据应用中心 公开表6)


@pytest.fixture(scope="module")
def samr():
    lines = cut(
        read("sichuan-samr-data-center-2025.txt"),
        lambda t: "绩效目标表（公开表6）" in t,
        lambda t: t.startswith("第三部分"),
    )
    return parse_performance(DOC, TABLE, "project_performance", lines)


def test_samr_counts_and_nothing_unparsed(samr):
    goals, indicators, unparsed = samr
    assert len(goals) == 55  # 56 rows print an amount; one is the department row 332
    assert len(indicators) == 465
    assert unparsed == []
    assert [i.seq for i in indicators] == list(range(1, 466))
    assert all(g.unit_name == "四川省 市场监督管理局 数据应用中 心" for g in goals)
    # the projects add up to the department row (6,063.04) within the rounding of 55 amounts
    assert abs(sum(g.amount for g in goals) - Decimal("6063.04")) <= Decimal("0.01") * len(goals)


def test_samr_first_goal_and_indicator(samr):
    goals, indicators, _ = samr
    assert goals[0] == PerformanceGoal(
        doc_id=DOC,
        goal_id="t13-g01",
        table_id=TABLE,
        unit_name="四川省 市场监督管理局 数据应用中 心",
        project="离退休 公用",
        amount=Decimal("7.21"),
        annual_goal="提高预算编制质量，严格执行预算，保障单位正常运转。",
        medium_term_goal=None,
        source_line=406,
    )
    assert indicators[0] == ind("g01", 1, 406, "效益指标|社会效益指标|运转保障率|=|100|100|%|20|正向指标")
    assert sum(1 for i in indicators if i.goal_id == "t13-g01") == 4


def test_samr_name_continued_after_page_break(samr):
    _, indicators, _ = samr
    # line 416 starts with 效益指标 in the first cell; the name goes on at line 418, after a blank line
    assert at(indicators, 416) == ind(
        "g03",
        11,
        416,
        "效益指标|经济效益指标|“三公经费”控制率[计算方法为：(三公经费实际支出数/预算安排数]×100%)|≤|100|100|%|20|反向指标",
    )


def test_samr_project_name_split_over_page(samr):
    goals, indicators, _ = samr
    goal = goal_at(goals, 461)
    assert goal.goal_id == "t13-g09"
    assert goal.project == "网络传销行政执法与刑事司法联合监测及处置系统运维服务项目 (2024-2025)"
    assert goal.amount == Decimal("21.88")
    assert goal.annual_goal.endswith("营造良好的网络生态环境，全面提升市场智慧监管水平。")
    assert at(indicators, 467) == ind(
        "g09", 55, 467, "产出指标|时效指标|项目整体完成时效|定性|2025年6月30日之前|||5|"
    )
    assert sum(1 for i in indicators if i.goal_id == "t13-g09") == 12


def test_samr_unit_continued_with_project_and_goal(samr):
    goals, indicators, _ = samr
    goal = goal_at(goals, 733)
    assert goal.goal_id == "t13-g39"
    assert goal.project == "四川省市场监督管理局 2025 年综合 监管运 维服务 项目"
    assert goal.amount == Decimal("139.00")
    assert "实现信息资源的整合和共享" in goal.annual_goal
    # the unit 人/ of line 734 ends with 次 on line 736, beside the project and goal continuations
    assert at(indicators, 734) == ind(
        "g39", 301, 734, "产出指标|数量指标|平均每日办理签名数|≥|13000|13000|人/次|5|正向指标"
    )


def test_samr_qualitative_and_shifted_rows(samr):
    goals, indicators, _ = samr
    assert goal_at(goals, 420).project == "数据中心机房租赁及运维服务"  # project in column 1
    assert at(indicators, 426) == ind(
        "g04", 19, 426, "效益指标|社会效益指标|市场监管系统信息化应用水平整体提升度|定性|高|||10|"
    )
    last = goal_at(goals, 906)
    assert (last.goal_id, last.project, last.amount) == (
        "t13-g55",
        "四川省市场监管局部署应用全国市场监管行政执法办案系统",
        Decimal("32.00"),
    )
    # lines 913–914 start with 成本指标 / 产出指标 in the first cell
    assert at(indicators, 913) == ind(
        "g55", 464, 913, "成本指标|经济成本指标|费用成本控制数|≤|32|32|万元|20|反向指标"
    )
    assert at(indicators, 914) == ind(
        "g55", 465, 914, "产出指标|数量指标|完成跨部门和跨平台对接|≥|2|2|个|10|"
    )


# ---------------------------------------------------------------------------------------------------
# Sichuan, space-collapsed with one character group per line (四川省人民政府办公厅信息技术服务中心)


@pytest.fixture(scope="module")
def gov_office():
    lines = cut(
        read("sichuan-gov-office-it-center-2025.txt"),
        lambda t: t.strip() == "公开表6",
        lambda t: t.startswith("第三部分"),
    )
    return parse_performance(DOC, TABLE, "project_performance", lines)


def test_gov_office_counts(gov_office):
    goals, indicators, unparsed = gov_office
    assert len(goals) == 8
    assert len(indicators) == 80
    assert unparsed == []
    assert [g.amount for g in goals] == [
        Decimal(a)
        for a in ("1496.68", "885.00", "640.00", "458.00", "402.50", "189.30", "14829.85", "339.00")
    ]
    assert all(g.unit_name == "四川省人民政府办公厅信息技术服务中心" for g in goals)


def test_gov_office_first_goal(gov_office):
    goals, indicators, _ = gov_office
    goal = goals[0]
    assert (goal.goal_id, goal.source_line, goal.project) == (
        "t13-g01",
        586,
        "四川省电子政务外网线路租用及日常运维项目",
    )
    assert goal.annual_goal == (
        "持续为省直部门、21个市（州）提供电子政务外网接入服务，为政务部门部署各类政务应用系统提供基础网络环境，"
        "保障省级政务外网核心网、城域网及省到市（州）广域网安全平稳运行，并做好网络重保、故障处置、安全联防等服务。"
    )
    assert indicators[0] == ind("g01", 1, 625, "产出指标|数量指标|应急演练次数|≥|1|1|次|5|正向指标")
    assert at(indicators, 631).operator == "="  # printed ＝
    # 三级指标 over five lines and a blank one, the operator on a line of its own
    assert at(indicators, 639) == ind(
        "g01",
        8,
        639,
        "效益指标|社会效益指标|"
        "支撑网上政务服务需求（高：接入单位访问政务服务应用，全年连通率90%-100%；中：接入单位访问政务服务应用，"
        "全年连通率80%-89%；低：接入单位访问政务服务应用，全年连通率低于80%）"
        "|定性|高|||10|正向指标",
    )


def test_gov_office_broken_cells(gov_office):
    goals, indicators, _ = gov_office
    assert at(indicators, 739) == ind(
        "g02", 20, 739, "满意度指标|服务对象满意度指标|公众投诉省政府网站数|≤|10|10|次|10|反向指标"
    )
    # the sixth project prints no 序号: its header starts right after the last indicator of the fifth
    goal = goal_at(goals, 889)
    assert (goal.goal_id, goal.project, goal.amount) == (
        "t13-g06",
        "四川省级政务云监管平台项目",
        Decimal("189.30"),
    )
    assert at(indicators, 873) == ind(
        "g05", 41, 873, "产出指标|数量指标|提供省级政务云平台到灾备平台的链路数量链路|=|3|3|条|8|正向指标"
    )
    assert at(indicators, 938) == ind(
        "g06", 56, 938, "产出指标|时效指标|服务失效时间|≤|262.8|262.8|分钟|5|反向指标"
    )


# ---------------------------------------------------------------------------------------------------
# Nantong, one 项目预算绩效目标表 form per project


@pytest.fixture(scope="module")
def nantong():
    lines = read("nantong-samr-projects-2024.txt")
    starts = [i for i, line in enumerate(lines) if "南通市本级项目预算绩效目标表" in line.text]
    regions = [lines[s:e] for s, e in zip(starts, [*starts[1:], len(lines)], strict=True)]
    return [parse_performance(DOC, TABLE, "project_performance", region) for region in regions]


def test_nantong_counts(nantong):
    assert len(nantong) == 4
    assert [len(goals) for goals, _, _ in nantong] == [1, 1, 1, 1]
    assert [len(indicators) for _, indicators, _ in nantong] == [17, 17, 17, 17]
    assert all(unparsed == [] for _, _, unparsed in nantong)
    assert [goals[0].amount for goals, _, _ in nantong] == [Decimal(a) for a in ("18", "27", "22", "18")]
    assert [goals[0].project for goals, _, _ in nantong] == [
        "信息化管理专项经费",
        "消费者权益保护工作经费",
        "网络及广告监测经费",
        "网络设备设施运行与维护费",
    ]


def test_nantong_first_form(nantong):
    goals, indicators, _ = nantong[0]
    goal = goals[0]
    assert (goal.goal_id, goal.source_line, goal.unit_name) == ("t13-g01", 7, "南通市市场监管局网络受理中心")
    assert goal.annual_goal.startswith(
        "1、根据安全服务公司每月提供的网络安全监测报告及时处置市局机关的客户端"
    )
    assert goal.medium_term_goal.endswith("确保了全市市场监管系统视频会议的正常运行。")
    assert indicators[0] == ind("g01", 1, 33, "决策|项目立项|立项依据充分性|定性|充分||||", "充分")
    assert at(indicators, 39) == ind("g01", 7, 39, "过程|资金管理|资金到位率|=|100%|100|%||", "序时进度")
    assert at(indicators, 46) == ind(
        "g01", 14, 46, "产出指标|质量指标|共享数据质量情况|≥|≥90%|90|%||", "≥90%"
    )
    # 成本指标 / 经济效益 / 生态效益 / 可持续影响 print no 三级指标: structure, not indicators
    assert [i.source_line for i in indicators][-3:] == [47, 50, 53]


def test_nantong_second_form(nantong):
    goals, indicators, _ = nantong[1]
    assert goals[0].annual_goal.startswith("1. 通过举办消费维权咨询服务活动")  # <p> tags removed
    assert at(indicators, 97) == ind(
        "g01", 12, 97, "产出指标|数量指标|发布消费提示警示|=|40期|40|期||", "及时"
    )
    assert at(indicators, 106) == ind(
        "g01", 17, 106, "满意度指标|服务对象满意度|消费者满意度|≥|≥80%|80|%||", "≥80%"
    )


# ---------------------------------------------------------------------------------------------------
# Shenzhen, 单位整体支出绩效目标表


@pytest.fixture(scope="module")
def shenzhen():
    lines = cut(
        read("shenzhen-public-credit-center-2022.txt"),
        lambda t: t.startswith("表 11"),
        lambda t: False,
    )
    return parse_performance(DOC, TABLE, "overall_performance", lines)


def test_shenzhen_goal(shenzhen):
    goals, indicators, unparsed = shenzhen
    assert unparsed == []
    assert len(goals) == 1
    assert len(indicators) == 48
    goal = goals[0]
    assert (goal.goal_id, goal.source_line, goal.project, goal.amount) == (
        "t13-g01",
        445,
        None,
        Decimal("5855"),
    )
    assert goal.unit_name == "S 深圳市公共信用中心"  # as printed
    assert goal.annual_goal.startswith("1. 提升站位，自加压力")
    assert goal.annual_goal.endswith("时刻将安全理念牢记于心、落实于行。")


def test_shenzhen_indicators(shenzhen):
    _, indicators, _ = shenzhen
    assert indicators[0] == ind("g01", 1, 457, "产出指标|数量指标|全年档案扫描页数|≥|≥800 万页|800|万页||")
    assert at(indicators, 458).operator == "="  # 27 个
    assert at(indicators, 474) == ind("g01", 17, 474, "产出指标|质量指标|企信惠软件运行正常率|≥|≥95%|95|%||")
    assert at(indicators, 480).level2 == "质量指标"  # shifted a column after the page break
    assert at(indicators, 483) == ind(
        "g01", 25, 483, "产出指标|质量指标|企信惠软件问题处理时间|定性|1个工作日内||||"
    )
    assert at(indicators, 490) == ind("g01", 32, 490, "产出指标|成本指标|项目支出金额|≤|≤预算金额||||")
    assert at(indicators, 501) == ind(
        "g01", 41, 501, "满意度指标|服务对象满意度指标|窗口对外服务有效投诉率|≤|≤0.1%|0.1|%||"
    )
    assert at(indicators, 504) == ind(
        "g01",
        44,
        504,
        "满意度指标|服务对象满意度指标|(非话务业务处理服务项目)属实市民月均投诉量|≤|≤ 6 个|6|个||",
    )


# ---------------------------------------------------------------------------------------------------
# Edge cases on inline text

SPLIT_HEADER = "单位名称\t项目名称\t预算数\t年度目标\t一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t权重\t指标方向性"


def test_tab_row_broken_over_a_page():
    lines = inline(
        "十三、单位预算项目支出绩效目标表（公开表6）",
        SPLIT_HEADER,
        "101-某部门\t\t100.00\t\t\t\t\t\t\t\t\t",
        "101001-某中心\t运维\t100.00\t保障系统\t产出指标\t数量指标\t巡检次数\t≥\t12\t次\t10\t正向指标",
        "\t\t\t\t效益指标\t社会效益指标\t平均每日办理\t>=\t5\t人/\t10\t",
        "",
        "-7-",
        "服务项目\t\t稳定运行。\t\t\t\t签名数\t\t次\t\t\t",
        "成本指标\t\t\t\t经济成本指标\t成本控制率\t$\\leq$\t100\t%\t20\t反向指标\t",
    )
    goals, indicators, unparsed = parse_performance(DOC, TABLE, "project_performance", lines)
    assert unparsed == []
    assert goals == [
        PerformanceGoal(
            DOC, "t13-g01", TABLE, "某中心", "运维服务项目", Decimal("100.00"), "保障系统稳定运行。", None, 4
        )
    ]
    assert indicators == [
        ind("g01", 1, 4, "产出指标|数量指标|巡检次数|≥|12|12|次|10|正向指标"),
        ind("g01", 2, 5, "效益指标|社会效益指标|平均每日办理签名数|≥|5|5|人/次|10|"),
        ind("g01", 3, 9, "成本指标|经济成本指标|成本控制率|≤|100|100|%|20|反向指标"),
    ]


def test_spaced_table_with_fragmented_goal_header():
    lines = inline(
        " 公开表6",
        "金额单位：万元",
        "序号 单位",
        "名称 项目名称 预算数 年度目标 一级指标 二级指标 三级指标 指标性",
        "质 指标值 度量单位 权重 指标方向性",
        "1",
        "",
        "1001",
        "23-某",
        "中心",
        "",
        "某系",
        "统运维",
        "",
        "12.00",
        "保障系统",
        "稳定运行。",
        "",
        "产出指标 数量指标 巡检次数 ＝ 12 次 10 正向指标",
        "满意度指标 服务对象满意度",
        "指标 用户满意度 ≥ 90 % 10 正向指标",
        "效益指标 社会效益指标",
        "提升水平（高：有效",
        "",
        "提升）",
        "定性 高 10 正向指标",
        "-2-",
    )
    goals, indicators, unparsed = parse_performance(DOC, TABLE, "project_performance", lines)
    assert unparsed == []
    assert goals == [
        PerformanceGoal(
            DOC, "t13-g01", TABLE, "某中心", "某系统运维", Decimal("12.00"), "保障系统稳定运行。", None, 6
        )
    ]
    assert indicators == [
        ind("g01", 1, 19, "产出指标|数量指标|巡检次数|=|12|12|次|10|正向指标"),
        ind("g01", 2, 20, "满意度指标|服务对象满意度指标|用户满意度|≥|90|90|%|10|正向指标"),
        ind("g01", 3, 22, "效益指标|社会效益指标|提升水平（高：有效提升）|定性|高|||10|正向指标"),
    ]


def test_lines_that_cannot_be_read_are_reported():
    lines = inline(
        "序号 单位名称 项目名称 预算数 年度目标 一级指标 二级指标 三级指标 指标性质 指标值 度量单位 权重 指标方向性",
        "某项目",
        "产出指标 数量指标 巡检次数 ≥ 12 次 10 正向指标",
        "效益指标 社会效益指标 没有",
        "目标值的指标",
    )
    goals, indicators, unparsed = parse_performance(DOC, TABLE, "project_performance", lines)
    assert len(goals) == 1 and goals[0].project is None  # the indicator keeps a goal of its own
    assert [i.name for i in indicators] == ["巡检次数"]
    assert [(u.source_line, u.text, u.reason) for u in unparsed] == [
        (2, "某项目", REASON_NO_AMOUNT),
        (4, "效益指标 社会效益指标 没有", REASON_OPEN_INDICATOR),
        (5, "目标值的指标", REASON_OPEN_INDICATOR),
    ]


def test_combined_form_with_latex_targets():
    lines = inline(
        "单位整体支出绩效目标表",
        "单位：万元",
        "单位名称\t\t某中心\t主管部门\t某局\t",
        "年度主要任务\t任务名称\t主要内容\t预算金额（万元）\t\t",
        "\t基本支出\t人员经费\t1,000\t1,000\t",
        "",
        "\t金额合计\t\t1,200\t1,200\t",
        "年度总体目标\t完成任务。\t\t\t\t",
        "年度绩效指标\t一级指标\t二级指标\t三级指标\t目标值\t",
        "\t产出指标\t数量指标\t扫描页数\t≥800 万页\t",
        "\t质量指标\t\t正常率\t$\\geq 95\\%$",
        "\t\t响应时间\t1个工作日内",
        "\t成本指标\t项目支出金额\t≤预算金额",
        "效益指标\t社会效益指标\t查询服务数量\t27 个",
        "\t\t可持续影响指标\t\t",
        "\t\t\t只有名称\t",
    )
    goals, indicators, unparsed = parse_performance(DOC, TABLE, "overall_performance", lines)
    assert goals == [
        PerformanceGoal(DOC, "t13-g01", TABLE, "某中心", None, Decimal("1200"), "完成任务。", None, 3)
    ]
    assert indicators == [
        ind("g01", 1, 10, "产出指标|数量指标|扫描页数|≥|≥800 万页|800|万页||"),
        ind("g01", 2, 11, "产出指标|质量指标|正常率|≥|≥95%|95|%||"),
        ind("g01", 3, 12, "产出指标|质量指标|响应时间|定性|1个工作日内||||"),
        ind("g01", 4, 13, "产出指标|成本指标|项目支出金额|≤|≤预算金额||||"),
        ind("g01", 5, 14, "效益指标|社会效益指标|查询服务数量|=|27 个|27|个||"),
    ]
    assert [(u.source_line, u.reason) for u in unparsed] == [(16, REASON_NO_TARGET)]


def test_amounts_printed_in_yuan_are_converted():
    lines = inline(
        "项目支出绩效目标表",
        "金额单位：元",
        SPLIT_HEADER,
        "\t某项目\t123,456.00\t目标\t产出指标\t数量指标\t次数\t≥\t1\t次\t10\t正向指标",
    )
    goals, _, _ = parse_performance(DOC, TABLE, "project_performance", lines)
    assert goals[0].amount == Decimal("12.3456")


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("≥800 万页", ("≥", Decimal("800"), "万页")),
        ("$\\geq 95\\%$", ("≥", Decimal("95"), "%")),
        ("$< 0.1\\%$", ("<", Decimal("0.1"), "%")),
        ("$\\leq 1\\%$", ("≤", Decimal("1"), "%")),
        ("＝100％", ("=", Decimal("100"), "%")),
        (">=90%", ("≥", Decimal("90"), "%")),
        ("≤预算金额", ("≤", None, None)),
        ("27 个", ("=", Decimal("27"), "个")),
        ("100%", ("=", Decimal("100"), "%")),
        ("1个工作日内", ("定性", None, None)),
        ("4小时内", ("定性", None, None)),
        ("2025年6月30日前", ("定性", None, None)),
        ("充分", ("定性", None, None)),
    ],
)
def test_parse_target(printed, expected):
    assert parse_target(printed) == expected


def test_plain_latex():
    assert plain_latex("$\\geq 95\\%$") == "≥95%"
    assert plain_latex("$> 95\\%$") == ">95%"
    assert plain_latex("≥ 10 家") == "≥ 10 家"


# ---------------------------------------------------------------------------------------------------
# The same tables as other extraction tools would print them (tests/layouts.py)

SAMPLE_TABLES = {
    "sichuan-samr-data-center-2025.txt": ("project_performance", "绩效目标表（公开表6）", "第三部分"),
    "shenzhen-public-credit-center-2022.txt": ("overall_performance", "表 11", None),
    "nantong-samr-projects-2024.txt": ("project_performance", "南通市本级项目预算绩效目标表", None),
}


def read_in_layout(name: str, layout: str):
    kind, start, end = SAMPLE_TABLES[name]
    text = LAYOUTS[layout]((DISCLOSURES / name).read_text(encoding="utf-8"))
    lines = cut(split_lines(text), lambda t: start in t, lambda t: end is not None and t.startswith(end))
    return parse_performance(DOC, TABLE, kind, lines)


def without_lines(records) -> list[dict]:
    return [{k: v for k, v in dataclasses.asdict(r).items() if k != "source_line"} for r in records]


@pytest.mark.parametrize("name", list(SAMPLE_TABLES))
@pytest.mark.parametrize("layout", ["markdown", "html", "space_aligned", "space_collapsed"])
def test_other_layouts_give_the_same_records(name, layout):
    goals, indicators, unparsed = read_in_layout(name, layout)
    tab_goals, tab_indicators, _ = read_in_layout(name, "tab")
    if layout.startswith("space") and name.startswith("sichuan"):
        # running text loses the cell boundaries of the goal cells and of continuation lines
        assert (len(goals), len(indicators)) == (len(tab_goals), len(tab_indicators)) == (55, 465)
        assert [g.amount for g in goals] == [g.amount for g in tab_goals]
        changed = [
            a["name"]
            for a, b in zip(without_lines(tab_indicators), without_lines(indicators), strict=True)
            if a != b
        ]
        assert len(changed) == 3  # names and a unit continued on lines 418, 702 and 736
        assert {u.reason for u in unparsed} == {REASON_NO_AMOUNT, REASON_MIXED_TEXT}
        return
    assert unparsed == []
    assert without_lines(goals) == without_lines(tab_goals)
    assert without_lines(indicators) == without_lines(tab_indicators)


def parse_rows(table_id: str, kind: str, rows: list[str]):
    """A performance table region written as its lines."""
    return parse_performance("doc", table_id, kind, split_lines("\n".join(rows) + "\n"))


def test_an_empty_indicator_name_cell_is_merged_with_the_one_above():
    """Rows of a 北京 项目支出绩效目标表 (2026, 市场监管局 p. 33) whose 三级指标 cell is empty: the page prints one
    cell merged over six rows, across two goals of one project, its text on its first row. The rows under it
    share its 三级指标 (as rows without levels share the levels above); the merged 项目名称 is shared too."""
    rows = [
        "\t预算12表 项目支出绩效目标表\t",
        "\t项目名称\t项目总额\t其中：\t\t绩效目标\t一级指标\t二级指标\t三级指标\t绩效指标性质\t本年绩效指标值\t绩效度量单位",
        "\t\t\t财政资金\t其他资金\t\t\t\t\t\t\t",
        "\t11000024T000002784210-专用设备购置\t810.000000\t\t810.000000\t对设备进行更新。\t"
        "成本指标\t经济成本指标\t通过购置检验检测专用设备，提升检验检测设备精度。\t≤\t810\t万元",
        "\t\t978.998000\t\t978.998000\t通过购置检验检测专用设备。\t产出指标\t时效指标\t\t≤\t12\t月",
        "\t\t\t\t\t\t产出指标\t数量指标\t\t≥\t80\t台/套",
        "\t\t\t\t\t\t效益指标\t社会效益指标\t满足产品检验检测技术服务保障率\t≥\t90\t%",
    ]
    goals, indicators, unparsed = parse_rows("t10", "project_performance", rows)
    assert [(g.project, g.amount, g.annual_goal) for g in goals] == [
        ("11000024T000002784210-专用设备购置", Decimal("810.000000"), "对设备进行更新。"),
        ("11000024T000002784210-专用设备购置", Decimal("978.998000"), "通过购置检验检测专用设备。"),
    ]
    merged = "通过购置检验检测专用设备，提升检验检测设备精度。"
    assert [(i.goal_id, i.level2, i.name, i.target_value, i.target_unit) for i in indicators] == [
        ("t10-g01", "经济成本指标", merged, Decimal("810"), "万元"),
        ("t10-g02", "时效指标", merged, Decimal("12"), "月"),
        ("t10-g02", "数量指标", merged, Decimal("80"), "台/套"),
        ("t10-g02", "社会效益指标", "满足产品检验检测技术服务保障率", Decimal("90"), "%"),
    ]
    assert unparsed == []


def test_a_beijing_project_form_reads_its_columns():
    """北京 项目支出绩效目标表 (公安局 2026): 项目总额 is the amount (not 其他资金 after it), the breakdown cells
    are no goal text, the 项目名称 is the project; a worded target under an empty 绩效指标性质 is 定性."""
    rows = [
        "预算11表 项目支出绩效目标表",
        "金额单位：万元",
        "\t项目名称\t项目总额\t其中：\t\t绩效目标\t一级指标\t二级指标\t三级指标\t绩效指标性质\t本年绩效指标值\t绩效度量单位",
        "\t\t\t财政资金\t其他资金\t\t\t\t\t\t\t",
        "\t公安信息网络购建\t15,273.836207\t15,273.836207\t0.000000\t完成年度公安信息网络系统建设计划。\t"
        "成本指标\t经济成本指标\t项目总成本\t\t控制在预算之内\t",
        "\t\t\t\t\t\t产出指标\t数量指标\t开发模块、软件、系统的数量\t≥\t18\t项",
        "\t\t1,343.48698 8\t1,343.486988\t\t依托政务云平台。\t产出指标\t数量指标\t租用互联网带宽\t＝\t35\tMB",
        "\t信息化运行维护\t\t678.715000\t\t完成平台升级。\t产出指标\t数量指标\t平台数据量\t≥\t2\t万条",
    ]
    goals, indicators, unparsed = parse_rows("t10", "project_performance", rows)
    assert [(g.unit_name, g.project, g.amount, g.annual_goal) for g in goals] == [
        (None, "公安信息网络购建", Decimal("15273.836207"), "完成年度公安信息网络系统建设计划。"),
        (None, "公安信息网络购建", Decimal("1343.486988"), "依托政务云平台。"),  # merged 项目名称, wrapped total
        (None, "信息化运行维护", Decimal("678.715000"), "完成平台升级。"),  # the total's cell came out empty
    ]
    assert [(i.name, i.operator, i.target, i.target_value) for i in indicators] == [
        ("项目总成本", "定性", "控制在预算之内", None), ("开发模块、软件、系统的数量", "≥", "18", Decimal("18")),
        ("租用互联网带宽", "=", "35", Decimal("35")), ("平台数据量", "≥", "2", Decimal("2"))]
    assert unparsed == []


def test_an_overall_form_by_activity_reads_one_goal_and_splits_the_joined_levels():
    """北京's 部门整体支出绩效目标表 (2026): 一级, 二级 and 三级指标 printed run together in one 绩效指标 cell, a
    row per 活动; one goal for the department, its amount the 预算支出总额."""
    rows = [
        "\t预算13表 部门整体支出绩效目标表\t\t\t",
        "\t（2026年度）\t\t\t",
        "\t部门名称\t\t北京市退役军人事务局\t",
        "\t总体资金情况（万元）\t\t预算支出总额\t财政拨款\t\t\t其他资金\t\t",
        "\t\t\t\t合计\t基本支出\t项目支出\t合计\t基本支出\t项目支出",
        "\t\t\t1,063,371.776545\t820,087.414755\t37,615.859058\t782,471.555697\t243,284.361790\t173.502247\t243,110.859543",
        "\t整体绩效目标\t整体绩效目标\t贯彻落实党中央关于退役军人工作的方针政策。\t",
        "\t\t其他说明\t\t",
        "\t\t活动\t\t绩效指标\t\t指标性质\t指标值\t\t度量单位",
        "\t\t思想政治和权益维护\t\t产出指标数量指标举办“最美退役军人”发布仪式\t\t＝\t1\t\t场",
        "\t\t安置工作\t\t效益指标社会效益指标服务军队建设、促进社会发展\t\t定性\t好\t\t",
        "\t\t拥军服务\t\t满意度指标服务对象满意度指标得到辅助器具配置的残疾军人满意度\t\t≥\t90\t\t%",
    ]
    goals, indicators, unparsed = parse_rows("t11", "overall_performance", rows)
    assert unparsed == []
    [goal] = goals
    assert (goal.goal_id, goal.unit_name, goal.project, goal.amount, goal.annual_goal) == (
        "t11-g01", "北京市退役军人事务局", None, Decimal("1063371.776545"), "贯彻落实党中央关于退役军人工作的方针政策。")
    assert [(i.source_line, i.level1, i.level2, i.name, i.operator, i.target, i.target_value, i.target_unit)
            for i in indicators] == [
        (10, "产出指标", "数量指标", "举办“最美退役军人”发布仪式", "=", "1", Decimal(1), "场"),
        (11, "效益指标", "社会效益指标", "服务军队建设、促进社会发展", "定性", "好", None, None),
        (12, "满意度指标", "服务对象满意度指标", "得到辅助器具配置的残疾军人满意度", "≥", "90", Decimal(90), "%"),
    ]


def test_a_funds_breakdown_of_the_fujian_template_is_no_goal_and_never_swallows_the_indicators():
    """泉州 / 福州 (2026): 专项资金情况（万元） | 资金总额：| 1778.31, then 财政拨款 / 其他资金 lines, then the goal
    text and the indicators. The breakdown's lines were published as goals named 资金总额 and 财政拨款, and its
    amount (资金总额：, with a colon) was lost."""
    rows = [
        "市级机关保留公务用车委托管理费项目绩效目标表",
        "专项资金情况（万元）\t资金总额：\t1778.31\t\t",
        "\t财政拨款：\t1778.31\t\t",
        "\t其他资金：\t0.00\t\t",
        "项目实施期目标\t优化平台驾驶员、车辆配比，提高车辆使用效益\t\t\t",
        "绩效目标指标\t一级指标\t二级指标\t三级指标\t目标值",
        "\t成本指标\t经济成本指标\t预算执行率\t≥90%",
        "\t产出指标\t时效指标\t目标完成率\t≥90%",
        "\t\t数量指标\t财政支出项目完成率\t≥90%",
    ]
    goals, indicators, unparsed = parse_rows("t12", "project_performance", rows)
    assert unparsed == []
    # the form prints no 项目名称: its title names the project
    assert [(g.project, g.amount, g.medium_term_goal) for g in goals] == [
        ("市级机关保留公务用车委托管理费", Decimal("1778.31"), "优化平台驾驶员、车辆配比，提高车辆使用效益")]
    assert [(i.level1, i.level2, i.name, i.operator, i.target_value) for i in indicators] == [
        ("成本指标", "经济成本指标", "预算执行率", "≥", Decimal(90)),
        ("产出指标", "时效指标", "目标完成率", "≥", Decimal(90)),
        ("产出指标", "数量指标", "财政支出项目完成率", "≥", Decimal(90)),
    ]


ACTIVITY_HEAD = [
    "\t预算13表 部门整体支出绩效目标表\t\t\t",
    "\t部门名称\t\t北京市应急管理局\t",
    "\t整体绩效目标\t整体绩效目标\t防范化解重大安全风险。\t",
    "\t\t其他说明\t绩效指标聚焦部门核心职能职责设置。\t\t",
    "\t\t活动\t\t绩效指标\t\t指标性质\t指标值\t\t度量单位",
]


def test_an_activity_form_gives_the_row_above_the_characters_its_cell_wrap_moved_down():
    """北京 部门整体支出绩效目标表 (应急管理局 2026, p. 144): a 绩效指标 cell cut off by its row's height loses its
    last characters to the next row (`量产出指标数量指标…`); a 二级指标 printed without 指标; rows printed without
    level words keep no levels; the 其他说明 remark is printed, not published."""
    rows = [*ACTIVITY_HEAD,
            "\t防汛抗旱活动\t产出指标数量指标联排联调实地调查数\t≥\t167\t个",
            "\t防汛抗旱活动\t量产出指标数量指标山洪地质灾害险村无人机三维制图\t≥\t10\t套",
            "\t宣传教育活动\t产出指标数量指标专家服务新闻发布会\t≥\t6\t场",
            "\t宣传教育活动\t次数满意度指标服务对象满意度指标公众满\t≥\t90\t%",
            "\t技术支撑\t意度产出指标数量指标森林火险高风险乡镇试评估个数\t≥\t12\t个",
            "\t质量基础\t满意度指标服务对象满意度强制检定申请人满意率\t≥\t90\t%",
            "\t信息化建设\t系统平均响应时间\t≤\t5\t秒"]
    goals, indicators, unparsed = parse_rows("t11", "overall_performance", rows)
    assert unparsed == []
    assert [g.annual_goal for g in goals] == ["防范化解重大安全风险。"]
    assert [(i.level1, i.level2, i.name, i.operator, i.target_value) for i in indicators] == [
        ("产出指标", "数量指标", "联排联调实地调查数量", "≥", Decimal(167)),
        ("产出指标", "数量指标", "山洪地质灾害险村无人机三维制图", "≥", Decimal(10)),
        ("产出指标", "数量指标", "专家服务新闻发布会次数", "≥", Decimal(6)),
        ("满意度指标", "服务对象满意度指标", "公众满意度", "≥", Decimal(90)),
        ("产出指标", "数量指标", "森林火险高风险乡镇试评估个数", "≥", Decimal(12)),
        ("满意度指标", "服务对象满意度", "强制检定申请人满意率", "≥", Decimal(90)),
        (None, None, "系统平均响应时间", "≤", Decimal(5)),
    ]


def test_a_transfer_form_reads_the_goal_printed_on_the_row_below_its_label():
    """北京 转移支付绩效目标表 (卫健委 2026, p. 147): `年度总体目标 | 年度目标` with the goal text on the row
    below; 市级主管部门 is a label, not part of the 转移支付名称."""
    rows = [
        "预算14表公共卫生及计划生育扶助保障共同事权转移支付绩效目标表",
        "(2026年度）",
        "转移支付名称\t公共卫生转移支付-基本公共卫生服务方向\t\t市级主管部门\t北京市卫生健康委员会",
        "资金情况（万元）\t年度金额：\t35541.800000\t\t",
        "\t其中：中央财政资金\t-\t\t",
        "年度总体目标\t年度目标\t\t\t",
        "\t免费向城乡居民提供基本公共卫生服务。\t\t\t",
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值",
        "\t产出指标\t数量指标\t适龄儿童国家免疫规划疫苗接种率\t>90%",
        "\t\t\t0-6岁儿童健康管理率\t≥90%",
    ]
    goals, indicators, unparsed = parse_rows("t12", "project_performance", rows)
    assert unparsed == []
    assert [(g.project, g.amount, g.annual_goal) for g in goals] == [
        ("公共卫生转移支付-基本公共卫生服务方向", Decimal("35541.800000"), "免费向城乡居民提供基本公共卫生服务。")]
    assert [(i.name, i.operator, i.target_value) for i in indicators] == [
        ("适龄儿童国家免疫规划疫苗接种率", ">", Decimal(90)), ("0-6岁儿童健康管理率", "≥", Decimal(90))]


def test_a_guangzhou_declaration_form_reads_its_indicators_under_the_merged_levels():
    """广州 部门整体预算绩效目标申报表 (生态环境局 2026): the 预算整体情况 and 年度重点工作任务 blocks are printed,
    not goals; the 实施周期 and 年度指标值 columns (the 年度 one is the target); the merged 产出指标 / 数量指标
    cells print their text on a middle row, so the rows above it are theirs; `绩效指标` labels the first column."""
    rows = [
        "广州市生态环境局2026年部门整体预算绩效目标申报表",
        "部门名称\t\t广州市生态环境局\t\t\t\t",
        "预算整体情况\t\t部门预算支出\t预算金额（万元）\t收入来源\t预算金额（万元）\t",
        "\t\t基本支出\t58,118.59\t财政拨款\t92,008.68\t",
        "总体绩效目标\t\t持续改善生态环境质量。\t\t\t\t",
        "年度重点工作任务\t\t名称\t主要实施内容\t拟投入的资金（万元）\t期望达到的目标（概述）\t",
        "\t\t加强大气污染防治\t监督管理全市大气污染防治。\t2,327.67\t遏制臭氧上升趋势。\t",
        "其他需完成的任务（可选填）\t\t\t\t\t\t",
        "\t一级指标\t\t二级指标\t三级指标\t实施周期指标值\t年度指标值",
        "\t\t\t\t柴油车用油品抽检数量\t200个\t200个",
        "绩效指标\t产出指标\t\t数量指标\t国控入海河流水质优良率\t100%\t100%",
        "\t\t\t时效指标\t排放源统计年报完成时间\t三年内完成\t年底前完成",
    ]
    goals, indicators, unparsed = parse_rows("t01", "overall_performance", rows)
    assert unparsed == []
    assert [(g.amount, g.annual_goal) for g in goals] == [(None, "持续改善生态环境质量。")]
    assert [(i.level1, i.level2, i.name, i.operator, i.target, i.target_value) for i in indicators] == [
        ("产出指标", "数量指标", "柴油车用油品抽检数量", "=", "200个", Decimal(200)),
        ("产出指标", "数量指标", "国控入海河流水质优良率", "=", "100%", Decimal(100)),
        ("产出指标", "时效指标", "排放源统计年报完成时间", "定性", "年底前完成", None),
    ]


def test_a_title_broken_over_two_lines_and_a_target_continued_on_the_next_page():
    """泉州 项目绩效目标表 (公安局 2026): a title `301008_<unit>_<project>绩效目标表` broken over two lines at
    the top of its page names the unit and the project; a target cell continued on the next page (`局`)."""
    rows = [
        "\x0c",
        "301008_泉州市公安局台商投资区分局_科技兴警绩效",
        "目标表",
        "专项资金情况（万元）\t资金总额：\t237.50\t\t",
        "项目实施期目标\t深化科技兴警战略。\t\t\t",
        "绩效目标指标\t一级指标\t二级指标\t三级指标\t目标值",
        "\t效益指标\t社会效益指标\t提高派出所民警“四种能力”\t=构建共建共治共享的社会治理新格",
        "4 7",
        "\x0c",
        "\t\t\t\t局",
        "\t满意度指标\t服务对象满意度指标\t服务对象满意度\t≥95%",
        "\x0c",
        "301009_泉州市公安局开发区分局_公务用车购",
    ]
    goals, indicators, unparsed = parse_rows("t12", "project_performance", rows)
    assert unparsed == []
    assert [(g.unit_name, g.project, g.amount) for g in goals] == [
        ("泉州市公安局台商投资区分局", "科技兴警", Decimal("237.50"))]
    assert [(i.name, i.operator, i.target) for i in indicators] == [
        ("提高派出所民警“四种能力”", "=", "=构建共建共治共享的社会治理新格局"),
        ("服务对象满意度", "≥", "≥95%")]


def test_lines_that_are_no_data_are_told_by_their_structure():
    """A 说明事项 note, a doubled-glyph title (烟台), a label printed a glyph per line (北京), and the part
    heading after the last form with its text (福州 `.有关情况说明` / `2`): used, not reported."""
    rows = [
        "政策和项目预预算算绩绩效效目目标标表表",
        "项目名称\t\t\t公租房运管和维修费\t\t",
        "主管部门及代码\t\t\t253_烟台市住房和城乡建设局\t实施单位\t烟台市住房保障和房产交易中心",
        "年度预算资金（万元）\t\t\t600.00\t",
        "年度总体目标\t不断优化公租房运营管理模式。\t\t\t",
        "主要政策任务1：公租房运营管理\t\t\t\t",
        "\t一级指标\t二级指标\t三级指标\t指标值\t",
        "绩效指标\t成本指标\t经济成本\t项目总成本\t≤600万元\t",
        "绩",
        "效",
        "指",
        "标",
        "说明事项：根据国家保密法律法规的规定，部分项目不列入公开范围。",
        ".有关情况说明",
        "2",
        "本部门无其他需要说明的绩效目标情况。",
    ]
    goals, indicators, unparsed = parse_rows("t69", "project_performance", rows)
    assert unparsed == []
    assert [(g.unit_name, g.project, g.amount, g.annual_goal) for g in goals] == [
        ("烟台市住房保障和房产交易中心", "公租房运管和维修费", Decimal("600.00"), "不断优化公租房运营管理模式。")]
    assert [(i.level1, i.level2, i.name, i.target) for i in indicators] == [
        ("成本指标", "经济成本", "项目总成本", "≤600万元")]


def test_project_cells_printed_after_their_page_rows_are_the_projects_of_its_goals():
    """北京 项目支出绩效目标表 (卫健委 2026, p. 40): the extractor printed the page's tall 项目名称 cells after its
    rows, each led by its project code; the page's goals without a project get them in order."""
    rows = [
        "\t项目名称\t项目总额\t其中：\t\t绩效目标\t一级指标\t二级指标\t三级指标\t绩效指标性质\t本年绩效指标值\t绩效度量单位",
        "567.1\t567.1\t\t开展临床研究管理。\t效益指标\t社会效益指标\t单位数量\t＝\t17\t个",
        "1,556.04\t1,556.04\t\t规范继续医学教育管理。\t产出指标\t时效指标\t项目的完成时间\t≤\t12\t月",
        "11000022T00000044",
        "3717-卫生科教综合",
        "管理",
        "11000022T00000044",
        "3774-医学教育培训",
        "工作",
        "\x0c",
        "\t\t\t\t\t效益指标\t社会效益指标\t政策意见的采纳率\t≥\t90\t%",
    ]
    goals, indicators, unparsed = parse_rows("t10", "project_performance", rows)
    assert unparsed == []
    assert [(g.project, g.amount) for g in goals] == [
        ("11000022T00000044 3717-卫生科教综合管理", Decimal("567.1")),
        ("11000022T00000044 3774-医学教育培训工作", Decimal("1556.04"))]
    assert len(indicators) == 3
