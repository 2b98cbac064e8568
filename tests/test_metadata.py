"""A document's own metadata, read from the sample disclosures and from small inline texts.

Expected values were read by hand from the cover, the 机构设置 paragraph and the tables of each sample.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.metadata import derive_doc_id, read_metadata, region_of
from pipeline.text.lines import split_lines

DISCLOSURES = Path(__file__).parent.parent / "disclosures"


def _meta(name: str) -> dict:
    return read_metadata(split_lines((DISCLOSURES / name).read_text(encoding="utf-8")))


def test_sichuan_samr_data_center():
    m = _meta("sichuan-samr-data-center-2025.txt")
    # cover lines 3–5, before `# 目录` at line 7
    assert m["title"] == "四川省市场监督管理局数据应用中心2025 年单位预算"
    assert m["title_line"] == 3
    assert m["fiscal_year"] == 2025
    assert m["kind"] == "单位预算"
    assert m["publisher"] == "四川省市场监督管理局数据应用中心"
    # line 101: 本单位是隶属于四川省市场监督管理局的二级预算单位
    assert m["supervisor"] == "四川省市场监督管理局"
    assert (m["region"], m["admin_level"]) == ("四川省", "province")
    assert m["units"] == ["四川省市场监督管理局数据应用中心"]


def test_sichuan_gov_office_cover_after_glossary():
    m = _meta("sichuan-gov-office-it-center-2025.txt")
    # the cover is printed at lines 1420–1422, before the 目录 at line 1423
    assert m["title"] == "四川省人民政府办公厅信息技术服务中心2025年单位预算"
    assert m["title_line"] == 1420
    assert m["fiscal_year"] == 2025
    assert m["kind"] == "单位预算"
    assert m["publisher"] == "四川省人民政府办公厅信息技术服务中心"
    # 隶属于四川省人民政府办公厅的二级预算单 / 位 (lines 51–53)
    assert m["supervisor"] == "四川省人民政府办公厅"
    assert (m["region"], m["admin_level"]) == ("四川省", "province")


def test_shenzhen_public_credit_center():
    m = _meta("shenzhen-public-credit-center-2022.txt")
    assert m["title"] == "2022 年深圳市公共信用中心 部门预算"
    assert m["title_line"] == 3
    assert m["fiscal_year"] == 2022
    assert m["kind"] == "部门预算"
    assert m["publisher"] == "深圳市公共信用中心"
    # line 445: 单位名称 S 深圳市公共信用中心 主管部门 S 深圳市市场监督管理局
    assert m["supervisor"] == "深圳市市场监督管理局"
    assert m["units"] == ["深圳市公共信用中心"]
    assert (m["region"], m["admin_level"]) == ("深圳市", "city")


def test_nantong_project_goals():
    m = _meta("nantong-samr-projects-2024.txt")
    assert m["title"] == "南通市本级项目预算绩效目标表2024年度"
    assert m["fiscal_year"] == 2024
    assert m["kind"] == "项目绩效目标"
    assert m["publisher"] == "南通市市场监督管理局"  # 主管部门
    assert m["supervisor"] == "南通市市场监督管理局"
    assert m["units"] == ["南通市市场监管局网络受理中心"]  # 实施单位, printed once per project
    assert (m["region"], m["admin_level"]) == ("南通市", "city")


def test_department_phrase_in_brackets_and_county():
    m = read_metadata(split_lines("\n四川省教育厅（部门）\n2025年预算\n\n目 录\n第一部分 概况\n"))
    assert (m["publisher"], m["kind"], m["fiscal_year"]) == ("四川省教育厅", "部门预算", 2025)
    assert m["title"] == "四川省教育厅（部门）2025年预算"
    m = read_metadata(split_lines("成都市武侯区财政局\n2024年度部门决算\n目录\n"))
    assert (m["region"], m["admin_level"], m["fiscal_year"]) == ("成都市武侯区", "county", 2024)
    assert m["kind"] == "部门决算"


def test_supervisor_label_with_colon():
    text = "某某县农业农村局2023年单位预算\n目录\n单位名称：某某县农技站\n主管部门：某某县农业农村局\n"
    m = read_metadata(split_lines(text))
    assert m["supervisor"] == "某某县农业农村局"
    assert m["publisher"] == "某某县农业农村局"
    assert m["units"] == ["某某县农技站"]
    assert (m["region"], m["admin_level"]) == ("某某县", "county")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("四川省市场监督管理局", ("四川省", "province")),
        ("广西壮族自治区财政厅", ("广西壮族自治区", "province")),
        ("上海市财政局", ("上海市", "province")),
        ("北京市海淀区教育委员会", ("北京市海淀区", "county")),
        ("凉山彝族自治州财政局", ("凉山彝族自治州", "city")),
        ("南通市市场监督管理局", ("南通市", "city")),
        ("深圳市社区服务中心", ("深圳市", "city")),
        ("中共成都市委组织部", ("成都市", "city")),
        ("江苏省农产品市场中心", ("江苏省", "province")),
        ("国家统计局", (None, None)),
    ],
)
def test_region_of(name, expected):
    assert region_of(name) == expected


def test_derive_doc_id_is_stable_ascii():
    a = _meta("sichuan-samr-data-center-2025.txt")
    b = _meta("sichuan-gov-office-it-center-2025.txt")
    sha_a, sha_b = "a1" * 32, "b2" * 32
    ida, idb = derive_doc_id(a, sha_a), derive_doc_id(b, sha_b)
    assert ida == derive_doc_id(dict(a), sha_a)
    assert ida != idb
    assert re.fullmatch(r"[a-z0-9-]+", ida)
    assert ida.startswith("province-2025-unit-budget-") and ida.endswith("-a1a1a1a1")
    assert derive_doc_id(_meta("nantong-samr-projects-2024.txt"), sha_a).startswith("city-2024-project-goals-")
    # files whose text names no publisher, year or kind never share an id: the content hash tells them apart
    assert derive_doc_id({}, sha_a) == "unknown-unknown-unknown-98c4b7-a1a1a1a1"
    assert derive_doc_id({}, sha_b) == "unknown-unknown-unknown-98c4b7-b2b2b2b2"
    # the same publisher's documents share the part before the content hash
    assert derive_doc_id(a, sha_b).rsplit("-", 1)[0] == ida.rsplit("-", 1)[0]


def _read(text: str) -> dict:
    return read_metadata(split_lines(text))


def test_publisher_printed_as_budget_unit_under_a_generic_cover():
    # 上海's template: the cover names no unit; the line under it does
    meta = _read("上海市2026年市级单位预算\n预算单位：上海市统计和大数据研究院（上海市统计数据管理中心）\n\n目 录\n一、单位主要职能\n")
    assert meta["publisher"] == "上海市统计和大数据研究院（上海市统计数据管理中心）"
    assert (meta["region"], meta["fiscal_year"], meta["kind"]) == ("上海市", 2026, "单位预算")


def test_cover_printed_twice_and_the_own_body_mark():
    meta = _read("2026 年度苏州市审计局部门预算公开\n\n苏州市审计局2026年度部门预算公开\n目 录\n第一部分 部门概况\n")
    assert (meta["publisher"], meta["fiscal_year"], meta["kind"]) == ("苏州市审计局", 2026, "部门预算")
    meta = _read("长春市信访局（本级） 2026年度部门预算公开\n目 录\n")
    assert (meta["publisher"], meta["region"]) == ("长春市信访局", "长春市")



def test_a_cover_title_broken_inside_the_publishers_name():
    """深圳: the second line alone (管理委员会部门预算) names no publisher; the two lines do."""
    meta = _read("2026 年深圳市人民政府国有资产监督\n管理委员会部门预算\n\n目 录\n一、文字部分\n")
    assert (meta["publisher"], meta["region"], meta["fiscal_year"]) == ("深圳市人民政府国有资产监督管理委员会", "深圳市", 2026)

def test_tables_file_without_a_cover_reads_year_kind_and_publisher_from_its_tables():
    rows = "".join(f"\t2010{n:03d}-行政运行\t{n}.000000\t\n" for n in range(80))  # the tables, far above 预算13表
    text = ("\t预算01表 收支总表\t\t\t\n\t\t\t\t金额单位：万元\n\t收 入\t\t支 出\t\n" + rows +
            "\t预算13表 部门整体支出绩效目标表\t\n\t（2026年度）\t\n部门名称\t北京市审计局\t\n")
    meta = _read(text)
    assert (meta["publisher"], meta["region"], meta["fiscal_year"], meta["kind"]) == (
        "北京市审计局", "北京市", 2026, "部门预算")


def test_region_named_in_the_text_when_the_publisher_has_no_place_prefix():
    lines = "首都绿化委员会办公室2026年度部门预算\n目 录\n" + "首都绿化委员会办公室是北京市政府的议事协调机构。\n" * 3
    meta = _read(lines)
    assert meta["publisher"] == "首都绿化委员会办公室"
    assert (meta["region"], meta["admin_level"]) == ("北京市", "province")


def test_the_year_of_a_title_without_nian_and_of_tables_that_name_other_years():
    """北京: a narrative titled `2026 部门预算情况的说明` (no 年) that names 2025 more often; tables files whose
    only budget year is the forms' subtitle, beside a project named after 2023-2024年 and another 2025年度."""
    meta = _read("北京市人民政府国有资产监督管理委员会\n2026 部门预算情况的说明\n一、部门情况说明\n"
                 + "2025 年预算执行情况良好。\n" * 3)
    assert meta["fiscal_year"] == 2026
    rows = "\t预算01表 收支总表\t\n\t对2023-2024年非密纸质档案进行数字化\t1.00\n" \
           "\t组织开展2025年度优秀统计分析报告评选\t2.00\n"
    assert _read(rows + "\t（2026年度）\t\t\n")["fiscal_year"] == 2026
    assert _read(rows + "2026（年度）\t\t\n")["fiscal_year"] == 2026
    # a span of years alone names no budget year
    assert _read("\t预算01表 收支总表\t\n\t对2023-2024年非密纸质档案进行数字化\t1.00\n")["fiscal_year"] is None


@pytest.mark.parametrize("name, region", [
    ("北京城市副中心工程建设管理办公室", "北京市"),  # a municipality named without 市
    ("首都绿化委员会办公室", "北京市"),  # the capital
    ("重庆大学", "重庆市"),
    ("首钢集团", None),
])
def test_region_of_a_municipality_named_without_shi_or_as_the_capital(name, region):
    assert region_of(name)[0] == region


def test_a_narrative_without_a_cover_names_its_kind_first_and_its_publisher_under_its_duties():
    """北京 prints some 情况说明 without a cover: the contents name 部门预算 before the 项目支出绩效目标 they list,
    and the publisher is the subject of the first sentence under 本部门职责情况."""
    text = ("第一部分 2026 年度部门预算情况说明\n一、部门情况说明\n第二部分 2026 年度部门预算报表\n"
            "预算14表 项目支出绩效目标表\n一、部门情况说明\n（一）本部门职责情况\n"
            "北京市气象局属于公益性事业单位，职责是制定地方气象事业发展规划。\n")
    meta = _read(text)
    assert (meta["kind"], meta["publisher"], meta["region"]) == ("部门预算", "北京市气象局", "北京市")
    assert _read(text.replace("北京市气象局属于公益性事业单位", "北京市人民政府办公厅主要职责包括"))["publisher"] == \
        "北京市人民政府办公厅"


@pytest.mark.parametrize("text, title", [
    # the cover names kind and year: the heading after it (北京 国资委, as extracted) is no part of it
    ("北京市人民政府国有资产监督管理委员会\n2026 部门预算情况的说明\n一、部门情况说明\n（一）本部门职责情况\n",
     "北京市人民政府国有资产监督管理委员会2026 部门预算情况的说明"),
    # a form's first label and value under its title, however extracted
    ("南通市本级项目预算绩效目标表\n2024年度\n项目名称\n信息化管理专项经费\n主管部门\n南通市市场监督管理局\n",
     "南通市本级项目预算绩效目标表2024年度"),
    ("南通市本级项目预算绩效目标表\n2024年度\n| 项目名称 | 信息化管理专项经费 | 主管部门 | 南通市市场监督管理局 |\n",
     "南通市本级项目预算绩效目标表2024年度"),
    ("南通市本级项目预算绩效目标表\n2024年度\n项目名称     信息化管理专项经费      主管部门    南通市市场监督管理局\n",
     "南通市本级项目预算绩效目标表2024年度"),
    # the publisher printed under the title still belongs to it; a cover in a one-column table too
    ("2026年部门预算\n北京市财政局\n二〇二六年一月\n目录\n", "2026年部门预算北京市财政局"),
    ("|  | 四川省人民政府办公厅 |\n|  | 信息技术服务中心 |\n|  | 2025年单位预算 |\n|  | 目录 |\n",
     "四川省人民政府办公厅信息技术服务中心2025年单位预算"),
])
def test_the_title_ends_with_the_cover(text, title):
    assert read_metadata(split_lines(text))["title"] == title


def test_a_label_and_its_value_on_lines_of_their_own_or_in_columns():
    for text in ("项目名称\n信息化管理专项经费\n主管部门\nS 南通市市场监督管理局\n",
                 "项目名称  信息化管理专项经费  主管部门  S 南通市市场监督管理局\n",
                 "<tr><td>项目名称</td><td>信息化管理专项经费</td><td>主管部门</td><td>南通市市场监督管理局</td></tr>\n"):
        assert read_metadata(split_lines("项目支出绩效目标表\n" + text))["supervisor"] == "南通市市场监督管理局", text
