"""The ruling lines of a page image: where a scanned (or rendered) table draws its rows and columns.

A scan is often turned a little (a degree is 35 pixels across the page): its angle is measured on its long
horizontal rules and the page levelled first (`skew`, `level`), so that rows and columns are straight.

Dark pixels are opened with a long thin kernel, horizontally and vertically, so that only straight runs
longer than any character's stroke are left; each run is a segment. A table is a group of horizontal and
vertical segments that touch each other, at least two of each and one horizontal rule longer than any
character: a stroke of a character or an underline is left out. The segments are also erased from the image given to the recogniser,
so that a character printed against a rule (一 beside a cell's left border) is read as a character.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .disjoint_sets import DisjointSets

# A pixel is ink when it is this much darker than the paper (the page's 90th percentile of gray): light
# grey rules (192 on white) are rules, a header's grey fill (241) is not, a scan's grey paper is paper.
INK_CONTRAST = 35
MAX_INK = 215
MIN_RULE_PT = 14.0  # a rule is longer than any stroke of a 10.5–12 pt character
MAX_THICK_PT = 3.0  # a rule is thinner than this
TOUCH_PT = 4.0  # a vertical and a horizontal rule this close touch (a scan's breaks and skew)
MIN_TABLE_WIDTH_PT = 60.0  # a table's longest horizontal rule is longer than any character's stroke
MIN_SKEW = 0.05  # degrees: a page turned less is read as it is (0.05° is 1.5 pixels across 2000)


@dataclass(frozen=True)
class Segment:
    x0: float
    y0: float
    x1: float
    y1: float  # pixels


def find_rules(gray: np.ndarray, scale: float) -> tuple[list[Segment], list[Segment], np.ndarray]:
    """(horizontal rules, vertical rules, the image with the rules erased) of a grayscale page image
    rendered at `scale` pixels per point; only rules that belong to a table (touch one of the other
    direction) are kept."""
    import cv2

    ink = (gray < ink_level(gray)).astype(np.uint8)
    length = max(int(MIN_RULE_PT * scale), 8)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    hs = _segments(horizontal, scale, horizontal=True)
    vs = _segments(vertical, scale, horizontal=False)
    hs, vs = _touching(hs, vs, TOUCH_PT * scale, scale)
    erased = gray.copy()
    mask = np.zeros_like(ink)
    for s in hs + vs:
        mask[int(s.y0):int(s.y1) + 1, int(s.x0):int(s.x1) + 1] = 1
    # only the rule's own pixels (a character crossing it keeps its other strokes)
    rule_ink = ((horizontal | vertical) & mask).astype(bool)
    rule_ink = cv2.dilate(rule_ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    erased[rule_ink] = 255
    return hs, vs, erased


def skew(gray: np.ndarray, scale: float) -> float:
    """The angle (degrees, OpenCV's sense: positive turns the page counter-clockwise) that makes a scanned
    page's long horizontal rules horizontal; 0.0 when it has none (a page of text) or they are level."""
    import cv2

    ink = (gray < ink_level(gray)).astype(np.uint8)
    length = max(int(MIN_RULE_PT * scale), 8)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(horizontal, connectivity=8)
    angles, weights = [], []
    for i in range(1, count):
        x, y, w, h = stats[i, :4]
        if w < gray.shape[1] * 0.25 or h > w * 0.05:  # a long, nearly horizontal rule
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == i)
        if len(xs) < w:
            continue
        slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
        angles.append(float(np.degrees(np.arctan(slope))))
        weights.append(float(w))
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cumulative = np.cumsum(np.array(weights)[order])
    median = float(np.array(angles)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])
    return round(median, 3) if abs(median) >= MIN_SKEW else 0.0


def level(gray: np.ndarray, angle: float) -> np.ndarray:
    """The page turned by `angle` degrees about its centre, white where it turns in."""
    import cv2

    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


def ink_level(gray: np.ndarray) -> int:
    """The gray level under which a pixel of this page is ink."""
    paper = int(np.percentile(gray[::4, ::4], 90))
    return min(paper - INK_CONTRAST, MAX_INK)


def _segments(mask: np.ndarray, scale: float, horizontal: bool) -> list[Segment]:
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, count):
        x, y, w, h = stats[i, :4]
        thick = h if horizontal else w
        if thick > MAX_THICK_PT * scale * 2:  # a filled area (a stamp, a photo), no rule
            continue
        out.append(Segment(float(x), float(y), float(x + w - 1), float(y + h - 1)))
    return out


def _touching(hs: list[Segment], vs: list[Segment], tol: float, scale: float = 1.0
              ) -> tuple[list[Segment], list[Segment]]:
    """The segments of groups of touching segments that make a table: at least two of each direction, the
    longest horizontal one at least MIN_TABLE_WIDTH_PT long (a large bold character's strokes touch each
    other too, but are short: they are not rules and are not erased)."""
    sets = DisjointSets(len(hs) + len(vs))
    find = sets.find
    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if v.x0 - tol <= h.x1 and h.x0 - tol <= v.x1 and h.y0 - tol <= v.y1 and v.y0 - tol <= h.y1:
                sets.join(i, len(hs) + j)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for i in range(len(hs)):
        groups.setdefault(find(i), ([], []))[0].append(i)
    for j in range(len(vs)):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(j)
    keep_h, keep_v = [], []
    for h_ids, v_ids in groups.values():
        if len(h_ids) >= 2 and len(v_ids) >= 2 and \
                max(hs[i].x1 - hs[i].x0 for i in h_ids) >= MIN_TABLE_WIDTH_PT * scale:
            keep_h += h_ids
            keep_v += v_ids
    return [hs[i] for i in sorted(keep_h)], [vs[j] for j in sorted(keep_v)]
