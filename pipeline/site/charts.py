"""Charts rendered at build time: Altair → Vega-Lite → SVG (vl-convert), inlined in the page.

No script and no network at reading time. Text stays text in the SVG (searchable, selectable); it is
measured at build time with the Noto CJK fonts (registered from /usr/share/fonts) and drawn by the
reader's browser with the first of FONT it has. The SVG scales down to the width of a phone screen
(`max-width: 100%`, its viewBox keeps the proportions). The same data always gives the same bytes.

Rendering one chart takes ~70 ms (Vega-Lite in vl-convert), most of a disclosure page's markdown: with
`cached_in` a folder, each SVG is kept there under the key of everything it is made of (the bars, the
title, the unit, this module's code, the altair and vl-convert versions and the fonts installed), and
a rebuild takes it from there. An entry names its key and the sha256 of its SVG in its first line; one
that does not match is rendered again.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from importlib import metadata
from pathlib import Path

from ..atomic import make_folder, write_atomic

FONT = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif'
FONT_DIRECTORIES = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
WIDTH = 300  # the plot area, in px; labels and amounts come on top (a phone shows it at ~2/3 size)
BAR = "#3f6fb5"
CACHE_MAGIC = "yusuan-chart 1"  # first word of a cache entry's first line; bump when the layout changes


@cache
def _converter():
    import vl_convert

    for folder in FONT_DIRECTORIES:
        if folder.is_dir():
            vl_convert.register_font_directory(str(folder))
    return vl_convert


@cache
def _renderer() -> str:
    """What the SVG of given bars depends on besides them: this module's code, the versions of altair and
    vl-convert, and the fonts it measures text with (their names, sizes and times)."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(f"altair {metadata.version('altair')} vl-convert {metadata.version('vl-convert-python')}\n".encode())
    for folder in FONT_DIRECTORIES:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                stat = path.stat()
                h.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return h.hexdigest()


def chart_key(bars: Sequence[tuple[str, Decimal, str]], title: str, unit: str) -> str:
    data = json.dumps([[label, str(amount), shown] for label, amount, shown in bars] + [title, unit],
                      ensure_ascii=False)
    return hashlib.sha256(f"{_renderer()}\n{data}".encode()).hexdigest()


class ChartCache:
    """Rendered charts by key in `folder` (build/cache/charts/); `used` holds the keys this build used."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()

    def get(self, key: str) -> str | None:
        """The SVG of the entry of `key`, if it is whole and of this key."""
        try:
            data = (self.folder / f"{key}.svg").read_bytes()
        except OSError:
            return None
        head, _, body = data.partition(b"\n")
        if head != f"{CACHE_MAGIC} {key} {hashlib.sha256(body).hexdigest()}".encode("ascii"):
            return None
        try:
            svg = body.decode("utf-8")
        except UnicodeDecodeError:
            return None
        self.used.add(key)
        return svg

    def put(self, key: str, svg: str) -> None:
        body = svg.encode("utf-8")
        make_folder(self.folder)
        write_atomic(self.folder / f"{key}.svg", f"{CACHE_MAGIC} {key} {hashlib.sha256(body).hexdigest()}\n".encode() + body)
        self.used.add(key)

    def prune(self) -> None:
        """Remove the charts this build did not use; call after a good build."""
        for path in self.folder.glob("*.svg") if self.folder.is_dir() else []:
            if path.stem not in self.used:
                path.unlink(missing_ok=True)


def bar_chart_svg(bars: Sequence[tuple[str, Decimal, str]], title: str, unit: str = "万元",
                  cached_in: ChartCache | None = None) -> str:
    """A horizontal bar chart of (label, amount, amount as shown) as an inline, responsive <svg>; taken
    from, or kept in, `cached_in` if given."""
    if cached_in is None:
        return _render(bars, title, unit)
    key = chart_key(bars, title, unit)
    svg = cached_in.get(key)
    if svg is None:
        svg = _render(bars, title, unit)
        cached_in.put(key, svg)
    return svg


def _render(bars: Sequence[tuple[str, Decimal, str]], title: str, unit: str) -> str:
    import altair as alt

    values = [{"label": label, "amount": float(amount), "shown": shown} for label, amount, shown in bars]
    base = alt.Chart(alt.Data(values=values)).encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=200, labelFontSize=14)),
        x=alt.X("amount:Q", title=unit, axis=alt.Axis(format=",.0f", tickCount=3, grid=True, labelFontSize=12, titleFontSize=12)),
    )
    chart = (
        alt.layer(
            base.mark_bar(color=BAR, height=20),
            base.mark_text(align="left", dx=4, fontSize=13, color="#222").encode(text="shown:N"),
        )
        .properties(width=WIDTH, height=alt.Step(30))
        .configure(font=FONT, background="white")
        .configure_view(stroke=None)
    )
    svg = _converter().vegalite_to_svg(chart.to_dict())
    return responsive(svg, title)


def responsive(svg: str, title: str) -> str:
    """Make vl-convert's SVG scale with its container and describe itself to screen readers."""
    label = html.escape(title, quote=True)
    svg = re.sub(r"^<svg ", f'<svg role="img" aria-label="{label}" style="max-width:100%;height:auto" ', svg, count=1)
    svg = re.sub(r'class="marks"', 'class="marks chart-svg"', svg, count=1)
    # raw HTML inside Markdown must not contain blank lines
    return "\n".join(line for line in svg.splitlines() if line.strip())
