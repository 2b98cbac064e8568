"""A page without a text layer (a scan) → the lines the text-layer path makes, read by OCR.

`ocr_engine.py` gives the page's text boxes (with the engine's confidence) and its ruling lines; here they
become lines as `pdf.py` makes them from a text layer, so that the same reader reads them:

- a ruled table (horizontal and vertical rules that touch) becomes tab-separated rows, one per row of its
  grid, one cell per column, empty cells kept; a cell whose rule to its neighbour is not printed is merged
  with it, and its text stands in the merged cell's first row and column, like pdfplumber's; the boxes
  whose middle is in a cell are its text, wrapped lines rejoined;
- the other boxes become lines (boxes whose heights overlap, left to right), and the lines paragraphs by
  the text-layer path's own rules (`pdf._continues`).

A scan turned a little is read levelled (`ocr_rules.skew`); its boxes are turned back onto the page.

Every line comes with its cells' boxes (PDF points, pdfplumber coordinates; for a line outside tables the
paragraph's box) and each cell's confidence: the lowest of its boxes' (1.0 for an empty cell). Digit
groups are written as the text layer writes them (304, 413, 900 → 304,413,900): the engine reads the
separator's shape, not its width, so a full-width comma or a space inside a number is its misreading.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .disjoint_sets import DisjointSets
from .ocr_engine import PageRead, engine_id, read_page
from .pdf import join_cell_parts

Box = tuple[float, float, float, float]
SAME_RULE_PT = 3.0  # rules this close are one column (or row) edge
TOUCH_PT = 4.0  # rules this close touch (one table)
SPACE = 1.0  # boxes on a line this many line heights apart (or more) are separated by a space
PRESENT = 0.5  # a rule is printed between two cells when it covers this share of their common side

GROUP_SEP_RE = re.compile(r"(?<=\d)\s*[,，]\s*(?=\d{3}(?!\d))")
DECIMAL_RE = re.compile(r"(?<=\d)\s*[.．]\s*(?=\d)")
# 入 and 人 differ by a stroke's slant: the engine reads 收入 as 收人 (收人预算总表, 事业收人), which is no word
# of a budget where a title, a total or a cell ends (税收人员 is left alone)
MISREAD_INCOME_RE = re.compile(r"收人(?=预算|合计|总计|总表|表|[）)、：:\s]|$)")
CJK_SPACE_RE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


@dataclass(frozen=True)
class OcrLine:
    text: str
    boxes: tuple[Box, ...]
    confidence: tuple[float, ...]


@lru_cache(maxsize=1)
def ocr_id() -> str:
    """What the lines of a page read by OCR depend on: the engine's result (`engine_id`) and this code."""
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    return f"{engine_id()}-lines-{code}"


def read_scanned_page(path: Path, index: int, sha256: str | None, cache_dir: Path | None,
                      timings=None) -> list[OcrLine]:
    """The lines of page `index` (0-based) read by OCR (the engine's result cached in `cache_dir`). The
    build's timings get the OCR seconds (`ocr`) and the pages read by the engine (`ocr_pages`)."""
    t0 = time.perf_counter()
    page, cached = read_page(path, index, sha256, cache_dir)
    lines = page_lines(page)
    if timings is not None:
        timings.add("ocr", time.perf_counter() - t0)
        if not cached:
            timings.add("ocr_pages", 1)
    return lines


def page_lines(page: PageRead) -> list[OcrLine]:
    """The page's lines in reading order (top to bottom), as `pdf._page_lines` gives a text page's."""
    tables = _tables(page)
    items: list[tuple[float, float, list[OcrLine]]] = []
    used: set[int] = set()
    for table in tables:
        rows, inside = table.rows(page.boxes)
        used |= inside
        if rows:
            items.append((table.ys[0], table.xs[0], rows))
    rest = [b for i, b in enumerate(page.boxes) if i not in used]
    for top, x0, line in _paragraphs(_text_lines(rest)):
        items.append((top, x0, [line]))
    items.sort(key=lambda item: (round(item[0], 1), round(item[1], 1)))
    # a levelled scan's boxes turned back onto the page, where 查看原文 outlines them
    return [OcrLine(line.text, tuple(page.on_page(box) for box in line.boxes), line.confidence)
            for _, _, block in items for line in block]


def clean(text: str) -> str:
    """OCR text as the text layer would hold it: digit groups with an ASCII comma and no space, no space
    between two Chinese characters (the engine reads a wide gap as a space; 深圳市统计局 （本级）), and 收入
    where the engine misreads it as 收人."""
    text = DECIMAL_RE.sub(".", GROUP_SEP_RE.sub(",", text.strip()))
    return MISREAD_INCOME_RE.sub("收入", CJK_SPACE_RE.sub("", text))


# ---------------------------------------------------------------------------------------------------
# Tables


class _Table:
    def __init__(self, xs: list[float], ys: list[float], h_rules: list, v_rules: list):
        self.xs, self.ys = xs, ys
        self.h_rules, self.v_rules = h_rules, v_rules
        rows, cols = len(ys) - 1, len(xs) - 1
        sets = DisjointSets(rows * cols)
        find = sets.find
        for r in range(rows):
            for c in range(cols):
                if c + 1 < cols and not self._v_printed(xs[c + 1], ys[r], ys[r + 1]):
                    sets.join(r * cols + c, r * cols + c + 1)
                if r + 1 < rows and not self._h_printed(ys[r + 1], xs[c], xs[c + 1]):
                    sets.join(r * cols + c, (r + 1) * cols + c)
        spans: dict[int, list[int]] = {}
        for i in range(rows * cols):
            r, c = divmod(i, cols)
            s = spans.setdefault(find(i), [r, c, r, c])
            s[0], s[1], s[2], s[3] = min(s[0], r), min(s[1], c), max(s[2], r), max(s[3], c)
        self.group = [find(i) for i in range(rows * cols)]
        self.spans = spans  # group → [first row, first column, last row, last column]
        self.shape = (rows, cols)

    def _v_printed(self, x: float, top: float, bottom: float) -> bool:
        covered = sum(max(0.0, min(b, bottom) - max(t, top)) for x0, t, x1, b in self.v_rules
                      if abs((x0 + x1) / 2 - x) <= SAME_RULE_PT)
        return covered >= PRESENT * (bottom - top)

    def _h_printed(self, y: float, left: float, right: float) -> bool:
        covered = sum(max(0.0, min(x1, right) - max(x0, left)) for x0, t, x1, b in self.h_rules
                      if abs((t + b) / 2 - y) <= SAME_RULE_PT)
        return covered >= PRESENT * (right - left)

    def rows(self, boxes) -> tuple[list[OcrLine], set[int]]:
        """The table's rows as lines, and which of the page's boxes are inside it."""
        rows, cols = self.shape
        xs, ys = self.xs, self.ys
        texts: dict[int, list] = {}
        inside = set()
        for i, box in enumerate(boxes):
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            if not (xs[0] <= cx < xs[-1] and ys[0] <= cy < ys[-1]):
                continue
            r = _index(ys, cy)
            c = _index(xs, cx)
            texts.setdefault(self.group[r * cols + c], []).append(box)
            inside.add(i)
        out = []
        for r in range(rows):
            cells, cell_boxes, scores = [], [], []
            starts = False
            for c in range(cols):
                g = self.group[r * cols + c]
                r0, c0, r1, c1 = self.spans[g]
                if (r0, c0) == (r, c):
                    starts = True
                    found = texts.get(g, [])
                    cells.append(_cell_text(found))
                    cell_boxes.append((round(xs[c0], 2), round(ys[r0], 2), round(xs[c1 + 1], 2), round(ys[r1 + 1], 2)))
                    scores.append(round(min((b[5] for b in found), default=1.0), 3))
                else:  # covered by a merged cell that starts elsewhere: an empty cell, as pdfplumber's None
                    cells.append("")
                    cell_boxes.append((round(xs[c], 2), round(ys[r], 2), round(xs[c + 1], 2), round(ys[r + 1], 2)))
                    scores.append(1.0)
            if starts and any(cell.strip() for cell in cells):
                out.append(OcrLine("\t".join(cells), tuple(cell_boxes), tuple(scores)))
        return out, inside


def _index(edges: list[float], v: float) -> int:
    for i in range(len(edges) - 1):
        if v < edges[i + 1]:
            return i
    return len(edges) - 2


def _cell_text(boxes) -> str:
    """A cell's boxes as one text: its lines top to bottom, each line's boxes left to right."""
    return join_cell_parts(clean(box[4]).replace("\t", " ") for line in _visual_lines(boxes) for box in line)


def _visual_lines(boxes) -> list[list]:
    """Boxes grouped into lines: a box is on a line when its middle is within the line's height."""
    lines: list[list] = []
    for box in sorted(boxes, key=lambda b: ((b[1] + b[3]) / 2, b[0])):
        middle = (box[1] + box[3]) / 2
        if lines and min(b[1] for b in lines[-1]) <= middle <= max(b[3] for b in lines[-1]):
            lines[-1].append(box)
        else:
            lines.append([box])
    return [sorted(line, key=lambda b: b[0]) for line in lines]


def _tables(page: PageRead) -> list[_Table]:
    """Groups of touching rules with at least two columns and two rows: the page's ruled tables."""
    hs, vs = list(page.h_rules), list(page.v_rules)
    sets = DisjointSets(len(hs) + len(vs))
    find = sets.find
    t = TOUCH_PT
    for i, (hx0, ht, hx1, hb) in enumerate(hs):
        for j, (vx0, vt, vx1, vb) in enumerate(vs):
            if vx0 - t <= hx1 and hx0 - t <= vx1 and ht - t <= vb and vt - t <= hb:
                sets.join(i, len(hs) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    tables = []
    for h_rules, v_rules in groups.values():
        xs = _edges([(v[0] + v[2]) / 2 for v in v_rules])
        ys = _edges([(h[1] + h[3]) / 2 for h in h_rules])
        if len(xs) >= 2 and len(ys) >= 2 and (len(xs) - 1) * (len(ys) - 1) >= 2:
            tables.append(_Table(xs, ys, h_rules, v_rules))
    return sorted(tables, key=lambda tb: (tb.ys[0], tb.xs[0]))


def _edges(values: list[float]) -> list[float]:
    """Rule positions, those closer than SAME_RULE_PT taken as one (their mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= SAME_RULE_PT:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


# ---------------------------------------------------------------------------------------------------
# Text outside tables


def _text_lines(boxes) -> list[dict]:
    """Boxes outside tables as lines: (x0, top, x1, bottom, text, score) dicts, in reading order."""
    out = []
    for line in _visual_lines(boxes):
        text, previous = "", None
        for b in line:
            part = clean(b[4])
            if not part:
                continue
            # a gap of a character or more is a space, as the text layer has it; a closer box goes on
            wide = previous is not None and b[0] - previous[2] >= SPACE * min(b[3] - b[1], previous[3] - previous[1])
            ascii_pair = text and text[-1].isascii() and text[-1].isalnum() and part[0].isascii() and part[0].isalnum()
            text += (" " if wide or ascii_pair else "") + part
            previous = b
        if text:
            out.append({"x0": min(b[0] for b in line), "top": min(b[1] for b in line),
                        "x1": max(b[2] for b in line), "bottom": max(b[3] for b in line),
                        "text": text, "score": min(b[5] for b in line)})
    return sorted(out, key=lambda d: (d["top"], d["x0"]))


def _paragraphs(lines: list[dict]) -> list[tuple[float, float, OcrLine]]:
    """Lines with each paragraph's wrapped lines joined, by the text-layer path's rules."""
    from .pdf import _continues, _join

    if not lines:
        return []
    right = max(t["x1"] for t in lines)
    out: list[list] = []  # [top, x0, text, box, score]
    first = previous = None
    for line in lines:
        height = max(line["bottom"] - line["top"], 1.0)
        if previous is not None and _continues(previous, line, first, right, height):
            p = out[-1]
            p[2] = _join(p[2], line["text"])
            p[3] = (min(p[3][0], line["x0"]), p[3][1], max(p[3][2], line["x1"]), max(p[3][3], line["bottom"]))
            p[4] = min(p[4], line["score"])
        else:
            out.append([line["top"], line["x0"], line["text"],
                        (line["x0"], line["top"], line["x1"], line["bottom"]), line["score"]])
            first = line
        previous = line
    return [(top, x0, OcrLine(text, (tuple(round(v, 2) for v in box),), (round(score, 3),)))
            for top, x0, text, box, score in out]
