"""One disclosure published as several files (issue 13, item 4): the narrative (情况说明) and the tables
apart. A catalog entry's `files:` make one document of them; without a catalog, a narrative printed without
its tables and the file of tables of the same publisher, year and kind are joined. Either way the joined
document is checked whole (the narrative's figures against the other file's tables), every record names
the file its line counts in, and the document lists every file and its sha256.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import DISCLOSURES

from pipeline.build import BuildPaths, build
from pipeline.checks import run_checks
from pipeline.join import pairs
from pipeline.read import Timings, read_document
from pipeline.records import Document, DocumentResult, Statement
from pipeline.sources import add_pages, read_pdf

SAMR = "sichuan-samr-data-center-2025"
CORPUS = Path(__file__).parent / "corpus"
NARRATIVE, TABLES = "a-narrative.txt", "b-tables.txt"
# the sample's lines 1-102 (cover, contents, 概况) and 915-1055 (情况说明, 名词解释) are the narrative file;
# lines 103-914 (the thirteen tables) the tables file
TABLES_FROM, TABLES_TO = 103, 914


def split_sample(folder: Path) -> None:
    lines = (DISCLOSURES / f"{SAMR}.txt").read_text(encoding="utf-8").split("\n")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / NARRATIVE).write_text("\n".join(lines[:TABLES_FROM - 1] + lines[TABLES_TO:]), encoding="utf-8")
    (folder / TABLES).write_text("\n".join(lines[TABLES_FROM - 1:TABLES_TO]) + "\n", encoding="utf-8")


def run(folder: Path, root: Path):
    said: list[str] = []
    report = build(BuildPaths(folder, root / "packages", root / "build"), say=said.append, site=False)
    return report, said


@pytest.fixture(scope="module")
def whole():
    """The sample read as the one file it is."""
    result = read_document(DISCLOSURES / f"{SAMR}.txt")
    run_checks(result)
    return result


@pytest.fixture(scope="module")
def catalogued(tmp_path_factory):
    root = tmp_path_factory.mktemp("join")
    split_sample(root / "input")
    (root / "input" / "catalog.yml").write_text(
        f"disclosures:\n  - files: [{NARRATIVE}, {TABLES}]\n    doc_id: samr-data-center-2025\n", encoding="utf-8")
    report, said = run(root / "input", root)
    return root, report, said


def test_the_catalog_joins_its_files_into_one_document(catalogued):
    root, report, said = catalogued
    assert report.failed == [] and [r.document.doc_id for r in report.built] == ["samr-data-center-2025"]
    doc = report.built[0].document
    shas = [hashlib.sha256((root / "input" / n).read_bytes()).hexdigest() for n in (NARRATIVE, TABLES)]
    assert doc.source_file == f"{NARRATIVE}; {TABLES}" and doc.source_sha256 == "; ".join(shas)
    assert doc.publisher == "四川省市场监督管理局数据应用中心" and doc.fiscal_year == 2025 and doc.status == "ok"
    assert any(line.startswith(f"built  samr-data-center-2025: joined from {NARRATIVE} + {TABLES}; tables 10 "
                               "parsed") for line in said)


def test_every_fact_keeps_its_number_and_the_line_of_its_own_file(catalogued, whole):
    _, report, _ = catalogued
    joined = report.built[0]
    assert len(joined.facts) == len(whole.facts) == 387
    for mine, theirs in zip(joined.facts, whole.facts, strict=True):
        assert (mine.item, mine.column_path, mine.amount, mine.printed) == \
               (theirs.item, theirs.column_path, theirs.amount, theirs.printed)
        assert mine.source_file == TABLES and mine.source_line == theirs.source_line - (TABLES_FROM - 1)
    assert [(t.kind, t.status) for t in joined.tables] == [(t.kind, t.status) for t in whole.tables]
    assert {t.source_file for t in joined.tables} == {TABLES}
    terms = [(g.term, g.source_file, g.source_line) for g in joined.glossary]
    shift = TABLES_TO - TABLES_FROM + 1
    assert terms == [(g.term, NARRATIVE, g.source_line - shift) for g in whole.glossary]


def test_the_narrative_is_checked_against_the_tables_of_the_other_file(catalogued, whole):
    _, report, _ = catalogued
    mine = [c for c in report.built[0].checks if c.check == "narrative-figure-mismatch"]
    theirs = [c for c in whole.checks if c.check == "narrative-figure-mismatch"]
    assert len(mine) == len(theirs) >= 5
    assert [(c.passed, c.expected, c.actual) for c in mine] == [(c.passed, c.expected, c.actual) for c in theirs]
    assert {c.source_file for c in mine} == {NARRATIVE}
    assert f"of {TABLES}" in mine[0].message  # the table's figure is in the other file


def test_the_published_records_name_their_file(catalogued):
    root, _, _ = catalogued
    folder = root / "packages" / "samr-data-center-2025"
    with open(folder / "budget_facts.csv", encoding="utf-8") as f:
        facts = list(csv.DictReader(f))
    with open(folder / "documents.csv", encoding="utf-8") as f:
        (doc,) = csv.DictReader(f)
    assert len(facts) == 387 and {r["source_file"] for r in facts} == {TABLES}
    assert doc["source_file"] == f"{NARRATIVE}; {TABLES}"


def test_an_unchanged_joined_document_is_reused(catalogued):
    root, _, _ = catalogued
    report, said = run(root / "input", root)
    assert report.reused == ["samr-data-center-2025"] and report.rebuilt == []


def test_a_listed_file_that_is_missing_fails_that_document_alone(tmp_path):
    split_sample(tmp_path / "input")
    shutil.copy(DISCLOSURES / "shenzhen-public-credit-center-2022.txt", tmp_path / "input")
    (tmp_path / "input" / "catalog.yml").write_text(
        f"disclosures:\n  - files: [{NARRATIVE}, gone.txt]\n    doc_id: samr\n", encoding="utf-8")
    report, said = run(tmp_path / "input", tmp_path)
    assert [e.reason for e in report.failed] == [
        f"the disclosure of 2 files {NARRATIVE}, gone.txt is not published: the catalog lists gone.txt, which "
        "is not in the folder"]
    built = sorted(r.document.source_file for r in report.built)
    assert built == [TABLES, "shenzhen-public-credit-center-2022.txt"]  # the others are still published


def test_without_a_catalog_a_narrative_and_its_tables_are_joined(tmp_path):
    """Beijing prints the 情况说明 and the 报表 as two PDFs (the tables: golden beijing-8bc0e59b2f)."""
    folder = tmp_path / "input"
    folder.mkdir()
    for name in ("beijing-a625fbbabe.pdf", "beijing-8bc0e59b2f.pdf"):
        shutil.copy(CORPUS / name, folder)
    report, said = run(folder, tmp_path)
    assert report.failed == [] and len(report.built) == 1
    joined = report.built[0]
    assert joined.document.source_file == "beijing-a625fbbabe.pdf; beijing-8bc0e59b2f.pdf"
    assert joined.document.publisher == "北京市人民政府国有资产监督管理委员会" and joined.document.fiscal_year == 2026
    narrative = [c for c in joined.checks if c.check == "narrative-figure-mismatch"]
    assert len(narrative) >= 5 and all(c.passed for c in narrative)
    assert {c.source_file for c in narrative} == {"beijing-a625fbbabe.pdf"}
    assert all(c.source_page is not None and c.source_bbox is not None for c in narrative)  # the narrative's boxes
    # the tables file's facts, as that file reads alone (its extraction is in the build's cache)
    alone, _ = read_pdf(folder / "beijing-8bc0e59b2f.pdf", None, Timings(), tmp_path / "build" / "cache" / "pdf")
    add_pages(alone)
    assert len(alone.facts) > 200 and {f.source_file for f in joined.facts} == {"beijing-8bc0e59b2f.pdf"}
    assert [(f.item, f.column_path, f.printed, f.source_line, f.source_page, f.source_bbox) for f in joined.facts] == \
           [(f.item, f.column_path, f.printed, f.source_line, f.source_page, f.source_bbox) for f in alone.facts]
    extracted = sorted(p.name for p in (tmp_path / "build" / "extracted" / joined.document.doc_id).iterdir())
    assert extracted == ["beijing-8bc0e59b2f.pdf.txt", "beijing-a625fbbabe.pdf.txt"]


def _result(name: str, publisher: str, tables: int, statements: int) -> tuple[str, DocumentResult]:
    doc = Document(doc_id=name, publisher=publisher, fiscal_year=2026, kind="部门预算", source_file=name,
                   status="ok" if tables else "partial", tables_found=tables)
    said = [Statement("basic", 1, "1", "万元", "基本支出 1 万元", 1)] * statements
    return name, DocumentResult(document=doc, statements=said)


def test_only_an_unambiguous_pair_is_joined():
    one = [_result("n.pdf", "某局", 0, 3), _result("t.pdf", "某局", 12, 0)]
    assert pairs(one) == [("n.pdf", "t.pdf")]
    # two narratives of one publisher and year: which one goes with the tables is a guess, so none does
    assert pairs([*one, _result("n2.pdf", "某局", 0, 3)]) == []
    # a file with its own narrative is a whole disclosure; another publisher's tables are not its
    assert pairs([one[0], _result("t.pdf", "某局", 12, 4)]) == []
    assert pairs([one[0], _result("t.pdf", "另一局", 12, 0)]) == []
