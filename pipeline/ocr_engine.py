"""A page image read by the OCR engine: text boxes with their confidence, and the page's ruling lines.

The page is rendered by pdfium (pypdfium2) so that its longer side is `LONG_SIDE` pixels (the engine
reads no larger image), its table rules are found and erased (`ocr_rules.py`), and RapidOCR (PP-OCRv4
Chinese models, run by onnxruntime, all inside their wheels: no network) finds and reads the text lines.
A text box that crosses a column rule (two cells read as one line) is read again in parts, one per cell.

Everything is returned in PDF points in pdfplumber's coordinates (x from the page's left, top from its
top), rounded to 0.01, and cached per page under the build cache by the PDF's sha256, the page number and
`engine_id()` (the engine's and its models' versions, the rendering, and this code's hash), written
atomically: a page is read by OCR once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

LONG_SIDE = 2000  # pixels: RapidOCR shrinks any larger image to this before it reads it
MIN_SPLIT_PT = 4.0  # a box is cut at a rule only when both parts are this wide (not a rule's thickness)


@dataclass(frozen=True)
class PageRead:
    width: float  # points
    height: float
    h_rules: tuple[tuple[float, float, float, float], ...]  # (x0, top, x1, bottom) in points
    v_rules: tuple[tuple[float, float, float, float], ...]
    boxes: tuple[tuple[float, float, float, float, str, float], ...]  # (x0, top, x1, bottom, text, score)
    seconds: float = 0.0  # how long the engine took (kept for the benchmark; not part of the result)
    # a scan turned a little is read levelled: the rules and boxes above are on the levelled page, turned
    # by `skew` degrees about `centre` (points); `on_page` turns a box back onto the page
    skew: float = 0.0
    centre: tuple[float, float] = (0.0, 0.0)

    def as_json(self) -> dict:
        return {"width": self.width, "height": self.height, "h_rules": self.h_rules, "v_rules": self.v_rules,
                "boxes": self.boxes, "seconds": self.seconds, "skew": self.skew, "centre": self.centre}

    def on_page(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A box of the levelled page as a box of the page (the bounding box of its turned corners)."""
        if not self.skew:
            return box
        import math

        a = math.radians(-self.skew)  # OpenCV's rotation by -skew undoes the levelling
        cos, sin = math.cos(a), math.sin(a)
        cx, cy = self.centre
        xs, ys = [], []
        for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
            xs.append(cos * (x - cx) + sin * (y - cy) + cx)
            ys.append(-sin * (x - cx) + cos * (y - cy) + cy)
        return (round(max(min(xs), 0.0), 2), round(max(min(ys), 0.0), 2),
                round(min(max(xs), self.width), 2), round(min(max(ys), self.height), 2))

    @classmethod
    def from_json(cls, data: dict) -> PageRead:
        return cls(float(data["width"]), float(data["height"]),
                   tuple(tuple(map(float, r)) for r in data["h_rules"]),
                   tuple(tuple(map(float, r)) for r in data["v_rules"]),
                   tuple((*map(float, b[:4]), str(b[4]), float(b[5])) for b in data["boxes"]),
                   float(data.get("seconds", 0.0)), float(data.get("skew", 0.0)),
                   tuple(map(float, data.get("centre", (0.0, 0.0)))))


@lru_cache(maxsize=1)
def engine_id() -> str:
    """What an OCR result depends on besides the page: the engine, its models (shipped in its wheel, so
    named by its version), onnxruntime, pdfium, and the code of the OCR modules that make the result."""
    here = Path(__file__).parent
    code = hashlib.sha256(b"".join((here / name).read_bytes()
                                   for name in ("ocr_engine.py", "ocr_rules.py", "disjoint_sets.py"))).hexdigest()[:12]
    versions = "-".join(f"{name}-{metadata.version(name)}" for name in
                        ("rapidocr-onnxruntime", "onnxruntime", "pypdfium2", "opencv-python-headless"))
    return f"ocr-{code}-{versions}-ppocrv4-{LONG_SIDE}"


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def read_page(path: Path, index: int, sha256: str | None, cache_dir: Path | None) -> tuple[PageRead, bool]:
    """Page `index` (0-based) of the PDF read by OCR, from the cache when it was read before; returns the
    result and whether it came from the cache."""
    cache_file = cache_dir / f"{sha256}-p{index + 1}-{engine_id()}.json" if cache_dir and sha256 else None
    if cache_file and cache_file.exists():
        try:
            return PageRead.from_json(json.loads(cache_file.read_text(encoding="utf-8"))), True
        except (ValueError, KeyError, TypeError, IndexError):
            pass  # a damaged entry is read again
    result = _read(path, index)
    if cache_file:
        from .atomic import write_atomic

        cache_file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cache_file, json.dumps(result.as_json(), ensure_ascii=False).encode("utf-8"))
    return result, False


def render(path: Path, index: int):
    """(grayscale image as a numpy array, pixels per point, (x, top) offset of the rendered box in points)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[index]
        width, height = page.get_size()
        scale = LONG_SIDE / max(width, height, 1.0)
        image = page.render(scale=scale, grayscale=True).to_numpy()
        if image.ndim == 3:
            image = image[:, :, 0]
        media, crop = page.get_mediabox(), page.get_cropbox()
        offset = (crop[0] - media[0], media[3] - crop[3])
        return image.copy(), scale, offset, (width, height)
    finally:
        pdf.close()


def _read(path: Path, index: int) -> PageRead:
    import time

    import numpy as np

    from .ocr_rules import find_rules, ink_level, level, skew

    t0 = time.perf_counter()
    gray, scale, (dx, dy), (width, height) = render(path, index)
    angle = skew(gray, scale)
    if angle:
        gray = level(gray, angle)
    hs, vs, erased = find_rules(gray, scale)
    engine = _engine()
    rgb = np.dstack([erased] * 3)
    blank = not (erased < ink_level(gray)).any()  # nothing printed: no engine run
    found = [] if blank else engine(rgb, text_score=0.0)[0]  # every box is kept, with its confidence
    boxes = []
    for quad, text, score in found or []:
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        box = (max(min(xs), 0), max(min(ys), 0), max(xs), max(ys))
        boxes.extend(_split(engine, rgb, box, str(text), float(score), vs, scale))
    boxes = _joined(engine, rgb, boxes, vs, scale)
    to_pt = lambda v, d: round(v / scale + d, 2)  # noqa: E731
    return PageRead(
        round(width, 2), round(height, 2),
        tuple((to_pt(s.x0, dx), to_pt(s.y0, dy), to_pt(s.x1 + 1, dx), to_pt(s.y1 + 1, dy)) for s in hs),
        tuple((to_pt(s.x0, dx), to_pt(s.y0, dy), to_pt(s.x1 + 1, dx), to_pt(s.y1 + 1, dy)) for s in vs),
        tuple((to_pt(x0, dx), to_pt(y0, dy), to_pt(x1, dx), to_pt(y1, dy), text, round(score, 3))
              for x0, y0, x1, y1, text, score in boxes if text.strip()),
        round(time.perf_counter() - t0, 2), angle,
        (round(gray.shape[1] / 2 / scale + dx, 2), round(gray.shape[0] / 2 / scale + dy, 2)))


TOUCH = 0.3  # boxes on one line closer than this many line heights are parts of one text


def _joined(engine, rgb, boxes: list, vs, scale: float) -> list:
    """Boxes that touch on one line, with no rule between them, read again as one: the detector sometimes
    cuts a number in two (12,681.8 | 80), and each part is then read with a digit too many or too few."""
    boxes = sorted(boxes, key=lambda b: (b[0], b[1]))
    changed = True
    while changed:
        changed = False
        for i, a in enumerate(boxes):
            for j in range(i + 1, len(boxes)):
                b = boxes[j]
                height = min(a[3] - a[1], b[3] - b[1])
                overlap = min(a[3], b[3]) - max(a[1], b[1])
                if height <= 0 or overlap < 0.6 * height or b[0] - a[2] > TOUCH * height or b[0] < a[0]:
                    continue
                middle = (max(a[1], b[1]) + min(a[3], b[3])) / 2
                if any(v.y0 <= middle <= v.y1 and a[0] < (v.x0 + v.x1) / 2 < b[2] for v in vs):
                    continue  # two cells
                union = (a[0], min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                crop = rgb[int(union[1]):int(union[3]) + 1, int(union[0]):int(union[2]) + 1]
                read, _ = engine(crop, use_det=False, use_cls=False, use_rec=True)
                if not read or not str(read[0][0]).strip():
                    continue
                boxes[i] = (*union, str(read[0][0]), float(read[0][1]))
                del boxes[j]
                changed = True
                break
            if changed:
                break
    return boxes


def _split(engine, rgb, box, text: str, score: float, vs, scale: float) -> list:
    """A box cut at the vertical rules it crosses, each part read again (two cells are two texts)."""
    x0, y0, x1, y1 = box
    middle = (y0 + y1) / 2
    margin = MIN_SPLIT_PT * scale
    cuts = sorted({(v.x0 + v.x1) / 2 for v in vs
                   if v.y0 <= middle <= v.y1 and x0 + margin < (v.x0 + v.x1) / 2 < x1 - margin})
    if not cuts:
        return [(x0, y0, x1, y1, text, score)]
    out = []
    edges = [x0, *cuts, x1]
    for a, b in zip(edges, edges[1:], strict=False):
        crop = rgb[int(y0):int(y1) + 1, int(a):int(b) + 1]
        if crop.size == 0:
            continue
        read, _ = engine(crop, use_det=False, use_cls=False, use_rec=True)
        part, part_score = (read[0][0], float(read[0][1])) if read else ("", 0.0)
        if part.strip():
            out.append((a, y0, b, y1, str(part), part_score))
    return out
