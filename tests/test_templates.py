"""Templates of other cities, in the words and shapes the development corpus prints them (issue 13): what a
file is, codes joined with names or printed by level, columns the vocabulary does not know, 栏次 rows,
amounts in 千元, the department type. Small texts modelled on the corpus's tables, read by the real reader."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.checks import run_checks
from pipeline.departments import department_type
from pipeline.read import Timings, read_lines
from pipeline.text.lines import split_lines


def read(text: str, name: str = "doc.txt"):
    result = read_lines(split_lines(text), Path(name), "0" * 64, {}, Timings())
    run_checks(result)
    return result


def table_facts(result, kind: str) -> list[tuple]:
    ids = {t.table_id for t in result.tables if t.kind == kind}
    return [(f.source_line, f.item, f.function_code, f.economic_code, f.column_path, f.printed)
            for f in result.facts if f.table_id in ids]


# ----------------------------------------------------------------------------------- what a file is

NOTICE = """惠州市人民政府办公室关于印发《2026 年市十件民生实事工作实施方案》的通知
惠府办函〔2026〕13号
各县、区人民政府，市各有关单位：
《2026年惠州市十件民生实事项目》业经惠州市十三届人大七次会议票决通过，现印发给你们。
"""

NARRATIVE = """北京市审计局 2026 年度部门预算信息公开
目 录
第一部分 2026 年度部门预算情况说明
第二部分 2026 年度部门预算报表
一、收支总表
二、收入总表
三、支出总表
第一部分 2026年度部门预算情况说明
2026年收入预算12,345.67万元，其中一般公共预算财政拨款收入12,000.00万元。
2026年支出预算12,345.67万元，其中基本支出8,000.00万元，项目支出4,345.67万元。
一般公共预算财政拨款支出12,000.00万元。
财政拨款“三公”经费预算数为35.20万元。
机关运行经费预算数为210.00万元。
附件：北京市审计局 2026 年度部门预算报表
"""


def test_a_notice_is_no_disclosure_and_publishes_nothing():
    result = read(NOTICE)
    doc = result.document
    assert doc.status == "not_a_disclosure"
    assert doc.status_reason.startswith("no budget disclosure: no standard table and no budget title")
    assert "惠州市人民政府办公室关于印发" in doc.status_reason
    assert result.facts == [] and result.tables == []


def test_a_narrative_whose_tables_are_another_file_is_partial_with_the_reason():
    result = read(NARRATIVE)
    doc = result.document
    assert (doc.status, doc.publisher, doc.fiscal_year, doc.kind) == ("partial", "北京市审计局", 2026, "部门预算")
    assert doc.status_reason == ("the narrative (情况说明) only: its contents list 3 tables, no standard table is "
                                 "printed in this file (the tables are published as another file)")
    assert [t.status for t in result.tables] == ["missing"] * 3
    assert result.facts == []


@pytest.mark.parametrize("name, kind", [
    ("北京市信访办公室", "信访"), ("北京市人民政府办公厅", "政府办公厅"), ("深圳市民政局", "民政"),
    ("北京市人民政府国有资产监督管理委员会", "国有资产监管"), ("上海市统计和大数据研究院（上海市统计数据管理中心）", "统计"),
    ("北京市公安局交通管理局", "公安"), ("苏州市自然资源和规划局", "规划和自然资源"), ("上海市域外农场管理办公室", None),
])
def test_department_type_from_the_publishers_name(name, kind):
    assert department_type(name) == kind


# ----------------------------------------------------------------------------------- codes and columns

BEIJING_EXPENDITURE = """\t预算03表 支出总表\t\t\t\t\t\t
\t\t\t\t\t\t金额单位：万元
\t支出功能分类科目\t政府支出经济分类科目\t部门支出经济分类科目\t合计\t基本支出\t项目支出
\t2010601-行政运行\t50101-工资奖金津补贴\t30101-基本工资\t1,721.982000\t1,721.982000\t
\t2010601-行政运行\t50201-办公经费\t30201-办公费\t40.000000\t\t40.000000
\t\t合 计\t\t1,761.982000\t1,721.982000\t40.000000
"""


def test_codes_joined_with_names_in_three_classifications():
    """北京's 支出总表: each row is classified three times, code and name in one cell; the function and the
    部门经济分类 codes are the row's, its item the function's name."""
    facts = table_facts(read(BEIJING_EXPENDITURE), "expenditure_summary")
    assert (4, "行政运行", "2010601", "30101", "合计", "1,721.982000") in facts
    assert (5, "行政运行", "2010601", "30201", "项目支出", "40.000000") in facts
    assert (6, "合 计", None, None, "基本支出", "1,721.982000") in facts
    assert len(facts) == 7


YANTAI_BASIC = """公开表6一般公共预算基本支出情况表
部门（单位）：烟台市信访局 单位：万元
科目编码\t\t部门预算支出经济分类科目名称\t科目编码\t\t政府预算支出经济分类科目名称\t基本支出预算\t\t
类\t款\t\t类\t款\t\t小计\t人员支出\t日常公用支出
\t\t合计\t\t\t\t741.62\t593.01\t148.61
301\t\t工资福利支出\t501\t\t机关工资福利支出\t593.01\t593.01\t
\t01\t基本工资\t501\t01\t工资奖金津补贴\t593.01\t593.01\t
302\t\t商品和服务支出\t502\t\t机关商品和服务支出\t148.61\t\t148.61
\t01\t办公费\t502\t01\t办公经费\t148.61\t\t148.61
"""


def test_columns_titled_as_printed_and_codes_printed_by_level():
    """烟台's basic table: 人员支出 / 日常公用支出 are no words of the vocabulary, yet columns by their cells'
    positions; a 款 printed alone (01) is completed by the 类 above it; the 政府经济分类 code beside the row's
    own is its second classification, not an amount."""
    result = read(YANTAI_BASIC)
    facts = table_facts(result, "general_budget_basic")
    assert (7, "基本工资", None, "30101", "基本支出预算/人员支出", "593.01") in facts
    assert (9, "办公费", None, "30201", "基本支出预算/日常公用支出", "148.61") in facts
    assert (5, "合计", None, None, "基本支出预算/小计", "741.62") in facts
    assert len(facts) == 11  # 合计 3, every other row 2
    assert result.unparsed == []
    # the header's own identity, 小计 = 人员支出 + 日常公用支出, is checked on every row and holds
    sums = [c for c in result.checks if c.check == "column-sum-mismatch"]
    assert len(sums) == 5 and all(c.passed for c in sums)


HUZHOU_WITH_COLUMN_NUMBERS = """表032026年市级部门支出预算总表
507-湖州市卫生健康委员会 单位:千元
科目编码\t科目名称\t总计\t基本支出\t\t项目支出
\t\t\t人员支出\t公用经费\t
**\t**\t1\t2\t3\t4
\t合计\t12345.6\t10000.0\t2000.0\t345.6
208\t社会保障和就业支出\t12345.6\t10000.0\t2000.0\t345.6
"""


def test_a_row_numbering_the_columns_is_header_and_thousands_of_yuan_are_converted():
    result = read(HUZHOU_WITH_COLUMN_NUMBERS)
    table = next(t for t in result.tables if t.kind == "expenditure_summary")
    assert table.amount_unit == "千元"
    facts = {(f.source_line, f.column_path): (f.printed, f.amount) for f in result.facts}
    assert 5 not in {line for line, _ in facts}  # ** ** 1 2 3 4 numbers the columns
    assert facts[(6, "总计")] == ("12345.6", Decimal("1234.56"))  # 12,345.6 千元 = 1,234.56 万元
    assert facts[(7, "基本支出/公用经费")] == ("2000.0", Decimal("200"))
    assert result.unparsed == []


ROW_NUMBERED = """某某局2026年部门预算

表一 部门收支总表
单位：万元
收入\t行次\t预算数\t支出\t行次\t预算数
一、一般公共预算拨款收入\t1\t100.00\t一、一般公共服务支出\t10\t120.00
二、政府性基金预算拨款收入\t2\t20.00\t二、教育支出\t11\t0.00
本年收入合计\t3\t120.00\t本年支出合计\t12\t120.00
收入总计\t4\t120.00\t支出总计\t13\t120.00

表二 部门支出总表
单位：万元
科目编码\t科目名称\t行次\t合计\t基本支出\t项目支出
201\t一般公共服务支出\t1\t120.00\t100.00\t20.00
20101\t人大事务\t2\t120.00\t100.00\t20.00
\t合计\t3\t120.00\t100.00\t20.00
"""


@pytest.mark.parametrize("separator", ["\t", " "])
def test_a_row_number_column_holds_no_amount(separator):
    """行次 beside each label (决算-style templates): the numbers 1, 2, 3 … are no amounts, in a tab-separated
    and in a space-collapsed layout."""
    result = read(ROW_NUMBERED.replace("\t", separator))
    assert result.unparsed == [] and all(c.passed for c in result.checks) and len(result.checks) == 15
    assert [(f.side, f.item, f.printed) for f in result.facts if f.table_id == "t01"] == [
        ("收入", "一、一般公共预算拨款收入", "100.00"), ("支出", "一、一般公共服务支出", "120.00"),
        ("收入", "二、政府性基金预算拨款收入", "20.00"), ("支出", "二、教育支出", "0.00"),
        ("收入", "本年收入合计", "120.00"), ("支出", "本年支出合计", "120.00"),
        ("收入", "收入总计", "120.00"), ("支出", "支出总计", "120.00")]
    assert table_facts(result, "expenditure_summary")[:3] == [
        (14, "一般公共服务支出", "201", None, "合计", "120.00"), (14, "一般公共服务支出", "201", None, "基本支出", "100.00"),
        (14, "一般公共服务支出", "201", None, "项目支出", "20.00")]


ALL_FUNDS_PROJECTS = """某某局2026年部门预算

公开表5 一般公共预算支出情况表
单位：万元
科目编码\t科目名称\t合计\t基本支出\t项目支出
201\t一般公共服务支出\t150.00\t100.00\t50.00
\t合计\t150.00\t100.00\t50.00

公开表11 项目支出预算情况表
单位：万元
项目名称\t项目类别\t合计\t财政拨款\t\t\t单位资金
\t\t\t小计\t一般公共预算\t政府性基金预算\t
合 计\t\t80.00\t50.00\t50.00\t\t30.00
工作经费\t其他运转类\t80.00\t50.00\t50.00\t\t30.00
"""


def test_a_project_table_of_every_fund_is_compared_by_its_general_budget_column():
    """烟台's 项目支出预算情况表 prints the money of every fund: its 一般公共预算 column, not its 合计, is the
    general budget table's 项目支出 (the check had failed in 20 files of 烟台 and 湖州)."""
    result = read(ALL_FUNDS_PROJECTS)
    (check,) = [c for c in result.checks if c.check == "general-budget-split-mismatch"]
    assert (check.passed, check.actual, check.expected) == (True, Decimal("50.00"), Decimal("50.00"))


PROJECT_TABLE = """表5
项目支出总表
部门名称：深圳市信访局 单位：万元
支出项目类别\t\t2026年预算\t\t\t\t\t\t\t\t\t
\t总计\t财政拨款\t\t\t财政专户管理资金\t单位资金\t\t\t\t\t上年结余、结转
\t\t一般公共预算拨款\t政府性基金预算拨款\t国有资本经营预算拨款\t\t事业收入\t事业单位经营收入\t上级补助收入\t附属单位上缴收入\t其他收入\t
深圳市信访局\t1,612.29\t1,604.95\t0.00\t0.00\t0.00\t0.00\t0.00\t0.00\t0.00\t0.00\t7.34
社工服务项目\t498.82\t498.82\t0.00\t0.00\t0.00\t0.00\t0.00\t0.00\t0.00\t0.00\t0.00
信访大厅运行\t603.84\t596.94\t0.00\t0.00\t0.00\t0.00\t0.00\t0.00\t0.00\t0.00\t6.90
"""


def test_an_amount_column_under_the_label_columns_header_is_read_as_amounts():
    """深圳's 项目支出总表 prints 支出项目类别 over two positions, the second holding 总计 one row down: the
    总计 of each row is an amount (it had become part of the item: 社工服务项目 498.82)."""
    result = read(PROJECT_TABLE)
    rows = [(line, item, path, printed) for line, item, _, _, path, printed in table_facts(result, "general_budget_projects")]
    assert rows[:3] == [(7, "深圳市信访局", "总计", "1,612.29"),
                        (7, "深圳市信访局", "2026年预算/财政拨款/一般公共预算拨款", "1,604.95"),
                        (7, "深圳市信访局", "2026年预算/财政拨款/政府性基金预算拨款", "0.00")]
    assert ("社工服务项目", "总计", "498.82") in {(item, path, printed) for _, item, path, printed in rows}
    assert len(rows) == 33 and not result.unparsed


EMPTY_FUND_TABLE = """表9
政府性基金预算支出情况表
单位名称：广州市信访局 单位：万元
功能分类科目\t\t政府性基金预算支出\t\t
科目编码\t科目名称\t小计\t其中：基本支出\t项目支出
\t合计\t1.00\t0.40\t0.60
"""


def test_a_total_row_without_a_code_is_not_shifted_into_the_code_column():
    """广州's 合计 row prints no 科目编码: its empty first cell is the code's, not a page margin (the 1.00 of
    小计 had become part of the item, 0.40 and 0.60 the next columns')."""
    result = read(EMPTY_FUND_TABLE)
    assert [(item, path, printed) for _, item, _, _, path, printed in table_facts(result, "gov_fund_expenditure")] == [
        ("合计", "政府性基金预算支出/小计", "1.00"), ("合计", "政府性基金预算支出/其中:基本支出", "0.40"),
        ("合计", "政府性基金预算支出/项目支出", "0.60")]
