"""Comparing the same kind of department across cities (信访, 统计, 气象 …): a page per department type
present in at least `MIN_CITIES` cities, and an index of the types.

    compare/index.md     every department type with its cities and documents; publishers of no type
    compare/<type>.md    one row per city (its 部门预算; a city with none, its 单位预算), a chart of 支出总计

Every number is a published `headline_figures` row (pipeline/headline.py picks it), linked to the
disclosure page's 主要数字; nothing is summed or computed here. The tables sort by any column
(javascripts/sortable.js).
"""

from __future__ import annotations

from collections import defaultdict

from ..headline import BY_NAME
from .browse import city_label, publisher_of
from .charts import bar_chart_svg
from .data import SiteData
from .escape import front_matter, path
from .escape import title as title_text
from .figures import places_of
from .markdown import amount, esc, share, table
from .places import UNKNOWN, place_of, slug
from .printed import Places

MIN_CITIES = 3
DEPARTMENT = "部门预算"
# the columns of a comparison: (heading, headline_figures.measure)
COLUMNS = (
    ("收入总计", "收入总计"), ("支出总计", "支出总计"), ("基本支出", "基本支出"), ("项目支出", "项目支出"),
    ("人员经费", "人员经费"), ("公用经费", "公用经费"), ("三公经费", "三公经费"),
    ("因公出国（境）费", "因公出国（境）费"), ("公务用车购置及运行费", "公务用车购置及运行费"),
    ("公务接待费", "公务接待费"), ("机关运行经费", "机关运行经费"),
)
CHARTED = "支出总计"


def type_page(department_type: str) -> str:
    return f"compare/{slug(department_type)}.md"


def city_of(document: dict) -> tuple[str, str]:
    place = place_of(document.get("region"))
    return place.province, place.city


def by_city(data: SiteData) -> dict[str, dict[tuple[str, str], list[dict]]]:
    """department type → (province, city) → its documents that print a headline figure."""
    out: dict[str, dict[tuple[str, str], list[dict]]] = defaultdict(lambda: defaultdict(list))
    for d in data.documents:
        kind = d.get("department_type")
        if kind and data.of("headline_figures", d["doc_id"]) and city_of(d)[1] != UNKNOWN:
            out[kind][city_of(d)].append(d)
    return {k: out[k] for k in sorted(out, key=lambda k: (slug(k), k))}


def compared(data: SiteData) -> dict[str, list[dict]]:
    """department type → the documents its page compares, by city: each city's 部门预算 of that type, or
    where it has none, its other disclosures of it; types of `MIN_CITIES` cities or more."""
    out = {}
    for kind, cities in by_city(data).items():
        if len(cities) < MIN_CITIES:
            continue
        rows = []
        for city in sorted(cities, key=lambda c: (slug(c[0]), slug(c[1]), c)):
            docs = cities[city]
            departments = [d for d in docs if d.get("kind") == DEPARTMENT]
            rows.extend(sorted(departments or docs, key=lambda d: (publisher_of(d), -(d.get("fiscal_year") or 0),
                                                                    d["doc_id"])))
        out[kind] = rows
    return out


def pages(data: SiteData, types: dict[str, list[dict]], places: Places | None = None) -> dict[str, str]:
    """The comparison pages of `types` (see `compared`), by path under the docs folder."""
    out = {"compare/index.md": _index(data, types)}
    for kind, documents in types.items():
        out[type_page(kind)] = _type_page(data, kind, documents, places)
    return out


def _index(data: SiteData, types: dict[str, list[dict]]) -> str:
    out = ["# 部门比较\n",
           f"同一类部门（信访、统计、气象……）在不同城市的主要数字。出现在 {MIN_CITIES} 个或更多城市的部门类型各有一页，"
           "每个城市一行；部门类型由发布单位的名称确定（`pipeline/departments.py`），数字都是各文件印出的数字"
           "（数据表 `headline_figures`）。下表只计印有主要数字的公开文件。\n"]
    rows = []
    for kind, cities in by_city(data).items():
        name = f"[{esc(kind)}]({path(slug(kind) + '.md')})" if kind in types else esc(kind)
        rows.append([name, len(cities), sum(len(docs) for docs in cities.values()),
                     "" if kind in types else f"不足 {MIN_CITIES} 个城市"])
    out.append(table(["部门类型", "城市", "文件", "说明"], rows, "lrrl") if rows else "还没有可以比较的部门。\n")
    unmapped = sorted({publisher_of(d) for d in data.documents if not d.get("department_type")
                       and d.get("status") not in ("not_a_disclosure", "no_text_layer")})
    out.append("\n## 未归类的发布单位 { #unmapped }\n")
    if unmapped:
        out.append(f"以下 {len(unmapped)} 个发布单位的名称不能确定部门类型，不参加比较：\n")
        out.append("\n".join(f"- {esc(p)}" for p in unmapped) + "\n")
    else:
        out.append("每个发布单位都有部门类型。\n")
    return "\n".join(out)


def _type_page(data: SiteData, kind: str, documents: list[dict], places: Places | None = None) -> str:
    cities = {city_of(d) for d in documents}
    out = [front_matter({"title": title_text(f"{kind}：各城市比较")}), f"# {esc(kind)}：各城市比较\n",
           f"[部门比较](index.md) › {esc(kind)}\n",
           f"{len(cities)} 个城市的 {len(documents)} 份公开文件，金额单位万元。每个数字链接到它所在公开文件页面的"
           "“主要数字”，那里有表号和行号；“原文”打开印出它的那一页（框出该数字）；点击表头可排序。\n"]
    figures = {d["doc_id"]: {h["measure"]: h for h in data.of("headline_figures", d["doc_id"])} for d in documents}
    several = {c for c in cities if sum(city_of(d) == c for d in documents) > 1}
    charted = [(_label(d, city_of(d) in several), h["amount"], amount(h["amount"], places_of(h["amount"], h.get("printed"))))
               for d in documents if (h := figures[d["doc_id"]].get(CHARTED)) is not None and h["amount"] > 0]
    if charted:
        svg = bar_chart_svg(charted, f"{kind} {CHARTED}")
        out.append(f'<figure class="chart" markdown>\n{svg}\n<figcaption>{esc(CHARTED)}（万元）</figcaption>\n'
                   "</figure>\n")
    one_fund = False
    rows = []
    for d in documents:
        doc_page = path("..", "disclosures", d["doc_id"] + ".md")
        cells = [esc(_city_name(d)), f"[{esc(publisher_of(d))}]({doc_page})", d.get("fiscal_year") or "—",
                 esc(d.get("kind") or "")]
        for _, measure in COLUMNS:
            h = figures[d["doc_id"]].get(measure)
            if h is None:
                cells.append("—")
                continue
            mark = "*" if (h.get("fund") or None) != BY_NAME[measure].fund else ""
            one_fund = one_fund or bool(mark)
            printed = places.href(d["doc_id"], h, measure) if places is not None else None
            cells.append(f"[{amount(h['amount'], places_of(h['amount'], h.get('printed')))}]({doc_page}#headline)"
                         + mark + (f" [原文](../{printed})" if printed else ""))
        cells += [len(data.of("projects", d["doc_id"])) or "—", share(d.get("facts_confirmed_share"))]
        rows.append(cells)
    headers = ["城市", "发布单位", "年度", "类型", *(f"{h}（万元）" for h, _ in COLUMNS), "项目数", "经校验确认"]
    out.append('<div class="yusuan-sortable" markdown>\n\n'
               + table(headers, rows, "llll" + "r" * (len(COLUMNS) + 2)) + "\n</div>\n")
    if one_fund:
        out.append("\\* 只含一种资金的数字（headline_figures.fund）：例如文件没有支出总表时，基本支出、项目支出取自"
                   "一般公共预算支出表；“三公”经费表只按资金列出时，取其一般公共预算一栏。\n")
    out.append("“—”：该文件没有印出这个数字（或未能读出）。人员经费、公用经费取自一般公共预算基本支出表；"
               "机关运行经费取自“三公”经费表，表中没有时取自情况说明。项目数是项目支出表按项目列出的行数（projects），"
               "“—”表示文件没有按项目列出的项目支出表（有的只按经济分类列出）。\n")
    return "\n".join(out)


def _city_name(d: dict) -> str:
    province, city = city_of(d)
    return city_label(province, city) if city != province else city


def _label(d: dict, with_publisher: bool) -> str:
    """A bar's label: the city, and the publisher where the city has several rows (labels must differ)."""
    return f"{_city_name(d)} {publisher_of(d)}" if with_publisher else _city_name(d)


