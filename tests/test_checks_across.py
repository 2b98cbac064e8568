"""Checks across documents (issue 17): a department against the sum of its units, and last year's figures
a disclosure prints against last year's own disclosure, on small documents written from the bundled
samples (the same publisher in two years; a department and its one unit)."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import DISCLOSURES

from pipeline.checks import run_checks
from pipeline.checks.across import RULES, run_across
from pipeline.read import read_document

SHENZHEN = DISCLOSURES / "shenzhen-public-credit-center-2022.txt"
SAMR = DISCLOSURES / "sichuan-samr-data-center-2025.txt"
# the 三公 table of the 2022 disclosure prints the year before: 2021 年 21.1 0 1.1 20 0 20
ROW_2021 = "深圳市公共信用中心\t2021 年\t21.1\t0\t1.1\t20\t0\t20"
ROW_2022 = "\t2022 年\t12.4\t0\t0.4\t12\t0\t12"


def year_before(text: str, three_public_row: str) -> str:
    """The 2022 disclosure as its 2021 edition: every year one earlier, its own 三公 row (2021 年) as given."""
    text = text.replace("2021", "2020").replace("2022", "2021")
    rows = ROW_2021.replace("2021", "2020") + "\n" + ROW_2022.replace("2022", "2021")
    assert rows in text
    return text.replace(rows, "深圳市公共信用中心\t2020 年\t25\t0\t2\t23\t0\t23\n" + three_public_row)


def read(folder: Path, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    result = read_document(path)
    run_checks(result)
    return result


def test_rules_across_documents_are_registered():
    assert [r.id for r in RULES] == ["department-units-mismatch", "restatement-mismatch"]
    for r in RULES:
        assert r.identity and r.title and r.severity in ("error", "warning")


def test_last_years_figures_agree_with_last_years_disclosure(tmp_path):
    text = SHENZHEN.read_text(encoding="utf-8")
    later = read(tmp_path, "2022.txt", text)
    earlier = read(tmp_path, "2021.txt", year_before(text, "\t2021 年\t21.1\t0\t1.1\t20\t0\t20"))
    assert (later.document.fiscal_year, earlier.document.fiscal_year) == (2022, 2021)
    checks = run_across([later, earlier])
    assert set(checks) == {later.document.doc_id}  # the check is the later document's
    got = {(c.check, c.actual, c.expected, c.passed) for c in checks[later.document.doc_id]}
    # 三公经费 21.1 and its parts, as the 2022 disclosure prints them for 2021, = the 2021 disclosure's own
    assert ("restatement-mismatch", 21.1, 21.1, True) in {(a, float(b), float(c), d) for a, b, c, d in got}
    assert all(c.passed for c in checks[later.document.doc_id])
    assert len(checks[later.document.doc_id]) == 6  # 三公经费, 因公出国, 车购置及运行, 购置, 运行维护, 接待


def test_a_restated_figure_fails_and_names_both_documents(tmp_path):
    text = SHENZHEN.read_text(encoding="utf-8")
    later = read(tmp_path, "2022.txt", text)
    earlier = read(tmp_path, "2021.txt", year_before(text, "\t2021 年\t20.1\t0\t0.1\t20\t0\t20"))
    failed = [c for c in run_across([later, earlier])[later.document.doc_id] if not c.passed]
    assert sorted((float(c.actual), float(c.expected), float(c.difference)) for c in failed) == [
        (1.1, 0.1, 1.0), (21.1, 20.1, 1.0)]  # 公务接待费 and the total
    (total,) = [c for c in failed if c.actual == Decimal("21.1")]
    assert total.severity == "warning" and total.source_line == 405  # the 2021 年 row of the 2022 table
    assert re.search(rf"{later.document.doc_id} t08 line 405 三公经费 of 2021 as printed in the 2022 disclosure = "
                     rf"the 2021 disclosure's own \({earlier.document.doc_id} t08 line 406\)", total.message), total.message


def test_no_check_without_last_years_disclosure(tmp_path):
    later = read(tmp_path, "2022.txt", SHENZHEN.read_text(encoding="utf-8"))
    assert run_across([later]) == {}


def as_department(text: str) -> str:
    return text.replace("单位预算", "部门预算")


def test_a_department_equals_the_sum_of_its_units(tmp_path):
    text = SAMR.read_text(encoding="utf-8")
    department = read(tmp_path, "dept.txt", as_department(text))
    unit = read(tmp_path, "unit.txt", text)
    assert (department.document.kind, unit.document.kind) == ("部门预算", "单位预算")
    assert [u.unit_name for u in department.units] == ["四川省市场监督管理局数据应用中心"]
    checks = run_across([department, unit])[department.document.doc_id]
    assert [(c.check, float(c.actual), c.passed) for c in checks] == [
        ("department-units-mismatch", 7052.28, True), ("department-units-mismatch", 7052.28, True),
        ("department-units-mismatch", 1546.20, True), ("department-units-mismatch", 5506.08, True)]


def test_a_department_that_differs_from_its_units_fails(tmp_path):
    text = SAMR.read_text(encoding="utf-8")
    department = read(tmp_path, "dept.txt", as_department(text))
    lines = text.split("\n")
    assert "7,052.28" in lines[139]  # line 140: 收入总计 | 7,052.28 | 支出总计 | 7,052.28
    lines[139] = lines[139].replace("7,052.28", "7,050.28", 1)
    unit = read(tmp_path, "unit.txt", "\n".join(lines))
    checks = run_across([department, unit])[department.document.doc_id]
    (failed,) = [c for c in checks if not c.passed]
    assert (float(failed.actual), float(failed.expected), failed.severity) == (7052.28, 7050.28, "error")
    assert failed.message.startswith(f"{department.document.doc_id} t01 line 140 收入总计 of the 部门预算 = the sum "
                                     f"of its 1 units' 单位预算 ({unit.document.doc_id} t01 line 140)")


def test_no_check_while_a_unit_is_missing(tmp_path):
    department = read(tmp_path, "dept.txt", as_department(SAMR.read_text(encoding="utf-8")))
    assert run_across([department]) == {}


def test_checks_across_documents_are_in_the_combined_outputs_only(tmp_path):
    """They depend on several documents: the combined package and the database hold them after the
    document's own checks; the document's own package does not."""
    from pipeline.build import BuildPaths, build

    folder = tmp_path / "in"
    folder.mkdir()
    text = SHENZHEN.read_text(encoding="utf-8")
    # named so that the folder's order is not the doc_ids' (the combined outputs are in doc_id order)
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.txt").write_text(year_before(text, "\t2021 年\t20.1\t0\t0.1\t20\t0\t20"), encoding="utf-8")
    said: list[str] = []
    paths = BuildPaths(folder, tmp_path / "packages", tmp_path / "build")
    report = build(paths, say=said.append, site=False, cache=False)
    assert not report.failed, said
    later = next(r for r in report.built if r.document.fiscal_year == 2022).document.doc_id
    with open(paths.packages_dir / "all" / "checks.csv", encoding="utf-8", newline="") as f:
        combined = [r for r in csv.DictReader(f) if r["doc_id"] == later]
    with open(paths.packages_dir / later / "checks.csv", encoding="utf-8", newline="") as f:
        own = list(csv.DictReader(f))
    across = [r for r in combined if r["check"] == "restatement-mismatch"]
    assert len(across) == 6 and [r["passed"] for r in across].count("false") == 2
    assert combined[:len(own)] == own and len(combined) == len(own) + 6
    assert [int(r["seq"]) for r in across] == list(range(len(own) + 1, len(own) + 7))
    assert not any(r["check"] == "restatement-mismatch" for r in own)
    # the combined package, streamed from the documents' packages, is the one made of all the records at once
    from pipeline.publish import published_records
    from pipeline.publish.package import COMBINED_NAME, package_files

    doc_ids = [r.document.doc_id for r in report.built]
    assert doc_ids != sorted(doc_ids)
    expected = package_files(COMBINED_NAME, published_records(report.built, log=report.log.records(doc_ids)),
                             combined=True)
    assert {n: (paths.packages_dir / "all" / n).read_bytes() for n in expected} == expected
    # and so is the database, written from the packages' rows: the file the records make at once
    from pipeline.publish.database import write_database

    at_once = write_database(report.built, tmp_path / "at-once.db", log=report.log.records(doc_ids))
    assert at_once.read_bytes() == paths.database.read_bytes()
    import sqlite3

    con = sqlite3.connect(paths.database)
    try:
        assert con.execute("select count(*) from checks where [check] = 'restatement-mismatch' and passed = 0"
                           ).fetchone() == (2,)
    finally:
        con.close()


@pytest.mark.parametrize("rule_id", [r.id for r in RULES])
def test_the_methodology_page_lists_the_rules_across_documents(rule_id):
    from pipeline.site.reference import rules

    assert rule_id in [r.id for r in rules()]


def test_a_department_that_lists_no_units_is_not_checked(tmp_path):
    """泉州's 公安局 部门预算 lists no units; its 公安局（本级）单位预算 is one of them, not all: no sum to check."""
    text = SAMR.read_text(encoding="utf-8")
    department = read(tmp_path, "dept.txt", as_department(text))
    department.units = []
    unit = read(tmp_path, "unit.txt", text)
    assert run_across([department, unit]) == {}


def test_the_disclosure_page_shows_the_publishers_series_and_its_restatements(tmp_path):
    """历年数字 (issue 17, item 4): each year's figure from that year's own disclosure, linked to its page,
    and the restated figures under it, on the database the build wrote."""
    from pipeline.build import BuildPaths, build
    from pipeline.site import data as site_data
    from pipeline.site.series import series_of, series_section

    folder = tmp_path / "in"
    folder.mkdir()
    text = SHENZHEN.read_text(encoding="utf-8")
    (folder / "2022.txt").write_text(text, encoding="utf-8")
    (folder / "2021.txt").write_text(year_before(text, "\t2021 年\t20.1\t0\t0.1\t20\t0\t20"), encoding="utf-8")
    paths = BuildPaths(folder, tmp_path / "packages", tmp_path / "build")
    report = build(paths, say=lambda _: None, site=False, cache=False)
    by_year = {r.document.fiscal_year: r.document.doc_id for r in report.built}
    data = site_data.load(paths.database)
    series = series_of(data)
    documents = {d["doc_id"]: d for d in data.documents}
    page = series_section(data, documents[by_year[2022]], series)
    rows = {line.split(" | ")[0].strip("| "): line for line in page.splitlines() if line.startswith("| ")}
    assert f"| 项目 | [2021]({by_year[2021]}.md) | 2022（本文件） |" in page
    assert rows["三公经费"] == "| 三公经费 | 20.1 | 12.4 |"  # 2021's own table; 2022's own
    assert rows["公务接待费"] == "| 公务接待费 | 0.1 | 0.4 |"
    assert "本文件所印上年数与上年文件核对 6 项，2 项不一致" in page
    assert page.count("as printed in the 2022 disclosure") == 2
    earlier = series_section(data, documents[by_year[2021]], series)
    assert f"| 项目 | 2021（本文件） | [2022]({by_year[2022]}.md) |" in earlier
    assert "核对" not in earlier  # the check is the later document's


def test_a_publisher_with_one_year_says_so(tmp_path):
    from pipeline.build import BuildPaths, build
    from pipeline.site import data as site_data
    from pipeline.site.series import series_of, series_section

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "2022.txt").write_text(SHENZHEN.read_text(encoding="utf-8"), encoding="utf-8")
    paths = BuildPaths(folder, tmp_path / "packages", tmp_path / "build")
    (built,) = build(paths, say=lambda _: None, site=False, cache=False).built
    data = site_data.load(paths.database)
    (document,) = data.documents
    assert "本站只有本单位 2022 年的这一份公开文件" in series_section(data, document, series_of(data))


def test_a_long_series_shows_the_years_nearest_the_page(tmp_path):
    """A publisher with more disclosures than a page's series shows (series.SHOWN): the nearest ones by year,
    the page's own among them, and the way to all of them; the page does not grow with the years."""
    from pipeline.site.data import SiteData
    from pipeline.site.markdown import Datasette
    from pipeline.site.series import SHOWN, series_of, series_section

    data = SiteData(tmp_path / "none.db")
    documents = [{"doc_id": f"d{y}", "publisher": "深圳市公共信用中心", "region": "深圳市", "kind": "部门预算",
                  "fiscal_year": y} for y in range(2001, 2031)]
    data.rows = {"documents": documents, "headline_figures": [
        {"doc_id": d["doc_id"], "measure": "收入总计", "amount": Decimal(d["fiscal_year"]), "printed": None}
        for d in documents], "checks": []}
    data.index()
    series = series_of(data)
    assert SHOWN == 10
    page = series_section(data, documents[2], series, Datasette())  # 2003: near the start
    (head,) = [line for line in page.splitlines() if line.startswith("| 项目")]
    assert head.count("|") - 1 == 1 + SHOWN and "2003（本文件）" in head and "[2001](d2001.md)" in head
    assert "[2010](d2010.md)" in head and "2011" not in head
    assert "本单位在本站有 30 份公开文件，这里列出年度与本文件最近的 10 份（[全部列表](https://lite.datasette.io/" \
           "?url=yusuan.db#/yusuan/documents?publisher=%E6%B7%B1" in page
    middle = series_section(data, documents[20], series, Datasette())  # 2021: five before, four after
    (head,) = [line for line in middle.splitlines() if line.startswith("| 项目")]
    assert "[2016](d2016.md)" in head and "2021（本文件）" in head and "[2025](d2025.md)" in head
    assert "2015" not in head and "2026" not in head
