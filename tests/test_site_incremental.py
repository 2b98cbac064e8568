"""The site rebuilt from the page cache (pipeline/site/pagecache.py) is the site MkDocs builds from scratch,
byte for byte: after no change, after a changed page, after a change every page shares; a cache entry that
is damaged, missing or of another page is never used."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from sitebuild import built_site

from pipeline.site import build as site_build
from pipeline.site.charts import ChartCache, bar_chart_svg
from pipeline.site.pagecache import CachedPages, Entry, PageCache

PAGE = "disclosures/sichuan-samr-data-center-2025.md"
# pages outside the navigation, taken from the cache: the five disclosures, the pages of their four cities
# and each city's 数据质量 and 数据下载
CACHED = 5 + 4 + 4 * 2
ENV = {"SOURCE_DATE_EPOCH": "1700000000", "YUSUAN_SITE_URL": "https://example.org/yusuan/"}


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def differences(a: Path, b: Path) -> list[str]:
    ta, tb = tree(a), tree(b)
    return sorted(k for k in ta.keys() | tb.keys() if ta.get(k) != tb.get(k))


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """A full build (no cache), and a build whose cache is filled then rebuilt with nothing changed."""
    built = built_site(tmp_path_factory)
    with pytest.MonkeyPatch.context() as mp:
        for k, v in ENV.items():
            mp.setenv(k, v)
        full, inc = tmp_path_factory.mktemp("full"), tmp_path_factory.mktemp("inc")
        site_build.build_site(built.database, built.packages, full, say=lambda _: None, reuse=False, sources=built.sources)
        cold: list[str] = []
        site_build.build_site(built.database, built.packages, inc, say=cold.append, sources=built.sources)
        (inc / "site.key").unlink()  # as if an input had changed: the site is built again
        warm: list[str] = []
        site_build.build_site(built.database, built.packages, inc, say=warm.append, sources=built.sources)
        yield {"full": full, "inc": inc, "cold": cold, "warm": warm}


@pytest.fixture
def env(monkeypatch):
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)


def copy_build(source: Path, tmp_path: Path) -> Path:
    """The docs, fragments, config and cache of a build, at the same depth (mkdocs.yml INHERITs by a
    relative path)."""
    target = tmp_path.parent / f"{tmp_path.name}-build"
    for name in ("docs", "fragments", "cache"):
        shutil.copytree(source / name, target / name)
    shutil.copy(source / "mkdocs.yml", target / "mkdocs.yml")
    return target


def render(build_dir: Path, site: Path, cache: bool = True) -> CachedPages | None:
    plugin = CachedPages(PageCache(build_dir / "cache" / "pages")) if cache else None
    site_build.run_mkdocs(build_dir / "mkdocs.yml", site_dir=site,
                          plugins=[("yusuan-cached-pages", plugin)] if plugin else [])
    return plugin


def test_a_rebuild_from_the_cache_is_the_full_build_byte_for_byte(sites):
    full, inc = sites["full"], sites["inc"]
    pages = sorted(p.relative_to(inc / "docs").as_posix() for p in (inc / "docs").rglob("*.md"))
    outside_nav = [p for p in pages if re.fullmatch(
        r"disclosures/(?!index\.md).*|regions/[^/]+/(?!index\.md)[^/]+|regions/[^/]+/[^/]+/(quality|downloads)\.md", p)]
    assert len(outside_nav) == CACHED
    assert sites["cold"][-1].endswith(f"({0} reused, {len(pages)} rendered)")
    assert sites["warm"][-1].endswith(f"({len(outside_nav)} reused, {len(pages) - len(outside_nav)} rendered)")
    assert differences(full / "site", inc / "site") == []
    # the reused pages are in the search index and the sitemap as MkDocs puts them
    index = json.loads((inc / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(d["location"] == "disclosures/sichuan-samr-data-center-2025/#projects" for d in index["docs"])
    assert "https://example.org/yusuan/disclosures/sichuan-samr-data-center-2025/" in (
        inc / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert len(list((inc / "cache" / "pages").glob("*.page"))) == len(outside_nav)


def test_a_changed_page_alone_is_rendered_again(sites, env, tmp_path):
    build = copy_build(sites["inc"], tmp_path)
    page = build / "docs" / PAGE
    page.write_text(page.read_text(encoding="utf-8") + "\n## 补充说明 { #addendum }\n\n本段为测试所加：预算调整。\n",
                    encoding="utf-8")
    plugin = render(build, tmp_path / "inc")
    assert PAGE not in plugin.reused and len(plugin.reused) == CACHED - 1
    html = (tmp_path / "inc" / "disclosures" / "sichuan-samr-data-center-2025" / "index.html").read_text("utf-8")
    assert "本段为测试所加" in html
    render(build, tmp_path / "full", cache=False)
    assert differences(tmp_path / "full", tmp_path / "inc") == []
    # and the new version is what the cache gives next time
    again = render(build, tmp_path / "again")
    assert len(again.reused) == CACHED and differences(tmp_path / "full", tmp_path / "again") == []


def test_a_change_every_page_shares_renders_every_page(sites, env, tmp_path):
    build = copy_build(sites["inc"], tmp_path)
    config = build / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "copyright: 测试版权行\n", encoding="utf-8")
    plugin = render(build, tmp_path / "config")
    assert plugin.reused == {}
    assert "测试版权行" in (tmp_path / "config" / "disclosures" / "sichuan-samr-data-center-2025" / "index.html"
                        ).read_text("utf-8")
    # the title of a page in the navigation changes every page's navigation: found once the pages are read
    limitations = build / "docs" / "methodology" / "limitations.md"
    text = limitations.read_text(encoding="utf-8")
    assert text.startswith("# ")
    limitations.write_text("# 测试改过的标题" + text[text.index("\n"):], encoding="utf-8")
    config.write_text((sites["inc"] / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    plugin = render(build, tmp_path / "nav")
    assert plugin.reused == {} and plugin.rendered == len(list((build / "docs").rglob("*.md")))
    render(build, tmp_path / "full", cache=False)
    assert differences(tmp_path / "full", tmp_path / "nav") == []
    assert "测试改过的标题" in (tmp_path / "nav" / "disclosures" / "sichuan-samr-data-center-2025" / "index.html"
                          ).read_text("utf-8")


def entry_of(cache: Path, src_uri: str) -> tuple[Path, Entry]:
    for path in cache.glob("*.page"):
        entry = Entry.decode(path.read_bytes(), path.stem)
        if entry is not None and entry.src_uri == src_uri:
            return path, entry
    raise AssertionError(src_uri)


def test_a_damaged_or_missing_entry_is_rendered_again(sites, env, tmp_path):
    build = copy_build(sites["inc"], tmp_path)
    cache = build / "cache" / "pages"
    damaged = {
        "disclosures/sichuan-samr-data-center-2025.md": lambda b: b[:-1] + bytes([b[-1] ^ 1]),  # one bit
        "disclosures/shenzhen-public-credit-center-2022.md": lambda b: b[: len(b) // 2],  # torn
        "disclosures/nantong-samr-projects-2024.md": None,  # gone
    }
    for src_uri, damage in damaged.items():
        path, _ = entry_of(cache, src_uri)
        path.unlink() if damage is None else path.write_bytes(damage(path.read_bytes()))
    plugin = render(build, tmp_path / "inc")
    assert set(damaged).isdisjoint(plugin.reused) and len(plugin.reused) == CACHED - 3
    assert differences(sites["full"] / "site", tmp_path / "inc") == []


def test_the_cache_never_gives_a_page_another_pages_html(sites, env, tmp_path):
    """An entry of page A put where page B's belongs, whole and with B's key in its first line, is not used."""
    build = copy_build(sites["inc"], tmp_path)
    cache = build / "cache" / "pages"
    a_path, a = entry_of(cache, "disclosures/sichuan-samr-data-center-2025.md")
    b_path, b = entry_of(cache, "disclosures/shenzhen-public-credit-center-2022.md")
    b_path.write_bytes(a.encode(b_path.stem))  # A's page as B's: a valid entry of the wrong page
    a.src_uri = "disclosures/sichuan-gov-office-it-center-2025.md"  # and one that claims to be C's page
    c_path, _ = entry_of(cache, a.src_uri)
    c_path.write_bytes(a.encode(c_path.stem))
    plugin = render(build, tmp_path / "inc")
    assert b.src_uri not in plugin.reused and a.src_uri not in plugin.reused and len(plugin.reused) == CACHED - 2
    assert differences(sites["full"] / "site", tmp_path / "inc") == []


def test_a_chart_is_rendered_once_and_a_bad_entry_again(tmp_path, monkeypatch):
    from decimal import Decimal

    from pipeline.site import charts

    bars = [("一般公共预算拨款收入", Decimal("7052.28"), "7,052.28"), ("其他收入", Decimal("0.5"), "0.50")]
    cache = ChartCache(tmp_path / "charts")
    svg = bar_chart_svg(bars, "收入来源", cached_in=cache)
    assert ">一般公共预算拨款收入<" in svg
    (entry,) = (tmp_path / "charts").glob("*.svg")
    rendered = []
    monkeypatch.setattr(charts, "_render", lambda *a: rendered.append(a) or "<svg>new</svg>")
    assert bar_chart_svg(bars, "收入来源", cached_in=cache) == svg and not rendered
    other = bar_chart_svg(bars[:1], "收入来源", cached_in=cache)  # other bars, another entry
    assert other == "<svg>new</svg>" and len(rendered) == 1
    entry.write_bytes(entry.read_bytes().replace(b"7,052.28", b"9,999.99"))
    assert bar_chart_svg(bars, "收入来源", cached_in=cache) == "<svg>new</svg>" and len(rendered) == 2


def test_links_from_and_to_reused_pages_are_still_checked(sites, env, tmp_path, caplog):
    """Strict mode fails on a link from a reused page to an anchor that is gone, and on a link to an anchor
    that a reused page does not have, with MkDocs's own message."""
    from pipeline.errors import PipelineError

    build = copy_build(sites["inc"], tmp_path)
    anchor = re.search(r"\]\(\.\./glossary\.md#([a-z0-9-]+)\)", (build / "docs" / PAGE).read_text("utf-8")).group(1)
    glossary = build / "docs" / "glossary.md"
    text = glossary.read_text(encoding="utf-8")
    assert f"{{ #{anchor} }}" in text
    glossary.write_text(text.replace(f"{{ #{anchor} }}", f"{{ #{anchor}-gone }}"), encoding="utf-8")
    plugin = CachedPages(PageCache(build / "cache" / "pages"))
    with pytest.raises(PipelineError, match="strict mode"):
        site_build.run_mkdocs(build / "mkdocs.yml", site_dir=tmp_path / "from", plugins=[("cache", plugin)])
    assert PAGE in plugin.reused  # the page with the link was not rendered, its link was checked all the same
    assert (f"Doc file '{PAGE}' contains a link '../glossary.md#{anchor}', but the doc 'glossary.md' does not "
            f"contain an anchor '#{anchor}'.") in caplog.text
    glossary.write_text(text, encoding="utf-8")
    caplog.clear()
    quality = build / "docs" / "quality.md"
    quality.write_text(quality.read_text(encoding="utf-8") + f"\n[缺的锚点]({PAGE}#no-such-anchor)\n", encoding="utf-8")
    plugin = CachedPages(PageCache(build / "cache" / "pages"))
    with pytest.raises(PipelineError, match="strict mode"):
        site_build.run_mkdocs(build / "mkdocs.yml", site_dir=tmp_path / "to", plugins=[("cache", plugin)])
    assert PAGE in plugin.reused
    assert (f"Doc file 'quality.md' contains a link '{PAGE}#no-such-anchor', but the doc '{PAGE}' does not "
            "contain an anchor '#no-such-anchor'.") in caplog.text


# ------------------------------------------------------------------------------------------ downloads


def test_downloads_are_hard_links_of_the_packages_not_copies(sites):
    built_packages = next(p for p in (sites["inc"] / "docs" / "downloads").iterdir() if p.is_dir())
    for name in ("documents.csv", "datapackage.json"):
        site_file = sites["inc"] / "site" / "downloads" / built_packages.name / name
        docs_file = built_packages / name
        assert site_file.stat().st_ino == docs_file.stat().st_ino and site_file.stat().st_nlink >= 3
    assert (sites["inc"] / "site" / "yusuan.db").stat().st_nlink >= 3


def test_a_replaced_package_file_is_linked_again_and_copies_are_made_only_when_changed(tmp_path, monkeypatch):
    from pipeline.site import downloads

    source, target = tmp_path / "package.csv", tmp_path / "docs" / "package.csv"
    source.write_text("a\n1\n", encoding="utf-8")
    downloads.link_or_copy(source, target)
    assert target.stat().st_ino == source.stat().st_ino
    new = tmp_path / "new.csv"  # the package writer replaces a file by a new one
    new.write_text("a\n1\n2\n", encoding="utf-8")
    new.replace(source)
    downloads.link_or_copy(source, target)
    assert target.read_text(encoding="utf-8") == "a\n1\n2\n" and target.stat().st_ino == source.stat().st_ino
    # where no hard link can be made: a copy, made again only when the size or time changed
    def no_link(*args):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(downloads.os, "link", no_link)
    other = tmp_path / "docs" / "copy.csv"
    downloads.link_or_copy(source, other)
    assert other.read_text(encoding="utf-8") == "a\n1\n2\n" and other.stat().st_ino != source.stat().st_ino
    copied = other.stat().st_ino
    downloads.link_or_copy(source, other)
    assert other.stat().st_ino == copied  # unchanged: not copied again
    new.write_text("a\n3\n", encoding="utf-8")
    new.replace(source)
    downloads.link_or_copy(source, other)
    assert other.read_text(encoding="utf-8") == "a\n3\n"


def test_csv_rows_are_counted_again_only_for_a_changed_file(tmp_path):
    from pipeline.site.downloads import RowCounts

    path, cache = tmp_path / "x.csv", tmp_path / "cache" / "csv-rows.json"
    path.write_text("a\n1\n2\n", encoding="utf-8")
    counts = RowCounts(cache)
    assert counts.rows("p/x.csv", path) == 2
    counts.save()
    stored = json.loads(cache.read_text(encoding="utf-8"))
    stored["p/x.csv"][3] = 99  # what the cache says is used while the file is the same file
    cache.write_text(json.dumps(stored), encoding="utf-8")
    assert RowCounts(cache).rows("p/x.csv", path) == 99
    new = tmp_path / "new.csv"
    new.write_text("a\n1\n2\n3\n", encoding="utf-8")
    new.replace(path)
    assert RowCounts(cache).rows("p/x.csv", path) == 3
    cache.write_text("{not json", encoding="utf-8")
    assert RowCounts(cache).rows("p/x.csv", path) == 3
