"""Where on its page each record of a PDF was printed (`source_bbox`), and how sure OCR was of an amount.

The extraction keeps the boxes of every line's cells (`pdf.ExtractedText.boxes`). Right after a PDF's lines
are read, each fact gets the box of the cell its amount was printed in: the cell of its line whose text is
the printed number (as printed, spaces aside); where the line prints that number in several cells, the
line's facts of that number take those cells in column order (the order the reader makes facts in); where
no cell prints it (a line read from a paragraph), the union of the line's cells. A fact read by OCR also
gets that cell's confidence. Every other record cites a whole line: its box is the union of the line's
cells, kept for the lines records cite (`DocumentResult.line_boxes`) and filled in after the checks, with
the pages (`sources.add_pages`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from .pdf import Box, ExtractedText
from .records import DocumentResult

CONFIDENCE_PLACES = Decimal("0.001")
# the records that cite a line, by DocumentResult attribute (the statements too: checks cite them)
CITING = ("facts", "projects", "goals", "indicators", "glossary", "unparsed", "statements")


def bbox_text(box: Box) -> str:
    """A box as published: x0,top,x1,bottom with 2 decimals."""
    return ",".join(f"{v:.2f}" for v in box)


def union(boxes: Iterable[Box]) -> Box | None:
    boxes = list(boxes)
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _same(text: str) -> str:
    return "".join(text.split())


def locate(result: DocumentResult, name: str, extracted: ExtractedText) -> None:
    """Give the facts of file `name` (just read from `extracted`) the box of their cell and, where OCR read
    it, its confidence; keep the box of every line a record of that file cites."""
    if not extracted.boxes:
        return  # no boxes known
    lines = extracted.text.split("\n")
    boxes, confidence = extracted.boxes, extracted.confidence
    taken: dict[tuple[int, str], int] = defaultdict(int)  # (line, printed) → facts placed so far
    for fact in result.facts:
        if fact.source_file not in (None, name) or not 1 <= fact.source_line <= len(boxes):
            continue
        i = fact.source_line - 1
        cells = lines[i].split("\t")
        if len(cells) != len(boxes[i]):
            continue  # not the line the boxes are of (never seen): no box rather than a wrong one
        printed = _same(fact.printed)
        matching = [j for j, cell in enumerate(cells) if _same(cell) == printed] or \
                   [j for j, cell in enumerate(cells) if printed and printed in _same(cell)]
        k = taken[fact.source_line, printed]
        taken[fact.source_line, printed] = k + 1
        line_confidence: Sequence[float] = confidence[i] if i < len(confidence) else ()
        if k < len(matching):
            j = matching[k]
            fact.source_bbox = bbox_text(boxes[i][j])
            if line_confidence:
                fact.ocr_confidence = _confidence(line_confidence[j])
        elif boxes[i]:
            fact.source_bbox = bbox_text(union(boxes[i]))
            if line_confidence:  # the cell is unknown: the least sure of the line's
                fact.ocr_confidence = _confidence(min(line_confidence))
    cited = {r.source_line for attr in CITING for r in getattr(result, attr)
             if r.source_file in (None, name) and r.source_line is not None}
    result.line_boxes[name] = {line: bbox_text(box) for line in sorted(cited)
                               if 1 <= line <= len(boxes) and (box := union(boxes[line - 1])) is not None}


def _confidence(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CONFIDENCE_PLACES)


def box_of(result: DocumentResult, source_file: str | None, line: int | None) -> str | None:
    """The box of line `line` of `source_file` (the union of its cells), None for text inputs."""
    return result.line_boxes.get(source_file or "", {}).get(line) if line is not None else None
