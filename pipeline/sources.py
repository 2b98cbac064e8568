"""Read one source file as the build reads it: a PDF is extracted first (`pdf.py`, cached), any other file
is decoded as text; both then go through the same reading stage (`read.read_lines`).

A page without a text layer (a scan) is read by OCR (`ocr.py`); a PDF in which OCR finds no text either is
no failure: it is a document with status ``no_text_layer`` and no facts, published so that users see it
exists.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import fields
from pathlib import Path

from .boxes import box_of, locate
from .errors import UnreadableInput
from .pdf import MAX_PDF_BYTES, NOT_A_PDF, ExtractedText, NoTextLayer, extract_cached
from .records import DocumentResult
from .text.decode import check_text
from .text.lines import split_lines


def read_source(path: Path, entry: dict | None, timings,
                cache_dir: Path | None = None) -> tuple[DocumentResult, ExtractedText | None]:
    """Read one source as the build reads it: a PDF extracted first (cached in `cache_dir`), any other
    file as text; returns the result and, for a PDF, its extracted text."""
    if path.suffix.lower() == ".pdf":
        return read_pdf(path, entry, timings, cache_dir)
    from .read import read_document

    return read_document(path, entry, timings), None


def read_pdf(path: Path, entry: dict | None, timings, cache_dir: Path | None = None) -> tuple[DocumentResult, ExtractedText]:
    """Read one PDF disclosure: extract (cached), then the same reading stage as a text file."""
    t0 = time.perf_counter()
    size = path.stat().st_size
    if size > MAX_PDF_BYTES:  # checked before it is read into memory
        raise UnreadableInput(str(path), None, f"the PDF is {size / 1024 / 1024:,.1f} MB: over the limit of "
                                               f"{MAX_PDF_BYTES // 1024 // 1024} MB for a disclosure")
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    if not data.startswith(b"%PDF-"):
        raise UnreadableInput(str(path), None, NOT_A_PDF)
    ocr_before = timings.stages.get("ocr", 0.0)  # OCR (pages without text) is its own stage, not extract's
    try:
        extracted, _ = extract_cached(path, sha256, cache_dir, timings)
    except NoTextLayer as e:
        from .read import unread_document

        timings.add("extract", time.perf_counter() - t0 - (timings.stages.get("ocr", 0.0) - ocr_before))
        return unread_document(path, sha256, entry or {}, "no_text_layer", e.reason), ExtractedText("", ())
    timings.add("extract", time.perf_counter() - t0 - (timings.stages.get("ocr", 0.0) - ocr_before))
    return read_extracted(extracted, path, sha256, entry, timings), extracted


def read_extracted(extracted: ExtractedText, path: Path, sha256: str, entry: dict | None, timings) -> DocumentResult:
    """The reading stage of a PDF's extracted text (from the text layer or OCR): its lines read as a text
    file's are, each fact given the box of its cell (and OCR's confidence), each line's page kept."""
    from .read import read_lines  # the reading stage; imported here to keep this module light

    check_text(str(path), extracted.text)  # the limits of a text file hold for the extracted text too
    result = read_lines(split_lines(extracted.text), path, sha256, entry or {}, timings)
    result.line_pages = {path.name: extracted.pages}
    locate(result, path.name, extracted)
    return result


def add_pages(result: DocumentResult) -> None:
    """Fill `source_page` and `source_bbox` of every record that has a `source_line`, from the pages and
    boxes of the line's own file (`result.line_pages`, `result.line_boxes`; text inputs have none); a record
    that has a box already (a fact's cell, a check of a printed total) keeps it. Run after the checks:
    checks cite lines too."""
    for name in ("facts", "projects", "goals", "indicators", "glossary", "checks", "unparsed", "headline"):
        for record in getattr(result, name):
            page = page_of(result, record.source_file, record.source_line)
            if page is not None:
                record.source_page = page
            if record.source_bbox is None:
                record.source_bbox = box_of(result, record.source_file, record.source_line)


def page_of(result: DocumentResult, source_file: str | None, line: int | None) -> int | None:
    """The PDF page that line `line` of `source_file` was printed on (None for text inputs)."""
    pages = result.line_pages.get(source_file or "")
    return pages[line - 1] if pages is not None and line is not None and 1 <= line <= len(pages) else None


def page_fields() -> dict[str, bool]:
    """Which record types carry a page (for tests and docs); each carries a box too."""
    from . import records

    return {cls.__name__: any(f.name == "source_page" for f in fields(cls))
            for cls in (records.BudgetFact, records.Project, records.PerformanceGoal,
                        records.PerformanceIndicator, records.GlossaryTerm, records.Check,
                        records.UnparsedLine)}


