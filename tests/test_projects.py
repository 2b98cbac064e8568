"""The projects of a 项目支出表 in each way real templates print them: under unit rows, under function
classes, under categories, with the category or the unit in a cell beside the name, each with its own
codes, and tables of economic classes that hold no projects. The inline documents copy the layouts of
corpus documents (named at each); the last test reads bundled corpus PDFs: its expectations are the rows
as printed in their project tables (read off the PDFs' text lines of those pages; 烟台's 525.00 against
235.00 is in its golden NOTES.md, written by hand earlier)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.read import Timings, read_document
from pipeline.sources import read_pdf

CORPUS = Path(__file__).resolve().parent / "corpus"


def projects_of(tmp_path: Path, text: str) -> list[tuple[str, str | None, Decimal | None, int]]:
    path = tmp_path / "projects.txt"
    path.write_text(text, encoding="utf-8")
    result = read_document(path)
    assert not result.unparsed, result.unparsed
    return [(p.name, p.function_code, p.amount, p.source_line) for p in result.projects]


TITLE = "2026年部门预算\n项目支出表\n单位：万元\n"


def test_unit_rows_and_their_own_part_are_not_projects_and_a_unit_of_one_project_is_seen_by_its_name(tmp_path):
    # 深圳 (shenzhen-132c3ead12): the department, its 本级, units, each followed by its projects; a unit whose
    # one project prints the unit's amount is told from a project by its name (…中心（深圳）)
    text = TITLE + "项目\t总计\t一般公共预算拨款\t上年结余、结转\n" + "\n".join([
        "深圳市生态环境局\t3,104.00\t3,100.00\t4.00",
        "深圳市生态环境局（本级）\t904.00\t900.00\t4.00",
        "生态环境管理\t500.00\t500.00\t0.00",
        "污染防治\t404.00\t400.00\t4.00",
        "一带一路环境技术交流与转移中心（深圳）\t2,100.00\t2,100.00\t0.00",
        "一带一路环境技术交流与转移\t2,100.00\t2,100.00\t0.00",
        "深圳市生态环境监测站\t100.00\t100.00\t0.00",
        "生态环境监测\t60.00\t60.00\t0.00",
        "物业管理（非公用经费部分）\t40.00\t40.00\t0.00",
    ]) + "\n"
    assert projects_of(tmp_path, text) == [
        ("生态环境管理", None, Decimal("500.00"), 7),
        ("污染防治", None, Decimal("404.00"), 8),  # the 总计 column, not the last one (上年结余)
        ("一带一路环境技术交流与转移", None, Decimal("2100.00"), 10),
        ("生态环境监测", None, Decimal("60.00"), 12),
        ("物业管理（非公用经费部分）", None, Decimal("40.00"), 13),
    ]


def test_function_classes_over_a_project_are_not_projects_and_give_it_their_code(tmp_path):
    # 上海 (shanghai-ccc3011631): 类 → 款 → 项, then the project, then the total, all one amount
    text = TITLE + "功能分类科目编码\t功能分类科目名称\t项目名称\t预算数\n" + "\n".join([
        "201\t一般公共服务支出\t\t270.00",
        "20113\t商贸事务\t\t270.00",
        "2011302\t一般行政管理事务\t\t270.00",
        "\t\t钻石宝玉石产业发展专项\t270.00",
        "合 计\t\t\t270.00",
    ]) + "\n"
    assert projects_of(tmp_path, text) == [("钻石宝玉石产业发展专项", "2011302", Decimal("270.00"), 8)]


def test_category_rows_and_cells_are_not_projects_nor_their_names(tmp_path):
    # 长春 (changchun-f8af211e36): a category and a group over the projects, each project's unit beside it
    text = TITLE + "项目名称\t单位名称\t合计\t一般公共预算\n" + "\n".join([
        "部门特定目标类项目\t\t474.56\t474.56",
        "综合管理\t\t474.56\t474.56",
        "2026信访专项经费\t长春市信访局\t30.00\t30.00",
        "2026驻京经费\t长春市信访局\t312.00\t312.00",
        "2026信访接待中心运行费\t长春市信访局\t116.00\t116.00",
        "信访局临聘人员经费\t长春市信访局\t16.56\t16.56",
    ]) + "\n"
    assert [p[:3] for p in projects_of(tmp_path, text)] == [
        ("2026信访专项经费", None, Decimal("30.00")), ("2026驻京经费", None, Decimal("312.00")),
        ("2026信访接待中心运行费", None, Decimal("116.00")), ("信访局临聘人员经费", None, Decimal("16.56")),
    ]


def test_a_category_beside_each_name_and_two_projects_of_one_amount(tmp_path):
    # 烟台 (yantai-85390c85af, yantai-9985949a8e): 项目名称 | 项目类别; a name ending as a unit's does
    # (…博览会, …救助中心) is still the project's, and two equal amounts in a row are two projects
    text = TITLE + "项目名称\t项目类别\t合计\t一般公共预算\n" + "\n".join([
        "合 计\t\t420.00\t420.00",
        "烟台国际核电工业及装备博览会\t其他运转类\t100.00\t100.00",
        "援疆干部工作经费\t其他运转类\t100.00\t100.00",
        "困难群众救助补助资金-救助中心\t特定目标类\t170.00\t170.00",
        "院内道路维修\t其他运转类\t50.00\t50.00",
    ]) + "\n"
    assert [p[0] for p in projects_of(tmp_path, text)] == [
        "烟台国际核电工业及装备博览会", "援疆干部工作经费", "困难群众救助补助资金-救助中心", "院内道路维修"]


def test_rows_that_add_up_by_chance_are_projects_when_they_all_sum_to_the_total(tmp_path):
    text = TITLE + "项目名称\t合计\n" + "\n".join([
        "合计\t40.00", "会议经费\t20.00", "印刷经费\t10.00", "培训经费\t10.00",
    ]) + "\n"
    assert [p[0] for p in projects_of(tmp_path, text)] == ["会议经费", "印刷经费", "培训经费"]


def test_a_project_table_by_economic_class_has_no_projects(tmp_path):
    # 广州 (guangzhou-58417d10a0): the 项目支出表 lists economic classes
    text = TITLE + "科目编码\t科目名称\t预算\n" + "\n".join([
        "\t合计\t130.00", "302\t商品和服务支出\t120.00", "30201\t办公费\t20.00", "30211\t差旅费\t100.00",
        "310\t资本性支出\t10.00", "31003\t专用设备购置\t10.00",
    ]) + "\n"
    path = tmp_path / "economic.txt"
    path.write_text(text, encoding="utf-8")
    result = read_document(path)
    assert [t.kind for t in result.tables] == ["general_budget_projects"]
    assert len(result.facts) == 6 and result.projects == []


@pytest.fixture(scope="module")
def corpus_read(tmp_path_factory):
    cache = Path(os.environ.get("YUSUAN_PDF_CACHE") or tmp_path_factory.mktemp("pdf-cache"))
    return lambda stem: read_pdf(CORPUS / f"{stem}.pdf", None, Timings(), cache)[0]


def test_corpus_projects_as_printed(corpus_read):
    # the printed rows of 深圳 表5, 烟台 公开表11, 长春 预算表9
    shenzhen = corpus_read("shenzhen-4dc4cd8aab")
    assert [(p.name, p.amount) for p in shenzhen.projects] == [
        ("社工服务项目", Decimal("498.82")), ("信访大厅运行", Decimal("603.84")), ("信访专项", Decimal("486.39")),
        ("预算准备金", Decimal("4.90")), ("政务信息化项目（系统业务运营服务）", Decimal("0.44")),
        ("综合管理", Decimal("17.91")),
    ]
    yantai = corpus_read("yantai-18e04068e8")
    assert [(p.name, p.amount) for p in yantai.projects] == [
        ("实施公车统管费用", Decimal("15.00")), ("接访大厅运行经费", Decimal("145.00")),
        ("信访业务工作经费", Decimal("75.00")),  # the document's 合计 is 525.00 (its own discrepancy)
    ]
    changchun = corpus_read("changchun-f8af211e36")
    assert sum(p.amount for p in changchun.projects) == Decimal("474.56")
    assert [p.name for p in changchun.projects] == [
        "2026信访专项经费", "2026信访接待中心运行费", "2026驻京经费", "信访局临聘人员经费"]
    assert corpus_read("guangzhou-58417d10a0").projects == []  # its 项目支出表 is by economic class
