"""Charts rendered at build time: Altair → Vega-Lite → SVG (vl-convert), inlined in the page.

No script and no network at reading time. Text stays text in the SVG (searchable, selectable); it is
measured at build time with the Noto CJK fonts (registered from /usr/share/fonts) and drawn by the
reader's browser with the first of FONT it has. The SVG scales down to the width of a phone screen
(`max-width: 100%`, its viewBox keeps the proportions). The same data always gives the same bytes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path

FONT = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif'
FONT_DIRECTORIES = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
WIDTH = 300  # the plot area, in px; labels and amounts come on top (a phone shows it at ~2/3 size)
BAR = "#3f6fb5"


@cache
def _converter():
    import vl_convert

    for folder in FONT_DIRECTORIES:
        if folder.is_dir():
            vl_convert.register_font_directory(str(folder))
    return vl_convert


def bar_chart_svg(bars: Sequence[tuple[str, Decimal, str]], title: str, unit: str = "万元") -> str:
    """A horizontal bar chart of (label, amount, amount as shown) as an inline, responsive <svg>."""
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
