"""查看原文 (issue 16): from a figure or a failed check of the site to the place it is printed, in Chromium.

For a PDF the link opens the page, rendered at build time, with the cell outlined: the outline's box, in
the image's coordinates, must hold the printed number where pdfplumber finds it on the page. For a text
document it opens the text with the cited line highlighted, and that line holds the printed number.

The bundled samples' site (sitebuild.built_site, shared with test_site.py) has one PDF, without a
failed check; the corpus's Changchun PDF, which has some, is built alone for the failed checks of a PDF
(with the build cache, so its page images also go through the cache).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import DISCLOSURES, ROOT
from sitebuild import built_site, serve

from pipeline.site import page_images
from pipeline.site.page_images import SCALE, png_size, render_pages

CHROMIUM = os.environ.get("YUSUAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
PDF_DOC = "shanghai-finance-bureau-2025"
PDF = DISCLOSURES / f"{PDF_DOC}.pdf"
TEXT_DOC = "sichuan-samr-data-center-2025"
CHANGCHUN = ROOT / "tests" / "corpus" / "changchun-f8af211e36.pdf"
BROWSER = Path(CHROMIUM).exists()
browser_only = pytest.mark.skipif(not BROWSER, reason=f"no Chromium at {CHROMIUM}")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_site(tmp_path_factory)


@pytest.fixture(scope="module")
def base_url(built):
    yield from serve(built.site)


@pytest.fixture(scope="module")
def changchun(tmp_path_factory):
    """The Changchun PDF built alone, with the build cache (packages, database, site)."""
    from pipeline.build import BuildPaths, build

    root = tmp_path_factory.mktemp("original-pdf")
    (root / "in").mkdir()
    shutil.copyfile(CHANGCHUN, root / "in" / CHANGCHUN.name)
    said: list[str] = []
    paths = BuildPaths(root / "in", root / "packages", root / "build")
    report = build(paths, say=said.append, site=True, cache=True)
    assert not report.failed, said
    return paths, said


@pytest.fixture(scope="module")
def changchun_url(changchun):
    yield from serve(changchun[0].build_dir / "site")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=[(1280, 900), (390, 844)], ids=["desktop", "phone"])
def page(browser, request):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  is_mobile=width < 600, device_scale_factor=2 if width < 600 else 1)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def query(database: Path, sql: str, *params) -> list[dict]:
    import sqlite3

    con = sqlite3.connect(database)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, params)]
    finally:
        con.close()


def has_boxes(database: Path) -> bool:
    return any(r["name"] == "source_bbox" for r in query(database, "pragma table_info(budget_facts)"))


def words_on(pdf: Path, page: int, printed: str) -> list[tuple[float, float, float, float]]:
    """Where pdfplumber finds `printed` on the page: (x0, top, x1, bottom) in points."""
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return [(w["x0"], w["top"], w["x1"], w["bottom"]) for w in doc.pages[page - 1].extract_words()
                if w["text"].replace(" ", "") == printed.replace(" ", "")]


def follow(page, link) -> None:
    """Click a 查看原文 link and wait for the view it opens to be loaded, images included."""
    link.scroll_into_view_if_needed()
    with page.expect_navigation(wait_until="load"):
        link.click()


def check_page_view(page, pdf: Path, record: dict, printed: str, boxes: bool, cell: bool = True) -> None:
    """The page view shows the record's page, and (with boxes) the outline over the printed number (`cell`:
    the outline is that of one cell)."""
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert re.search(rf"/pages/{sha}/{record['source_page']}\.html(#b-[-\d.]+)?$", page.url), page.url
    image = page.locator(".page img")
    assert image.is_visible()
    natural = image.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert natural[0] > 0 and natural == list(png_size(page.request.get(image.evaluate("i => i.src")).body()))
    rect = image.bounding_box()
    viewport = page.viewport_size
    assert rect["width"] <= viewport["width"]  # scaled to the screen
    assert words_on(pdf, record["source_page"], printed), (record, printed)  # printed on that page
    if not boxes:
        assert "#" not in page.url
        return
    assert "#b-" in page.url
    box = page.locator(".box:target")
    assert box.count() == 1 and box.evaluate("b => getComputedStyle(b).opacity") == "1"
    others = page.locator(".box:not(:target):not(.any)")
    assert all(b.evaluate("b => getComputedStyle(b).opacity") == "0" for b in others.all())
    assert not page.locator(".box.any").is_visible()  # a box of the page: no box drawn by the script
    outline = box.bounding_box()
    assert 0 <= outline["y"] and outline["y"] + outline["height"] <= viewport["height"]  # scrolled into view
    points = natural[0] / SCALE / rect["width"]  # PDF points per CSS pixel of the shown image
    x0, top = (outline["x"] - rect["x"]) * points, (outline["y"] - rect["y"]) * points
    x1, bottom = x0 + outline["width"] * points, top + outline["height"] * points
    inside = [w for w in words_on(pdf, record["source_page"], printed)
              if x0 <= (w[0] + w[2]) / 2 <= x1 and top <= (w[1] + w[3]) / 2 <= bottom]
    assert inside, ((x0, top, x1, bottom), words_on(pdf, record["source_page"], printed))
    assert bottom - top < 60 and (not cell or x1 - x0 < 300)  # a cell or a line, not the page


def check_text_view(page, built_text: Path, line: int, printed: str) -> None:
    assert page.url.endswith(f"#L{line}"), page.url
    row = page.locator(f"#L{line}")
    assert row.evaluate("r => getComputedStyle(r).backgroundColor") == "rgb(255, 235, 59)"  # :target
    assert page.locator(".text div:target").count() == 1
    shown = row.inner_text()
    assert shown.startswith(str(line)) and printed in shown, (shown, printed)
    lines = built_text.read_text(encoding="utf-8").split("\n")
    assert printed in lines[line - 1]  # the file's own line
    box = row.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]  # scrolled to


# ------------------------------------------------------------------------------------------ PDF


@browser_only
def test_a_headline_figure_of_the_pdf_opens_its_page_with_the_cell_outlined(page, base_url, built):
    (head,) = query(built.database, "select * from headline_figures where doc_id = ? and measure = '支出总计'", PDF_DOC)
    (fact,) = query(built.database, "select * from budget_facts where doc_id = ? and seq = ?", PDF_DOC, head["fact_seq"])
    page.goto(f"{base_url}disclosures/{PDF_DOC}/")
    row = page.locator("#headline ~ div table tr", has_text="支出总计").first
    assert f"{Decimal(repr(head['amount'])):,.4f}" in row.inner_text()
    follow(page, row.get_by_role("link", name="查看原文"))
    check_page_view(page, PDF, fact, fact["printed"], has_boxes(built.database))
    # the view names the figure and leads back to the disclosure
    assert page.locator("li", has_text="支出总计").count() >= 1
    with page.expect_navigation():
        page.get_by_role("link", name="上海市财政局2025年单位预算").click()
    assert page.url.rstrip("/").endswith(f"disclosures/{PDF_DOC}")


@browser_only
def test_a_failed_check_of_a_pdf_opens_its_page_from_the_disclosure_and_the_quality_page(page, changchun,
                                                                                         changchun_url):
    paths, _ = changchun
    failed = query(paths.database, "select c.*, d.doc_id from checks c join documents d using (doc_id) "
                                   "where not c.passed order by c.seq")
    assert failed
    check = failed[0]
    doc_id = check["doc_id"]
    # the printed figure the check cites: the fact at the check's line (its actual, as printed)
    facts = query(paths.database, "select * from budget_facts where doc_id = ? and source_line = ? and amount = ?",
                  doc_id, check["source_line"], check["actual"])
    assert facts, check
    from pipeline.site.browse import areas
    from pipeline.site.data import load

    area = next(a for a in areas(load(paths.database)) if doc_id in a.doc_ids)
    for start in (f"disclosures/{doc_id}/", "quality/"):
        page.goto(changchun_url + start)
        if start == "quality/":  # the failed checks are listed on the page of the document's city
            with page.expect_navigation():  # the list is counted below at once: wait for the city's page to load
                page.get_by_role("link", name=area.label, exact=True).click()
            assert page.url.endswith(area.page("quality").removesuffix(".md") + "/"), page.url
        items = page.locator("li", has=page.get_by_role("link", name="查看原文")).filter(
            has_text=f"第 {check['source_line']} 行")
        assert items.count() >= 1, start
        follow(page, items.first.get_by_role("link", name="查看原文"))
        check_page_view(page, CHANGCHUN, check, facts[0]["printed"], has_boxes(paths.database), cell=False)


# ------------------------------------------------------------------------------------------ text


@browser_only
def test_a_headline_figure_and_a_failed_check_of_a_text_open_the_highlighted_line(page, base_url, built):
    source = DISCLOSURES / f"{TEXT_DOC}.txt"
    (head,) = query(built.database, "select * from headline_figures where doc_id = ? and measure = '收入总计'", TEXT_DOC)
    page.goto(f"{base_url}disclosures/{TEXT_DOC}/")
    row = page.locator("#headline ~ div table tr", has_text="收入总计").first
    follow(page, row.get_by_role("link", name="查看原文"))
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    assert f"/sources/{sha}.html#L" in page.url
    check_text_view(page, source, head["source_line"], head["printed"])

    check = query(built.database, "select * from checks where doc_id = ? and not passed order by seq", TEXT_DOC)[0]
    (fact,) = query(built.database, "select * from budget_facts where doc_id = ? and source_line = ? and amount = ? "
                                    "limit 1", TEXT_DOC, check["source_line"], check["actual"])
    page.goto(f"{base_url}disclosures/{TEXT_DOC}/#checks")
    item = page.locator("#checks ~ ul li", has_text=f"第 {check['source_line']} 行").first
    follow(page, item.get_by_role("link", name="查看原文"))
    check_text_view(page, source, check["source_line"], fact["printed"])


@browser_only
def test_any_facts_box_is_outlined_from_the_address(page, base_url, built):
    """A fact no figure of the site links to, on a page the site shows: its source_bbox as the fragment (as the
    Datasette query printed_place gives it (site_view)) is outlined by the page's script, over its printed number."""
    sha = hashlib.sha256(PDF.read_bytes()).hexdigest()
    shown = {int(p.stem) for p in (built.site / "pages" / sha).glob("*.png")}
    linked = set()
    for html_file in (built.site / "disclosures").rglob("*.html"):
        linked.update(re.findall(r"#(b-[-\d.]+)", html_file.read_text(encoding="utf-8")))
    facts = [f for f in query(built.database, "select * from budget_facts where doc_id = ? and source_bbox is not "
                                              "null order by seq", PDF_DOC)
             if f["source_page"] in shown and "b-" + f["source_bbox"].replace(",", "-") not in linked
             and words_on(PDF, f["source_page"], f["printed"])]
    assert facts
    fact = facts[0]
    page.goto(f"{base_url}pages/{sha}/{fact['source_page']}.html#b-{fact['source_bbox'].replace(',', '-')}",
              wait_until="load")
    box = page.locator(".box.any")
    assert box.is_visible() and page.locator(".box:target").count() == 0
    image = page.locator(".page img")
    rect, outline = image.bounding_box(), box.bounding_box()
    points = image.evaluate("i => i.naturalWidth") / SCALE / rect["width"]
    x0, top = (outline["x"] - rect["x"]) * points, (outline["y"] - rect["y"]) * points
    x1, bottom = x0 + outline["width"] * points, top + outline["height"] * points
    assert any(x0 <= (w[0] + w[2]) / 2 <= x1 and top <= (w[1] + w[3]) / 2 <= bottom
               for w in words_on(PDF, fact["source_page"], fact["printed"]))
    assert 0 <= outline["y"] and outline["y"] + outline["height"] <= page.viewport_size["height"]


# ------------------------------------------------------------------------------------------ files


def test_a_page_renders_to_the_same_bytes_twice():
    first, second = render_pages(PDF, [7]), render_pages(PDF, [7])
    assert first[7] == second[7] and png_size(first[7]) == (1684, 1191)  # 841.8 x 595.2 points at 2 px a point
    assert render_pages(PDF, [0, 99]) == {}  # no such page: no image


def test_only_the_linked_pages_are_rendered_and_each_is_its_page(built):
    docs = built.docs
    linked: set[str] = set()
    for md in docs.rglob("*.md"):
        linked.update(re.findall(r"\]\((?:\.\./)*(pages/[0-9a-f]{64}/\d+)\.html", md.read_text(encoding="utf-8")))
    images = {p.relative_to(built.site).as_posix()[:-4] for p in (built.site / "pages").rglob("*.png")}
    assert linked and images == linked
    sha = hashlib.sha256(PDF.read_bytes()).hexdigest()
    pages = {int(p.rsplit("/", 1)[1]) for p in images if p.startswith(f"pages/{sha}/")}
    cited = {r["source_page"] for r in query(built.database, "select distinct f.source_page from headline_figures h "
                                             "join budget_facts f on f.doc_id = h.doc_id and f.seq = h.fact_seq "
                                             "where h.doc_id = ?", PDF_DOC)}
    assert cited <= pages and len(pages) < 21  # the headline figures' pages, and not all 21 pages
    page = min(pages)
    assert (built.site / f"pages/{sha}/{page}.png").read_bytes() == render_pages(PDF, [page])[page]


def test_page_images_come_from_the_cache_and_the_site_is_the_same(changchun):
    from pipeline.site.build import build_site

    paths, said = changchun
    assert any(re.match(r"原文 +\d+ PDF pages linked \((\d+) rendered", s) for s in said), said
    site = paths.build_dir / "site"
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "pages").rglob("*") if p.is_file()}
    cached = sorted((paths.build_dir / "cache" / "page-images" / page_images.renderer_id()).rglob("*.png"))
    assert len(cached) == sum(name.endswith(".png") for name in before)
    (paths.build_dir / "site.key").unlink()  # the site is built again, the pages taken from the cache
    again: list[str] = []
    build_site(paths.database, paths.packages_dir, paths.build_dir, say=again.append, sources=paths.input_dir)
    assert any(re.match(r"原文 +\d+ PDF pages linked \(0 rendered in 0\.00s, \d+ from the cache\)", s)
               for s in again), again
    after = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "pages").rglob("*") if p.is_file()}
    assert after == before
