"""Small Markdown writers shared by the generated pages: tables, amounts, Datasette links (escaping: `escape`).

Conventions every generated table follows (the tests rely on them): a column whose header contains
（万元） holds amounts, printed with the decimals the document printed; a column headed 行 holds the
`source_line` of that row in the input text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote, urlencode

from .escape import md
from .figures import places_of

AMOUNT_HEADER = "金额（万元）"
DOC_STATUS = {"ok": "完整", "partial": "部分读出", "failed": "读取失败"}  # documents.status in words


def esc(text: object) -> str:
    """Text as printed, safe inside a Markdown paragraph or table cell (one line, no markup): `escape.md`."""
    return md(text)


def amount(value: Decimal | None, places: int | None = None) -> str:
    if value is None:
        return "—"
    if places is None:
        places = places_of(value)
    return f"{value:,.{places}f}"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], align: Sequence[str] = ()) -> str:
    """A Markdown table; `align` per column: "l" (default) or "r"."""
    marks = [("---:" if (align[i] if i < len(align) else "l") == "r" else "---") for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(marks) + " |"]
    for row in rows:
        lines.append("| " + " | ".join("" if c is None else str(c) for c in row) + " |")
    return "\n".join(lines) + "\n"


def html_table(headers: Sequence[str], rows: Iterable[Sequence[object]], align: Sequence[str] = ()) -> str:
    """The HTML Python-Markdown makes of `table(headers, rows, align)`, for a raw HTML block: cells are
    HTML already (escaped with `escape.text`), and Markdown does not run its inline patterns over them
    (most of the time of rendering a disclosure page went into its big tables). No links in here: MkDocs
    checks and rewrites only the links Markdown made."""
    styles = [' style="text-align: right;"' if (align[i] if i < len(align) else "l") == "r" else ""
              for i in range(len(headers))]
    lines = ["<table>", "<thead>", "<tr>", *(f"<th{styles[i]}>{h}</th>" for i, h in enumerate(headers)), "</tr>",
             "</thead>", "<tbody>"]
    for row in rows:
        lines += ["<tr>", *(f"<td{styles[i]}>{'' if c is None else c}</td>" for i, c in enumerate(row)), "</tr>"]
    return "\n".join(lines + ["</tbody>", "</table>"])


def size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def share(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@dataclass(frozen=True)
class Datasette:
    """Links to the database's tables: a Datasette instance if `base` is given, else Datasette Lite
    loading the site's own copy of yusuan.db (from `site_url`, or, without one, from the page's address
    at reading time: `javascripts/datasette-lite.js` completes links of class `datasette-lite`)."""

    base: str = ""  # e.g. https://datasette.example.org (a Datasette serving yusuan.db)
    site_url: str = ""  # the published site, e.g. https://example.github.io/yusuan/
    lite: str = "https://lite.datasette.io/"

    def table_url(self, resource: str, **filters: str) -> tuple[str, str]:
        """(href, extra attributes for attr_list) of a link to `resource` filtered by `filters`."""
        query = f"?{urlencode(filters)}" if filters else ""
        if self.base:
            return f"{self.base.rstrip('/')}/yusuan/{resource}{query}", ""
        fragment = f"#/yusuan/{resource}{query}"
        if self.site_url:
            db = self.site_url.rstrip("/") + "/yusuan.db"
            return f"{self.lite}?url={quote(db, safe=':/')}{fragment}", ""
        return f"{self.lite}?url=yusuan.db{fragment}", "{ .datasette-lite }"

    def link(self, text: str, resource: str, **filters: str) -> str:
        href, attrs = self.table_url(resource, **filters)
        return f"[{text}]({href}){attrs}"
