"""历年数字: a publisher's headline figures year by year, on each of its disclosure pages.

The series is made of the publisher's own disclosures, one per year (the same region, publisher and kind,
matched on their keys): each year's figure is that year's `headline_figures` row, linked to its page.
Where a disclosure prints last year's figures and last year's own disclosure is here too, the
`restatement-mismatch` checks (checks across documents) say whether they agree; they are listed under the
series. Nothing is summed or recomputed here.
"""

from __future__ import annotations

from collections import defaultdict

from ..headline import NAMES
from .data import SiteData, key
from .escape import path
from .figures import places_of
from .markdown import AMOUNT_HEADER, Datasette, amount, esc, table

RESTATEMENT = "restatement-mismatch"
SHOWN = 10  # the columns of a page's series: the disclosures nearest to it by year


def publisher_key(document: dict) -> tuple[str, str, str] | None:
    """What makes two disclosures the same publisher's series: region, publisher and kind (keys)."""
    if not (document.get("publisher") and document.get("fiscal_year")):
        return None
    return key(document.get("region")), key(document["publisher"]), key(document.get("kind"))


def series_of(data: SiteData) -> dict[tuple[str, str, str], list[dict]]:
    """Each publisher's disclosures, by year (several of one year stay: the table shows each)."""
    out: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for d in data.documents:
        k = publisher_key(d)
        if k is not None:
            out[k].append(d)
    for docs in out.values():
        docs.sort(key=lambda d: (d["fiscal_year"], d["doc_id"]))
    return dict(out)


def series_section(data: SiteData, document: dict, series: dict[tuple[str, str, str], list[dict]],
                   datasette: Datasette | None = None) -> str:
    """The section of `document` (a documents row), from `series_of(data)` made once for every page: the
    `SHOWN` disclosures nearest to it in the series (a page does not grow with the publisher's years)."""
    doc_id = document["doc_id"]
    k = publisher_key(document)
    every = series.get(k, []) if k else []
    at = next((i for i, d in enumerate(every) if d["doc_id"] == doc_id), 0)
    start = max(0, min(at - SHOWN // 2, len(every) - SHOWN))
    docs = every[start:start + SHOWN]
    out = ["\n## 历年数字 { #series data-search-exclude }\n"]
    if len(docs) < 2:
        year = document.get("fiscal_year")
        out.append(f"本站只有本单位 {year} 年的这一份公开文件；有了其他年度的文件，这里按年列出主要数字，"
                   "并核对本文件所印上年数与上年文件是否一致。\n" if year else
                   "本文件的年度未能读出，无法与其他年度的文件对照。\n")
        return "\n".join(out)
    figures = {d["doc_id"]: {h["measure"]: h for h in data.of("headline_figures", d["doc_id"])} for d in docs}
    measures = [m for m in NAMES if any(m in f for f in figures.values())]
    headers = ["项目", *(_column(d, d["doc_id"] == doc_id) for d in docs)]
    rows = []
    for m in measures:
        row = [esc(m)]
        for d in docs:
            h = figures[d["doc_id"]].get(m)
            row.append(amount(h["amount"], places_of(h["amount"], h.get("printed"))) if h else "—")
        rows.append(row)
    if len(every) > len(docs):
        every_link = datasette.link("全部列表", "documents", publisher=document["publisher"]) if datasette else ""
        out.append(f"本单位在本站有 {len(every)} 份公开文件，这里列出年度与本文件最近的 {len(docs)} 份"
                   + (f"（{every_link}）" if every_link else "") + f"（{AMOUNT_HEADER}，各年数字取自当年文件，点击年度打开该文件）：\n")
    else:
        out.append(f"本单位在本站的 {len(docs)} 份公开文件（{AMOUNT_HEADER}，各年数字取自当年文件，点击年度打开该文件）：\n")
    out.append(table(headers, rows, "l" + "r" * len(docs)))
    restated = [c for c in data.of("checks", doc_id) if c.get("check") == RESTATEMENT]
    if restated:
        failed = [c for c in restated if not c.get("passed")]
        out.append(f"\n本文件所印上年数与上年文件核对 {len(restated)} 项，{len(failed)} 项不一致"
                   + ("：\n" if failed else "。\n"))
        for c in failed:
            out.append(f"- {esc(c.get('message'))}（行 {c.get('source_line') or '—'}）")
        if failed:
            out.append("")
    return "\n".join(out)


def _column(document: dict, current: bool) -> str:
    year = esc(document["fiscal_year"])
    return f"{year}（本文件）" if current else f"[{year}]({path(str(document['doc_id']) + '.md')})"
