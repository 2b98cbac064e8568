"""The same tables give the same facts whatever tool extracted the text.

tests/layouts.py renders every tab-separated source (two samples, and the text extracted from the Shanghai
PDF) as other tools would: space-aligned, space-collapsed, one cell per line, markdown pipe tables, HTML
tables. The facts must be identical, but for the line numbers, which the one-cell-per-line layout
necessarily changes. Where empty cells vanished, what the table's arithmetic cannot settle is reported,
never guessed: every fact of a collapsed layout is one of the tab layout's.
"""

from functools import cache
from pathlib import Path

import pytest
from conftest import DISCLOSURES
from layouts import LAYOUTS

from pipeline.checks import run_checks
from pipeline.pdf import extract_pdf
from pipeline.read import Timings, read_lines
from pipeline.text.lines import match_key, split_lines

SAMR = "sichuan-samr-data-center-2025"
SHENZHEN = "shenzhen-public-credit-center-2022"
SHANGHAI = "shanghai-finance-bureau-2025"
NANTONG = "nantong-samr-projects-2024"
SOURCES = [SAMR, SHENZHEN, SHANGHAI, NANTONG]
EXACT = ["markdown", "html", "html_inline", "markdown_br"]  # cells keep their positions
COLLAPSED = ["space_aligned", "space_collapsed", "layout_wide"]  # empty cells vanish; placed by arithmetic


@cache
def source_text(doc_id: str) -> str:
    if doc_id == SHANGHAI:
        return extract_pdf(DISCLOSURES / f"{doc_id}.pdf").text
    return (DISCLOSURES / f"{doc_id}.txt").read_text(encoding="utf-8")


@cache
def read_as(doc_id: str, layout: str):
    text = LAYOUTS[layout](source_text(doc_id))
    result = read_lines(split_lines(text), DISCLOSURES / f"{doc_id}.txt", "-", {"doc_id": doc_id}, Timings())
    kinds = {t.table_id: t.kind for t in result.tables}
    facts = sorted(
        (kinds[f.table_id], f.unit_code or "", f.function_code or "", f.economic_code or "", f.side or "",
         match_key(f.item), f.column_path, f.fund or "", str(f.amount), f.printed)
        for f in result.facts
    )
    indicators = [(i.goal_id, i.level1, i.level2, match_key(i.name), i.operator, i.target, i.target_unit,
                   str(i.weight), i.direction, i.half_year_target) for i in result.indicators]
    goals = [(g.goal_id, match_key(g.project or ""), str(g.amount), match_key(g.annual_goal or ""))
             for g in result.goals]
    return facts, goals, indicators, result


def test_tab_sources_are_read_completely():
    """The reference: the tab layouts themselves leave nothing unparsed (counts checked by hand elsewhere)."""
    counts = {doc: (len(read_as(doc, "tab")[0]), len(read_as(doc, "tab")[3].unparsed)) for doc in SOURCES}
    assert counts == {SAMR: (387, 0), SHENZHEN: (165, 0), SHANGHAI: (263, 0), NANTONG: (0, 0)}


@pytest.mark.parametrize("layout", EXACT)
@pytest.mark.parametrize("doc_id", SOURCES)
def test_exact_layouts_give_the_same_facts_goals_and_indicators(doc_id, layout):
    facts, goals, indicators, _ = read_as(doc_id, "tab")
    got_facts, got_goals, got_indicators, result = read_as(doc_id, layout)
    assert got_facts == facts
    assert got_goals == goals and got_indicators == indicators
    assert result.unparsed == []


@pytest.mark.parametrize("layout", COLLAPSED)
@pytest.mark.parametrize("doc_id", [SHENZHEN, SHANGHAI, NANTONG])
def test_collapsed_layouts_give_the_same_facts(doc_id, layout):
    """Shanghai's tables settle only by their arithmetic: the 合计 row printed last, 基本支出 over 人员经费 |
    公用经费, the 三公 运行费 fixed by the basic table's line 30231, the 收支总表's items by its 支出总计."""
    facts, goals, indicators, _ = read_as(doc_id, "tab")
    got_facts, got_goals, got_indicators, result = read_as(doc_id, layout)
    assert got_facts == facts
    assert got_goals == goals and got_indicators == indicators
    assert result.unparsed == []


@pytest.mark.parametrize("doc_id", [SHENZHEN, SHANGHAI, NANTONG])
def test_cell_per_line_gives_the_same_facts_goals_and_indicators(doc_id):
    """One cell per line (PyMuPDF): rows are regrouped from the cells (codes 201 / 38 / 08 before a label,
    Shenzhen's whole-万元 amounts such as 58 that look like page numbers, rows printed without a label
    split off by the identities). Performance forms are regrouped by their row grammar: Nantong's 2 targets
    per 三级指标, a 二级指标 printed alone (成本指标), a 三级指标 worded like a 二级指标 (服务对象满意度);
    Shenzhen's 1 target, and its 年度主要任务 breakdown cut by a page break."""
    facts, goals, indicators, _ = read_as(doc_id, "tab")
    got, got_goals, got_indicators, result = read_as(doc_id, "cell_per_line")
    assert got == facts
    assert got_goals == goals and got_indicators == indicators
    assert result.unparsed == []


def test_cell_per_line_page_numbers_between_cells_are_not_amounts():
    """A page break inside a table leaves its page number on a line of its own, like an amount. In samr's
    tables every amount carries decimals, so a bare number that is no code is the page number: the facts
    stay those of the tab layout. (In a table of whole 万元 nothing tells them apart; its arithmetic reports
    the row.)"""
    lines = LAYOUTS["cell_per_line"](source_text(SAMR)).split("\n")
    at = [i for i, line in enumerate(lines) if line in ("332901 住房公积金", "办公费")]
    assert len(at) >= 2
    for n, i in enumerate(reversed(at)):
        lines.insert(i + 2, str(12 + n))  # after the row's first amount
    result = read_lines(split_lines("\n".join(lines)), DISCLOSURES / f"{SAMR}.txt", "-", {"doc_id": SAMR},
                        Timings())
    kinds = {t.table_id: t.kind for t in result.tables}
    got = sorted((kinds[f.table_id], f.unit_code or "", f.function_code or "", f.economic_code or "",
                  f.side or "", match_key(f.item), f.column_path, f.fund or "", str(f.amount), f.printed)
                 for f in result.facts)
    assert got == read_as(SAMR, "tab")[0]


def test_cell_per_line_samr_performance_table():
    """The split grammar in one cell per line: each row ends at the tail operator | value | unit | weight |
    direction, goal cells end at their amount (a unit's summary row is split off, a project named `2024`
    is no amount). Text that a page break cut off a cell follows the next row's tail: it is placed where it
    shows which cell it ends (it finishes the annual goal, closes the 三级指标's bracket, or completes 人/
    to 人/次), and reported otherwise: 5 project names and 1 indicator name stay cut."""
    _, goals, indicators, _ = read_as(SAMR, "tab")
    _, got_goals, got_indicators, result = read_as(SAMR, "cell_per_line")
    reported = [match_key(u.text) for u in result.unparsed if u.table_id == result.goals[0].table_id]
    assert len(reported) == 6
    assert len(got_goals) == len(goals) == 55 and len(got_indicators) == len(indicators) == 465
    cut = [(g, h) for g, h in zip(goals, got_goals, strict=True) if g != h]
    assert len(cut) == 5
    for printed, read in cut:  # same goal and amount, the project's rest reported
        assert printed[0] == read[0] and printed[2:] == read[2:]
        assert printed[1].startswith(read[1]) and printed[1][len(read[1]):] in reported
    [(printed, read)] = [(i, j) for i, j in zip(indicators, got_indicators, strict=True) if i != j]
    assert printed[3] == read[3] + "(执行数-预算数)/预算数)" and printed[4:] == read[4:]
    units = {i[6] for i in got_indicators}
    assert "人/次" in units and "人/" not in units


@pytest.mark.parametrize("layout", [*COLLAPSED, "cell_per_line"])
def test_collapsed_samr_gives_the_same_facts(layout):
    """The samr sample's 财政拨款支出预算表 (2-1) prints 总计 6,276.39 but leaves its 上年结转 columns (138.19)
    blank: once empty cells vanish, no placement satisfies 总计 = 省当年 + 中央提前通知 + 上年结转. Dropping that
    one identity (and no other) lets its rows fit; the 一般公共预算支出表's 当年财政拨款安排 (6,138.20) tells which
    group they are in, and the 基本支出表's items (基本工资 102.14 …; 维修（护）费 not printed there) which rows
    are 基本支出, since most rows print no economic code. One cell per line, 合计 and the unit's row under it
    repeat the same amounts without a label between them: the run is cut into the fewest rows that fit. The
    三公 table, where 7.01 fits 公务用车购置费 as well as 公务用车运行费, is settled by the basic table's line
    30231 公务用车运行维护费 (7.01). Only the performance table's cut text stays reported."""
    expected = read_as(SAMR, "tab")[0]
    got, _, _, result = read_as(SAMR, layout)
    assert got == expected
    kinds = {t.table_id: t.kind for t in result.tables}
    assert {kinds[u.table_id] for u in result.unparsed} == {"project_performance"}


def test_a_broken_identity_is_published_with_its_failed_check():
    """The rows placed without the broken identity keep it in the published column identities, so the
    checks report the same rows of 2-1 as in the tab layout, where they are placed by position: each row
    whose 总计 exceeds its 省当年 amount by the unprinted 上年结转 (合计 6,276.39 against 6,138.20)."""
    failed = {}
    for layout in ("tab", "space_collapsed", "cell_per_line"):
        result = read_as(SAMR, layout)[3]
        table = next(t for t in result.tables if t.kind == "fiscal_grant_by_economic")
        assert ("总计", ("省当年财政拨款安排/合计", "中央提前通知专项转移支付等/合计", "上年结转安排/合计")) \
            in result.column_identities[table.table_id]
        run_checks(result)
        failed[layout] = sorted((str(c.expected), str(c.actual)) for c in result.checks
                                if c.table_id == table.table_id and c.check == "column-sum-mismatch"
                                and not c.passed)
    assert ("6138.20", "6276.39") in failed["tab"]
    assert failed["space_collapsed"] == failed["cell_per_line"] == failed["tab"]


@pytest.mark.parametrize("layout", COLLAPSED)
def test_collapsed_samr_performance_goals_and_indicators(layout):
    """The performance table's cells wrapped over lines merge into running text once the cells are gone: the
    goals and indicators are all found, with their amounts, targets and weights, but wrapped project names
    and annual goals are cut where the text cannot tell them apart (and reported as unparsed)."""
    _, goals, indicators, _ = read_as(SAMR, "tab")
    _, got_goals, got_indicators, _ = read_as(SAMR, layout)
    assert [(g[0], g[2]) for g in got_goals] == [(g[0], g[2]) for g in goals]
    assert [(i[0], i[1], i[2], i[4], i[5], i[7], i[8]) for i in got_indicators] == [
        (i[0], i[1], i[2], i[4], i[5], i[7], i[8]) for i in indicators]


def test_an_unknown_header_cell_in_an_exact_layout_is_a_column_titled_as_printed():
    """A column title we do not know (基础开支 for 基本支出) is still a column where the layout keeps the cells'
    positions: the amounts stay under the title printed above them, none shifts into the next column."""
    header = "预算单位\t支出总计\t基本支出\t项目支出\t2022 年政府采购项目\t\t"
    text = source_text(SHENZHEN)
    assert text.count(header) == 1
    changed = text.replace(header, header.replace("基本支出", "基础开支"))
    result = read_lines(split_lines(changed), DISCLOSURES / f"{SHENZHEN}.txt", "-", {"doc_id": SHENZHEN}, Timings())
    table = next(t for t in result.tables if t.kind == "expenditure_summary")
    # line 273: 深圳市公共信用中心	5,855	2,311	3,545	1,737	0	0
    facts = {f.column_path: f.printed for f in result.facts if f.table_id == table.table_id}
    assert facts == {"支出总计": "5,855", "基础开支": "2,311", "项目支出": "3,545",
                     "2022年政府采购项目/小计": "1,737",
                     "2022年政府采购项目/其中:面向中小企业政府采购项目": "0",
                     "2022年政府采购项目/其中:面向小型、微型企业政府采购项目": "0"}
    assert [u for u in result.unparsed if u.table_id == table.table_id] == []
    # its identity is the table's own: 支出总计 = 基础开支 + 项目支出 (the 政府采购 columns are memos)
    assert result.column_identities[table.table_id] == [("支出总计", ("基础开支", "项目支出"))]
    assert len(result.facts) == 165


MINERU = """\
2025年预算单位支出预算总表
编制单位：上海市财政局 单位：元
<table><tr><td colspan="4">项目</td><td colspan="3">支出预算</td></tr>
<tr><td colspan="3">功能分类科目编码</td><td rowspan="2">功能分类科目名称</td><td rowspan="2">合计</td><td rowspan="2">基本支出</td><td rowspan="2">项目支出</td></tr>
<tr><td>类</td><td>款</td><td>项</td></tr>
<tr><td rowspan="3">201</td><td></td><td></td><td>一般公共服务支出</td><td>127,886,849</td><td>84,861,719</td><td>43,025,130</td></tr>
<tr><td rowspan="2">06</td><td></td><td>财政事务</td><td>127,886,849</td><td>84,861,719</td><td>43,025,130</td></tr>
<tr><td>01</td><td>行政运行</td><td>84,861,719</td><td>84,861,719</td><td></td></tr>
<tr><td colspan="4">合计</td><td>127,886,849</td><td>84,861,719</td><td>43,025,130</td></tr>
</table>
"""


def test_html_tables_with_merged_cells():
    """MinerU prints merged cells as colspan / rowspan: a header cell merged down is one column, and a code
    merged down over the rows of its 类 and 款 belongs to each of them (201 06 01 → 2010601)."""
    result = read_lines(split_lines(MINERU), Path("mineru.md"), "-", {"doc_id": "mineru"}, Timings())
    assert [(t.kind, t.status) for t in result.tables] == [("expenditure_summary", "parsed")]
    assert result.unparsed == []
    got = [(f.function_code, f.item, f.column_path, f.printed, f.source_line) for f in result.facts]
    assert got == [
        ("201", "一般公共服务支出", "合计", "127,886,849", 6),
        ("201", "一般公共服务支出", "基本支出", "84,861,719", 6),
        ("201", "一般公共服务支出", "项目支出", "43,025,130", 6),
        ("20106", "财政事务", "合计", "127,886,849", 7),
        ("20106", "财政事务", "基本支出", "84,861,719", 7),
        ("20106", "财政事务", "项目支出", "43,025,130", 7),
        ("2010601", "行政运行", "合计", "84,861,719", 8),
        ("2010601", "行政运行", "基本支出", "84,861,719", 8),
        (None, "合计", "合计", "127,886,849", 9),
        (None, "合计", "基本支出", "84,861,719", 9),
        (None, "合计", "项目支出", "43,025,130", 9),
    ]


META = ("title", "publisher", "supervisor", "region", "admin_level", "fiscal_year", "kind")


@pytest.mark.parametrize("layout", [name for name in LAYOUTS if name != "tab"])
@pytest.mark.parametrize("doc_id", SOURCES)
def test_the_documents_own_metadata_is_read_alike_in_every_layout(doc_id, layout):
    """Title, publisher, year and kind come from the cover and the forms' labels (主管部门 …), printed in a
    table's cells or not: a cover in a one-column table, or a label and its value in two cells, on one line
    or one line each, read as the tab-separated text reads them."""
    tab = read_as(doc_id, "tab")[3].document
    other = read_as(doc_id, layout)[3].document
    assert {k: getattr(other, k) for k in META} == {k: getattr(tab, k) for k in META}
