"""The built site in a real browser (Chromium via Playwright), served from a local HTTP server.

Chromium is the system's (/usr/bin/chromium, or YUSUAN_CHROMIUM): Playwright's own browser downloads
are not used. The tests are skipped when no Chromium is installed (scripts/bootstrap installs it).
"""

from __future__ import annotations

import os
import re
import shutil
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pytest
from sitebuild import built_site, serve

CHROMIUM = os.environ.get("YUSUAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
SICHUAN = "sichuan-samr-data-center-2025"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_site(tmp_path_factory)


@pytest.fixture(scope="module")
def base_url(built):
    yield from serve(built.site)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def search(page, base_url: str, query: str):
    """Type `query` into the search box (Material searches on keyup) and return the result links."""
    page.goto(base_url)
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")
    page.wait_for_function(
        "() => /个符合条件的结果/.test(document.querySelector('.md-search-result__meta').innerText)")
    return page.locator(".md-search-result__item a.md-search-result__link")


def test_search_lands_on_the_glossary_entry(page, base_url):
    results = search(page, base_url, "上年结转")
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    # the glossary page, and first within it the entry
    assert re.search(r"/glossary/(\?h=[^#]*)?$", hrefs[0]), hrefs
    assert re.search(r"/glossary/(\?h=[^#]*)?#shang-nian-jie-zhuan$", hrefs[1]), hrefs
    entry = 1
    results.nth(entry).click()
    page.wait_for_url(re.compile(r"/glossary/.*#shang-nian-jie-zhuan$"))
    heading = page.locator("h3#shang-nian-jie-zhuan")
    assert heading.inner_text().startswith("上年结转")
    assert heading.is_visible()
    assert "以前年度" in entry_text(page, "shang-nian-jie-zhuan")  # its definitions follow


def entry_text(page, anchor: str) -> str:
    """The text from a glossary entry's heading to the next heading."""
    return page.evaluate("""anchor => {
        const parts = [];
        for (let e = document.getElementById(anchor).nextElementSibling; e && !/^H[1-3]$/.test(e.tagName);
             e = e.nextElementSibling) parts.push(e.innerText);
        return parts.join("\\n");
    }""", anchor)


@pytest.mark.parametrize("term, anchor", [("一般公共预算拨款收入", "yi-ban-gong-gong-yu-suan-bo-kuan-shou-ru"),
                                          ("机关运行经费", "ji-guan-yun-xing-jing-fei")])
def test_search_finds_other_terms(page, base_url, term, anchor):
    results = search(page, base_url, term)
    hrefs = [unquote(results.nth(i).get_attribute("href")) for i in range(min(results.count(), 4))]
    assert any(h.endswith(f"#{anchor}") for h in hrefs), hrefs


def test_disclosure_page_shows_its_chart_and_figures(page, base_url, built):
    page.goto(f"{base_url}disclosures/{SICHUAN}/")
    chart = page.locator("figure.chart svg").first
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 60
    assert page.locator("figure.chart svg text", has_text="一般公共预算拨款收入").first.is_visible()
    (total,) = built.query(
        "select f.amount from budget_facts f join budget_tables t using (doc_id, table_id) where f.doc_id = ? "
        "and t.kind = 'income_expenditure_summary' and replace(f.item, ' ', '') = '收入总计'", SICHUAN)
    shown = f"{Decimal(repr(total['amount'])):,.2f}"
    row = page.locator("#headline ~ div table tr", has_text="收入总计").first
    assert shown in row.inner_text() and row.is_visible()


def test_download_link_returns_the_file(page, base_url, built):
    page.goto(f"{base_url}disclosures/{SICHUAN}/")
    for name in ("budget_facts.csv", f"{SICHUAN}.xlsx"):
        link = page.locator(f'#downloads ~ div a[href$="{name}"]').first
        if name.endswith(".xlsx") and not link.count():
            continue  # the package writer decides the formats
        href = link.evaluate("a => a.href")
        with page.expect_download() as download:
            link.click(modifiers=["Alt"])  # Alt+click: download the link
        path = download.value.path()
        assert Path(path).read_bytes() == (built.packages / SICHUAN / name).read_bytes(), href
        response = page.request.get(href)
        assert response.status == 200 and response.body() == (built.packages / SICHUAN / name).read_bytes()


def test_phone_width_has_no_horizontal_page_scroll(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    try:
        for path in (f"disclosures/{SICHUAN}/", "glossary/", "quality/", "regions/sichuan/sichuan/quality/"):
            page.goto(base_url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
        page.goto(f"{base_url}disclosures/{SICHUAN}/")
        box = page.locator("figure.chart svg").first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    finally:
        context.close()


def test_datasette_lite_links_point_at_the_sites_database(page, base_url):
    page.goto(f"{base_url}disclosures/{SICHUAN}/")
    href = page.locator("a.datasette-lite").first.get_attribute("href")
    assert href.startswith("https://lite.datasette.io/?url=")
    assert unquote(href).startswith(f"https://lite.datasette.io/?url={base_url}yusuan.db#/yusuan/")


def test_a_reader_browses_province_city_publisher_and_filters(page, base_url):
    """From the navigation's 四川省 to its 省级单位, filter to one publisher, open its 2025 document, and
    come back through the document's link to its city."""
    page.goto(base_url + "disclosures/")
    with page.expect_navigation():  # what follows reads the new page at once
        page.locator("nav.md-nav--primary").get_by_role("link", name="四川省").first.click()
    assert page.locator("h1").inner_text().rstrip("¶") == "四川省"
    with page.expect_navigation():  # what follows reads the new page at once
        page.locator("article").get_by_role("link", name="省级单位").click()
    rows = page.locator("article table tbody tr")
    assert rows.count() == 2
    page.fill("input.yusuan-filter", "数据应用")
    visible = [r.inner_text() for r in rows.all() if r.is_visible()]
    assert len(visible) == 1 and visible[0].startswith("四川省市场监督管理局数据应用中心")
    page.fill("input.yusuan-filter", "")
    assert sum(r.is_visible() for r in rows.all()) == 2
    with page.expect_navigation():  # what follows reads the new page at once
        page.get_by_role("link", name="2025 单位预算").nth(1).click()
    assert page.url.rstrip("/").endswith(SICHUAN)
    with page.expect_navigation():  # what follows reads the new page at once
        page.get_by_role("link", name="四川省 › 省级单位的全部公开文件").click()
    assert page.locator("h1").inner_text().rstrip("¶") == "四川省 省级单位"
