"""Browsing the disclosures by place: 省 → 市 → 发布单位 → 年度, instead of one list of every document.

    disclosures/index.md           every province (and 地区未识别) with its counts
    regions/<province>/index.md    its cities, with their counts
    regions/<province>/<city>.md   its publishers, each with its documents by year

(file names from `places.slug`; in their own folder, as disclosures/<doc_id>.md and
disclosures/<province>/index.md would be one URL). Each list has a filter box (javascripts/filter.js: rows that do not
contain the typed text are hidden); the site search finds publishers and projects. Only the province
pages are in the navigation, so it stays short at any number of documents; the document pages
(disclosures/<doc_id>.md) link back to their city's page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from . import feeds
from .data import SiteData
from .escape import front_matter, path
from .escape import title as title_text
from .markdown import DOC_STATUS, esc, table
from .places import MUNICIPALITIES, UNKNOWN, Place, place_of, slug

FILTER = '<input type="search" class="yusuan-filter" placeholder="{hint}" aria-label="{hint}">\n'


@dataclass
class Publisher:
    name: str
    documents: list[dict] = field(default_factory=list)

    @property
    def counties(self) -> list[str]:
        return sorted({c for d in self.documents if (c := place_of(d.get("region")).county)})


@dataclass
class City:
    province: str
    name: str
    publishers: dict[str, Publisher] = field(default_factory=dict)

    @property
    def documents(self) -> list[dict]:
        return [d for p in self.publishers.values() for d in p.documents]


@dataclass(frozen=True)
class Area:
    """A city (地区) as the unit of the per-area pages of 数据质量 and 数据下载: regions/<province>/<city>/
    quality.md and downloads.md, beside the city's page regions/<province>/<city>.md (a folder of that
    name is not a page of its own), so that a changed document re-renders only its city's pages."""

    province: str
    city: str
    label: str
    documents: tuple[dict, ...]  # by doc_id

    @property
    def stem(self) -> str:
        return slug(self.city)

    @property
    def doc_ids(self) -> list[str]:
        return [d["doc_id"] for d in self.documents]

    def page(self, name: str) -> str:
        return f"regions/{slug(self.province)}/{self.stem}/{name}.md"

    up = "../../../"  # from such a page to the docs folder


def areas(data: SiteData) -> list[Area]:
    """Every city with documents, in the order of the browsing pages."""
    out = []
    for province, cities in group(data).items():
        for city in cities.values():
            out.append(Area(province, city.name, city_title(province, city.name), tuple(sorted(city.documents, key=lambda d: d["doc_id"]))))
    return out


def city_label(province: str, city: str) -> str:
    """A city's name on the pages; a province's own departments (四川省 with no city) are its 省级单位."""
    return "省级单位" if city == province and province not in MUNICIPALITIES and province != UNKNOWN else city


def city_title(province: str, city: str) -> str:
    """The title of a city's pages: 北京市 (a municipality), 四川省 省级单位, 江苏省 南通市."""
    label = city_label(province, city)
    return city if city == province and label == city else f"{province} {label}"


def publisher_of(document: dict) -> str:
    return document.get("publisher") or document.get("title") or document["doc_id"]


def city_page(place: Place) -> str:
    """The city's page, relative to the docs folder."""
    return f"regions/{slug(place.province)}/{slug(place.city)}.md"


def province_page(province: str) -> str:
    return f"regions/{slug(province)}/index.md"


def group(data: SiteData) -> dict[str, dict[str, City]]:
    """province → city → City, each sorted by name (地区未识别 last), publishers by name."""
    tree: dict[str, dict[str, City]] = defaultdict(dict)
    for d in data.documents:
        place = place_of(d.get("region"))
        city = tree[place.province].setdefault(place.city, City(place.province, place.city))
        city.publishers.setdefault(publisher_of(d), Publisher(publisher_of(d))).documents.append(d)
    # by pinyin (安徽, 北京 …), 地区未识别 last; a province's own departments before its cities
    order = sorted(tree, key=lambda p: (p == UNKNOWN, slug(p), p))
    out = {}
    for province in order:
        cities = dict(sorted(tree[province].items(), key=lambda kv: (kv[0] == UNKNOWN, kv[0] != province,
                                                                      slug(kv[0]), kv[0])))
        for city in cities.values():
            city.publishers = dict(sorted(city.publishers.items()))
            for p in city.publishers.values():
                p.documents.sort(key=lambda d: (-(d.get("fiscal_year") or 0), d.get("kind") or "", d["doc_id"]))
        out[province] = cities
    return out


def _years(documents: list[dict]) -> str:
    years = sorted({d["fiscal_year"] for d in documents if d.get("fiscal_year")})
    if not years:
        return "—"
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _counts(documents: list[dict]) -> tuple[int, int]:
    return len({publisher_of(d) for d in documents}), len(documents)


def pages(data: SiteData, compared: dict[str, str] | None = None) -> dict[str, str]:
    """Every browsing page, by its path under the docs folder; `compared`: department type → its
    comparison page (compare.py), linked from the city pages."""
    compared = compared or {}
    tree = group(data)
    out = {"disclosures/index.md": _index(data, tree)}
    for province, cities in tree.items():
        out[province_page(province)] = _province(province, cities)
        for city in cities.values():
            out[city_page(Place(province, city.name))] = _city(city, compared)
    return out


def navigation(data: SiteData) -> list[tuple[str, str]]:
    """(title, path) of each province page, for the navigation."""
    return [(title_text(p), province_page(p)) for p in group(data)]


def _index(data: SiteData, tree: dict[str, dict[str, City]]) -> str:
    publishers, documents = _counts(data.documents)
    cities = sum(len(c) for c in tree.values())
    out = ["# 预算公开文件\n",
           f"共 {documents} 份公开文件，来自 {publishers} 个发布单位、{len(tree)} 个省份的 {cities} 个城市（地区），"
           f"年度 {_years(data.documents)}。按省份和城市浏览，每一页都可按名称筛选；站内搜索可查找单位和项目。\n",
           FILTER.format(hint="筛选省份")]
    rows = []
    for province, cs in tree.items():
        docs = [d for c in cs.values() for d in c.documents]
        n_publishers, n_docs = _counts(docs)
        rows.append([f"[{esc(province)}]({path('..', 'regions', slug(province), 'index.md')})", len(cs), n_publishers, n_docs,
                     _years(docs)])
    out.append(table(["省份", "城市（地区）", "发布单位", "文件", "年度"], rows, "lrrrl"))
    return "\n".join(out)


def _province(province: str, cities: dict[str, City]) -> str:
    out = [front_matter({"title": title_text(province), **feeds.head_link(province)}), f"# {esc(province)}\n",
           "[预算公开文件](../../disclosures/index.md) › " + esc(province) + "\n",
           f"[订阅本省的更新（Atom）](../../{feeds.feed_file(province)}) · [更新记录](../../changes.md)\n",
           FILTER.format(hint="筛选城市")]
    rows = []
    for city in cities.values():
        docs = city.documents
        n_publishers, n_docs = _counts(docs)
        counties = sorted({c for p in city.publishers.values() for c in p.counties})
        rows.append([f"[{esc(city_label(province, city.name))}]({path(slug(city.name) + '.md')})", len(counties),
                     n_publishers, n_docs,
                     _years(docs)])
    out.append(table(["城市（地区）", "区县", "发布单位", "文件", "年度"], rows, "lrrrl"))
    return "\n".join(out)


def _city(city: City, compared: dict[str, str]) -> str:
    label, title = city_label(city.province, city.name), city_title(city.province, city.name)
    out = [front_matter({"title": title_text(title)}), f"# {esc(title)}\n",
           f"[预算公开文件](../../disclosures/index.md) › [{esc(city.province)}](index.md) › {esc(label)}\n",
           f"{len(city.publishers)} 个发布单位，{len(city.documents)} 份公开文件。"
           f"[数据下载]({path(slug(city.name), 'downloads.md')}) · [数据质量]({path(slug(city.name), 'quality.md')})\n", FILTER.format(hint="筛选单位、年度或类型")]
    rows = []
    for p in city.publishers.values():
        links = " · ".join(f"[{d.get('fiscal_year') or '年度未知'} {esc(d.get('kind') or '')}]({path('..', '..', 'disclosures', d['doc_id'] + '.md')})"
                           + ("" if d.get("status") == "ok" else f"（{DOC_STATUS.get(d.get('status') or '', esc(d.get('status')))}）")
                           for d in p.documents)
        kinds = sorted({k for d in p.documents if (k := d.get("department_type"))})
        kind = "、".join(f"[{esc(k)}]({path('..', '..', *compared[k].split('/'))})" if k in compared else esc(k)
                        for k in kinds)
        rows.append([esc(p.name), kind or "—", esc("、".join(p.counties)), links])
    out.append(table(["发布单位", "部门类型", "区县", "公开文件（年度 类型）"], rows, "llll"))
    return "\n".join(out)
