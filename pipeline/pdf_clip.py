"""Text a PDF paints outside its clipping path is not on the page: leave it out of the extraction.

Spreadsheets exported to PDF clip every cell's text to the cell. A merged cell cut by a page break keeps
its whole text, centred on the full merged height: half of it lies outside the part of the cell that is
on this page, clipped away (the row is printed again, whole, on the next page). pdfminer does not
implement clipping (`do_W` is a no-op), so pdfplumber returns that invisible text, interleaved with the
text of its neighbours below or above the table ("110 管 00 理 02 咨 …").

`install()` teaches pdfminer rectangular clipping, which is what such exports use: `W` records the
bounding box of the current path (in device space) as the graphics state's clip, intersected with the
clip in force; `q`/`Q` keep it with the rest of the state; a character whose centre lies outside the clip
is not added to the page. A clip that is no rectangle is taken as its bounding box, so text is only ever
left out where no part of the clip could show it.
"""

from __future__ import annotations

Rect = tuple[float, float, float, float]
TOLERANCE = 0.5  # points: a glyph centred on the clip's edge stays

_installed = False


def install() -> None:
    """Patch pdfminer once per process (idempotent)."""
    global _installed
    if _installed:
        return
    from pdfminer.converter import PDFLayoutAnalyzer
    from pdfminer.pdfinterp import PDFGraphicState, PDFPageInterpreter

    copy = PDFGraphicState.copy

    def copy_with_clip(self):
        state = copy(self)
        state.clip = getattr(self, "clip", None)
        return state

    def set_clip(self) -> None:
        box = _path_box(self.curpath, self.ctm)
        if box is not None:
            self.graphicstate.clip = _intersect(getattr(self.graphicstate, "clip", None), box)

    render_char = PDFLayoutAnalyzer.render_char

    def render_visible_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):
        adv = render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate)
        clip = getattr(graphicstate, "clip", None)
        if clip is not None and self.cur_item._objs and _outside(self.cur_item._objs[-1].bbox, clip):
            self.cur_item._objs.pop()  # painted where the clip hides it: not on the page
        return adv

    PDFGraphicState.copy = copy_with_clip
    PDFPageInterpreter.do_W = set_clip
    PDFPageInterpreter.do_W_a = set_clip
    PDFLayoutAnalyzer.render_char = render_visible_char
    _installed = True


def _path_box(path, ctm) -> Rect | None:
    """The device-space bounding box of a path's points (None for an empty or degenerate path)."""
    a, b, c, d, e, f = ctm
    xs, ys = [], []
    for segment in path:
        coords = [v for v in segment[1:] if isinstance(v, (int, float))]
        for x, y in zip(coords[0::2], coords[1::2], strict=False):
            xs.append(a * x + c * y + e)
            ys.append(b * x + d * y + f)
    if not xs or max(xs) - min(xs) <= 0 or max(ys) - min(ys) <= 0:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def _intersect(current: Rect | None, box: Rect) -> Rect:
    if current is None:
        return box
    x0, y0 = max(current[0], box[0]), max(current[1], box[1])
    x1, y1 = min(current[2], box[2]), min(current[3], box[3])
    return (x0, y0, max(x0, x1), max(y0, y1))


def _outside(bbox: Rect, clip: Rect) -> bool:
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    return not (clip[0] - TOLERANCE <= cx <= clip[2] + TOLERANCE and clip[1] - TOLERANCE <= cy <= clip[3] + TOLERANCE)
