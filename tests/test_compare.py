"""The same kind of department compared across cities (issue 17): the comparison pages built from the
real 2026 disclosures of tests/corpus/ (信访局 of 广州, 深圳, 长春 and 烟台, and six others), every number a
published headline_figures row, a few checked against the PDF pages by hand (tests/golden/corpus/
headline.csv), and sorted in a real browser."""

from __future__ import annotations

import re
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT
from sitebuild import markdown_tables, number, serve

from pipeline.site.compare import COLUMNS, MIN_CITIES
from pipeline.site.printed import box_id, parse_box

CORPUS = ROOT / "tests" / "corpus"
XINFANG = "compare/xinfang-a84ad959.md"  # 信访: slug of the name (places.slug)
LINK_RE = re.compile(r"\[([^\]]*)\]\(\.\./disclosures/([a-z0-9-]+)\.md(?:#headline)?\)(\*?)")
# 查看原文 of a figure: the page view of its PDF page with its cell's box (printed.py)
PRINTED_RE = re.compile(r" \[原文\]\(\.\./(pages/([0-9a-f]{64})/(\d+)\.html)#b-([\d.-]+)\)$")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from pipeline.build import BuildPaths, build

    root = tmp_path_factory.mktemp("compare")
    said: list[str] = []
    paths = BuildPaths(CORPUS, root / "packages", root / "build")
    report = build(paths, say=said.append, site=True, cache=False)
    assert not report.failed, said
    return paths


def query(paths, sql: str, *params) -> list[sqlite3.Row]:
    con = sqlite3.connect(paths.build_dir / "yusuan.db")
    con.row_factory = sqlite3.Row
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def page(paths, name: str) -> str:
    return (paths.build_dir / "docs" / name).read_text(encoding="utf-8")


def test_a_page_for_each_type_of_three_cities_or_more(built):
    index = page(built, "compare/index.md")
    ((headers, rows),) = markdown_tables(index.split("## 未归类", 1)[0])
    by_type = {re.sub(r"\[([^\]]*)\].*", r"\1", r[0]): r for r in rows}
    assert by_type["信访"][1:3] == ["4", "4"] and "](xinfang-a84ad959.md)" in by_type["信访"][0]
    # every type with fewer cities says so, and has no page
    for row in by_type.values():
        assert (int(row[1]) >= MIN_CITIES) == ("不足" not in row[3]), row
    pages = sorted(p.name for p in (built.build_dir / "docs" / "compare").iterdir())
    assert pages == ["index.md", "xinfang-a84ad959.md"]
    # publishers whose name says no department type are listed, not dropped
    assert "- 上海市域外农场管理办公室" in index.split("## 未归类", 1)[1]
    html = (built.build_dir / "site" / "compare" / "xinfang-a84ad959" / "index.html").read_text(encoding="utf-8")
    assert "信访：各城市比较" in html and "yusuan-sortable" in html and "<svg" in html


def test_every_number_is_a_headline_figure_of_its_document(built):
    ((headers, rows),) = markdown_tables(page(built, XINFANG))
    assert [r[0] for r in rows] == ["广州市", "深圳市", "长春市", "烟台市"]
    measures = {f"{h}（万元）": m for h, m in COLUMNS}
    checked = 0
    for row in rows:
        (doc_id,) = {m.group(2) for m in LINK_RE.finditer(row[1])}
        published = {r["measure"]: r for r in query(built, "select * from headline_figures where doc_id = ?", doc_id)}
        for heading, cell in zip(headers, row, strict=True):
            if heading not in measures:
                continue
            figure = published.get(measures[heading])
            if cell == "—":
                assert figure is None, (doc_id, heading)
                continue
            printed = PRINTED_RE.search(cell)
            assert printed, (doc_id, heading, cell)  # every figure of these PDFs is one click from its page
            view, sha, page_no, box = printed.groups()
            assert (int(page_no), f"b-{box}") == (figure["source_page"], box_id(parse_box(figure["source_bbox"])))
            assert (built.build_dir / "site" / view).is_file() and (built.build_dir / "site" / "pages" / sha /
                                                                     f"{page_no}.png").is_file()
            shown, linked, mark = LINK_RE.fullmatch(cell[:printed.start()]).groups()
            assert linked == doc_id
            assert number(shown) == Decimal(repr(figure["amount"])), (doc_id, heading)
            assert bool(mark) == (figure["fund"] is not None and heading not in ("人员经费（万元）", "公用经费（万元）"))
            checked += 1
    assert checked == 37  # of 44 cells: 7 are "—" (人员经费 and 公用经费 where the basic table prints neither, …)
    # the number of projects and the share confirmed are the documents' own: 深圳 表5 lists 6 projects under
    # its unit row, 长春 预算表9 4 under two group rows, 烟台 公开表11 3; 广州's 项目支出表 is by economic class
    projects = {r[0]: r[headers.index("项目数")] for r in rows}
    assert projects == {"广州市": "—", "深圳市": "6", "长春市": "4", "烟台市": "3"}
    for row in rows:
        (doc_id,) = {m.group(2) for m in LINK_RE.finditer(row[1])}
        (count,) = query(built, "select count(*) as n from projects where doc_id = ?", doc_id)
        assert projects[row[0]] == (str(count["n"]) if count["n"] else "—")
    (guangzhou,) = [r for r in rows if r[0] == "广州市"]
    assert guangzhou[-1] == "100.0%"


def test_figures_checked_by_hand_against_the_pdfs(built):
    """Numbers read off the rendered pages (tests/golden/corpus/headline.csv, NOTES.md of each)."""
    ((headers, rows),) = markdown_tables(page(built, XINFANG))
    table = {r[0]: dict(zip(headers, r, strict=True)) for r in rows}

    def shown(city: str, heading: str) -> str:
        return LINK_RE.sub(r"\1\3", PRINTED_RE.sub("", table[city][f"{heading}（万元）"]))

    assert [shown("广州市", h) for h in ("支出总计", "基本支出", "项目支出", "三公经费", "公务接待费")] == [
        "3,944.08", "3,204.78", "739.30", "4.80", "2.30"]  # 表1, 表3; 表8 prints the 三公 parts as rows
    assert shown("广州市", "机关运行经费") == "444.39"  # stated only in the 情况说明
    assert shown("烟台市", "三公经费") == "17.00"  # 公开表7's 2026年预算数, not the 2025年 22.00 beside it
    assert shown("深圳市", "三公经费") == "5.58*"  # 表9 prints it by fund only: its 一般公共预算 column, marked
    assert shown("长春市", "三公经费") == "7.61"  # 预算表7's “三公”经费合计 column
    assert "\\* 只含一种资金的数字" in page(built, XINFANG)


def test_city_pages_link_the_department_type_to_its_comparison(built):
    text = page(built, "regions/guangdong/guangzhou.md")
    ((headers, rows),) = markdown_tables(text)
    assert headers[:2] == ["发布单位", "部门类型"]
    (row,) = [r for r in rows if r[0] == "广州市信访局"]
    assert row[1] == "[信访](../../compare/xinfang-a84ad959.md)"


def test_the_canned_comparison_query_lists_the_cities(built):
    from pipeline.publish.datasette import QUERIES

    sql = QUERIES["compare_department_type"]["sql"]
    con = sqlite3.connect(built.build_dir / "yusuan.db")
    con.row_factory = sqlite3.Row
    try:
        rows = con.execute(sql, {"department_type": "信访", "page": 1}).fetchall()  # page 1 of 100 rows
    finally:
        con.close()
    assert [(r["publisher"], r["expenditure_total"]) for r in rows][:1] == [("深圳市信访局", 4684.30)]
    assert {r["publisher"] for r in rows} == {"广州市信访局", "深圳市信访局", "长春市信访局", "烟台市信访局"}


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")
def test_a_reader_sorts_the_comparison_in_a_browser(built):
    from playwright.sync_api import sync_playwright

    for base_url in serve(built.build_dir / "site"):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox",
                                                                         "--disable-gpu", "--disable-dev-shm-usage"])
            try:
                tab = browser.new_page()
                tab.set_default_timeout(15000)
                tab.goto(f"{base_url}compare/xinfang-a84ad959/")
                cities = tab.locator(".yusuan-sortable table tbody tr td:first-child")
                assert cities.all_inner_texts() == ["广州市", "深圳市", "长春市", "烟台市"]
                header = tab.locator(".yusuan-sortable table th", has_text="支出总计")
                header.click()  # tablesort: ascending first, by the numbers (1,682.76 before 3,944.08)
                assert cities.all_inner_texts() == ["长春市", "烟台市", "广州市", "深圳市"]
                header.click()
                assert cities.all_inner_texts() == ["深圳市", "广州市", "烟台市", "长春市"]
                # the figure links to its disclosure page's 主要数字
                tab.locator(".yusuan-sortable a", has_text="3,944.08").first.click()
                tab.wait_for_url(re.compile(r"/disclosures/[a-z0-9-]+/#headline$"))
                assert "广州市信访局" in tab.content()
            finally:
                browser.close()
