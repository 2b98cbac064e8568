"""Build the documentation site: assemble build/docs/ and run MkDocs into build/site/.

build/docs/ is a fresh copy of the hand-written pages in site/ plus the pages generated from the
database (never edited by hand, never committed: build/ is gitignored):

    index.md, methodology/…          copied from site/ (hand-written)
    disclosures/index.md, regions/…   browsing by province and city  (browse.py)
    compare/…                          departments compared by type   (compare.py)
    disclosures/<doc_id>.md            one page per disclosure        (pages.py)
    glossary.md                        名词解释, merged                 (reference.py, glossary.py)
    dictionary.md                      数据字典                         (reference.py)
    methodology/checks.md              校验规则, from pipeline.checks   (reference.py)
    changes.md, feeds/<name>.xml       更新记录 and its Atom feeds       (feeds.py)
    quality.md, downloads.md           数据质量, 数据下载: totals, each city (quality.py)
    regions/<p>/<c>/quality.md, …/downloads.md   each city's documents (quality.py)
    downloads/<package>/…, yusuan.db   the files offered for download  (downloads.py)
    pages/<sha256>/<page>.png|.html    查看原文: PDF pages linked to, outlined (printed.py, page_images.py)
    sources/<sha256>.html              查看原文: text documents with line numbers (printed.py)

build/mkdocs.yml inherits the project's mkdocs.yml and adds what the data decides: the navigation (one
entry per province; the city and document pages are reached from them). Preview with `.venv/bin/mkdocs serve -f build/mkdocs.yml`.

Settings: YUSUAN_SITE_URL (else `site_url` of mkdocs.yml) is where the site is published, used for
the Datasette Lite links; YUSUAN_DATASETTE_URL (else `extra.datasette_url`) a Datasette serving
yusuan.db, which the links then use instead of Datasette Lite.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

from ..atomic import new_folder_for, swap_folder, write_atomic
from ..errors import PipelineError
from . import browse, compare, feeds
from . import data as site_data
from . import glossary as gl
from .charts import ChartCache
from .downloads import RowCounts, collect, link_or_copy, linked_files_plugin
from .fragments import Fragments, fragments_folder
from .markdown import Datasette
from .page_images import PageImages
from .pages import Context, disclosure_page
from .printed import Places
from .quality import area_downloads_page, area_quality_page, downloads_page, quality_page
from .reference import checks_page, dictionary_page, glossary_page, rules
from .series import series_of

PROJECT = Path(__file__).resolve().parents[2]
SOURCE = PROJECT / "site"  # hand-written pages
CONFIG = PROJECT / "mkdocs.yml"
GENERATED = ("disclosures/", "regions/", "compare/", "glossary.md", "dictionary.md", "methodology/checks.md", "quality.md", "downloads.md",
             "downloads/", "yusuan.db", feeds.PAGE, f"{feeds.FEEDS}/", "pages/", "sources/")
OVERRIDES = Path(__file__).resolve().parent / "overrides"  # theme overrides: the feeds' <link> in every head
HOOKS = Path(__file__).resolve().parent / "mkdocs_hooks.py"  # MkDocs hooks of the generated site
# hand-written pages in the order of the navigation; any other page of site/methodology/ follows them, and
# any other hand-written page comes last
METHODOLOGY = ("methodology/index.md", "methodology/checks.md", "methodology/limitations.md",
               "methodology/report-errors.md")


def settings() -> tuple[str, str]:
    """(site_url, datasette_url) from the environment, else from mkdocs.yml."""
    from mkdocs.utils.yaml import yaml_load

    with open(CONFIG, "rb") as f:
        config = yaml_load(f) or {}
    site_url = os.environ.get("YUSUAN_SITE_URL") or config.get("site_url") or ""
    datasette_url = os.environ.get("YUSUAN_DATASETTE_URL") or (config.get("extra") or {}).get("datasette_url") or ""
    return str(site_url), str(datasette_url)


def write_pages(database: Path, packages_dir: Path, docs: Path, charts: ChartCache | None = None,
                counts: RowCounts | None = None, sources: Path | None = None,
                images: PageImages | None = None) -> dict[str, object]:
    """Assemble `docs` (site/ + generated pages and files); returns what the navigation needs. Charts are
    taken from and kept in `charts`, CSV row counts in `counts`, if given; 查看原文 shows the files of
    `sources` (the input folder), PDF pages rendered through `images`."""
    if docs.exists():
        for child in docs.iterdir():
            if child.name != "downloads":  # linked only when changed (see downloads.link_or_copy)
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    docs.mkdir(parents=True, exist_ok=True)
    handwritten = sorted(p.relative_to(SOURCE).as_posix() for p in SOURCE.rglob("*") if p.is_file())
    for name in handwritten:
        if any(name == g or (g.endswith("/") and name.startswith(g)) for g in GENERATED):
            raise PipelineError(str(SOURCE / name), None, "this page is generated by the build; remove it from site/")
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SOURCE / name, docs / name)

    data = site_data.load(database)
    site_url, datasette_url = settings()
    datasette = Datasette(datasette_url, site_url)
    entries = gl.merge(data)
    downloads = collect(packages_dir, docs, counts)
    if counts is not None:
        counts.save()
    stale = docs / "downloads"
    for folder in (stale.iterdir() if stale.is_dir() else []):
        if folder.name not in downloads:
            shutil.rmtree(folder)
    places = Places(data, sources)
    ctx = Context(datasette, downloads, {e.key: e.anchor for e in entries},
                  {str(getattr(r, "id", "")) for r in rules()}, charts, places, series_of(data),
                  Fragments(fragments_folder(docs)))
    link_or_copy(database, docs / "yusuan.db")

    places_list = browse.areas(data)
    pages = {
        "glossary.md": glossary_page(data, entries, datasette),
        "dictionary.md": dictionary_page(data),
        "methodology/checks.md": checks_page(data),
        # in the navigation (rendered on every build): as long as the list of cities; each city's lists of
        # documents are pages of their own, outside the navigation, taken from the page cache when unchanged
        "quality.md": quality_page(data, places_list),
        "downloads.md": downloads_page(data, downloads, datasette, database.stat().st_size, places_list),
    }
    for area in places_list:
        pages[area.page("quality")] = area_quality_page(data, area, ctx)
        pages[area.page("downloads")] = area_downloads_page(data, area, downloads)
    compared = compare.compared(data)
    pages.update(browse.pages(data, {kind: compare.type_page(kind) for kind in compared}))
    pages.update(compare.pages(data, compared, places))
    pages.update(feeds.pages(data, datasette, site_url))
    for d in data.documents:
        pages[f"disclosures/{d['doc_id']}.md"] = disclosure_page(data, d["doc_id"], ctx)
    for name, text in pages.items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.rstrip("\n") + "\n", encoding="utf-8", newline="\n")
    images = images or PageImages(None)
    shown = places.write(docs, images)
    return {
        # the theme renders navigation titles unescaped: escaped by browse.navigation
        "provinces": browse.navigation(data),
        "documents": len(data.documents),
        "methodology": [p for p in METHODOLOGY if (docs / p).is_file()] + sorted(
            p for p in handwritten if p.startswith("methodology/") and p.endswith(".md") and p not in METHODOLOGY),
        "other": [p for p in handwritten if p.endswith(".md") and p != "index.md" and not p.startswith("methodology/")],
        "originals": shown,  # page views and text views written
    }


def navigation(found: dict[str, object]) -> list:
    return [
        {"首页": "index.md"},
        {"预算公开": ["disclosures/index.md", *({title: path} for title, path in found["provinces"])]},
        {"部门比较": "compare/index.md"},
        {"名词解释": "glossary.md"},
        {"数据下载": "downloads.md"},
        {"更新记录": feeds.PAGE},
        {"数据质量": "quality.md"},
        {"数据字典": "dictionary.md"},
        {"方法说明": list(found["methodology"])},
        *found["other"],  # any other hand-written page, titled by its own heading
    ]


def write_config(build_dir: Path, found: dict[str, object]) -> Path:
    """build/mkdocs.yml: the project's mkdocs.yml plus the navigation (and the site_url if set)."""
    site_url, _ = settings()
    try:
        inherit, overrides, hooks = (os.path.relpath(p, build_dir) for p in (CONFIG, OVERRIDES, HOOKS))
    except ValueError:  # another drive (Windows)
        inherit, overrides, hooks = str(CONFIG), str(OVERRIDES), str(HOOKS)
    config = {
        "INHERIT": inherit.replace(os.sep, "/"),
        "docs_dir": "docs",
        "site_dir": "site",
        "theme": {"custom_dir": overrides.replace(os.sep, "/")},  # merged into mkdocs.yml's theme
        "nav": navigation(found),
        "hooks": [hooks.replace(os.sep, "/")],  # what makes the pages whole (mkdocs_hooks.py)
        # the city and document pages are linked from the province pages, not listed in the navigation
        "not_in_nav": "/disclosures/*.md\n/regions/*/*.md\n/regions/*/*/*.md\n/compare/*.md\n",
    }
    if site_url:
        config["site_url"] = site_url
    path = build_dir / "mkdocs.yml"
    text = "# Generated by `yusuan build` (pipeline/site/build.py): do not edit.\n" + yaml.safe_dump(
        config, allow_unicode=True, sort_keys=False)
    write_atomic(path, text.encode("utf-8"))
    return path


def run_mkdocs(config_file: Path, strict: bool = True, site_dir: Path | None = None,
               plugins: Sequence[tuple[str, object]] = ()) -> Path:
    """`mkdocs build --strict -f config_file [--site-dir site_dir]`, in this process, with `plugins`
    (name, plugin) added after those of the configuration; a failure becomes a PipelineError."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    try:
        with warnings.catch_warnings():  # jieba's regexes have invalid escapes: noise on first compile
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", SyntaxWarning)
            import jieba  # the search plugin segments Chinese text with it
        jieba.setLogLevel(logging.WARNING)  # its progress messages are noise here
    except ImportError:
        pass
    try:
        # absolute: MkDocs takes a relative site_dir from the config file's folder, not from where we run
        overrides = {"site_dir": str(site_dir.resolve())} if site_dir is not None else {}
        config = load_config(str(config_file), strict=strict, **overrides)
        for name, plugin in plugins:
            config.plugins[name] = plugin
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except (MkDocsException, SystemExit) as e:
        raise PipelineError(str(config_file), None, f"mkdocs build failed: {e}") from None
    return Path(config.site_dir)


def inputs_key(database: Path, packages_dir: Path, strict: bool, sources: Path | None = None) -> str:
    """Changes when anything the site is made of changes: the database, the package files, the
    hand-written pages, mkdocs.yml, the code (all of pipeline/), the settings and the input files that
    查看原文 shows (by name, size and time: their sha256 is in the database)."""
    from ..cache import code_fingerprint

    h = hashlib.sha256(code_fingerprint(documents_only=False).encode())
    h.update(repr((settings(), strict)).encode())
    h.update(hashlib.sha256(database.read_bytes()).digest() if database.is_file() else b"-")
    for path in [CONFIG, *sorted(SOURCE.rglob("*"))]:
        if path.is_file():
            h.update(path.relative_to(PROJECT).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    for path in sorted(packages_dir.rglob("*")) if packages_dir.is_dir() else []:
        if path.is_file():
            stat = path.stat()
            h.update(f"{path.relative_to(packages_dir).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    h.update(b"\0sources\0")
    for path in sorted(sources.iterdir()) if sources is not None and sources.is_dir() else []:
        if path.is_file():
            stat = path.stat()
            h.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return h.hexdigest()


def build_site(database: Path, packages_dir: Path, build_dir: Path, say: Callable[[str], None] = print,
               strict: bool = True, reuse: bool = True, *, sources: Path | None, timings=None) -> Path:
    """Write the pages from `database` and the packages in `packages_dir`, build the site into
    build_dir/site with MkDocs (strict: a broken link fails the build), and return that folder.
    `sources` is the input folder (the files 查看原文 shows; None: no 查看原文); the time spent rendering PDF pages is
    added to `timings` (a `read.Timings`) as "page-images".

    With `reuse`, nothing is done when the inputs (`inputs_key`) are those of the last build and its
    site is still there."""
    build_dir.mkdir(parents=True, exist_ok=True)
    site, stamp = build_dir / "site", build_dir / "site.key"
    key = inputs_key(database, packages_dir, strict, sources)
    if reuse and (site / "index.html").is_file() and stamp.is_file() and stamp.read_text().strip() == key:
        say("reused site: no page, package, document or code changed")
        return site
    stamp.unlink(missing_ok=True)
    from .pagecache import CachedPages, PageCache  # MkDocs is imported only when the site is built
    from .searched import SearchedSections

    # without `reuse` every chart and page is rendered afresh, and nothing is kept
    charts = ChartCache(build_dir / "cache" / "charts") if reuse else None
    pages = CachedPages(PageCache(build_dir / "cache" / "pages")) if reuse else None
    images = PageImages(build_dir / "cache" / "page-images" if reuse else None)
    found = write_pages(database, packages_dir, build_dir / "docs", charts,
                        RowCounts(build_dir / "cache" / "csv-rows.json" if reuse else None), sources, images)
    if timings is not None:
        timings.add("page-images", images.seconds)
    originals = found["originals"]
    say(f"原文   {originals['pages']} PDF pages linked ({images.rendered} rendered in {images.seconds:.2f}s, "
        f"{images.reused} from the cache), {originals['texts']} text files")
    # MkDocs writes a new folder beside the site, swapped in whole once built: a failed or killed site
    # build leaves the last good site in place (the next build sweeps the temporary folder)
    fresh = new_folder_for(site)
    try:
        run_mkdocs(write_config(build_dir, found), strict=strict, site_dir=fresh,
                   plugins=[("yusuan-linked-files", linked_files_plugin()),
                            ("yusuan-searched-sections", SearchedSections())]
                   + ([("yusuan-cached-pages", pages)] if pages is not None else []))
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    swap_folder(fresh, site)
    write_atomic(stamp, (key + "\n").encode("utf-8"))
    if pages is not None:  # the site is good: what it did not use is of no page any more
        pages.cache.prune()
        charts.prune()
        images.prune()
        say(f"site   {site}: {found['documents']} disclosure pages; {len(pages.reused) + pages.rendered} pages "
            f"({len(pages.reused)} reused, {pages.rendered} rendered)")
    else:
        say(f"site   {site}: {found['documents']} disclosure pages")
    return site
