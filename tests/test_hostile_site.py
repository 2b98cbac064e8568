"""Hostile text on the site (issue 14, "escape everything that reaches a page"): a corpus whose catalog
titles, publishers and regions, the documents' own cover lines, glossary terms and project names, and a
file name carry script, event handlers, markdown links, Jinja, backticks, pipes and stars; and a
javascript: source URL. The built site is checked as files and, in Chromium, page by page: no dialog
fires anywhere, and the hostile text is shown as text."""

from __future__ import annotations

import html
import os
import re
import shutil
import sqlite3
import time
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from conftest import DISCLOSURES
from sitebuild import serve

from pipeline.site.escape import code, front_matter, md, safe_url, title

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
MDLINK = "[x](javascript:alert(1))"
JINJA = "{{ 7*7 }}{% raw %}"
TICKS = "`b`|p|*s*_u_"
HOSTILE = [SCRIPT, IMG, MDLINK, JINJA, TICKS, "&amp; &lt;", "1. x", "- y", "# z {: #a }", "!!! note", "\\*", "~~~"]
TITLE = f"{SCRIPT}{IMG}{MDLINK}{JINJA}{TICKS}部门预算"
COVER = f"{IMG}2022 年深圳市公共信用中心 部门预算"
TERM = f"一般公共预算拨款收入{JINJA}{TICKS}{SCRIPT}"
PROJECT = f"{SCRIPT}信息化管理专项经费{IMG}"
FILE_NAME = "a`<b>x.txt"
EVIL_URL = "javascript:alert(document.domain)//"
CHROMIUM = os.environ.get("YUSUAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
EXTENSIONS = ["abbr", "admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details",
              "pymdownx.superfences"]


# ------------------------------------------------------------------------------- escaping, unit level


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def rendered(source: str) -> _Text:
    parser = _Text()
    parser.feed(markdown.markdown(source, extensions=EXTENSIONS, extension_configs={"toc": {"permalink": True}}))
    return parser


def test_plain_text_is_returned_as_is_only_when_escaping_would_not_change_it():
    """md() returns text without markup characters unchanged without escaping it (its fast path): the same
    string as the full escape, for every short string over the characters that matter."""
    import random

    from pipeline.site import escape

    def full(text: str) -> str:
        s = escape.MD_SPECIAL.sub(r"\\\1", html.escape(escape._one_line(text), quote=False))
        return escape.LEADING.sub(lambda m: f"{m.group(1)}\\." if m.group(1) else f"&#{ord(m.group(2))};", s)

    alphabet = list("a 1.-+=~:?\\`*_[]|{}#!&<>\t\n\r\v\f\x00\x1c\x1f\x7f\x85\u2028\u2029\u3000预（")
    rng = random.Random(15)
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        assert md(text) == full(text), repr(text)
    assert md("2022 年 预算") == "2022 年 预算" and md(" 预算") == "预算" and md("1. 预算") == "1\\. 预算"


def test_line_breaks_become_one_space_as_before_and_long_runs_of_spaces_cost_nothing():
    """One line: each break with the whitespace around it is one space (as the old `\\s*[breaks]\\s*` gave,
    compared on every short string), and a cell of a million spaces is escaped at once (that regex
    backtracked over every run: 16,000 spaces took 10 s, a 100,000-character line would take minutes)."""
    import random

    from pipeline.site import escape

    old = re.compile(r"\s*[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]\s*")
    alphabet = list("a \t\n\r\v\f\x00\x01\x1c\x1f\x85\u2028\u3000预")
    rng = random.Random(16)
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 7)))
        assert escape._one_line(text) == escape.CONTROL.sub("", old.sub(" ", text)).strip(), repr(text)
    assert md("*" + " " * 1_000_000 + "预算\n  合计") == "\\*" + " " * 1_000_000 + "预算 合计"


@pytest.mark.parametrize("text", HOSTILE + [TITLE, TERM])
def test_escaped_text_renders_as_exactly_that_text(text):
    for source, tags in (
        (md(text), ["p"]),                                           # a paragraph
        (f"- **k**：{md(text)}", ["ul", "li", "strong"]),            # a list item
        (f"## {md(text)} {{ #anchor }}", ["h2", "a"]),               # a heading (toc adds the permalink)
        (f"| a |\n| --- |\n| {md(text)} |", ["table", "thead", "tr", "th", "tbody", "tr", "td"]),
        (code(text), ["p", "code"]),
    ):
        parser = rendered(source)
        shown = "".join(parser.text).replace("¶", "").replace("\n", "").strip()
        prefix = "k：" if source.startswith("- ") else "a" if source.startswith("|") else ""
        assert shown == prefix + text.strip(), (source, shown)
        assert [t for t, _ in parser.tags] == tags, (source, parser.tags)
        assert all(name in ("id", "href", "class", "title") for _, attrs in parser.tags for name, _ in attrs)


@pytest.mark.parametrize("text", HOSTILE + [TITLE, TERM, PROJECT, "</details></table><script>x</script>", "a\n\n    b"])
def test_text_in_a_raw_html_block_renders_as_exactly_that_text(text):
    """The disclosure pages' goal and indicator tables are raw HTML (pages.performance_section): Markdown
    passes the block through, so `escape.text` alone keeps printed text text there."""
    from pipeline.site.escape import text as html_text
    from pipeline.site.markdown import html_table

    cell = html_text(text)
    source = (f'before\n\n<details class="note">\n<summary>{cell}</summary>\n<p><strong>k</strong>：{cell}</p>\n'
              f'{html_table(["a", "n"], [[cell, 7]], "lr")}\n</details>\n\nafter\n')
    parser = rendered(source)
    one_line = " ".join(text.split()) if "\n" in text else text.strip()
    assert "".join(parser.text).replace("\n", "") == f"before{one_line}k：{one_line}an{one_line}7after"
    assert [t for t, _ in parser.tags] == ["p", "details", "summary", "p", "strong", "table", "thead", "tr", "th",
                                           "th", "tbody", "tr", "td", "td", "p"]
    assert [a for t, a in parser.tags if t in ("th", "td")][-1] == [("style", "text-align: right;")]


def test_titles_and_front_matter_are_quoted_and_escaped():
    for text in HOSTILE + [TITLE, 'a"b: c\n---\nd', "yes", "null", "2024"]:
        block = front_matter({"title": title(text)})
        assert block.startswith("---\n") and block.endswith("\n---\n") and block.count("\n---\n") == 1
        value = yaml.safe_load(block.strip("-\n"))["title"]
        assert value == html.escape(" ".join(text.split()), quote=True)  # one line, and a string
        assert "<" not in value and ">" not in value


@pytest.mark.parametrize("url", [EVIL_URL, " JavaScript:alert(1)", "jav\tascript:alert(1)", "data:text/html,x",
                                 "vbscript:x", "//example.org/x", "/relative", "http:///nohost", "https://a b/",
                                 "https://exa\nmple.org/", "", None, 42, "https://[::1/"])
def test_only_http_urls_become_links(url):
    assert safe_url(url) is None


def test_http_urls_are_kept_and_made_safe_for_markdown_and_html():
    assert safe_url("https://example.org/a/b.pdf?x=1&y=2#p") == "https://example.org/a/b.pdf?x=1&y=2#p"
    assert safe_url("HTTP://example.org/年度(2022) \"x\"<y>".replace(" ", "")) == (
        "HTTP://example.org/%E5%B9%B4%E5%BA%A6%282022%29%22x%22%3Cy%3E")
    target = safe_url('https://example.org/a)"><img src=x onerror=alert(1)>')
    parser = rendered(f"[原文]({target})")
    assert [t for t, _ in parser.tags] == ["p", "a"] and "".join(parser.text) == "原文"


# ------------------------------------------------------------------------------------ the hostile build


def _corpus(folder: Path) -> None:
    folder.mkdir()
    shenzhen = (DISCLOSURES / "shenzhen-public-credit-center-2022.txt").read_text(encoding="utf-8")
    glossary_line = "一、一般公共预算拨款收入：指"
    assert glossary_line in shenzhen
    (folder / "hostile-a.txt").write_text(shenzhen.replace(glossary_line, f"一、{TERM}：指{SCRIPT}", 1), encoding="utf-8")
    cover = "2022 年深圳市公共信用中心 部门预算"
    assert cover in shenzhen
    (folder / FILE_NAME).write_text(shenzhen.replace(cover, COVER, 1), encoding="utf-8")  # no entry: titled by its text
    nantong = (DISCLOSURES / "nantong-samr-projects-2024.txt").read_text(encoding="utf-8")
    assert "\t信息化管理专项经费\t" in nantong
    (folder / "goals.txt").write_text(nantong.replace("\t信息化管理专项经费\t", f"\t{PROJECT}\t", 1), encoding="utf-8")
    entries = [
        {"file": "hostile-a.txt", "doc_id": "hostile-a-2022", "title": TITLE, "publisher": f"{IMG}深圳市公共信用中心",
         "region": f"{SCRIPT}深圳市", "fiscal_year": 2022, "kind": "部门预算",
         "source_url": "https://example.org/budget(2022).pdf?a=1&b=2"},
        {"file": "goals.txt", "doc_id": "hostile-goals-2024", "title": f"{JINJA}{TICKS}绩效目标",
         "publisher": f"{MDLINK}南通市市场监督管理局", "fiscal_year": 2024, "kind": "项目绩效目标"},
    ]
    (folder / "catalog.yml").write_text(yaml.safe_dump({"disclosures": entries}, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The corpus built (packages, database, site); then the database's source_url of one document made
    javascript: (the catalog now refuses it at the door) and the site built again from it."""
    from pipeline.build import BuildPaths, build
    from pipeline.site.build import build_site

    root = tmp_path_factory.mktemp("hostile-site")
    try:
        (root / FILE_NAME).write_text("x")
        (root / FILE_NAME).unlink()
    except OSError:
        pytest.skip("this filesystem does not allow ` < > in file names")
    _corpus(root / "in")
    said: list[str] = []
    paths = BuildPaths(root / "in", root / "pkgs", root / "build")
    report = build(paths, say=said.append, site=True, cache=False)
    assert not report.failed, said
    with sqlite3.connect(paths.build_dir / "yusuan.db") as con:
        con.execute("UPDATE documents SET source_url = ? WHERE doc_id = 'hostile-a-2022'", (EVIL_URL,))
    con.close()
    build_site(paths.build_dir / "yusuan.db", paths.packages_dir, paths.build_dir, say=said.append, reuse=False,
               sources=paths.input_dir)
    return paths.build_dir


def doc_ids(built: Path) -> dict[str, str]:
    """doc_id → source_file of the built documents."""
    with sqlite3.connect(built / "yusuan.db") as con:
        rows = dict(con.execute("SELECT doc_id, source_file FROM documents"))
    con.close()
    return rows


def test_every_hostile_string_reached_the_database(built):
    with sqlite3.connect(built / "yusuan.db") as con:
        titles = {r[0] for r in con.execute("SELECT title FROM documents")}
        terms = {r[0] for r in con.execute("SELECT term FROM glossary")}
        projects = {r[0] for r in con.execute("SELECT project FROM performance_goals")}
    con.close()
    assert TITLE in titles and any(IMG in t for t in titles)  # the cover line, as its own title
    assert TERM in terms and PROJECT in projects
    assert FILE_NAME in doc_ids(built).values()


def test_navigation_and_page_titles_are_escaped(built):
    config = yaml.safe_load((built / "mkdocs.yml").read_text(encoding="utf-8"))
    disclosures = next(item["预算公开"] for item in config["nav"] if isinstance(item, dict) and "预算公开" in item)
    titles = [next(iter(e)) for e in disclosures if isinstance(e, dict)]
    assert titles == ["广东省", "江苏省", "地区未识别"]  # the navigation lists provinces, not documents
    page = (built / "docs" / "disclosures" / "hostile-a-2022.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(page.split("---\n")[1])
    assert meta == {"title": html.escape(TITLE)}
    # the hostile region is a city of 地区未识别: its page's file name is a hash, its title escaped
    pages = sorted((built / "docs" / "regions" / "unknown").glob("*.md"))
    names = [p.name for p in pages if p.name != "index.md"]
    assert len(names) == 1 and re.fullmatch(r"scriptalert1script[a-z]*-[0-9a-f]{8}\.md", names[0]), names
    city = next(p for p in pages if p.name != "index.md").read_text(encoding="utf-8")
    assert yaml.safe_load(city.split("---\n")[1]) == {"title": html.escape(f"地区未识别 {SCRIPT}深圳市")}
    assert f"[{IMG}深圳市公共信用中心]" not in city and md(f"{IMG}深圳市公共信用中心") in city


def test_source_views_show_hostile_lines_as_text(built):
    """The text views of 查看原文 (sources/<sha256>.html) hold every line escaped: <script> in a source line
    is text, and the line of the hostile project is there, linked from its goal."""
    views = sorted((built / "site" / "sources").glob("*.html"))
    assert len(views) == 3  # the three hostile documents, each a text
    goals = next(v for v in views if "信息化管理专项经费" in v.read_text(encoding="utf-8"))
    text = goals.read_text(encoding="utf-8")
    assert html.escape(PROJECT, quote=False) in text and SCRIPT not in text and IMG not in text
    (number,) = [i for i, line in enumerate((built.parent / "in" / "goals.txt").read_text(encoding="utf-8")
                                            .split("\n"), 1) if PROJECT in line][:1]
    assert f'<div id="L{number}" class="cited"><a href="#L{number}">{number}</a><span>' in text
    page = (built / "site" / "disclosures" / "hostile-goals-2024" / "index.html").read_text(encoding="utf-8")
    assert f'../../sources/{goals.stem}.html#L{number}"' in page
    named = next(v for v in views if FILE_NAME not in v.read_text(encoding="utf-8")
                 and html.escape(FILE_NAME, quote=False) in v.read_text(encoding="utf-8"))
    assert "<b>x.txt" not in named.read_text(encoding="utf-8")


def test_no_page_holds_raw_markup_from_the_data(built):
    pages = sorted((built / "site").rglob("*.html"))
    assert len(pages) >= 10
    for path in pages:
        text = path.read_text(encoding="utf-8")
        for bad in (SCRIPT, IMG, "<b>x.txt"):
            assert bad not in text, (path, bad)
        assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", text, re.I), path
        parser = _Text()
        parser.feed(text)
        handlers = [(tag, name) for tag, attrs in parser.tags for name, _ in attrs if name.startswith("on")]
        assert handlers == [], (path, handlers)  # no element of the theme or the data has an event handler
        assert ("img", [("src", "x")]) not in [(t, a[:1]) for t, a in parser.tags], path
    page = (built / "site" / "disclosures" / "hostile-a-2022" / "index.html").read_text(encoding="utf-8")
    assert html.escape(EVIL_URL, quote=False) not in page  # not a link, and not shown as one


BROWSER = Path(CHROMIUM).exists()


@pytest.fixture(scope="module")
def base_url(built):
    yield from serve(built / "site")


@pytest.mark.skipif(not BROWSER, reason=f"no Chromium at {CHROMIUM}")
def test_no_dialog_fires_on_any_page_and_hostile_text_shows_as_text(built, base_url):
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    pages = sorted(p.relative_to(built / "site").as_posix() for p in (built / "site").rglob("*.html"))
    files = doc_ids(built)
    cover_doc = next(d for d, f in files.items() if f == FILE_NAME)
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page = context.new_page()
            page.set_default_timeout(15000)
            page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
            for name in pages:
                page.goto(base_url + name, wait_until="load")  # after images (and their onerror) are done
                assert dialogs == [], dialogs
                assert page.evaluate("() => [...document.querySelectorAll('a[href]')]"
                                     ".filter(a => /^\\s*javascript:/i.test(a.getAttribute('href'))).length") == 0, name
                assert page.evaluate("() => document.querySelectorAll('img[src=x], [onerror]').length") == 0, name
            assert time.monotonic() - started < 60

            page.goto(base_url + "disclosures/hostile-a-2022/")
            assert page.title().startswith(TITLE)
            body = page.inner_text("article")
            assert TITLE in body and f"{IMG}深圳市公共信用中心" in body and f"{SCRIPT}深圳市" in body
            assert page.locator("h1").inner_text().rstrip("¶") == TITLE
            page.click("text=的全部公开文件")  # to its city's page, which lists its hostile publisher as text
            assert f"{IMG}深圳市公共信用中心" in page.inner_text("article")
            assert page.locator("h1").inner_text().rstrip("¶") == f"地区未识别 {SCRIPT}深圳市"
            page.goto(base_url + "disclosures/hostile-a-2022/")
            assert page.get_by_role("link", name="原文", exact=True).count() == 0  # the javascript: URL is no link
            assert TERM in body

            page.goto(base_url + f"disclosures/{cover_doc}/")
            assert page.title().startswith(COVER)
            assert page.locator("h1").inner_text().rstrip("¶") == COVER
            assert page.locator("code", has_text=FILE_NAME).count() == 1  # the file name, whole, as code

            page.goto(base_url + "disclosures/hostile-goals-2024/")
            body = page.inner_text("article")
            assert f"{JINJA}{TICKS}绩效目标" in body and "49" not in page.locator("h1").inner_text().rstrip("¶")
            assert PROJECT in body and f"{MDLINK}南通市市场监督管理局" in body
            # 查看原文 of the hostile project's goal: its line of the text, shown as text and highlighted
            row = page.locator("#performance ~ div table tr", has_text="信息化管理专项经费").first
            with page.expect_navigation():
                row.get_by_role("link", name="查看原文").click()
            line = page.locator(".text div:target")
            assert PROJECT in line.inner_text() and line.locator("script, img").count() == 0
            assert dialogs == []

            page.goto(base_url + "glossary/")
            assert TERM in page.inner_text("article")

            # the search index holds the text too: its results must not run it
            page.goto(base_url)
            box = page.locator("input.md-search__input")
            box.click()
            box.fill("部门预算")  # in the hostile titles
            box.press("End")  # Material searches on keyup
            page.wait_for_function(
                "() => /个符合条件的结果/.test(document.querySelector('.md-search-result__meta').innerText)")
            shown = page.locator(".md-search-result__item h1").all_inner_texts()
            assert any(t.replace("\u200b", "").startswith(IMG) for t in shown), shown
            assert any(SCRIPT in t for t in shown), shown
            assert page.evaluate("() => document.querySelectorAll('img[src=x], [onerror]').length") == 0
        finally:
            browser.close()
    assert dialogs == []
