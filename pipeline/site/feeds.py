"""The build's log on the site: the 更新记录 page (changes.md) and Atom feeds (feeds/<name>.xml).

Both are made from the `changes` and `newly_failed_checks` tables of the database (pipeline/publish/
changes.py). One entry per row of `changes`, newest first: a disclosure published for the first time, one
updated (facts added / removed / changed, checks that newly fail), one withdrawn. The checks a build found
failing anew are listed in their document's entry. Feeds: `feeds/all.xml` for every region and one per
province (`feeds/<province slug>.xml`, places.slug), each with its newest `FEED_ENTRIES` entries; the
province pages and every page's head link to them (`<link rel="alternate" type="application/atom+xml">`,
pipeline/site/overrides/main.html).

Everything from the documents is untrusted: on the page it goes through `escape`; in a feed, the XML
serializer escapes text and attributes, characters XML 1.0 cannot hold are dropped, and the HTML of an
entry's content is escaped before it is put in. Entry ids are `urn:uuid:` names of the row (doc_id, build
and built_at: the same entry keeps its id, another build's never shares it), `updated` is the row's
built_at. The bytes depend only on the log, the documents and YUSUAN_SITE_URL (absolute links when it is
set, else links relative to the feed).
"""

from __future__ import annotations

import html
import re
import sqlite3
import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urljoin

from .. import __version__
from .data import SiteData
from .escape import attr, code, path
from .markdown import Datasette, esc, table
from .places import place_of, slug

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# uuid5 names of the feeds and entries: fixed, so an entry keeps its id wherever the site is published
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:yusuan:changes")
FEED_ENTRIES = 100  # newest entries per feed
PAGE_ROWS = 500  # rows of changes shown on the page (the rest: Datasette and the downloads)
PAGE_FAILURES = 50  # newly failed checks listed per build on the page
ENTRY_FAILURES = 20  # newly failed checks listed in one feed entry
CHANGE_WORDS = {"new": "新公开", "updated": "更新", "withdrawn": "撤下"}
PAGE = "changes.md"
FEEDS = "feeds"
# what XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/U+FFFF)
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class Entry:
    """One row of `changes`, with what the page and the feeds show of it."""

    change: dict
    title: str  # the document's title now, else as the row recorded it
    province: str
    published: bool  # the document is published now: its page exists
    failures: list[dict] = field(default_factory=list)  # its newly failed checks, in order
    source_changed: bool = False  # the row's source_sha256 differs from the document's row before

    @property
    def doc_id(self) -> str:
        return self.change["doc_id"]

    @property
    def id(self) -> str:
        c = self.change
        return f"urn:uuid:{uuid.uuid5(NAMESPACE, 'change ' + c['doc_id'] + ' ' + str(c['build']) + ' ' + c['built_at'])}"

    def headline(self) -> str:
        words = CHANGE_WORDS.get(self.change["change"], self.change["change"])
        extra = f"（{self.change['failed_checks_added']} 项校验新未通过）" if self.change["failed_checks_added"] else ""
        return f"{words}：{self.title}{extra}"

    def summary(self) -> str:
        c = self.change
        if c["change"] == "new":
            text = f"新公开，{c['facts_added']} 个数字，{c['failed_checks_added']} 项校验未通过"
        elif c["change"] == "withdrawn":
            text = f"来源文件已不在，数据包已撤下（原有 {c['facts_removed']} 个数字）"
        else:
            text = (("源文件已更换；" if self.source_changed else "")
                    + f"新增 {c['facts_added']}、删除 {c['facts_removed']}、改动 {c['facts_changed']} 个数字；"
                    f"新未通过的校验 {c['failed_checks_added']} 项，不再未通过 {c['failed_checks_removed']} 项")
        return f"{c.get('region') or '地区未识别'} · {text}"


@dataclass
class Log:
    entries: list[Entry]  # newest first: build descending, then doc_id

    def by_province(self) -> dict[str, list[Entry]]:
        out: dict[str, list[Entry]] = defaultdict(list)
        for e in self.entries:
            out[e.province].append(e)
        return dict(sorted(out.items(), key=lambda kv: (slug(kv[0]), kv[0])))


def load(data: SiteData) -> Log:
    """The log's rows from the database (no table: an empty log, as for a database older than the log)."""
    con = sqlite3.connect(f"file:{data.database}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        tables = {r[0] for r in con.execute("select name from sqlite_master where type = 'table'")}
        if not {"changes", "newly_failed_checks"} <= tables:
            return Log([])
        changes = [dict(r) for r in con.execute("select * from changes order by build, doc_id")]
        failures = [dict(r) for r in con.execute("select * from newly_failed_checks order by build, doc_id, seq")]
    finally:
        con.close()
    documents = {d["doc_id"]: d for d in data.documents}
    by_row: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for f in failures:
        by_row[f["doc_id"], f["build"]].append(f)
    entries, sha = [], {}
    for c in changes:  # oldest first: the source each document had before
        doc = documents.get(c["doc_id"])
        region = doc.get("region") if doc else c.get("region")
        before = sha.get(c["doc_id"])
        sha[c["doc_id"]] = c.get("source_sha256")
        entries.append(Entry(c, (doc or c).get("title") or c["doc_id"], place_of(region).province, doc is not None,
                             by_row.get((c["doc_id"], c["build"]), []),
                             c["change"] == "updated" and before is not None and before != c.get("source_sha256")))
    entries.sort(key=lambda e: (-e.change["build"], e.doc_id))
    return Log(entries)


def feed_file(province: str | None) -> str:
    """The feed's path in the site: feeds/all.xml, or feeds/<province slug>.xml."""
    return f"{FEEDS}/{'all' if province is None else slug(province)}.xml"


def feed_title(province: str | None) -> str:
    return f"预算公开数据更新：{province or '全部地区'}"


# -------------------------------------------------------------------------------------------- page

def page(log: Log, datasette: Datasette) -> str:
    """更新记录: the feeds, then each build's rows, newest first."""
    out = ["---\ntitle: 更新记录\n---\n", "# 更新记录\n",
           "每次构建都与上一次发布的数据包比较：新公开的文件、更新的文件（数字按其身份——表、单位、项目、科目编码、栏目、"
           "资金、年度——比较：新增、删除、金额改动；新出现或不再出现的未通过校验；更换的源文件）、撤下的文件（来源文件已不在）。"
           "读取失败的文件保留上一次的数据，不算更新。说明见[方法说明](methodology/index.md#changes)。\n"]
    feeds = [f"[全部地区]({path(*feed_file(None).split('/'))})"] + [
        f"[{esc(p)}]({path(*feed_file(p).split('/'))})" for p in log.by_province()]
    out.append("**订阅（Atom）**：" + " · ".join(feeds) + "\n")
    out.append("全部记录：" + datasette.link("在 Datasette 中查询更新记录", "changes") + " · "
               + datasette.link("新未通过的校验", "newly_failed_checks") + " · [下载](downloads.md)\n")
    if not log.entries:
        out.append("还没有更新记录。\n")
        return "\n".join(out)
    shown = log.entries[:PAGE_ROWS]
    builds: dict[int, list[Entry]] = {}
    for e in shown:
        builds.setdefault(e.change["build"], []).append(e)
    for number, entries in builds.items():
        out.append(f"\n## {esc(_when(entries[0].change['built_at']))} · 第 {number} 次更新 {{ #build-{number} }}\n")
        out.append(table(["文件", "变化", "新增数字", "删除数字", "改动数字", "新未通过的校验", "不再未通过"], [
            [_document(e), CHANGE_WORDS.get(e.change["change"], esc(e.change["change"]))
             + ("（源文件已更换）" if e.source_changed else ""),
             e.change["facts_added"], e.change["facts_removed"], e.change["facts_changed"],
             e.change["failed_checks_added"], e.change["failed_checks_removed"]] for e in entries
        ], "llrrrrr"))
        failures = [(e, f) for e in entries for f in e.failures]
        if failures:
            out.append("新未通过的校验：\n")
            out.append("\n".join(_failure_item(e, f) for e, f in failures[:PAGE_FAILURES]) + "\n")
            if len(failures) > PAGE_FAILURES:
                out.append(f"另有 {len(failures) - PAGE_FAILURES} 项，见"
                           + datasette.link("新未通过的校验", "newly_failed_checks", build=str(number)) + "。\n")
    if len(log.entries) > len(shown):
        out.append(f"\n更早的 {len(log.entries) - len(shown)} 条记录见"
                   + datasette.link("Datasette", "changes") + "或[下载](downloads.md)的 changes 表。\n")
    return "\n".join(out)


def _when(built_at: str) -> str:
    return built_at.replace("T", " ").removesuffix("Z")[:16] + " UTC"


def _document(e: Entry) -> str:
    if e.published:
        return f"[{esc(e.title)}]({path('disclosures', e.doc_id + '.md')})"
    return f"{esc(e.title)}（{code(e.doc_id)}）"


def _failure_item(e: Entry, f: dict) -> str:
    where = f"[{esc(e.title)}]({path('disclosures', e.doc_id + '.md')}#checks)" if e.published else esc(e.title)
    parts = [where, code(f["check"]), {"error": "错误", "warning": "警告"}.get(f.get("severity") or "", esc(f.get("severity")))]
    if f.get("source_line"):
        parts.append(f"第 {f['source_line']} 行")
    return "- " + " · ".join(parts) + f"<br>\n  <small>{esc(f.get('message'))}</small>"


# ------------------------------------------------------------------------------------------- feeds

def _text(value: object) -> str:
    return NOT_XML.sub("", "" if value is None else str(value))


def _element(parent: ET.Element, tag: str, text: object = None, **attributes: str) -> ET.Element:
    node = ET.SubElement(parent, tag, {k: _text(v) for k, v in attributes.items()})
    if text is not None:
        node.text = _text(text)
    return node


class Links:
    """Where a feed's links point: absolute under YUSUAN_SITE_URL, else relative to feeds/ (the pages are
    MkDocs' directory URLs: disclosures/<doc_id>/)."""

    def __init__(self, site_url: str):
        self.base = site_url.rstrip("/") + "/" if site_url else ""

    def to(self, target: str) -> str:
        return urljoin(self.base, target) if self.base else "../" + target

    def feed(self, name: str) -> str:
        return urljoin(self.base, name) if self.base else name.rsplit("/", 1)[-1]


def _content(e: Entry, links: Links) -> str:
    """The entry's content as HTML (every value escaped): the summary, and the checks that newly fail."""
    parts = [f"<p>{html.escape(_text(e.summary()))}</p>"]
    if e.failures:
        items = []
        for f in e.failures[:ENTRY_FAILURES]:
            line = f"，第 {f['source_line']} 行" if f.get("source_line") else ""
            items.append(f"<li><code>{html.escape(_text(f['check']))}</code>{html.escape(line)}："
                         f"{html.escape(_text(f.get('message')))}</li>")
        more = len(e.failures) - ENTRY_FAILURES
        parts.append("<p>新未通过的校验：</p><ul>" + "".join(items) + "</ul>"
                     + (f"<p>另有 {more} 项。</p>" if more > 0 else ""))
    return "".join(parts)


def feed(entries: list[Entry], province: str | None, links: Links) -> bytes:
    """One Atom feed (RFC 4287) of `entries` (newest first), as UTF-8 bytes."""
    entries = entries[:FEED_ENTRIES]
    # the Atom namespace as the default one, declared on the root (ElementTree's default_namespace refuses
    # attributes without a namespace, which are all of Atom's)
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: "zh-CN"})
    _element(root, "id", f"urn:uuid:{uuid.uuid5(NAMESPACE, 'feed ' + (province or 'all'))}")
    _element(root, "title", feed_title(province))
    _element(root, "subtitle", "新公开、更新和撤下的预算公开文件，以及新出现的未通过校验")
    _element(root, "updated", max((e.change["built_at"] for e in entries), default="1970-01-01T00:00:00Z"))
    author = _element(root, "author")
    _element(author, "name", "预算公开数据 yusuan")
    _element(root, "generator", "yusuan", version=__version__)
    _element(root, "link", rel="self", type="application/atom+xml", href=links.feed(feed_file(province)))
    _element(root, "link", rel="alternate", type="text/html", href=links.to("changes/"))
    for e in entries:
        entry = _element(root, "entry")
        _element(entry, "id", e.id)
        _element(entry, "title", e.headline())
        _element(entry, "updated", e.change["built_at"])
        target = f"disclosures/{e.doc_id}/" if e.published else f"changes/#build-{e.change['build']}"
        _element(entry, "link", rel="alternate", type="text/html", href=links.to(target))
        _element(entry, "category", term=e.change["change"], label=CHANGE_WORDS.get(e.change["change"], ""))
        if e.failures:
            _element(entry, "category", term="failed-checks", label="新未通过的校验")
        _element(entry, "summary", e.summary(), type="text")
        _element(entry, "content", _content(e, links), type="html")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def pages(data: SiteData, datasette: Datasette, site_url: str) -> dict[str, str]:
    """The 更新记录 page and every feed, by their path under the docs folder."""
    log = load(data)
    links = Links(site_url)
    out = {PAGE: page(log, datasette), feed_file(None): feed(log.entries, None, links).decode("utf-8")}
    provinces = log.by_province()
    for d in data.documents:  # a province page links to its feed: there is one, if empty
        provinces.setdefault(place_of(d.get("region")).province, [])
    for province, entries in provinces.items():
        out[feed_file(province)] = feed(entries, province, links).decode("utf-8")
    return out


def head_link(province: str) -> dict[str, str]:
    """Front matter of a province page: its feed, for the head's <link rel="alternate"> (overrides/main.html
    writes both as given: the title is escaped here)."""
    return {"feed": feed_file(province), "feed_title": attr(feed_title(province))}


__all__ = ["FEED_ENTRIES", "feed", "feed_file", "head_link", "load", "page", "pages"]
