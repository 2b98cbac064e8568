"""Arithmetic guards OCR (issue 16, item 2): an amount read by OCR carries its cell's confidence; one read
with low confidence, or taking part in a failing check, is flagged `ocr_uncertain` and published as read;
a failing check says which one digit would make it hold where exactly one change of one low-confidence
amount would.

The input is what the reading stage gets from OCR, an `ExtractedText` with a confidence per cell: here
the bundled PDF's own lines and boxes, read as an OCR engine would give them, with one digit misread."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from conftest import DISCLOSURES

from pipeline.build import Timings
from pipeline.checks import run_checks
from pipeline.ocr_guard import LOW_CONFIDENCE
from pipeline.pdf import ExtractedText, extract_pdf
from pipeline.sources import add_pages, read_extracted

PDF = DISCLOSURES / "shanghai-finance-bureau-2025.pdf"
SURE = 0.998


@pytest.fixture(scope="module")
def text_layer():
    return extract_pdf(PDF)


def as_ocr(extracted: ExtractedText, misread: dict[int, tuple[int, str, float]]) -> ExtractedText:
    """The extraction as OCR would give it: every cell read with confidence SURE, except the cells of
    `misread` ({line: (cell, text read, confidence)})."""
    lines = extracted.text.split("\n")[:-1]
    confidence = []
    for n, line in enumerate(lines, start=1):
        cells = line.split("\t") if line != "\f" else []
        scores = [SURE] * len(cells)
        if n in misread:
            cell, text, score = misread[n]
            cells[cell], scores[cell] = text, score
            lines[n - 1] = "\t".join(cells)
        confidence.append(tuple(scores))
    return ExtractedText("".join(f"{line}\n" for line in lines), extracted.pages, extracted.boxes, tuple(confidence))


def read(extracted: ExtractedText, tmp_path):
    path = tmp_path / "scan.pdf"
    result = read_extracted(extracted, path, hashlib.sha256(extracted.text.encode()).hexdigest(), None, Timings())
    run_checks(result)
    add_pages(result)
    return result


def test_the_text_layer_read_as_ocr_flags_nothing(text_layer, tmp_path):
    result = read(as_ocr(text_layer, {}), tmp_path)
    assert len(result.facts) == 263 and all(c.passed for c in result.checks)
    assert {f.ocr_confidence for f in result.facts} == {Decimal("0.998")}
    assert not any(f.ocr_uncertain for f in result.facts) and all(f.ocr_uncertain is False for f in result.facts)
    assert {h.ocr_confidence for h in result.headline} == {Decimal("0.998")}


def test_a_misread_digit_is_flagged_and_the_check_names_the_one_digit_that_would_hold(text_layer, tmp_path):
    # line 86, 预算改革业务 of the 收入总表: its 合计 370,000 read as 870,000, with low confidence
    line = text_layer.text.split("\n")[85]
    assert line.split("\t")[3:6] == ["预算改革业务", "370,000", "370,000"]
    result = read(as_ocr(text_layer, {86: (4, "870,000", 0.612)}), tmp_path)
    (misread,) = [f for f in result.facts if f.source_line == 86 and f.measure == "合计"]
    assert (misread.printed, misread.amount) == ("870,000", Decimal("87"))  # published as read
    assert (misread.ocr_confidence, misread.ocr_uncertain) == (Decimal("0.612"), True)
    assert misread.source_bbox == ",".join(f"{v:.2f}" for v in text_layer.boxes[85][4])
    failed = [c for c in result.checks if not c.passed]
    assert failed and all(c.source_file == "scan.pdf" for c in failed)
    hint = "; if 870,000 (line 86, read by OCR with confidence 0.612) were 370,000, every check it takes part in " \
           "would hold (published as read)"
    assert all(c.message.endswith(hint) for c in failed), [c.message for c in failed]
    # the other amounts of the failing checks are doubtful too; the rest are not
    involved = {(f.source_line, f.measure) for f in result.facts if f.ocr_uncertain}
    assert (86, "财政拨款收入") in involved and (83, "合计") in involved
    assert (75, "预算数") not in involved
    assert sum(f.ocr_uncertain is False for f in result.facts) > 200


def test_no_hint_where_more_than_one_digit_would_do(text_layer, tmp_path):
    # 84,861,719 read as 84,861,714: 84,861,718 would hold within the rounding as well as 84,861,719
    assert text_layer.text.split("\n")[83].split("\t")[4] == "84,861,719"
    result = read(as_ocr(text_layer, {84: (4, "84,861,714", 0.55)}), tmp_path)
    (misread,) = [f for f in result.facts if f.source_line == 84 and f.measure == "合计"]
    assert misread.ocr_uncertain is True
    failed = [c for c in result.checks if not c.passed]
    assert failed and not any("if 84,861,714" in c.message for c in failed)


def test_no_hint_for_an_amount_read_with_confidence(text_layer, tmp_path):
    # the same misread with a confidence above the threshold: flagged (its check fails), but no hint
    assert Decimal("0.95") >= LOW_CONFIDENCE
    result = read(as_ocr(text_layer, {86: (4, "870,000", 0.95)}), tmp_path)
    (misread,) = [f for f in result.facts if f.source_line == 86 and f.measure == "合计"]
    assert misread.ocr_uncertain is True
    assert not any(" were " in c.message for c in result.checks)


def test_the_quality_page_lists_the_flagged_amounts(text_layer, tmp_path):
    from pipeline.fields import RESOURCES
    from pipeline.site.data import SiteData
    from pipeline.site.quality import ocr_section

    def rows(resource: str, records: list) -> list[dict]:
        res = RESOURCES[resource]
        return [dict(zip(res.field_names, res.values(r), strict=True)) for r in records]

    assert "目前没有经 OCR 读出的数字" in ocr_section(SiteData(tmp_path / "yusuan.db", rows={"budget_facts": []}))
    result = read(as_ocr(text_layer, {86: (4, "870,000", 0.612)}), tmp_path)
    for n, fact in enumerate(result.facts, start=1):
        fact.seq = n
    data = SiteData(tmp_path / "yusuan.db", rows={"budget_facts": rows("budget_facts", result.facts),
                                                  "documents": rows("documents", [result.document])})
    page = ocr_section(data)
    flagged = [f for f in result.facts if f.ocr_uncertain]
    assert f"经 OCR 读出的 263 个数字中，{len(flagged)} 个存疑" in page
    (line,) = [row for row in page.splitlines() if "870,000" in row]
    assert "| 0.612 | 置信度低 |" in line and "| 86 |" in line and "预算改革业务" in line
    assert page.count("参与未通过的校验 |") == len(flagged) - 1


def test_a_real_scanned_page_has_its_boxes_and_confidences(tmp_path):
    """tests/scanned/: a page with no text layer, read by OCR (pipeline/ocr.py): every amount has its cell's
    box and confidence; every check holds and every amount is read with confidence, so none is doubtful."""
    from pathlib import Path

    from pipeline.sources import read_pdf

    scan = Path(__file__).parent / "scanned" / "shanghai-34775480bd-p8.pdf"
    result, extracted = read_pdf(scan, None, Timings(), tmp_path)
    run_checks(result)
    add_pages(result)
    assert len(result.facts) == 36 and all(c.passed for c in result.checks)
    lines = extracted.text.split("\n")
    columns: dict[str, set[tuple[str, str]]] = {}
    for f in result.facts:
        cells = lines[f.source_line - 1].split("\t")
        boxes = [",".join(f"{v:.2f}" for v in b) for b in extracted.boxes[f.source_line - 1]]
        j = boxes.index(f.source_bbox)  # one of its line's cells, the one that prints the amount
        assert f.source_page == 1 and cells[j] == f.printed, f
        assert f.ocr_confidence == Decimal(str(extracted.confidence[f.source_line - 1][j])).quantize(Decimal("0.001"))
        assert LOW_CONFIDENCE <= f.ocr_confidence <= 1 and f.ocr_uncertain is False
        x0, _, x1, _ = f.source_bbox.split(",")
        columns.setdefault(f.measure, set()).add((x0, x1))
    # every measure's amounts in one column, the columns left to right as printed (a number printed in
    # two columns of a line, 9,600,000 as 合计 and 其他收入, takes each in turn)
    assert all(len(spans) == 1 for spans in columns.values()), columns
    order = sorted(columns, key=lambda m: float(next(iter(columns[m]))[0]))
    assert order == ["合计", "财政拨款收入", "事业收入", "其他收入"]
    (education,) = [f for f in result.facts if f.item == "教育支出" and f.measure == "合计"]
    x0, top, x1, bottom = (float(v) for v in education.source_bbox.split(","))
    assert education.printed == "326,658,710"  # its cell, as the page's rules draw it (points; ± a rule's width)
    assert (390 < x0 < 393, 222 < top < 225, 468 < x1 < 471, 246 < bottom < 249) == (True,) * 4
