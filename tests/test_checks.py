"""Accounting checks on the samples: which identities hold, which fail, and the numbers of each failure.

Every failure asserted here was verified by hand against the text (see the comments): they are the
documents' own discrepancies, published as data.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.checks import RULES, rule, run_checks
from pipeline.narrative import read_statements
from pipeline.read import read_document
from pipeline.text.lines import split_lines

SAMR = "sichuan-samr-data-center-2025"
GOV = "sichuan-gov-office-it-center-2025"
SHENZHEN = "shenzhen-public-credit-center-2022"
NANTONG = "nantong-samr-projects-2024"


@pytest.fixture(scope="module")
def checked(read_sample):
    def get(doc_id):
        result = read_sample(doc_id)
        run_checks(result)
        return result
    return get


def failures(result):
    return [c for c in result.checks if not c.passed]


def test_rules_are_registered_once_with_kebab_ids_and_a_stated_identity():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids)) >= 10
    for r in RULES:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)+", r.id), r.id
        assert r.severity in ("error", "warning")
        assert r.identity and r.title and r.kinds
    with pytest.raises(KeyError, match="unknown check 'no-such-check'; known: classification-sum-mismatch"):
        rule("no-such-check")


def test_every_rule_applies_to_the_samr_sample(checked):
    result = checked(SAMR)
    assert {c.check for c in result.checks} == {r.id for r in RULES}


def test_checks_are_deterministic_and_rerunnable(checked):
    result = checked(SAMR)
    first = list(result.checks)
    run_checks(result)
    assert result.checks == first


def test_shenzhen_tables_add_up(checked):
    result = checked(SHENZHEN)
    assert failures(result) == []
    counts = Counter(c.check for c in result.checks)
    assert counts["summary-unbalanced"] == 2  # 收支总表 and 财政拨款收支总表: 5,855 = 5,855
    assert counts["classification-sum-mismatch"] == 33
    # the narrative's 三公 figure (12.4 万元, line 117) against the 2022 row of the 三公 table (line 406)
    three = [c for c in result.checks if c.check == "narrative-figure-mismatch" and c.source_line == 117]
    assert [(c.passed, c.actual, c.expected) for c in three] == [
        (True, Decimal("12.4"), Decimal("12.4")),
        # 比 2021 年预算减少 8.7 万元: recomputed from the table's 2022 年 (12.4) and 2021 年 (21.1) rows
        (True, Decimal("-8.7"), Decimal("-8.7")),
    ]
    changes = [c for c in result.checks if "states a change" in c.message]
    assert [c.source_line for c in changes] == [117, 127, 129]


def test_gov_office_narrative_contradicts_its_tables(checked):
    result = checked(GOV)
    failed = {(c.check, c.source_line): c for c in failures(result)}
    assert sorted(failed) == [("narrative-figure-mismatch", n) for n in (1123, 1129, 1141, 1207)]
    # line 1129: 基本支出 537.88万元 in the text, 537.38 in the 支出总表 (line 191) and the 基本支出表
    c = failed[("narrative-figure-mismatch", 1129)]
    assert (c.actual, c.expected, c.difference) == (Decimal("537.88"), Decimal("537.38"), Decimal("0.50"))
    assert "537.88万元" in c.message and "line 191" in c.message
    # line 1123: 一般公共预算拨款收入 21,749.66万元, the 收支总表 prints 20,047.51 (+ 1,702.15 上年结转)
    c = failed[("narrative-figure-mismatch", 1123)]
    assert (c.actual, c.expected, c.difference) == (Decimal("21749.66"), Decimal("20047.51"), Decimal("1702.15"))
    # line 1207: 人员经费 437.12元 — printed in 元, i.e. 0.043712 万元, against 437.12 万元
    c = failed[("narrative-figure-mismatch", 1207)]
    assert c.actual == Decimal("0.043712") and c.expected == Decimal("437.12")
    assert c.severity == "warning"


def test_samr_failures_are_the_documents_own(checked):
    result = checked(SAMR)
    failed = failures(result)
    counts = Counter(c.check for c in failed)
    assert counts == {"column-sum-mismatch": 8, "project-amount-mismatch": 3}
    # 公开表2-1 prints 总计 6,276.39 but no 上年结转 cell (138.19): 总计 ≠ 当年 6,138.20 + 上年结转
    total = next(c for c in failed if c.check == "column-sum-mismatch" and c.source_line == 208)
    assert (total.actual, total.expected, total.difference) == (
        Decimal("6276.39"), Decimal("6138.20"), Decimal("138.19"))
    # performance table amounts (113 at line 488, 103 at 530, 110 at 760) vs the 项目支出表
    projects = {c.source_line: (c.actual, c.expected) for c in failed if c.check == "project-amount-mismatch"}
    assert projects == {488: (Decimal("113.00"), Decimal("111.30")), 530: (Decimal("103.00"), Decimal("102.65")),
                        760: (Decimal("110.00"), Decimal("88.55"))}


def test_narrative_figures_that_agree_pass(checked):
    result = checked(SAMR)
    narrative = {c.source_line: c for c in result.checks if c.check == "narrative-figure-mismatch"}
    assert narrative[930].passed  # 支出预算7052.28万元，其中：基本支出1546.20万元 (one of three at line 930)
    assert narrative[984].passed  # “三公”经费财政拨款预算数7.31万元
    assert all(c.passed for c in narrative.values())
    # 934 (财政拨款收支预算总数) is not checked: this extraction of 公开表2 stops before its 总计 rows;
    # 994 (公务用车购置费 0 万元): the 三公 table prints no 购置费 column
    lines = sorted(c.source_line for c in result.checks if c.check == "narrative-figure-mismatch")
    assert lines == [922, 926, 926, 930, 930, 930, 938, 976, 978, 980, 984, 984, 984, 996]


def test_cross_table_identities_on_samr(checked):
    result = checked(SAMR)
    by_id = {c.check: c for c in result.checks if c.check in (
        "general-budget-split-mismatch", "fiscal-grant-mismatch", "summary-unbalanced")}
    split = by_id["general-budget-split-mismatch"]
    # 一般公共预算支出表 合计 6,276.39 = 基本支出表 775.45 + 项目支出表 5,500.94
    assert split.passed and split.actual == Decimal("6276.39") and split.expected == Decimal("6276.39")
    assert by_id["summary-unbalanced"].actual == Decimal("7052.28")


def test_confirmed_share(checked):
    assert checked(SAMR).document.facts_confirmed == 347
    assert checked(SAMR).document.facts_confirmed_share == Decimal("0.8966")
    assert checked(SHENZHEN).document.facts_confirmed_share == Decimal("0.7152")
    nantong = checked(NANTONG)  # performance forms only: no facts to confirm
    assert nantong.facts == [] and nantong.document.facts_confirmed_share is None


# ------------------------------------------------------------------------------ small inline documents

WRONG_TOTAL = """\
2025年部门预算
支出总表
单位：万元
科目编码\t科目名称\t合计\t基本支出\t项目支出
\t合计\t100.00\t60.00\t40.00
201\t一般公共服务支出\t90.00\t50.00\t40.00
20101\t人大事务\t90.00\t50.00\t40.00
2010101\t行政运行\t85.00\t50.00\t35.00
205\t教育支出\t10.00\t10.00\t0.00
"""


def test_a_table_that_does_not_add_up_is_published_with_its_failed_check(tmp_path: Path):
    path = tmp_path / "wrong-total.txt"
    path.write_text(WRONG_TOTAL, encoding="utf-8")
    result = read_document(path)
    run_checks(result)
    printed = {(f.source_line, f.measure): f.printed for f in result.facts}
    assert printed[(8, "项目支出")] == "35.00"  # kept as printed, not "fixed" to 40.00
    failed = [(c.check, c.source_line, c.expected, c.actual, c.difference) for c in failures(result)]
    assert failed == [
        # 20101 prints 90.00 / 40.00, its only 项 2010101 85.00 / 35.00
        ("classification-sum-mismatch", 7, Decimal("85.00"), Decimal("90.00"), Decimal("5.00")),
        ("classification-sum-mismatch", 7, Decimal("35.00"), Decimal("40.00"), Decimal("5.00")),
    ]
    assert sum(c.check == "column-sum-mismatch" for c in result.checks) == 5  # one per row, all pass


def test_a_narrative_figure_after_a_heading_of_last_years_outturn_or_of_one_item_is_not_the_subject_s():
    """Beijing's narratives: a chart caption (基本支出和项目支出情况) runs into the next numbered item, and a
    comparison quotes last year's outturn (执行数) after the subject."""
    text = ("图 2：基本支出和项目支出情况（三）年终结转结余资金 0 万元。\n"
            "国有资本经营预算收入 495,836.20 万元，比 2025 年预算收入执行数 483,923.17 万元增加 11,913.03 万元。\n"
            "基本支出预算 10,792.95 万元。\n"
            "2026信访专项经费30万元，信访局临聘人员经费15.56万元。其中：人员经费 997.20 万元。\n"
            "五、一般公共预算支出情况说明\n一般公共服务支出 1378.41万元，社会保障和就业支出178.42万元。\n"
            "二、收入预算情况说明\n2026 年度收入预算 44169.36万元。\n")
    got = [(s.subject, s.printed, s.source_line) for s in read_statements(split_lines(text))]
    # 临聘人员经费 (长春) is one item's money, not the document's 人员经费; after the heading …情况说明 (长春), the
    # figure is the heading's first item's (一般公共服务支出), not the 一般公共预算支出; the heading's subject
    # restated after it (北京) is the figure's
    assert got == [("other_fund", "495,836.20", 2), ("basic", "10,792.95", 3), ("personnel", "997.20", 4),
                   ("income_total", "44169.36", 8)]


def test_narrative_sentences_broken_over_lines_negations_and_yuan():
    text = (
        "（二）支出预算情况\n\n某中心 2025 年支出预算\n\n21,749.66万元，其中：基本支出 537.88万元，占 2.47%；项\n\n"
        "目支出 21,212.28万元。\n物业维修维护（非公用经费部分）工作 51 万元。\n人员经费 437.12元，主要包括：工资。\n"
        "2022 年“三公”经费预算 12.4 万元，比 2021 年预算减少 8.7 万元。\n"
    )
    got = [(s.subject, s.printed, s.unit, s.source_line, s.change) for s in read_statements(split_lines(text))]
    assert got == [
        ("expenditure_total", "21,749.66", "万元", 5, None),
        ("basic", "537.88", "万元", 5, None),
        ("projects", "21,212.28", "万元", 7, None),
        ("personnel", "437.12", "元", 9, None),
        ("three_public", "12.4", "万元", 10, None),
        ("three_public", "8.7", "万元", 10, "减少"),  # the change stated after it, same subject
    ]



def test_a_figure_of_one_subjects_breakdown_is_not_the_documents():
    """上海's narratives break the 财政拨款支出 down by subject: the 人员经费 of 农林水支出 is not the unit's."""
    text = ("财政拨款支出主要内容如下：1.“社会保障和就业支出”科目4万元，主要用于退休人员费用支出2.“农林水支出”科目83万元，"
            "主要用于人员经费18万元、公用经费58万元、项目支出7万元。\n人员经费 22 万元，公用经费 58 万元。\n")
    got = [(s.subject, s.printed, s.source_line) for s in read_statements(split_lines(text))]
    assert got == [("personnel", "22", 2), ("public_use", "58", 2)]


# 深圳's department narratives print one section per unit (一、某局（本级）, 二、某院 …) after the department's
# own figures; the tables print each unit's row.
UNIT_SECTIONS = """\
2026年部门预算
一、部门预算收支情况
某局部门预算项目支出 50.00 万元。
三、部门预算支出具体情况
一、某局（本级）
某局（本级）预算 100.00 万元，包括项目支出 30.00 万元。
二、某某服务中心
某某服务中心部门预算收入 50.00 万元，包括项目支出 20.00 万元。
（一）项目支出 20.00 万元，具体包括：
四、其他情况说明
（一）项目支出 99.00 万元。
收入总表
金额单位：万元
单位名称\t合计\t一般公共预算拨款
合计\t150.00\t150.00
某局（本级）\t100.00\t100.00
某某服务中心\t50.00\t50.00
支出总表
金额单位：万元
单位名称\t合计\t基本支出\t项目支出
合计\t150.00\t100.00\t50.00
某局（本级）\t100.00\t70.00\t30.00
某某服务中心\t50.00\t30.00\t20.00
"""


def test_a_narrative_section_on_one_unit_is_compared_with_that_units_row(tmp_path: Path):
    path = tmp_path / "units.txt"
    path.write_text(UNIT_SECTIONS, encoding="utf-8")
    result = read_document(path)
    assert [(s.subject, s.printed, s.scope) for s in result.statements] == [
        ("projects", "50.00", None), ("projects", "30.00", "某局（本级）"),
        ("income_total", "50.00", "某某服务中心"), ("projects", "20.00", "某某服务中心"),
        ("projects", "20.00", "某某服务中心"), ("projects", "99.00", None)]
    run_checks(result)
    got = [(c.source_line, c.passed, c.actual, c.expected) for c in result.checks
           if c.check == "narrative-figure-mismatch"]
    assert got == [
        (3, True, Decimal("50.00"), Decimal("50.00")),  # the department's, from the total row
        (6, True, Decimal("30.00"), Decimal("30.00")),  # 某局（本级）'s row, not the department's 50.00
        (8, True, Decimal("50.00"), Decimal("50.00")),
        (8, True, Decimal("20.00"), Decimal("20.00")),
        (9, True, Decimal("20.00"), Decimal("20.00")),
        (11, False, Decimal("99.00"), Decimal("50.00")),  # after the sections: the department's again
    ]

# A 财政拨款收支总表 that prints the year's total first (一、本年支出) and numbers its items afresh below it,
# then goes on with 二、年终结转结余 (北京, 长春). Its items print 90.00 against the heading's 100.00.
YEAR_HEADING_FIRST = """\
2026年部门预算
财政拨款收支总表
金额单位：万元
收 入\t\t支 出\t
项 目\t预算数\t项 目\t预算数
一、本年收入\t95.00\t一、本年支出\t100.00
（一）一般公共预算资金\t95.00\t一、一般公共服务支出\t60.00
（二）政府性基金预算资金\t\t二、外交支出\t
\t\t三、教育支出\t30.00
二、上年结转\t5.00\t二、年终结转结余\t
（一）一般公共预算拨款\t5.00\t\t
收入总计\t100.00\t支出总计\t100.00
"""
# An unnumbered carry-over listing its funds numbered 一、二、 (北京): details of it, not items of the total.
CARRY_OVER_BY_FUND = """\
2026年部门预算
财政拨款收支总表
金额单位：万元
收 入\t\t支 出\t
项 目\t预算数\t项 目\t预算数
一、一般公共预算资金\t95.00\t一、一般公共服务支出\t60.00
二、政府性基金预算资金\t\t二、教育支出\t40.00
本年收入合计\t95.00\t本年支出合计\t100.00
上年结转结余\t5.00\t年终结转结余\t
一、一般公共预算拨款\t5.00\t\t
二、政府性基金预算拨款\t\t\t
收入总计\t100.00\t支出总计\t100.00
"""


def summary_parts(tmp_path: Path, text: str) -> list[tuple]:
    path = tmp_path / "summary.txt"
    path.write_text(text, encoding="utf-8")
    result = read_document(path)
    run_checks(result)
    return [(c.source_line, c.passed, c.actual, c.expected) for c in result.checks
            if c.check == "summary-parts-mismatch"]


def test_a_year_total_printed_as_the_first_item_totals_the_items_numbered_under_it(tmp_path: Path):
    assert summary_parts(tmp_path, YEAR_HEADING_FIRST) == [
        (12, True, Decimal("100.00"), Decimal("100.00")),  # 收入总计 = 一、本年收入 95 + 二、上年结转 5
        (6, False, Decimal("100.00"), Decimal("90.00")),  # 一、本年支出 = 60 + 30: the document's own 10 off
        (12, True, Decimal("100.00"), Decimal("100.00")),  # 支出总计 = 一、本年支出 (not + its items again)
    ]


def test_the_funds_of_an_unnumbered_carry_over_are_not_counted_again(tmp_path: Path):
    assert summary_parts(tmp_path, CARRY_OVER_BY_FUND) == [
        (8, True, Decimal("95.00"), Decimal("95.00")),
        (12, True, Decimal("100.00"), Decimal("100.00")),  # 95 + 上年结转结余 5, not + 一、一般公共预算拨款 5
        (8, True, Decimal("100.00"), Decimal("100.00")),
        (12, True, Decimal("100.00"), Decimal("100.00")),
    ]


# A basic table by 政府经济分类 and 部门经济分类 prints 30217 under 50206 (the administration) and 50502 (its
# institutions): the “三公” 公务接待费 2.00 is their sum.
THREE_PUBLIC_TWO_LINES = """\
2026年部门预算
一般公共预算基本支出表
金额单位：万元
政府支出经济分类科目\t部门支出经济分类科目\t预算数\t\t
\t\t合计\t人员经费\t公用经费
50101-工资奖金津补贴\t30101-基本工资\t50.00\t50.00\t
50206-公务接待费\t30217-公务接待费\t1.80\t\t1.80
50208-公务用车运行维护费\t30231-公务用车运行维护费\t4.00\t\t4.00
50502-商品和服务支出\t30217-公务接待费\t0.20\t\t0.20
\t合 计\t56.00\t50.00\t6.00
财政拨款“三公”经费支出表
金额单位：万元
“三公”经费财政拨款预算总额\t因公出国（境）费用\t公务接待费\t公务用车购置及运行维护费\t\t
\t\t\t小计\t公务用车购置费\t公务用车运行维护费
6.00\t0.00\t2.00\t4.00\t\t4.00
"""


def test_three_public_against_an_economic_line_printed_once_per_government_class(tmp_path: Path):
    path = tmp_path / "three.txt"
    path.write_text(THREE_PUBLIC_TWO_LINES, encoding="utf-8")
    result = read_document(path)
    run_checks(result)
    got = [(c.passed, c.actual, c.expected) for c in result.checks if c.check == "three-public-basic-mismatch"]
    assert got == [(True, Decimal("2.00"), Decimal("2.00")),  # 公务接待费 = 1.80 + 0.20 (lines 7 and 9)
                   (True, Decimal("4.00"), Decimal("4.00"))]


def test_three_public_money_beyond_the_basic_line_is_project_money_and_less_is_a_discrepancy(tmp_path: Path):
    """The 三公 table counts basic and project money, the basic table only the first: 2.50 ≥ 2.00 passes
    (without confirming either figure), 3.00 against a basic 4.00 fails."""
    path = tmp_path / "three.txt"
    path.write_text(THREE_PUBLIC_TWO_LINES.replace("6.00\t0.00\t2.00\t4.00\t\t4.00", "5.50\t0.00\t2.50\t3.00\t\t3.00"),
                    encoding="utf-8")
    result = read_document(path)
    run_checks(result)
    got = [(c.passed, c.actual, c.expected, c.message.split(": ")[-1]) for c in result.checks
           if c.check == "three-public-basic-mismatch"]
    assert got == [
        (True, Decimal("2.50"), Decimal("2.00"), "printed 2.5, expected at least 2, difference 0.5 (tolerance 0.02)"),
        (False, Decimal("3.00"), Decimal("4.00"), "printed 3, expected at least 4, difference -1 (tolerance 0.01)")]
