"""The ruling lines of a page image: where a scanned (or rendered) table draws its rows and columns.

Dark pixels are opened with a long thin kernel, horizontally and vertically, so that only straight runs
longer than any character's stroke are left; each run is a segment. A table is a group of horizontal and
vertical segments that touch each other: a stroke of a character or an underline touches no rule of the
other direction and is left out. The segments are also erased from the image given to the recogniser,
so that a character printed against a rule (一 beside a cell's left border) is read as a character.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DARK = 170  # gray level under which a pixel is ink (scans are grey, not black)
MIN_RULE_PT = 14.0  # a rule is longer than any stroke of a 10.5–12 pt character
MAX_THICK_PT = 3.0  # a rule is thinner than this
TOUCH_PT = 4.0  # a vertical and a horizontal rule this close touch (a scan's breaks and skew)


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

    ink = (gray < DARK).astype(np.uint8)
    length = max(int(MIN_RULE_PT * scale), 8)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    hs = _segments(horizontal, scale, horizontal=True)
    vs = _segments(vertical, scale, horizontal=False)
    hs, vs = _touching(hs, vs, TOUCH_PT * scale)
    erased = gray.copy()
    mask = np.zeros_like(ink)
    for s in hs + vs:
        mask[int(s.y0):int(s.y1) + 1, int(s.x0):int(s.x1) + 1] = 1
    # only the rule's own pixels (a character crossing it keeps its other strokes)
    rule_ink = ((horizontal | vertical) & mask).astype(bool)
    rule_ink = cv2.dilate(rule_ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    erased[rule_ink] = 255
    return hs, vs, erased


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


def _touching(hs: list[Segment], vs: list[Segment], tol: float) -> tuple[list[Segment], list[Segment]]:
    """The segments that touch at least one segment of the other direction."""
    keep_h, keep_v = set(), set()
    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if v.x0 - tol <= h.x1 and h.x0 - tol <= v.x1 and h.y0 - tol <= v.y1 and v.y0 - tol <= h.y1:
                keep_h.add(i)
                keep_v.add(j)
    return [hs[i] for i in sorted(keep_h)], [vs[j] for j in sorted(keep_v)]
