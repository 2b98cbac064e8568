"""PDF → text the reader already understands, with the page of every line.

Per page, in reading order (top to bottom):

- each ruled table found by pdfplumber becomes tab-separated rows with every cell kept, empty and merged
  cells included (exact columns, like the tab-separated samples), a cell's wrapped lines rejoined;
- the text outside the tables becomes lines, a paragraph's wrapped lines rejoined into one line (so a
  number or a sentence of the 情况说明 is never cut in two by the page width);
- text painted outside its clipping path (a merged cell's overflow at a page break) is left out: it is
  not on the page (`pdf_clip.py`).

Pages are separated by a line holding a form feed (``\\f``). `source_line` of a fact read from a PDF is
its line in this extracted text (written to ``build/extracted/<doc_id>.txt``) and `source_page` its page.
Beside the text, every line keeps where it was printed (`ExtractedText.boxes`): a table row the box of
each of its cells (a merged cell's box for each cell it covers), any other line its paragraph's box.

The extraction is deterministic (same PDF, same pdfplumber: same bytes) and cached under the build folder
by the PDF's sha256 and the extractor's identity (this module's code and the pdfplumber/pdfminer
versions), so an unchanged PDF is extracted once.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .errors import UnreadableInput

PAGE_BREAK = "\f"
# Ruled tables (the budget tables are printed from Excel with every cell ruled).
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
SAME_EDGE = 3.0  # points: a rule that starts and ends this close to a table's top and bottom spans its height
# A line ends its paragraph unless it reaches the right edge of the page's text (within this many
# character widths) and the next line starts left of the paragraph's first line (a hanging indent).
FULL_LINE_CHARS = 2.0
MAX_PDF_BYTES = 200 * 1024 * 1024  # the corpus's largest is 4 MB for 328 pages; fetch refuses over 50 MB
MAX_LINE_GAP = 1.8  # consecutive lines of a paragraph: top-to-top distance in line heights
# A line that starts with a list marker starts a paragraph: （一） (1) 一、 1. 1、 1． 第一
LIST_MARKER_RE = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+\s*[.、．]|第[一二三四五六七八九十\d]+)")


NO_TEXT_LAYER = "the PDF has no text layer, and OCR reads no text on its pages: nothing to read"
NOTHING_ON_THE_PAGES = "the PDF's first pages have neither text nor an image to read by OCR: nothing to read"


class NoTextLayer(UnreadableInput):
    """A PDF that holds only images (a scan): readable, but no text to read without OCR."""


Box = tuple[float, float, float, float]  # (x0, top, x1, bottom), PDF points, pdfplumber's coordinates
                                         # (top measured from the top of the page), rounded to 0.01


@dataclass(frozen=True)
class ExtractedText:
    text: str  # lines joined by "\n", ending with "\n"
    pages: tuple[int, ...]  # pages[i] is the 1-based page of line i + 1
    # boxes[i]: line i + 1's cells (one box per tab-separated cell; a line outside tables: one box, its
    # paragraph's; the page-break line: none). () when no boxes are known (old cache entries)
    boxes: tuple[tuple[Box, ...], ...] = ()
    # confidence[i]: line i + 1's cells as OCR read them (0..1); () for a text-layer line; () when no line
    # of the file was OCR-read
    confidence: tuple[tuple[float, ...], ...] = ()

    def page_of(self, line: int | None) -> int | None:
        if line is None or not 1 <= line <= len(self.pages):
            return None
        return self.pages[line - 1]


@lru_cache(maxsize=1)
def extractor_id() -> str:
    """What the extracted text depends on besides the PDF: this module's code and the library versions."""
    here = Path(__file__).parent
    code = hashlib.sha256(b"".join((here / name).read_bytes()
                                   for name in ("pdf.py", "pdf_clip.py", "pdf_fast.py"))).hexdigest()[:16]
    return f"pdf-{code}-pdfplumber-{metadata.version('pdfplumber')}-pdfminer-{metadata.version('pdfminer.six')}"


def extract_pdf(path: Path, sha256: str | None = None, ocr_cache: Path | None = None,
                timings=None, ocr_pages: frozenset[int] = frozenset()) -> ExtractedText:
    """Extract one PDF (not cached; a page without text is read by OCR, `ocr.py`, its OCR cached in
    `ocr_cache`; so are the pages numbered in `ocr_pages`, to measure OCR against the text layer). Raises
    `UnreadableInput` for a file that is not a readable PDF."""
    import pdfplumber  # imported here: a build that reuses every result never pays for it

    from . import pdf_clip, pdf_fast

    pdf_clip.install()  # text painted outside its clipping path is not on the page
    pdf_fast.install()  # the same objects, read faster
    lines: list[str] = []
    pages: list[int] = []
    boxes: list[tuple[Box, ...]] = []
    ocr_lines: dict[int, object] = {}  # line index → its OcrLine (cells' boxes and confidence)
    try:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                if number > 1:
                    lines.append(PAGE_BREAK)
                    pages.append(number)
                    boxes.append(())
                page_lines = _page_lines(page)
                if number in ocr_pages or _needs_ocr(page, [text for text, _ in page_lines]):
                    from .ocr import read_scanned_page

                    for line in read_scanned_page(path, number - 1, sha256, ocr_cache, timings):
                        ocr_lines[len(lines)] = line
                        lines.append(line.text)
                        pages.append(number)
                        boxes.append(line.boxes)
                    continue
                for text, cells in page_lines:
                    lines.append(text)
                    pages.append(number)
                    boxes.append(cells)
    except Exception as e:  # pdfminer raises many kinds of errors on broken files
        if isinstance(e, (ValueError, KeyError, TypeError, AssertionError, IndexError)) or \
                type(e).__module__.startswith(("pdfminer", "pdfplumber")):
            raise UnreadableInput(str(path), None, pdf_problem(e)) from None
        raise
    if not any(line.strip() for line in lines):
        raise NoTextLayer(str(path), None, NO_TEXT_LAYER)
    text = "".join(f"{line}\n" for line in lines)
    # confidence: the OCR lines' cells, () for the text layer's lines; () when no line was read by OCR
    confidence = tuple(ocr_lines[i].confidence if i in ocr_lines else () for i in range(len(lines))) \
        if ocr_lines else ()
    return ExtractedText(text, tuple(pages), tuple(boxes), confidence)


def _needs_ocr(page, lines: list[str]) -> bool:
    """A page to read by OCR: it has no text, or next to none (a page number) over an image that covers
    most of it (a scan)."""
    printed = sum(len("".join(line.split())) for line in lines)
    if printed == 0:
        return True
    if printed >= 20:
        return False
    area = (page.width * page.height) or 1.0
    return any((image["x1"] - image["x0"]) * (image["bottom"] - image["top"]) >= 0.5 * area for image in page.images)


def extract_cached(path: Path, sha256: str, cache_dir: Path | None, timings=None) -> tuple[ExtractedText, bool]:
    """The extracted text of a PDF, from the cache when this PDF was extracted before by this extractor.

    Returns the text and whether it came from the cache.
    """
    cache_file = cache_dir / f"{sha256}-{extractor_id()}.json" if cache_dir else None
    if cache_file and cache_file.exists():
        try:
            data = json.loads(cache_file.read_text(encoding="utf-8"))
            # an entry made by other OCR code is read again (OCR code is not part of extractor_id: a change
            # of it re-extracts only the PDFs that had pages read by OCR)
            if data.get("ocr") is None or data["ocr"] == _ocr_id():
                return ExtractedText(data["text"], tuple(data["pages"]),
                                     tuple(tuple(tuple(box) for box in line) for line in data["boxes"]),
                                     tuple(tuple(line) for line in data["confidence"])), True
        except (ValueError, KeyError, TypeError):
            pass  # a damaged (or older) cache entry is extracted again
    extracted = extract_pdf(path, sha256, cache_dir / "ocr" if cache_dir else None, timings)
    if cache_file:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        from .atomic import write_atomic  # a temporary file, flushed and renamed

        write_atomic(cache_file, json.dumps({"text": extracted.text, "pages": extracted.pages,
                                             "boxes": extracted.boxes, "confidence": extracted.confidence,
                                             "ocr": _ocr_id() if extracted.confidence else None},
                                            ensure_ascii=False).encode("utf-8"))
    return extracted, False


def _ocr_id() -> str:
    from .ocr import ocr_id

    return ocr_id()


NOT_A_PDF = "not a PDF (the file does not start with %PDF-)"


def check_pdf(path: Path) -> int:
    """The number of pages of a readable PDF; raises `UnreadableInput` otherwise (used before a fetched
    file replaces the last good one). A scan (page images without text) is readable: OCR reads it."""
    import pdfplumber

    if not path.read_bytes()[:5] == b"%PDF-":
        raise UnreadableInput(str(path), None, NOT_A_PDF)
    try:
        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
            text = "".join((page.extract_text() or "") for page in pdf.pages[:3])
            scanned = any(page.images for page in pdf.pages[:3])  # read by OCR
    except Exception as e:
        raise UnreadableInput(str(path), None, pdf_problem(e)) from None
    if count == 0:
        raise UnreadableInput(str(path), None, "the PDF has no pages")
    if not text.strip() and not scanned:
        raise UnreadableInput(str(path), None, NOTHING_ON_THE_PAGES)
    return count


def pdf_problem(error: Exception) -> str:
    """What is wrong with a PDF pdfplumber/pdfminer could not read, in the user's terms.

    pdfplumber wraps pdfminer's error (often one without a message: PDFPasswordIncorrect()), so the
    cause is unwrapped and named: an encrypted PDF, or a damaged one with pdfminer's reason."""
    cause = error
    while type(cause).__name__ == "PdfminerException" and cause.args and isinstance(cause.args[0], Exception):
        cause = cause.args[0]
    name = type(cause).__name__
    detail = str(cause).strip()
    if name == "PDFPasswordIncorrect":
        return "encrypted PDF: cannot be read without its password"
    if name.startswith("PDFEncryption"):
        return f"encrypted PDF: cannot be read ({detail or 'unsupported encryption'})"
    if name == "PSEOF":
        return "damaged PDF: the file ends too early (truncated?)"
    if name == "PDFSyntaxError" and detail:
        return f"damaged PDF: {detail}"
    return f"damaged PDF: {name}: {detail}" if detail else f"damaged PDF: {name}"


# ---------------------------------------------------------------------------------------------------
# One page


def _page_lines(page) -> list[tuple[str, tuple[Box, ...]]]:
    """The page's lines in reading order, each with the boxes of its cells."""
    tables = _whole_tables(page, page.find_tables(TABLE_SETTINGS))
    items: list[tuple[float, float, list[tuple[str, tuple[Box, ...]]]]] = []  # (top, x0, lines)
    outside = page
    chars = _CharIndex(page.chars) if tables else None
    for table in tables:
        table_rows = table.rows
        rows = [(_tab_row(row), boxes) for row, boxes in zip(chars.extract(table, table_rows),
                                                             _cell_boxes(table, table_rows), strict=True)]
        rows = [row for row in rows if row[0].strip("\t ")]
        if rows:
            items.append((table.bbox[1], table.bbox[0], rows))
        outside = outside.outside_bbox(table.bbox, strict=False)
    for top, x0, text, box in _paragraphs(outside.extract_text_lines(return_chars=False)):
        items.append((top, x0, [(text, (box,))]))
    items.sort(key=lambda item: (round(item[0], 1), round(item[1], 1)))
    return [line for _, _, block in items for line in block]


def _box(x0: float, top: float, x1: float, bottom: float) -> Box:
    return (round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2))


def _cell_boxes(table, rows: list) -> list[tuple[Box, ...]]:
    """The box of every cell of every row of `table` (in `Table.rows` order, a box per column).

    pdfplumber gives None for a grid position that a merged cell covers (spanning rows or columns): its box
    is that merged cell's, the cell that holds the position's top left corner. A position no cell holds (a
    hole in the ruling, its text empty) gets its column's width (the narrowest cell starting there) and
    the row's height."""
    xs = sorted({cell[0] for cell in table.cells})
    out = []
    for row in rows:
        top = row.bbox[1]
        bottom = min(cell[3] for cell in row.cells if cell is not None)
        boxes = []
        for x, cell in zip(xs, row.cells, strict=True):
            if cell is None:
                cell = next((c for c in table.cells if c[0] <= x < c[2] and c[1] <= top < c[3]), None) \
                    or (x, top, min(c[2] for c in table.cells if c[0] == x), bottom)
            boxes.append(_box(*cell))
        out.append(tuple(boxes))
    return out


def _whole_tables(page, tables: list) -> list:
    """Tables found in part, where a page break cut merged cells, read whole.

    A spreadsheet export draws no border where a merged cell is cut by a page break: the merged columns
    (a project's name, amounts and goal, spanning all its indicator rows) keep their vertical rules but
    have no top or bottom edge on this page, so pdfplumber finds the table without them (or in parts either
    side of them) and their text is left outside as running lines. Where vertical rules beside a table span
    its full height, the table's frame is closed at its top and bottom and the page is read again."""
    rules = [e for e in page.edges if e["orientation"] == "v"]
    frames = set()
    for t in tables:
        x0, top, x1, bottom = t.bbox
        if any((e["x0"] < x0 - 1 or e["x0"] > x1 + 1) and abs(e["top"] - top) <= SAME_EDGE
               and abs(e["bottom"] - bottom) <= SAME_EDGE for e in rules):
            frames.update((top, bottom))
    if not frames:
        return tables
    whole = page.find_tables({**TABLE_SETTINGS, "explicit_horizontal_lines": sorted(frames)})
    covered = lambda ts: sum((t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1]) for t in ts)  # noqa: E731
    return whole if covered(whole) > covered(tables) else tables


class _CharIndex:
    """A page's characters by the height of their middle, to read a table's cells.

    `extract` gives what pdfplumber's `Table.extract()` gives (a character is in the row, then in the cell,
    whose box holds its middle; a cell's characters in page order, read by `extract_text`), without
    testing every character of the page against every row of every table."""

    def __init__(self, chars: list[dict]):
        self.chars = chars
        self.middles = [((c["top"] + c["bottom"]) / 2, (c["x0"] + c["x1"]) / 2) for c in chars]
        self.order = sorted(range(len(chars)), key=lambda i: self.middles[i][0])
        self.heights = [self.middles[i][0] for i in self.order]

    def extract(self, table, rows: list | None = None) -> list[list[str | None]]:
        """The text of every cell of the table (`rows`: its `Table.rows`, when the caller has them)."""
        from pdfplumber.utils import extract_text

        chars, middles = self.chars, self.middles
        out = []
        for row in table.rows if rows is None else rows:
            x0, top, x1, bottom = row.bbox
            found = self.order[bisect_left(self.heights, top):bisect_left(self.heights, bottom)]
            in_row = [i for i in sorted(found) if x0 <= middles[i][1] < x1]
            cells: list[str | None] = []
            for cell in row.cells:
                if cell is None:
                    cells.append(None)
                    continue
                c0, ctop, c1, cbottom = cell
                inside = [chars[i] for i in in_row
                          if c0 <= middles[i][1] < c1 and ctop <= middles[i][0] < cbottom]
                cells.append(extract_text(inside) if inside else "")
            out.append(cells)
        return out


def _tab_row(row: list[str | None]) -> str:
    return "\t".join(_cell(c) for c in row)


def _cell(text: str | None) -> str:
    if not text:
        return ""
    return join_cell_parts(p.strip() for p in text.replace("\t", " ").split("\n"))


def join_cell_parts(parts) -> str:
    """A cell's wrapped pieces as one text (empty pieces skipped): rejoined without a space, except between
    two Latin words or numbers. The text layer's cells and OCR's cells are joined alike."""
    out = ""
    for part in parts:
        if not part:
            continue
        if out and (out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum()):
            out += " "  # two Latin words or numbers: keep them apart
        out += part
    return out


def _paragraphs(text_lines: list[dict]) -> list[tuple[float, float, str, Box]]:
    """Text lines with each paragraph's wrapped lines joined: (top, x0, text, the paragraph's box)."""
    lines = [t for t in text_lines if t["text"].strip()]
    if not lines:
        return []
    right = max(t["x1"] for t in lines)
    out: list[tuple[float, float, str, tuple[float, float, float, float]]] = []
    first = previous = None
    for line in lines:
        height = max(line["bottom"] - line["top"], 1.0)
        if previous is not None and _continues(previous, line, first, right, height):
            top, x0, text, (b0, btop, b1, bbottom) = out[-1]
            out[-1] = (top, x0, _join(text, line["text"]),
                       (min(b0, line["x0"]), min(btop, line["top"]), max(b1, line["x1"]), max(bbottom, line["bottom"])))
        else:
            out.append((line["top"], line["x0"], line["text"], (line["x0"], line["top"], line["x1"], line["bottom"])))
            first = line
        previous = line
    return [(top, x0, text, _box(*box)) for top, x0, text, box in out]


def _continues(previous: dict, line: dict, first: dict, right: float, height: float) -> bool:
    """`line` is the wrapped continuation of the paragraph `previous` belongs to."""
    full = previous["x1"] >= right - FULL_LINE_CHARS * height
    close = 0 < line["top"] - previous["top"] <= MAX_LINE_GAP * height
    hanging = line["x0"] <= first["x0"] - 0.5 * height  # starts left of the paragraph's first line
    aligned = previous is not first and abs(line["x0"] - previous["x0"]) < 0.5 * height
    return full and close and (hanging or aligned) and not LIST_MARKER_RE.match(line["text"])


def _join(text: str, more: str) -> str:
    if text and more and text[-1].isascii() and text[-1].isalpha() and more[0].isascii() and more[0].isalpha():
        return f"{text} {more}"
    return text + more
