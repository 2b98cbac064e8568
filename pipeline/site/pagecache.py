"""Rebuilding the site without rendering the pages that did not change.

MkDocs renders every page on every build: Markdown to HTML, the theme's template, and the search
plugin's parse and Chinese word segmentation of the HTML, ~0.25 s a page. Most pages of a rebuild are
those of the last build: a page outside the navigation (a disclosure page, a city page) whose Markdown
and shared inputs are those of a page rendered before is taken from the `PageCache` instead.

What a page's HTML is made of: its Markdown and where it lives (`src_uri`), and, shared by every page,
the configuration (build/mkdocs.yml and what it inherits), the theme and its templates, the versions of
MkDocs, Material, Markdown and its extensions, jieba and this module (`shared_key`), and the navigation
as rendered on every page: its titles and addresses (`nav_signature`). Pages in the navigation are always
rendered (each shows its own place in it); so is every page when another MkDocs plugin than search is
configured (its inputs are not known here), except one that says it `changes_no_page`.

The `CachedPages` plugin takes such a page out of the MkDocs run (InclusionLevel.EXCLUDED, decided in
`on_files`, before anything is rendered) and puts everything MkDocs would have made of it back:

- its HTML, written into the site as MkDocs writes it;
- its entries of the search index, at the place MkDocs would have added them (the index is in the order
  pages are built);
- its entry in sitemap.xml;
- the link checks: links from other pages to it and to its anchors (its anchors are kept), and links
  from it: every page and file it links to must still exist (else it is rendered again, and MkDocs
  reports the broken link), and its links to anchors are checked against the pages as they are now,
  with MkDocs's own message.

A page is cached only when it rendered without a warning and every relative link in it names a page or
file of the site. A cache entry is one file, `<key>.page`, written atomically: its first line holds the
format, the key and the sha256 of the rest (zlib-compressed JSON and the HTML); an entry whose line, hash,
layout, page or Markdown does not match is not used (the page is rendered again), so an entry can only
ever give the page the HTML rendered from that same Markdown at that same place.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
import re
import sys
import zlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import write_file

from ..atomic import make_folder, write_atomic

FORMAT = "yusuan-page 1"  # first word of an entry's first line; bump when the layout changes
VERSIONS = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Jinja2", "MarkupSafe", "Pygments",
            "jieba", "backrefs")
SEARCH_PLUGIN = "material.plugins.search.plugin.SearchPlugin"  # the search index it knows how to extend
PAGES_LOG = "mkdocs.structure.pages"
HREF = re.compile(r"""\b(?:href|src)=(?:"([^"]*)"|'([^']*)')""")

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


@dataclass
class Entry:
    """What MkDocs made of one page."""

    src_uri: str
    markdown_sha256: str
    nav: str  # nav_signature of the build it was rendered in
    html: bytes  # as MkDocs wrote it
    anchors: list[str]  # ids on the page (links from other pages to it are checked against them)
    targets: list[str]  # src_uri of every page and file it links to
    anchor_links: dict[str, dict[str, str]]  # target src_uri → {anchor: link as written}
    search: list[dict]  # its entries of the search index, in order (their keys in order too: JSON keeps it)

    def encode(self, key: str) -> bytes:
        meta = {k: v for k, v in self.__dict__.items() if k != "html"}
        body = zlib.compress(json.dumps(meta, ensure_ascii=False).encode("utf-8") + b"\0"
                             + self.html, 6)
        return f"{FORMAT} {key} {hashlib.sha256(body).hexdigest()}\n".encode("ascii") + body

    @classmethod
    def decode(cls, data: bytes, key: str) -> Entry | None:
        """The entry stored in `data` under `key`, or None for anything else (torn, altered, another
        format or key)."""
        head, _, body = data.partition(b"\n")
        if head != f"{FORMAT} {key} {hashlib.sha256(body).hexdigest()}".encode("ascii"):
            return None
        try:
            meta, _, html = zlib.decompress(body).partition(b"\0")
            fields = json.loads(meta.decode("utf-8"))
            entry = cls(html=html, **fields)
        except (zlib.error, UnicodeDecodeError, ValueError, TypeError):
            return None
        ok = (isinstance(entry.src_uri, str) and isinstance(entry.markdown_sha256, str) and isinstance(entry.nav, str)
              and _strings(entry.anchors) and _strings(entry.targets) and isinstance(entry.search, list)
              and all(isinstance(e, dict) for e in entry.search) and isinstance(entry.anchor_links, dict)
              and all(isinstance(v, dict) and _strings(v) and _strings(v.values()) for v in entry.anchor_links.values()))
        return entry if ok else None


def _strings(values) -> bool:
    return all(isinstance(v, str) for v in values)


class PageCache:
    """Entries by key in `folder` (build/cache/pages/); `used` holds the keys this build read or wrote."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()

    @staticmethod
    def key(shared: str, src_uri: str, markdown: bytes) -> str:
        h = hashlib.sha256(f"{FORMAT}\n{shared}\n{src_uri}\n".encode())
        h.update(markdown)
        return h.hexdigest()

    def load(self, key: str, src_uri: str, markdown_sha256: str) -> Entry | None:
        try:
            data = (self.folder / f"{key}.page").read_bytes()
        except OSError:
            return None
        entry = Entry.decode(data, key)
        if entry is None or entry.src_uri != src_uri or entry.markdown_sha256 != markdown_sha256:
            return None
        self.used.add(key)
        return entry

    def store(self, key: str, entry: Entry) -> None:
        make_folder(self.folder)
        write_atomic(self.folder / f"{key}.page", entry.encode(key))
        self.used.add(key)

    def prune(self) -> int:
        """Remove the entries this build did not use (pages changed or gone); call after a good build."""
        removed = 0
        for path in self.folder.glob("*.page") if self.folder.is_dir() else []:
            if path.stem not in self.used:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def shared_key(config) -> str:
    """The inputs every page's HTML shares, except the navigation's titles (`nav_signature`): the
    configuration files, the theme (an installed theme by its version, a custom one by its files), the
    versions of what renders a page and this module."""
    h = hashlib.sha256(f"{FORMAT} python {sys.version_info[:2]}\n".encode())
    h.update(Path(__file__).read_bytes())
    for name in VERSIONS:
        try:
            h.update(f"{name} {metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name} -\n".encode())
    path = config.config_file_path
    seen = set()
    while path and path not in seen:  # the configuration file and the files it INHERITs from
        seen.add(path)
        text = Path(path).read_bytes()
        h.update(hashlib.sha256(text).digest())  # its bytes, not where it is: the site is the same
        inherit = re.search(rb"^INHERIT:\s*['\"]?([^'\"\n#]+?)['\"]?\s*(?:#.*)?$", text, re.M)
        path = os.path.normpath(os.path.join(os.path.dirname(path), inherit.group(1).decode())) if inherit else None
    installed = [os.path.dirname(m.__file__) for m in _modules("mkdocs", "material")]
    for folder in config.theme.dirs:
        if any(os.path.commonpath([folder, i]) == i for i in installed):
            continue  # part of an installed package: its version is in the key
        for root, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                p = os.path.join(root, name)
                h.update(f"{os.path.relpath(p, folder)}\0{hashlib.sha256(Path(p).read_bytes()).hexdigest()}\n".encode())
    return h.hexdigest()


def _modules(*names: str):
    for name in names:
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__file__", None):
            yield module


def nav_signature(nav: Navigation) -> str:
    """The navigation as every page shows it: sections, pages and links with their titles and addresses."""
    def item(x):
        if isinstance(x, Section):
            return ["section", str(x.title), [item(c) for c in x.children]]
        if isinstance(x, Link):
            return ["link", str(x.title), x.url]
        if isinstance(x, Page):
            return ["page", str(x.title), x.url, x.file.src_uri, [item(c) for c in x.children or []]]
        return ["other", repr(x)]

    homepage = nav.homepage.url if nav.homepage is not None else None
    return hashlib.sha256(json.dumps([homepage, [item(x) for x in nav.items]], ensure_ascii=False).encode()).hexdigest()


class _Warnings(logging.Handler):
    """Pages MkDocs warned about while rendering them (never cached)."""

    def __init__(self, plugin: CachedPages):
        super().__init__(logging.WARNING)
        self.plugin = plugin

    def emit(self, record: logging.LogRecord) -> None:
        if self.plugin.current is not None:
            self.plugin.warned.add(self.plugin.current)


@dataclass
class _Rendering:
    """A page being rendered that may be cached: its key and where its search entries start."""

    key: str
    markdown_sha256: str
    search_start: int = 0


class CachedPages(BasePlugin):
    """The MkDocs plugin (see the module's docstring). After the build, `reused` holds the pages taken
    from the cache and `rendered` counts the pages MkDocs rendered."""

    def __init__(self, cache: PageCache):
        super().__init__()
        self.cache = cache
        self.reused: dict[str, tuple[File, Entry]] = {}  # src_uri → (its file, its entry)
        self.rendering: dict[str, _Rendering] = {}  # pages to be rendered that may be cached
        self.rendered = 0
        self.warned: set[str] = set()  # pages MkDocs warned about while rendering them
        self.current: str | None = None  # the page being rendered
        self.pages: list[str] = []  # documentation pages in the order MkDocs builds them
        self.order: dict[str, int] = {}  # their positions
        self.files: Files | None = None
        self.search = None  # the search plugin, whose index the reused pages' entries go back into
        self.shared = ""
        self.nav = ""
        self.next_search = 0  # position in `order` of the next page whose search entries are not in yet
        self.handler = _Warnings(self)
        self._nav: Navigation | None = None
        self._urls: dict[str, File] | None = None

    # -------------------------------------------------------------------------------- choosing pages

    @event_priority(-100)  # after every other plugin's files
    def on_files(self, files: Files, *, config) -> Files:
        self.files = files
        self.pages = [f.src_uri for f in files.documentation_pages()]
        self.order = {src_uri: i for i, src_uri in enumerate(self.pages)}
        plugins = [p for p in config.plugins.values() if p is not self and not getattr(p, "changes_no_page", False)]
        self.search = next((p for p in plugins if _qualname(p) == SEARCH_PLUGIN), None)
        if self.search is None or len(plugins) != 1 or not getattr(self.search.config, "enabled", True):
            return files  # another plugin (or none): what it adds to a page is not known here, render all
        logging.getLogger(PAGES_LOG).addHandler(self.handler)
        self.shared = shared = shared_key(config)
        in_nav = set(_nav_paths(config.nav))
        for file in files.documentation_pages():
            if file.inclusion != InclusionLevel.NOT_IN_NAV or file.src_uri in in_nav:
                continue  # in the navigation: it shows its own place there, always rendered
            markdown = file.content_bytes
            key, digest = self.cache.key(shared, file.src_uri, markdown), hashlib.sha256(markdown).hexdigest()
            entry = self.cache.load(key, file.src_uri, digest)
            if entry is not None and all(files.get_file_from_path(t) is not None for t in entry.targets):
                file.inclusion = InclusionLevel.EXCLUDED  # not rendered: put back below
                page = Page(None, file, config)
                page.present_anchor_ids = set(entry.anchors)
                self.reused[file.src_uri] = (file, entry)
            else:
                self.rendering[file.src_uri] = _Rendering(key, digest)
        return files

    def on_env(self, env, *, config, files):
        """Every rendered page has its title now: pages cached with another navigation are rendered."""
        from mkdocs.commands.build import _populate_page  # what MkDocs does for each page, as MkDocs does it

        self.nav = nav_signature(self._nav)
        for src_uri, (file, entry) in list(self.reused.items()):
            if entry.nav != self.nav:
                del self.reused[src_uri]
                file.inclusion = InclusionLevel.NOT_IN_NAV
                file.page.present_anchor_ids = None
                _populate_page(file.page, config, files)
                markdown = file.content_bytes
                self.rendering[src_uri] = _Rendering(self.cache.key(self.shared, src_uri, markdown),
                                                     hashlib.sha256(markdown).hexdigest())
        return env

    def on_nav(self, nav, *, config, files):
        self._nav = nav
        return nav

    # ------------------------------------------------------------------------------- rendered pages

    @event_priority(100)
    def on_pre_page(self, page, *, config, files):
        self.current = page.file.src_uri
        return page

    @event_priority(-100)
    def on_page_content(self, html, *, page, config, files):
        self.current = None
        return html

    @event_priority(100)  # before search adds this page's entries: the reused pages before it go first
    def on_page_context(self, context, *, page, config, nav):
        self.current = page.file.src_uri
        self._add_search_entries(until=page.file.src_uri)
        if page.file.src_uri in self.rendering and self.search is not None:
            self.rendering[page.file.src_uri].search_start = len(self.search.search_index.entries)
        return context

    @event_priority(-100)  # after every other plugin: the page as written
    def on_post_page(self, output, *, page, config):
        src_uri = page.file.src_uri
        self.current = None
        self.rendered += 1
        rendering = self.rendering.pop(src_uri, None)
        if rendering is None or src_uri in self.warned or not output.strip():
            return output
        targets = self._targets(page)
        if targets is None:
            return output  # a relative link that names no page or file of the site: render it every time
        self.cache.store(rendering.key, Entry(
            src_uri=src_uri, markdown_sha256=rendering.markdown_sha256, nav=self.nav,
            html=output.encode("utf-8", errors="xmlcharrefreplace"),  # as MkDocs writes it
            anchors=sorted(page.present_anchor_ids or ()), targets=targets,
            anchor_links={f.src_uri: dict(links) for f, links in (page.links_to_anchors or {}).items()},
            search=self.search.search_index.entries[rendering.search_start:],
        ))
        return output

    def _targets(self, page: Page) -> list[str] | None:
        """The src_uri of every page and file the page's relative links name, or None if one names none."""
        by_url = self._by_url()
        found = set()
        base = (page.url if page.url.endswith("/") else posixpath.dirname(page.url)).strip("/")
        for match in HREF.finditer(page.content or ""):
            href = match.group(1) if match.group(1) is not None else match.group(2)
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("/", "\\")) or not parts.path:
                continue  # another site, an absolute path (not rewritten by MkDocs), or an anchor on the page
            target = posixpath.normpath(posixpath.join(base, unquote(parts.path))).strip("/")
            file = by_url.get("" if target == "." else target)
            if file is None:
                return None
            found.add(file.src_uri)
        return sorted(found)

    def _by_url(self) -> dict[str, File]:
        if self._urls is None:
            self._urls = {f.url.strip("/"): f for f in self.files} if self.files is not None else {}
        return self._urls

    # ------------------------------------------------------------------------------ reused pages back

    def _add_search_entries(self, until: str | None) -> None:
        """Add the search entries of the reused pages that come before `until` (None: all the rest)."""
        if self.search is None or not self.reused:
            return
        end = len(self.order) if until is None else self.order.get(until)
        if end is None or end < self.next_search:
            return  # a page MkDocs did not list in on_files: its place is not known, nothing moves
        for src_uri in self.pages[self.next_search:end]:
            if src_uri in self.reused:
                self.search.search_index.entries.extend(self.reused[src_uri][1].search)
        self.next_search = end + 1  # `until` itself is rendered: search adds its entries

    def on_template_context(self, context, *, template_name, config):
        """sitemap.xml lists the reused pages too, in their place."""
        if template_name == "sitemap.xml" and self.reused and self.files is not None:
            context["pages"] = [f for f in self.files if f.is_documentation_page()
                                and (f.inclusion.is_included() or f.src_uri in self.reused)]
        return context

    @event_priority(100)  # before search writes its index
    def on_post_build(self, *, config) -> None:
        logging.getLogger(PAGES_LOG).removeHandler(self.handler)
        self._add_search_entries(until=None)
        for file, entry in self.reused.values():
            write_file(entry.html, file.abs_dest_path)
        self._check_anchor_links(config)

    def on_build_error(self, *, error) -> None:
        logging.getLogger(PAGES_LOG).removeHandler(self.handler)

    def _check_anchor_links(self, config) -> None:
        """MkDocs's check of links to anchors (Page.validate_anchor_links), for the reused pages."""
        level = config.validation.links.anchors
        for file, entry in self.reused.values():
            for target_uri, links in entry.anchor_links.items():
                target = self.files.get_file_from_path(target_uri)
                page = target.page if target is not None else None
                if page is None or page.present_anchor_ids is None:
                    continue
                for anchor, original in links.items():
                    if anchor in page.present_anchor_ids:
                        continue
                    if target_uri == file.src_uri:
                        problem = "there is no such anchor on this page"
                    else:
                        problem = f"the doc '{target_uri}' does not contain an anchor '#{anchor}'"
                    logging.getLogger(PAGES_LOG).log(
                        level, f"Doc file '{file.src_uri}' contains a link '{original}', but {problem}.")


def _nav_paths(nav) -> list[str]:
    """Every page path the `nav` configuration names."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [p for v in nav.values() for p in _nav_paths(v)]
    if isinstance(nav, list):
        return [p for v in nav for p in _nav_paths(v)]
    return []


def _qualname(obj) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"
