"""Scanned pages read by OCR (issue 16).

tests/scanned/shanghai-34775480bd-p8.pdf is a scan made from page 8 of a corpus disclosure (上海交通职业技术
学院 2026, 2026年预算单位收入预算总表, amounts in 元): the page rendered at 150 dpi in grey on grey paper,
JPEG-compressed, as the only content of a one-page PDF (no text layer). The amounts below were read off
that image by eye: row 205 教育支出 合计 326,658,710, 财政拨款收入 236,893,390, 事业收入 42,865,320, 其他收入
46,900,000; row 205 03 02 中等职业教育 9,600,000; row 208 05 05 机关事业单位基本养老保险缴费支出 23,622,600 /
20,871,880 / 2,750,720; row 210 11 行政事业单位医疗 15,502,390 / 13,697,230 / 1,805,160.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.checks import run_checks
from pipeline.ocr import clean, page_lines
from pipeline.ocr_engine import PageRead
from pipeline.pdf import PAGE_BREAK, extract_cached
from pipeline.read import Timings
from pipeline.sources import add_pages, read_pdf

SCAN = Path(__file__).parent / "scanned" / "shanghai-34775480bd-p8.pdf"
TEXT_PDF = Path(__file__).parent / "corpus" / "shanghai-25e800a6e6.pdf"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    timings = Timings()
    result, extracted = read_pdf(SCAN, None, timings, cache)
    run_checks(result)
    add_pages(result)
    return result, extracted, timings, cache


def test_a_scanned_table_is_read_by_ocr_like_a_text_layer(scanned):
    result, extracted, timings, _ = scanned
    assert result.document.status == "ok"
    assert [(t.kind, t.status) for t in result.tables] == [("income_summary", "parsed")]
    lines = extracted.text.split("\n")
    # the rows as the text layer gives them: tab-separated cells, empty cells kept, codes in their columns
    assert "205\t03\t02\t中等职业教育\t9,600,000\t\t\t\t9,600,000" in lines
    assert "208\t05\t05\t机关事业单位基本养老保险缴费支出\t23,622,600\t20,871,880\t2,750,720\t\t" in lines
    # a header cell merged over four columns: its text in the first, like pdfplumber's
    assert "项目\t\t\t\t收入预算\t\t\t\t" in lines
    facts = {(f.item, f.measure): f.amount for f in result.facts}
    assert facts[("教育支出", "合计")] == Decimal("32665.871")  # 326,658,710 元
    assert facts[("教育支出", "财政拨款收入")] == Decimal("23689.339")
    assert facts[("教育支出", "事业收入")] == Decimal("4286.532")
    assert facts[("教育支出", "其他收入")] == Decimal("4690")
    assert facts[("行政事业单位医疗", "事业收入")] == Decimal("180.516")
    assert len(result.facts) == 36  # 12 rows, 3 or 4 amounts each, every one printed
    assert all(f.source_page == 1 for f in result.facts)
    # the checks run on what OCR read: every parent row is the sum of its children, 合计 of its columns
    assert len(result.checks) >= 25 and all(c.passed for c in result.checks)
    assert timings.stages["ocr_pages"] == 1 and timings.stages["ocr"] > 0


def test_every_ocr_line_has_its_cells_boxes_and_confidence(scanned):
    _, extracted, _, _ = scanned
    lines = extracted.text.split("\n")[:-1]
    assert len(extracted.boxes) == len(extracted.confidence) == len(lines) == len(extracted.pages)
    for text, boxes, confidence in zip(lines, extracted.boxes, extracted.confidence, strict=True):
        assert len(boxes) == len(confidence) == len(text.split("\t"))
        for x0, top, x1, bottom in boxes:  # PDF points on the 842 × 596 pt page, top from the top
            assert 0 <= x0 < x1 <= 842.1 and 0 <= top < bottom <= 596
        assert all(0 <= c <= 1 for c in confidence)
    row = lines.index("205\t03\t02\t中等职业教育\t9,600,000\t\t\t\t9,600,000")
    boxes, confidence = extracted.boxes[row], extracted.confidence[row]
    # the cells are in page order, left to right, one row high; an empty cell is certain (1.0)
    assert [b[0] for b in boxes] == sorted(b[0] for b in boxes) and len({b[1] for b in boxes}) == 1
    assert confidence[5] == 1.0 and min(confidence) > 0.9
    # the title, outside the table: one box for the line, high on the page
    title = lines.index("2026年预算单位收入预算总表")
    (box,) = extracted.boxes[title]
    assert box[1] < 120 and 250 < (box[0] + box[2]) / 2 < 600


def test_a_page_is_read_by_ocr_once(scanned):
    _, extracted, _, cache = scanned
    import hashlib

    sha256 = hashlib.sha256(SCAN.read_bytes()).hexdigest()
    again, cached = extract_cached(SCAN, sha256, cache, timings := Timings())
    assert cached and again == extracted and "ocr_pages" not in timings.stages
    # the extraction made anew (another extractor) takes the page's OCR from the OCR cache
    for entry in cache.glob(f"{sha256}-pdf-*.json"):
        entry.unlink()
    again, cached = extract_cached(SCAN, sha256, cache, timings := Timings())
    assert not cached and again == extracted and "ocr_pages" not in timings.stages
    assert len(list((cache / "ocr").glob(f"{sha256}-p1-ocr-*.json"))) == 1


def _image_page_pdf(image, dpi: float = 144.0) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=dpi)
    return buffer.getvalue()


def test_a_mixed_pdf_has_only_its_pages_without_text_read_by_ocr(tmp_path):
    import pypdfium2
    from PIL import Image, ImageDraw, ImageFont

    # page 1: the text layer of a corpus PDF's cover; page 2: a scanned line of text (an image)
    image = Image.new("L", (1190, 1684), 250)  # A4 at 144 dpi
    font_file = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # scripts/bootstrap installs it
    if not font_file.exists():
        pytest.skip("the Noto CJK fonts are not installed (scripts/bootstrap installs them as root)")
    font = ImageFont.truetype(str(font_file), 30)
    draw = ImageDraw.Draw(image)
    for x, text in ((160, "单位：万元"), (600, "合计"), (840, "1,234.56")):  # three boxes on one line
        draw.text((x, 200), text, font=font, fill=20)
    mixed = pypdfium2.PdfDocument.new()
    mixed.import_pages(pypdfium2.PdfDocument(TEXT_PDF), [0])
    mixed.import_pages(pypdfium2.PdfDocument(_image_page_pdf(image)), [0])
    path = tmp_path / "mixed.pdf"
    mixed.save(str(path))
    timings = Timings()
    extracted, _ = extract_cached(path, "mixed", tmp_path / "cache", timings)
    lines = extracted.text.split("\n")[:-1]
    assert timings.stages["ocr_pages"] == 1
    page2 = [i for i, p in enumerate(extracted.pages) if p == 2 and lines[i] != PAGE_BREAK]
    assert [lines[i] for i in page2] == ["单位：万元 合计 1,234.56"]
    # the text layer's lines have no confidence, the OCR line has one per cell
    assert all(extracted.confidence[i] == () for i, p in enumerate(extracted.pages) if p == 1)
    assert len(extracted.confidence[page2[0]]) == 1 and extracted.confidence[page2[0]][0] > 0.8
    (box,) = extracted.boxes[page2[0]]
    assert 70 <= box[0] <= 90 and 95 <= box[1] <= 110  # where it was drawn, in points


def test_a_scan_in_which_ocr_reads_nothing_stays_without_text(tmp_path):
    from PIL import Image

    path = tmp_path / "blank-scan.pdf"
    path.write_bytes(_image_page_pdf(Image.new("L", (1190, 1684), 255)))
    result, _ = read_pdf(path, None, Timings(), tmp_path / "cache")
    assert result.document.status == "no_text_layer" and not result.facts


def _read(boxes, h_rules=(), v_rules=()):
    return PageRead(600.0, 800.0, tuple(h_rules), tuple(v_rules),
                    tuple((*b[:4], b[4], b[5] if len(b) > 5 else 0.99) for b in boxes))


def test_rows_and_cells_come_from_the_rules_and_merged_cells_keep_their_text_first():
    # a 3-column table: row 1 a header merged over columns 2–3 (no rule between them), rows 2–3 amounts;
    # column 1 of rows 2–3 merged vertically (no rule between them): its text in row 2
    h = [(100.0, y - 0.5, 400.0, y + 0.5) for y in (100.0, 160.0)] + [(100.0, 119.5, 400.0, 120.5),
                                                                (200.0, 139.5, 400.0, 140.5)]
    v = [(x - 0.5, 100.0, x + 0.5, 160.0) for x in (100.0, 200.0, 400.0)] + [(299.5, 120.0, 300.5, 160.0)]
    boxes = [(120, 104, 160, 116, "项目"), (260, 104, 340, 116, "预算数"),
             (110, 130, 190, 148, "一般公共服务支出", 0.95), (205, 124, 290, 136, "1, 234.50", 0.8),
             (305, 124, 395, 136, "56"), (205, 144, 290, 156, "7"), (20, 40, 80, 52, "单位：万元")]
    lines = page_lines(_read(boxes, h, v))
    assert [line.text for line in lines] == ["单位：万元", "项目\t预算数\t", "一般公共服务支出\t1,234.50\t56", "\t7\t"]
    header, first, second = lines[1:]
    assert header.boxes == ((100.0, 100.0, 200.0, 120.0), (200.0, 100.0, 400.0, 120.0), (300.0, 100.0, 400.0, 120.0))
    assert first.boxes[0] == (100.0, 120.0, 200.0, 160.0)  # the merged cell spans both rows
    assert first.confidence == (0.95, 0.8, 0.99) and second.confidence == (1.0, 0.99, 1.0)


def test_digit_groups_are_written_as_the_text_layer_writes_them():
    assert clean("304, 413, 900") == "304,413,900"
    assert clean("5，428万元") == "5,428万元"
    assert clean("12 . 50") == "12.50"
    assert clean("第1，2项") == "第1，2项"  # not a digit group: kept as read
    assert clean("2026年度收人预算总表") == "2026年度收入预算总表" and clean("事业收人") == "事业收入"
    assert clean("税收人员") == "税收人员"


def test_the_build_prints_the_ocr_seconds_per_page():
    from pipeline.cli import format_timings

    assert format_timings({"extract": 1.0, "ocr": 10.0, "ocr_pages": 4.0}) == \
        "extract=1.00s ocr=10.00s (4 pages read by OCR, 2.5s/page)"
    assert format_timings({"ocr": 0.5}) == "ocr=0.50s"  # every page from the cache
