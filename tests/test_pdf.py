"""The real published PDF (上海市财政局 2025, 21 pages, amounts in 元 except the 三公 table in 万元).

Expected figures were read from the PDF by hand (pdfplumber's page text, page numbers as printed by a
PDF viewer): e.g. page 7, 收入总计 171,915,169 元 = 17191.5169 万元; page 11, 支出预算总表 合计 127,642,039 元
基本支出 = 12764.2039 万元; page 20, 机关运行经费 2,517.78 万元.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal

import pytest
from conftest import DISCLOSURES
from pdfs import one_page_pdf

from pipeline.build import BuildPaths, _read_and_check  # the build's own read step
from pipeline.catalog import load_catalog
from pipeline.pdf import PAGE_BREAK, extract_pdf
from pipeline.read import Timings
from pipeline.sources import page_fields

PDF = DISCLOSURES / "shanghai-finance-bureau-2025.pdf"
AMOUNT_CELL = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+\.\d{2}$")

# The tables the PDF prints: kind, title, page of the title, amounts printed (counted by hand per page).
# (The 基本支出 table by economic class is read as general_budget_basic; fiscal_grant_by_economic would do.)
PRINTED_TABLES = [
    ("income_expenditure_summary", "2025年预算单位财务收支预算总表", 7, 20),
    ("income_summary", "2025年预算单位收入预算总表", 8, 48),
    ("expenditure_summary", "2025年预算单位支出预算总表", 10, 53),
    ("fiscal_grant_summary", "2025年预算单位财政拨款收支预算总表", 12, 12),
    ("general_budget_expenditure", "2025年预算单位一般公共预算支出功能分类预算表", 13, 53),
    ("gov_fund_expenditure", "2025年预算单位政府性基金预算支出功能分类预算表", 15, 0),
    ("soe_capital_expenditure", "2025年预算单位国有资本经营预算支出功能分类预算表", 16, 0),
    ("general_budget_basic", "2025年预算单位一般公共预算基本支出部门预算经济分类预算表", 17, 71),
    ("three_public", "2025年单位“三公”经费和机关运行经费预算表", 20, 6),
]


@pytest.fixture(scope="module")
def extracted():
    return extract_pdf(PDF)


@pytest.fixture(scope="module")
def lines(extracted):
    return extracted.text.split("\n")[:-1]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    root = tmp_path_factory.mktemp("pdf")
    paths = BuildPaths(DISCLOSURES, root / "packages", root / "build")
    entry = load_catalog(DISCLOSURES)[PDF.name]
    return _read_and_check(PDF, entry, Timings(), paths), paths


def line_of(lines: list[str], text: str) -> int:
    (number,) = [i + 1 for i, line in enumerate(lines) if line == text]
    return number


def test_every_page_is_extracted_with_its_number(extracted, lines):
    assert len(extracted.pages) == len(lines)
    assert extracted.pages[0] == 1 and extracted.pages[-1] == 21
    assert lines.count(PAGE_BREAK) == 20  # one form-feed line between pages
    for i, line in enumerate(lines):
        if line == PAGE_BREAK:
            assert extracted.pages[i + 1] == extracted.pages[i] and extracted.pages[i - 1] == extracted.pages[i] - 1


@pytest.mark.parametrize("kind, title, page, amounts", PRINTED_TABLES)
def test_each_table_title_is_on_its_page(extracted, lines, kind, title, page, amounts):
    assert extracted.page_of(line_of(lines, title)) == page


def test_tables_are_tab_separated_rows_with_empty_cells_kept(extracted, lines):
    # page 7: 三、卫生健康支出 prints no 公用经费: the empty cell keeps its column
    row = lines[line_of(lines, "2025年预算单位财务收支预算总表") + 7]
    assert row.split("\t") == ["2、政府性基金", "", "三、卫生健康支出", "4,668,000", "4,620,000", "", "48,000"]
    # page 8: a header cell printed on two lines (事业单位 / 经营收入) is one cell
    assert "功能分类科目编码\t\t\t功能分类科目名称\t合计\t财政拨款收入\t事业收入\t事业单位经营收入\t其他收入" in lines
    # every table row has the same number of cells as its header
    widths = {len(line.split("\t")) for line in lines[line_of(lines, "2025年预算单位收入预算总表"):][:32]
              if "\t" in line}
    assert widths == {9}


def test_amounts_printed_in_the_pdf_are_extracted(lines):
    cells = [c for line in lines if "\t" in line for c in line.split("\t") if AMOUNT_CELL.match(c)]
    for printed in ("171,915,169", "127,642,039", "44,273,130", "102,464,260", "9,265,733", "346.30", "2,517.78"):
        assert printed in cells
    assert len(cells) == sum(t[3] for t in PRINTED_TABLES)


def test_wrapped_paragraphs_are_one_line(lines):
    """Page 6: the 编制说明 wraps 事业单位经营收入 over two printed lines; a figure is never cut in two."""
    assert ("2025年，上海市财政局收入预算17,192万元，其中：财政拨款收入17,192万元，比2024年预算减少990万元；"
            "事业收入0万元；事业单位经营收入0万元；其他收入0万元。") in lines
    assert "2025年“三公”经费预算数为346.30万元，与2024年预算持平。其中：" in lines


def test_extraction_is_deterministic(extracted):
    assert extract_pdf(PDF) == extracted


def test_tables_are_found_on_their_pages(result):
    doc, _ = result
    found = {t.title: t.kind for t in doc.tables if t.status != "missing"}
    for kind, title, _, _ in PRINTED_TABLES:
        assert title in found
        assert found[title] == kind or (kind, found[title]) == ("general_budget_basic", "fiscal_grant_by_economic")


def test_amounts_in_yuan_become_wan_yuan_with_page_and_line(result, lines):
    doc, paths = result
    kinds = {t.table_id: t.kind for t in doc.tables}
    income = [f for f in doc.facts if kinds[f.table_id] == "income_summary" and f.item == "合计"]
    assert {(f.printed, f.amount) for f in income} >= {("171,915,169", Decimal("17191.5169"))}
    for fact in income:
        assert fact.source_page == 9  # the 合计 row is on the table's second page
        assert lines[fact.source_line - 1].startswith("合计\t")
    # (the build keeps the extracted text the line numbers count in: test_fetch's build checks it)


def test_every_record_with_a_line_has_its_page(result):
    doc, _ = result
    assert all(page_fields().values())
    records = doc.facts + doc.glossary + doc.unparsed + [c for c in doc.checks if c.source_line]
    assert records
    for record in records:
        assert record.source_page is not None, record


def test_every_printed_table_gives_a_fact_for_every_amount(result):
    doc, _ = result
    statuses = {}
    for t in doc.tables:
        statuses.setdefault(t.kind, []).append(t.status)
    for kind, _, _, amounts in PRINTED_TABLES:
        assert statuses.get(kind) == (["parsed"] if amounts else ["empty"]), (kind, statuses.get(kind))
        table_ids = {t.table_id for t in doc.tables if t.kind == kind}
        assert len([f for f in doc.facts if f.table_id in table_ids]) == amounts, kind
    by_line = {}
    for f in doc.facts:
        by_line.setdefault(f.source_line, set()).add((f.measure, f.printed))
    # 财务收支预算总表 line 68 (page 7): 预算数 | 合计 人员经费 公用经费 项目支出
    assert {m for m, _ in by_line[68]} >= {"预算数", "合计", "人员经费", "公用经费", "项目支出"}
    # 经济分类预算表 line 208: 301 工资福利支出 合计 98,950,260, 人员经费 98,950,260
    assert by_line[208] == {("合计", "98,950,260"), ("人员经费", "98,950,260")}
    assert not doc.unparsed


def blank_pdf() -> bytes:
    """A valid one-page PDF without any text (what a scan without OCR looks like to a text extractor)."""
    import io

    import pypdfium2

    document = pypdfium2.PdfDocument.new()
    document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_unreadable_pdfs_are_reported_not_guessed(tmp_path):
    from test_cli import build

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "garbage.pdf").write_bytes(b"%PDF-1.4 garbage\n")
    (inputs / "text.pdf").write_bytes("一般公共预算\n".encode())
    (inputs / "truncated.pdf").write_bytes(PDF.read_bytes()[:100_000])
    (inputs / "blank.pdf").write_bytes(blank_pdf())
    code, output = build(inputs, tmp_path / "out", cwd=tmp_path)
    assert code == 2 and "Traceback" not in output, output
    failed = {line.split(": ", 1)[0].removeprefix(f"FAILED {inputs}/"): line.split(": ", 1)[1]
              for line in output.splitlines() if line.startswith("FAILED ")}
    assert failed.keys() == {"garbage.pdf", "text.pdf", "truncated.pdf"}
    assert failed["text.pdf"] == "not a PDF (the file does not start with %PDF-)"
    assert failed["garbage.pdf"] == "damaged PDF: No /Root object! - Is this really a PDF?"
    assert failed["truncated.pdf"] == "damaged PDF: the file ends too early (truncated?)"
    # a scan is no failure: it is published as a document with its status and reason, and no facts
    from test_cli import folders_by_source

    blank = folders_by_source(tmp_path / "out")["blank.pdf"]
    with open(blank / "documents.csv", encoding="utf-8", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert (row["status"], row["status_reason"]) == (
        "no_text_layer", "the PDF has no text layer, and OCR reads no text on its pages: nothing to read")
    assert (blank / "budget_facts.csv").read_text(encoding="utf-8").count("\n") == 1  # the header only


def test_income_summary_amounts_are_under_the_column_they_are_printed_in(result):
    doc, _ = result
    kinds = {t.table_id: t.kind for t in doc.tables}
    # line 82: 201 | | | 一般公共服务支出 | 127,886,849 (合计) | 127,886,849 (财政拨款收入) | | |
    line_82 = {(f.measure, f.printed) for f in doc.facts if kinds[f.table_id] == "income_summary" and f.source_line == 82}
    assert line_82 == {("合计", "127,886,849"), ("财政拨款收入", "127,886,849")}
    measures = {f.measure for f in doc.facts if kinds[f.table_id] == "income_summary"}
    assert measures == {"合计", "财政拨款收入"}


def _pdf_with_clipped_text() -> bytes:
    """A one-page PDF that clips to a rectangle and paints one word inside it and one outside (as a
    spreadsheet export clips a merged cell's overflow at a page break)."""
    content = (b"q 50 700 200 50 re W n BT /F1 12 Tf 60 720 Td (VISIBLE) Tj ET "
               b"BT /F1 12 Tf 60 600 Td (HIDDEN) Tj ET Q BT /F1 12 Tf 60 500 Td (UNCLIPPED) Tj ET")
    return one_page_pdf(content)


def test_text_painted_outside_its_clipping_path_is_not_extracted(tmp_path):
    path = tmp_path / "clipped.pdf"
    path.write_bytes(_pdf_with_clipped_text())
    text = extract_pdf(path).text
    assert "VISIBLE" in text and "UNCLIPPED" in text  # inside the clip, and after the clip is restored (Q)
    assert "HIDDEN" not in text


def _pdf_with_a_cut_merged_cell() -> bytes:
    """A table whose first column is a cell merged over both rows and cut by a page break: the column has
    its vertical rules but no top or bottom edge on this page (as spreadsheet exports draw it); the other
    columns are fully ruled."""
    rules = [(50, 660, 0.5, 40), (150, 660, 0.5, 40), (250, 660, 0.5, 40), (350, 660, 0.5, 40),  # verticals
             (150, 700, 200.5, 0.5), (150, 680, 200.5, 0.5), (150, 660, 200.5, 0.5)]  # rows, right part only
    paint = b" ".join(b"%g %g %g %g re f" % r for r in rules)
    text = (b"BT /F1 9 Tf 60 677 Td (PROJECT) Tj ET BT /F1 9 Tf 160 686 Td (10.00) Tj ET "
            b"BT /F1 9 Tf 260 686 Td (20.00) Tj ET BT /F1 9 Tf 160 666 Td (30.00) Tj ET "
            b"BT /F1 9 Tf 260 666 Td (40.00) Tj ET")
    return one_page_pdf(paint + b" " + text)


def test_a_table_cut_by_a_page_break_is_read_whole_with_its_merged_column(tmp_path):
    path = tmp_path / "cut.pdf"
    path.write_bytes(_pdf_with_a_cut_merged_cell())
    lines = extract_pdf(path).text.split("\n")
    # the merged cell is a cell of the table's first row, not a line of running text beside it
    assert lines[:2] == ["PROJECT\t10.00\t20.00", "\t30.00\t40.00"]
