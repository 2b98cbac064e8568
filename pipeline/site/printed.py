"""查看原文: every figure the site shows, one click from the place it is printed.

The pages ask `Places.link` for the link of a record (a fact, a headline figure, a project, a check: any
row with `source_file`, `source_line`, `source_page` and, where known, `source_bbox`); `Places.write` then
writes what those links point to, and nothing else:

- a PDF: the page as an image, `pages/<source_sha256>/<page>.png` (PAGE_IMAGE, rendered by
  `page_images.py`, cached), and beside it a page view, `pages/<source_sha256>/<page>.html`, that shows
  the image with each linked cell's box (`source_bbox`, PDF points, scaled to a share of the image's
  width and height, so the outline scales with the image on any screen). A link names its box as the
  fragment (`#b-<x0>-<top>-<x1>-<bottom>`): the CSS `:target` rule outlines that box alone and the
  browser scrolls to it. Several figures of one page share its image and its view; a record without a
  box links to the page.
- a text document: `sources/<source_sha256>.html` (TEXT_VIEW), the text with its line numbers, one
  anchor per line (`#L<source_line>`), the linked line highlighted by `:target` and scrolled to.

The views are plain HTML files with their own small stylesheet (no script, nothing from another host):
they work offline and on a phone. Everything from a document (its text, titles, labels) is escaped. A
source is shown only when its file is in the input folder with the sha256 the database records for it;
otherwise its figures have no link.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import make_folder, write_atomic
from ..cache import file_sha256
from ..errors import PipelineError
from ..fields import FILES_SEPARATOR, PRINTED_PLACES
from ..safe_paths import inside
from .data import SiteData
from .page_images import SCALE, PageImages

# under the site's root, as the data describes them (fields.PRINTED_PLACES)
PAGE_IMAGE = PRINTED_PLACES["page_image"]
PAGE_VIEW = PRINTED_PLACES["page_view"].split("#")[0]  # #b-<x0>-<top>-<x1>-<bottom>: box_id
TEXT_VIEW = PRINTED_PLACES["text_view"].split("#")[0]  # #L<source_line>
LINK_TEXT = "查看原文"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # never shown as such (a form feed separates PDF pages)
BOX_MARGIN = 1.5  # points around a cell's box: the outline does not cover the printed digits

Box = tuple[float, float, float, float]


def parse_box(value: object) -> Box | None:
    """`source_bbox` ("x0,top,x1,bottom", PDF points) as numbers, or None if it is not a box."""
    if not isinstance(value, str):
        return None
    parts = value.split(",")
    if len(parts) != 4:
        return None
    try:
        x0, top, x1, bottom = (float(p) for p in parts)
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (x0, top, x1, bottom)) or x1 < x0 or bottom < top:
        return None
    return x0, top, x1, bottom


def box_id(box: Box) -> str:
    """The page view's id of a box: source_bbox with "-" for "," (fields.PRINTED_PLACES)."""
    return "b-" + "-".join(f"{v:.2f}" for v in box)


@dataclass
class _Source:
    """One input file the site shows: where it is, what it is, and what is linked in it."""

    name: str
    sha256: str
    path: Path
    doc_ids: list[str] = field(default_factory=list)
    pages: dict[int, dict[str, list[str]]] = field(default_factory=dict)  # page → box id → labels ("" no box)
    boxes: dict[str, Box] = field(default_factory=dict)
    lines: set[int] = field(default_factory=set)

    @property
    def is_pdf(self) -> bool:
        return self.name.lower().endswith(".pdf")


class Places:
    """The printed places the pages link to (see the module's docstring)."""

    def __init__(self, data: SiteData, inputs: Path | None):
        self.inputs = inputs
        self.titles = {d["doc_id"]: d.get("title") or d.get("publisher") or d["doc_id"] for d in data.documents}
        self.files: dict[tuple[str, str], tuple[str, str]] = {}  # (doc_id, file name) → (sha256, name)
        for d in data.documents:
            names = (d.get("source_file") or "").split(FILES_SEPARATOR)
            shas = (d.get("source_sha256") or "").split(FILES_SEPARATOR)
            for name, sha in zip(names, shas, strict=False):
                if name and SHA256.match(sha or ""):
                    self.files[(d["doc_id"], name)] = (sha, name)
        self.sources: dict[str, _Source | None] = {}  # by sha256; None: not in the input folder as recorded

    def _source(self, doc_id: str, name: str | None) -> _Source | None:
        found = self.files.get((doc_id, name or ""))
        if found is None or self.inputs is None:
            return None
        sha, name = found
        if sha not in self.sources:
            source = None
            try:
                path = inside(self.inputs, name)
                if path.is_file() and file_sha256(path) == sha:
                    source = _Source(name, sha, path)
            except (PipelineError, OSError):
                pass
            self.sources[sha] = source
        source = self.sources[sha]
        if source is not None and doc_id not in source.doc_ids:
            source.doc_ids.append(doc_id)
        return source

    def href(self, doc_id: str, record: dict | None, label: str = "") -> str | None:
        """The address (from the site's root) of where `record` is printed, or None where it cannot be shown.
        `label` names the figure on the page view."""
        if record is None or not record.get("source_line"):
            return None
        source = self._source(doc_id, record.get("source_file"))
        if source is None:
            return None
        line = int(record["source_line"])
        if not source.is_pdf:
            source.lines.add(line)
            return TEXT_VIEW.format(source_sha256=source.sha256) + f"#L{line}"
        page = record.get("source_page")
        if not isinstance(page, int) or page < 1:
            return None
        box = parse_box(record.get("source_bbox"))
        anchor = box_id(box) if box is not None else ""
        if box is not None:
            source.boxes[anchor] = box
        labels = source.pages.setdefault(page, {}).setdefault(anchor, [])
        if label and label not in labels:
            labels.append(label)
        return PAGE_VIEW.format(source_sha256=source.sha256, source_page=page) + (f"#{anchor}" if anchor else "")

    def link(self, doc_id: str, record: dict | None, label: str = "", up: str = "../") -> str:
        """A Markdown link 查看原文 to where `record` is printed (relative to a page `up` from the root), or ""."""
        target = self.href(doc_id, record, label)
        return f"[{LINK_TEXT}]({up}{target})" if target else ""

    # ------------------------------------------------------------------------------------ writing

    def write(self, docs: Path, images: PageImages) -> dict[str, int]:
        """Write the page images, page views and text views linked so far into `docs`."""
        counts = {"pages": 0, "texts": 0}
        for sha, source in sorted(self.sources.items()):
            if source is None:
                continue
            if source.is_pdf and source.pages:
                folder = make_folder(docs / "pages" / sha)
                sizes = images.write(source.path, sha, source.pages, folder)
                for page in sorted(source.pages):
                    write_atomic(folder / f"{page}.html", self._page_view(source, page, sizes.get(page)).encode())
                    counts["pages"] += 1
            elif not source.is_pdf and source.lines:
                make_folder(docs / "sources")
                write_atomic(docs / "sources" / f"{sha}.html", self._text_view(source).encode("utf-8"))
                counts["texts"] += 1
        return counts

    def _head(self, title: str, source: _Source, up: str) -> list[str]:
        back = " · ".join(f'<a href="{up}disclosures/{html.escape(d, quote=True)}/">{html.escape(self.titles.get(d, d))}</a>'
                          for d in source.doc_ids)
        return [
            "<!doctype html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="robots" content="noindex">',
            f"<title>{html.escape(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
            f'<header><p class="back">{back}</p><h1>{html.escape(title)}</h1></header>',
        ]

    def _page_view(self, source: _Source, page: int, size: tuple[int, int] | None) -> str:
        title = f"{source.name} 第 {page} 页"
        out = self._head(title, source, "../../")
        marks = source.pages[page]
        order = sorted((a for a in marks if a), key=lambda a: (source.boxes[a][1], source.boxes[a][0], a))  # as read
        if size is None:
            out.append('<p class="missing">本页的图像未能生成（PDF 的这一页无法绘制）。</p>')
        else:
            width, height = size
            points_w, points_h = width / SCALE, height / SCALE
            out.append(f'<div class="page" style="max-width:{width * 3 // 4}px" '
                       f'data-points="{points_w:.2f},{points_h:.2f}">')
            out.append(f'<img src="{page}.png" width="{width}" height="{height}" '
                       f'alt="{html.escape(source.name, quote=True)} 第 {page} 页">')
            for anchor in order:
                x0, top, x1, bottom = source.boxes[anchor]
                x0, top = min(points_w, max(0.0, x0 - BOX_MARGIN)), min(points_h, max(0.0, top - BOX_MARGIN))
                x1, bottom = max(x0, min(points_w, x1 + BOX_MARGIN)), max(top, min(points_h, bottom + BOX_MARGIN))
                style = (f"left:{100 * x0 / points_w:.3f}%;top:{100 * top / points_h:.3f}%;"
                         f"width:{100 * max(0.0, x1 - x0) / points_w:.3f}%;"
                         f"height:{100 * max(0.0, bottom - top) / points_h:.3f}%")
                label = "；".join(marks[anchor])
                out.append(f'<a class="box" id="{anchor}" href="#{anchor}" style="{style}" '
                           f'title="{html.escape(label, quote=True)}"></a>')
            out.append('<span class="box any" hidden></span>')  # the box of a fragment no figure above has
            out.append("</div>")
            out.append(f"<script>{ANY_BOX}</script>")
        listed = [(a, label) for a in order + ([""] if "" in marks else []) for label in marks[a]]
        if listed:
            out.append("<h2>本页链接到的数字</h2>")
            out.append("<ul>" + "".join(
                f'<li><a href="#{a}">{html.escape(label)}</a></li>' if a else f"<li>{html.escape(label)}</li>"
                for a, label in listed) + "</ul>")
        out.append(f'<p class="note">{html.escape(source.name)} 第 {page} 页，按原样绘制；红框是所链接的数字所在的单元格。'
                   f"文件 SHA-256：<code>{source.sha256}</code></p>")
        out += ["</body>", "</html>", ""]
        return "\n".join(out)

    def _text_view(self, source: _Source) -> str:
        from ..text.decode import read_text
        from ..text.lines import split_lines

        title = f"{source.name}（原文）"
        out = self._head(title, source, "../")
        try:
            text, sha = read_text(source.path)
        except PipelineError:
            text, sha = "", ""
        if sha != source.sha256:  # changed since it was checked: the lines would not be those cited
            out.append('<p class="missing">文件已经改变，不能显示。</p>')
            out += ["</body>", "</html>", ""]
            return "\n".join(out)
        out.append('<p class="note">文件的文字按原样显示，左边是行号（即数据中的 source_line）；'
                   f"黄色是所链接的行。文件 SHA-256：<code>{source.sha256}</code></p>")
        out.append('<div class="text">')
        for line in split_lines(text):
            n = line.number
            cited = ' class="cited"' if n in source.lines else ""
            shown = html.escape(CONTROL.sub("\ufffd", line.text), quote=False)
            out.append(f'<div id="L{n}"{cited}><a href="#L{n}">{n}</a><span>{shown}</span></div>')
        out.append("</div>")
        out += ["</body>", "</html>", ""]
        return "\n".join(out)


# any fact's source_bbox as the fragment (#b-x0-top-x1-bottom, from the database's printed_place query) is
# outlined too, also where no figure of the site links to it; a box the page holds needs no script (:target)
ANY_BOX = (
    "(function(){var p=document.querySelector('.page'),b=p.querySelector('.box.any'),s=p.dataset.points.split(',');"
    "function show(){var m=/^#b-(-?[0-9.]+)-(-?[0-9.]+)-(-?[0-9.]+)-(-?[0-9.]+)$/.exec(location.hash);"
    "b.hidden=true;if(!m||document.getElementById(location.hash.slice(1)))return;"
    f"var q=m.slice(1).map(Number),w=+s[0],h=+s[1],e={BOX_MARGIN};"
    "var x0=Math.max(0,q[0]-e),y0=Math.max(0,q[1]-e),x1=Math.min(w,q[2]+e),y1=Math.min(h,q[3]+e);"
    "if(!(x1>x0&&y1>y0))return;b.style.left=100*x0/w+'%';b.style.top=100*y0/h+'%';"
    "b.style.width=100*(x1-x0)/w+'%';b.style.height=100*(y1-y0)/h+'%';b.hidden=false;"
    "b.scrollIntoView({block:'center'})}"
    "addEventListener('hashchange',show);show()})();"
)

STYLE = (
    "body{margin:0;font:16px/1.5 -apple-system,'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;"
    "color:#222;background:#fafafa}"
    "header{padding:.5rem 1rem;background:#ef5350;color:#fff}header a{color:#fff}"
    "header h1{font-size:1.1rem;margin:.2rem 0;overflow-wrap:anywhere}.back{margin:0;font-size:.9rem}"
    "h2{font-size:1rem;margin:1rem}ul{margin:0 1rem 1rem}.note,.missing{margin:1rem;font-size:.85rem;color:#555}"
    "code{overflow-wrap:anywhere}"
    ".page{position:relative;margin:0 auto;background:#fff}"
    ".page img{display:block;width:100%;height:auto}"
    ".box{position:absolute;box-sizing:border-box;border:3px solid #e53935;background:rgba(255,214,0,.18);"
    "opacity:0;scroll-margin:40vh 0}"
    ".box:target,.box.any{opacity:1}.box[hidden]{display:none}"
    ".text{font:13px/1.6 ui-monospace,'Noto Sans Mono CJK SC',monospace;background:#fff;padding:.5rem 0;"
    "overflow-x:auto}"
    ".text div{display:flex;min-height:1.6em;white-space:pre-wrap;tab-size:4;overflow-wrap:anywhere;scroll-margin:40vh 0}"
    ".text a{flex:none;width:4.5em;padding-right:.8em;text-align:right;color:#999;text-decoration:none;"
    "user-select:none}"
    ".text .cited{background:#fff8e1}.text div:target{background:#ffeb3b}"
)

