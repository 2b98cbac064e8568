"""PDF pages as PNG images for 查看原文 (printed.py), rendered at build time with pypdfium2.

A page is rendered in grey at `SCALE` pixels per PDF point, its media box whole: pdfplumber measures
`source_bbox` from the top left of the media box, so a box in points times SCALE is the box in the
image's pixels. The same PDF, page and renderer give the same bytes (pdfium draws deterministically and
Pillow writes no time into a PNG), so an image is cached by the PDF's sha256, the page and the renderer's
identity (`renderer_id`: this module's code and the pypdfium2 and pdfium versions) in
`build/cache/page-images/`, written atomically, and rendered once.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..atomic import make_folder, write_atomic

SCALE = 2  # pixels per PDF point (144 dpi): a table's small print stays readable when zoomed on a phone
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@lru_cache(maxsize=1)
def renderer_id() -> str:
    """What an image depends on besides the PDF and the page."""
    import pypdfium2

    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    versions = f"{pypdfium2.PYPDFIUM_INFO}-{pypdfium2.PDFIUM_INFO}"
    return f"{code}-{hashlib.sha256(versions.encode()).hexdigest()[:16]}"


def render_pages(pdf: Path, pages: Iterable[int]) -> dict[int, bytes]:
    """PNG bytes of each page of `pdf` (1-based) that exists and renders; a page that does not is left out."""
    import pypdfium2

    out: dict[int, bytes] = {}
    try:
        document = pypdfium2.PdfDocument(str(pdf))
    except pypdfium2.PdfiumError:
        return out
    try:
        for number in sorted(set(pages)):
            if not 1 <= number <= len(document):
                continue
            try:
                page = document[number - 1]
                try:
                    page.set_cropbox(*page.get_mediabox())  # the frame pdfplumber's coordinates are in
                    image = page.render(scale=SCALE, grayscale=True).to_pil()
                finally:
                    page.close()
            except pypdfium2.PdfiumError:
                continue
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", compress_level=6)
            out[number] = buffer.getvalue()
    finally:
        document.close()
    return out


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels from a PNG's header."""
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@dataclass
class PageImages:
    """Page images by (sha256, page), kept in `folder` (None: rendered every time, nothing kept).
    `rendered` counts the pages rendered in this build and `seconds` their time."""

    folder: Path | None
    rendered: int = 0
    reused: int = 0
    seconds: float = 0.0
    used: set[Path] = field(default_factory=set)

    def path(self, sha256: str, page: int) -> Path | None:
        return None if self.folder is None else self.folder / renderer_id() / sha256 / f"{page}.png"

    def write(self, pdf: Path, sha256: str, pages: Iterable[int], target: Path) -> dict[int, tuple[int, int]]:
        """Put the PNG of each page into `target/<page>.png` (a hard link to the cached file where one can be
        made); returns each page's image size. A page that cannot be rendered has no file and no size."""
        from .downloads import link_or_copy

        sizes: dict[int, tuple[int, int]] = {}
        wanted = sorted(set(pages))
        cached = {n: self.path(sha256, n) for n in wanted}
        missing = [n for n in wanted if cached[n] is None or not cached[n].is_file()]
        fresh: dict[int, bytes] = {}
        if missing:
            t0 = time.perf_counter()
            fresh = render_pages(pdf, missing)
            self.seconds += time.perf_counter() - t0
            self.rendered += len(fresh)
        make_folder(target)
        for n in wanted:
            data = fresh.get(n)
            if data is not None:
                if cached[n] is not None:  # into the cache, then linked into the site
                    make_folder(cached[n].parent)
                    write_atomic(cached[n], data)
                else:
                    write_atomic(target / f"{n}.png", data)
            elif n in missing:
                continue  # not rendered: no image
            else:
                data = cached[n].read_bytes()[:24]
                self.reused += 1
            size = png_size(data)
            if size is None:
                continue
            if cached[n] is not None:
                self.used.add(cached[n])
                link_or_copy(cached[n], target / f"{n}.png")
            sizes[n] = size
        return sizes

    def prune(self) -> None:
        """Remove the cached images this build did not use (and those of other renderers)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for renderer in self.folder.iterdir():
            if renderer.name != renderer_id():
                shutil.rmtree(renderer, ignore_errors=True) if renderer.is_dir() else renderer.unlink()
                continue
            for image in renderer.glob("*/*"):  # also what a killed build left (temporary names)
                if image not in self.used:
                    image.unlink(missing_ok=True)
            for folder in renderer.iterdir():
                if folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
