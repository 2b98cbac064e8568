"""A table whose layout lost its empty cells, and whose own arithmetic is broken, is settled by what the
document's other tables print, or reported; never guessed.

The 财政拨款支出预算表 below is samr's case in small: its 总计 (100) counts 10 of 上年结转 that the table
leaves blank in every row, so no placement satisfies 总计 = 当年 + 上年结转; its rows print no economic code.
"""

from pathlib import Path

from pipeline.read import Timings, read_lines
from pipeline.text.layout import rows_of
from pipeline.text.lines import split_lines

GRANT = """\
公开表2-1
财政拨款支出预算表（部门经济分类科目）
单位：测试中心 金额单位：万元
项目 总计 省级当年财政拨款安排 上年结转安排
科目编码 单位代码 单位名称（科目） 合计 一般公共预算拨款 政府性基金安排 国有资本经营预算安排 合计 一般公共预算拨款 政府性基金安排 国有资本经营预算安排
类 款 小计 基本支出 项目支出 小计 基本支出 项目支出 小计 基本支出 项目支出 小计 基本支出 项目支出 小计 基本支出 项目支出 小计 基本支出 项目支出
合 计 100.00 90.00 90.00 50.00 40.00
工资福利支出 40.00 40.00 40.00 40.00
基本工资 40.00 40.00 40.00 40.00
商品和服务支出 60.00 50.00 50.00 10.00 40.00
办公费 10.00 10.00 10.00 10.00
委托业务费 50.00 40.00 40.00 40.00
"""
GENERAL = """\
公开表3
一般公共预算支出预算表
单位：测试中心 金额单位：万元
科目编码 单位名称（科目） 合计 当年财政拨款安排 上年结转安排
类 款 项
合 计 100.00 90.00 10.00
201 一般公共服务支出 100.00 90.00 10.00
"""
BASIC = """\
公开表3-1
一般公共预算基本支出预算表
单位：测试中心 金额单位：万元
科目编码 单位名称（科目） 合计 人员经费 公用经费
类 款
合 计 50.00 40.00 10.00
301 工资福利支出 40.00 40.00
301 01 基本工资 40.00 40.00
302 商品和服务支出 10.00 10.00
302 01 办公费 10.00 10.00
"""


NO_FUNDS = """\
公开表4
政府性基金预算支出预算表
单位：测试中心 金额单位：万元
本单位无政府性基金预算支出，此表无数据。

公开表5
国有资本经营预算支出预算表
单位：测试中心 金额单位：万元
本单位无国有资本经营预算支出，此表无数据。
"""


def read(*tables: str):
    text = "测试中心2025年单位预算\n\n" + "\n".join(tables)
    result = read_lines(split_lines(text), Path("test.txt"), "-", {"doc_id": "test"}, Timings())
    table_id = next(t.table_id for t in result.tables if t.kind == "fiscal_grant_by_economic")
    facts = {(f.item, f.column_path): str(f.amount) for f in result.facts if f.table_id == table_id}
    return facts, [u for u in result.unparsed if u.table_id == table_id]


def test_other_tables_settle_the_group_and_the_basic_rows():
    facts, unparsed = read(GRANT, GENERAL, BASIC)
    assert unparsed == []
    current = "省级当年财政拨款安排/"
    assert facts == {
        ("合 计", "总计"): "100.00", ("合 计", current + "合计"): "90.00",
        ("合 计", current + "一般公共预算拨款/小计"): "90.00",
        ("合 计", current + "一般公共预算拨款/基本支出"): "50.00",
        ("合 计", current + "一般公共预算拨款/项目支出"): "40.00",
        **{(item, path): amount for item, amount in (("工资福利支出", "40.00"), ("基本工资", "40.00"),
                                                     ("办公费", "10.00"))
           for path in ("总计", current + "合计", current + "一般公共预算拨款/小计",
                        current + "一般公共预算拨款/基本支出")},
        ("商品和服务支出", "总计"): "60.00", ("商品和服务支出", current + "合计"): "50.00",
        ("商品和服务支出", current + "一般公共预算拨款/小计"): "50.00",
        ("商品和服务支出", current + "一般公共预算拨款/基本支出"): "10.00",
        ("商品和服务支出", current + "一般公共预算拨款/项目支出"): "40.00",
        # not in the basic table: project money
        ("委托业务费", "总计"): "50.00", ("委托业务费", current + "合计"): "40.00",
        ("委托业务费", current + "一般公共预算拨款/小计"): "40.00",
        ("委托业务费", current + "一般公共预算拨款/项目支出"): "40.00",
    }


def test_without_the_当年_total_the_group_stays_open():
    """当年 or 上年结转: both break the same identity by 10, nothing else tells them apart."""
    facts, unparsed = read(GRANT, BASIC)
    assert facts == {}
    assert [u.source_line for u in unparsed] == [9, 10, 11, 12, 13, 14]
    assert unparsed[0].reason.startswith("ambiguous placement: 5 amounts fit 6 ways")


def test_without_the_basic_table_rows_without_codes_stay_open():
    """The total row is settled (当年, its 5 amounts fill the group), but 基本工资 40 | 40 | 40 | 40 may be
    基本支出 or 项目支出: no code places it under a class, and no basic table lists it."""
    facts, unparsed = read(GRANT, GENERAL, NO_FUNDS)
    assert facts[("合 计", "省级当年财政拨款安排/一般公共预算拨款/基本支出")] == "50.00"
    assert facts[("商品和服务支出", "省级当年财政拨款安排/一般公共预算拨款/项目支出")] == "40.00"  # fills the group
    assert [u.source_line for u in unparsed] == [10, 11, 13, 14]
    assert all(u.reason.startswith("ambiguous placement: 4 amounts fit 2 ways") for u in unparsed)


def test_a_number_its_cell_wrapped_after_the_decimal_point_is_one_amount():
    """泉州, 长春, 北京 PDFs: a narrow cell wraps 3800.00 as 3800.0 | 0, joined by the extraction with a space.
    In a tab-separated row a cell holds one value, so it is the one amount; a code wrapped before any
    decimal point (32111102000 558) is no amount and stays text."""
    (row,) = rows_of(split_lines("合计\t58341.63\t3800.0 0\t1,343.48698 8\t32111102000 558\n"))[0]
    assert row.texts == ["合计", "58341.63", "3800.00", "1,343.486988", "32111102000 558"]


# A 财政拨款收支总表 whose layout lost its empty cells and prints the year's total first (一、本年支出), its
# items numbered afresh under it: 二、教育支出 40.00 is 一般公共预算 or 政府性基金预算 by position, and only the
# items under 一、本年支出 (60.00 + 40.00 = 100.00) decide; the 总计 counts 一、本年支出, not it and its items.
YEAR_HEADING_FIRST = """\
财政拨款收支总表
单位：万元
收 入 支 出
项 目 一般公共预算 政府性基金预算 项 目 一般公共预算 政府性基金预算
一、本年收入 100.00 20.00 一、本年支出 100.00 20.00
一般公共预算拨款 100.00 20.00 一、一般公共服务支出 60.00 20.00
二、教育支出 40.00
二、结转下年支出
收入总计 100.00 20.00 支出总计 100.00 20.00
"""


def test_the_items_under_a_year_total_printed_first_settle_by_it():
    text = "测试中心2025年单位预算\n\n" + YEAR_HEADING_FIRST
    result = read_lines(split_lines(text), Path("test.txt"), "-", {"doc_id": "test"}, Timings())
    assert result.unparsed == []
    assert [(f.item, f.column_path, str(f.amount)) for f in result.facts if f.source_line == 9] == [
        ("二、教育支出", "一般公共预算", "40.00")]
