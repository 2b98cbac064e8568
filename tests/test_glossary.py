"""The 名词解释 sections of the sample disclosures, and small layouts written inline.

Expected values were read by hand from the files in `disclosures/` (line numbers as `grep -n` gives them).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.glossary import find_glossary, parse_glossary
from pipeline.text.lines import Line, split_lines

DISCLOSURES = Path(__file__).parent.parent / "disclosures"


def _lines(name: str) -> list[Line]:
    return split_lines((DISCLOSURES / name).read_text(encoding="utf-8"))


def _glossary(name: str):
    lines = _lines(name)
    span = find_glossary(lines)
    assert span is not None
    terms, unparsed = parse_glossary("doc", lines[span[0] : span[1]])
    return lines, span, terms, unparsed


def _text(text: str):
    lines = split_lines(text)
    span = find_glossary(lines)
    if span is None:
        return None, [], []
    terms, unparsed = parse_glossary("doc", lines[span[0] : span[1]])
    return (lines[span[0]].number, lines[span[1] - 1].number), terms, unparsed


# --- samples ------------------------------------------------------------------------------------------


def test_samr_data_center_heading_after_contents():
    lines, span, terms, unparsed = _glossary("sichuan-samr-data-center-2025.txt")
    # the heading at line 49 is in the contents; the section is the one at line 1028
    assert lines[span[0]].number == 1030
    assert span[1] == len(lines)  # to the end of the file (last line has no newline)
    assert len(terms) == 14
    assert unparsed == []
    assert [t.seq for t in terms] == list(range(1, 15))
    first, last = terms[0], terms[-1]
    assert (first.term, first.definition, first.source_line) == (
        "一般公共预算拨款收入",
        "指省级财政当年拨付的资金。",
        1030,
    )
    assert (last.term, last.source_line) == ("项目支出", 1056)
    assert last.definition == "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。"
    t4 = terms[3]
    assert t4.term == "一般公共服务（类）市场监督管理事务（款）事业运行（项）"
    assert t4.definition == (
        "反映事业单位的基本支出，不包括行政单位(包括实行公务员管理的事业单位)后勤服务中心、医务室等附属事业单位。"
    )
    t10 = terms[9]
    assert t10.term == "社会保障和就业（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）"
    # printed characters are kept, even the traditional 職業 of the source
    assert t10.definition == "反映机关事业单位实施养老保险制度由单位实际缴纳的職業年金支出。"
    assert all(t.function_code is None for t in terms)


def test_gov_office_headless_glossary():
    lines, span, terms, unparsed = _glossary("sichuan-gov-office-it-center-2025.txt")
    assert lines[span[0]].number == 1281
    # the repeated cover and outline (line 1420 on) are not part of the section
    assert lines[span[1] - 1].number < 1420
    assert lines[span[1]].number == 1420
    assert len(terms) == 22
    assert unparsed == []
    assert terms[0].term == "一般公共预算拨款收入"
    assert terms[0].definition == "指省级财政当年拨付的资金。"  # 资 / 金。 broken over lines 1281–1283
    assert terms[1].definition == "指除“一般公共预算拨款收入”以外的收入。主要是银行存款利息收入等。"
    # a term broken over lines 1293 / 1295 with a blank line between
    t4 = terms[3]
    assert t4.source_line == 1293
    assert t4.term == "一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）"
    assert t4.definition == "指用于保障行政单位正常运转，用于行政运行方面的经费支出。"
    # the colon ends line 1325, the definition is on 1326
    t9 = terms[8]
    assert (t9.term, t9.source_line) == ("教育支出（类）进修及培训（款）培训支出（项）", 1325)
    assert t9.definition == "指用于保障各行政事业单位培训方面的支出。"
    t17 = terms[16]
    assert t17.term == "住房保障支出（类）住房改革支出（款）购房补贴（项）"
    assert t17.definition == "指用于按政策规定发放给无房职工的购房补贴支出。"
    last = terms[-1]
    assert (last.seq, last.term, last.source_line) == (22, "机关运行经费", 1405)
    assert last.definition == (
        "为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金，包括办公及印刷费、"
        "邮电费、差旅费、会议费、福利费、日常维修费、专用材料及一般设备购置费、办公用房水电费、办公用房取暖费、"
        "办公用房物业管理费、公务用车运行维护费以及其他费用。"
    )  # the page number -32- and the cover after it are not in it


def test_shenzhen_glossary_ends_at_table_part():
    lines, span, terms, unparsed = _glossary("shenzhen-public-credit-center-2022.txt")
    assert lines[span[0]].number == 183
    assert lines[span[1]].number == 203  # 二、表格部分
    assert len(terms) == 9
    assert unparsed == []
    assert [t.source_line for t in terms] == [183, 185, 187, 189, 191, 193, 195, 197, 201]
    assert terms[0].term == "一般公共预算拨款收入"
    assert terms[0].definition == "指本级财政当年拨付的一般公共预算资金。"
    assert terms[2].definition == "集中反映政府用于住房方面的支出。"
    t8 = terms[7]
    assert t8.term == "“三公”经费"
    assert t8.definition == (
        "一般公共预算安排的因公出国（境）费、公务用车购置及运行费和公务接待费。其中，因公出国（境）费反映单位"
        "公务出国（境）的国际旅费、国外城市间交通费、住宿费、伙食费及培训费等支出；公务用车购置及运行费反映单位"
        "公务用车车辆购置支出（含车辆购置税）及租用费、燃料费、维修费、保险费、过路过桥费等支出；公务接待费反映"
        "单位按规定开支的各类公务接待（含外宾接待）支出。"
    )  # 住宿 / 费 broken over lines 197–199
    assert terms[-1].term == "机关运行经费"
    assert terms[-1].definition.startswith("为保障行政单位（包括参照公务员法管理的事业单位）运行")
    assert terms[-1].definition.endswith("公务用车运行维护费以及其他费用。")


def test_nantong_has_no_glossary():
    assert find_glossary(_lines("nantong-samr-projects-2024.txt")) is None


# --- inline layouts -------------------------------------------------------------------------------------


def test_no_heading_run_after_explanation():
    text = (
        "七、其他重要事项的情况说明\n"
        "2025年预算绩效情况如下。\n"
        "一、基本支出：指为保障机构正常运转的支出。\n"
        "二、项目支出：指在基本支出之外的支出。\n"
        "三、“三公”经费：反映因公出国（境）费等。\n"
    )
    span, terms, unparsed = _text(text)
    assert span == (3, 5)
    assert [(t.seq, t.term, t.source_line) for t in terms] == [
        (1, "基本支出", 3),
        (2, "项目支出", 4),
        (3, "“三公”经费", 5),
    ]
    assert unparsed == []


def test_numbered_lines_without_definitions_are_not_a_glossary():
    text = "一、收支预算情况说明\n二、财政拨款收支预算情况说明\n三、一般公共预算当年拨款情况说明\n"
    assert find_glossary(split_lines(text)) is None


def test_term_broken_over_lines_and_blank_lines_in_definition():
    text = (
        "第四部分 名词解释\n"
        "\n"
        "一、一般公共服务支出（类）政府办公厅（室）及相关\n"
        "\n"
        "机构事务（款）行政运行（项）：指用于保障行政单位正常\n"
        "\n"
        "\n"
        "运转的支出。\n"
        "二、上年结转：指以前年度\n"
        "\n"
        "- 12 -\n"
        "\n"
        "安排的资金。\n"
    )
    span, terms, unparsed = _text(text)
    assert span == (3, 13)
    assert len(terms) == 2
    assert terms[0].term == "一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）"
    assert terms[0].definition == "指用于保障行政单位正常运转的支出。"
    assert terms[0].source_line == 3
    assert terms[1].definition == "指以前年度安排的资金。"  # page number dropped
    assert unparsed == []


def test_fullwidth_and_ascii_colon():
    text = (
        "名词解释\n"
        "一、基本支出：指人员支出和公用支出。\n"
        "二、项目支出: 指特定目标的支出。\n"
        "三、其他收入:指其他收入，时间为 8:00。\n"
    )
    _, terms, _ = _text(text)
    assert [(t.term, t.definition) for t in terms] == [
        ("基本支出", "指人员支出和公用支出。"),
        ("项目支出", "指特定目标的支出。"),
        ("其他收入", "指其他收入，时间为 8:00。"),
    ]


def test_contents_heading_skipped_and_markup_removed():
    text = (
        "# 目录\n"
        "## 第三部分 情况说明\n"
        "## 第四部分 名词解释\n"
        "# 第一部分 概况\n"
        "正文。\n"
        "## **第四部分 名词解释**\n"
        "**一、基本支出**：指<b>人员</b>支出。\n"
        "二、项目支出：指项目的支出。\n"
    )
    span, terms, _ = _text(text)
    assert span == (7, 8)
    assert [(t.term, t.definition) for t in terms] == [
        ("基本支出", "指人员支出。"),
        ("项目支出", "指项目的支出。"),
    ]


@pytest.mark.parametrize("end_line", ["第五部分 附表", "二、表格部分", "附件", "表1"])
def test_section_ends_at_next_part(end_line):
    text = (
        f"第九部分 名词解释\n一、基本支出：指人员支出。\n二、项目支出：指项目支出。\n{end_line}\n收支总表\n"
    )
    span, terms, _ = _text(text)
    assert span == (2, 3)
    assert len(terms) == 2


def test_section_ends_before_repeated_cover_and_contents():
    text = (
        "第四部分 名词解释\n"
        "一、基本支出：指人员支出。\n"
        "二、项目支出：指项目\n"
        "支出。\n"
        "\n"
        "-32-\n"
        "\n"
        "\t四川省某某厅\n"
        "\t2025年部门预算\n"
        "\t目录\n"
        "\t第一部分 概况\n"
    )
    span, terms, _ = _text(text)
    assert span[0] == 2 and span[1] < 8
    assert terms[1].definition == "指项目支出。"


def test_arabic_and_parenthesised_numbering():
    text = "名词解释\n1.基本支出：指人员支出。\n2. 项目支出：指项目支出。\n"
    _, terms, _ = _text(text)
    assert [t.term for t in terms] == ["基本支出", "项目支出"]
    text = "名词解释\n（一）基本支出：指人员支出。\n（二）项目支出：指项目支出。\n"
    _, terms, _ = _text(text)
    assert [t.term for t in terms] == ["基本支出", "项目支出"]


def test_sub_items_of_another_style_stay_in_the_definition():
    text = (
        "名词解释\n一、“三公”经费：包括：\n1.因公出国（境）费；\n2.公务接待费。\n二、基本支出：指人员支出。\n"
    )
    _, terms, _ = _text(text)
    assert len(terms) == 2
    assert terms[0].definition == "包括：1.因公出国（境）费；2.公务接待费。"


def test_unparsed_lines_are_reported():
    lines = split_lines(
        "说明如下\n一、基本支出：指人员支出。\n二、项目支出指项目支出\n三、上年结转：指结转资金。\n"
    )
    terms, unparsed = parse_glossary("doc", lines)
    assert [t.term for t in terms] == ["基本支出", "上年结转"]
    assert [t.seq for t in terms] == [1, 2]
    assert [(u.source_line, u.text) for u in unparsed] == [(1, "说明如下"), (3, "二、项目支出指项目支出")]
    assert all(u.reason and u.doc_id == "doc" and u.table_id is None for u in unparsed)
