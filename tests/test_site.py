"""The documentation site, built from the bundled disclosures (once per session, see sitebuild.py).

MkDocs builds it in strict mode (a broken link or anchor fails); the generated pages are deterministic;
every amount on a disclosure page is a fact of the database at the line the page names; every glossary
term can be found through the search index; every package file is offered for download.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT
from sitebuild import built_site, markdown_tables, number

from pipeline.headline import NAMES
from pipeline.site import build as site_build
from pipeline.site import glossary as gl
from pipeline.site import reference
from pipeline.site.data import SiteData, load
from pipeline.site.markdown import Datasette, esc

SAMPLES_WITH_TABLES = ["sichuan-samr-data-center-2025", "sichuan-gov-office-it-center-2025",
                       "shenzhen-public-credit-center-2022"]
# hand-checked in the source texts: 收入总计, 支出总计, 基本支出, 项目支出, 三公经费 (万元)
HEADLINES = {
    "sichuan-samr-data-center-2025": ("7052.28", "7052.28", "1546.20", "5506.08", "7.31"),
    "sichuan-gov-office-it-center-2025": ("21749.66", "21749.66", "537.38", "21212.28", "1.35"),
    "shenzhen-public-credit-center-2022": ("5855", "5855", "2311", "3545", "12.4"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_site(tmp_path_factory)


@pytest.fixture(scope="module")
def data(built) -> SiteData:
    return load(built.database)


def page(built, name: str) -> str:
    return (built.docs / name).read_text(encoding="utf-8")


def doc_ids(built) -> list[str]:
    return [r["doc_id"] for r in built.query("select doc_id from documents order by doc_id")]


# ------------------------------------------------------------------------------------------ build


def test_site_is_built_into_build_dir(built):
    assert (built.site / "index.html").is_file()
    assert any(line.startswith("site ") for line in built.said)
    for doc_id in doc_ids(built):
        assert (built.site / "disclosures" / doc_id / "index.html").is_file()
    for name in ("glossary", "dictionary", "quality", "downloads", "methodology/checks"):
        assert (built.site / name / "index.html").is_file(), name


def test_mkdocs_cli_build_strict(built, tmp_path):
    """`mkdocs build --strict` with the generated config, as a user would preview or publish it."""
    mkdocs = Path(sys.executable).parent / "mkdocs"
    command = [str(mkdocs)] if mkdocs.exists() else [sys.executable, "-m", "mkdocs"]
    done = subprocess.run(command + ["build", "--strict", "-q", "-f", str(built.build_dir / "mkdocs.yml"),
                                     "-d", str(tmp_path / "site")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "glossary" / "index.html").is_file()


def test_second_build_is_reused(built):
    said = []
    site_build.build_site(built.database, built.packages, built.build_dir, say=said.append, sources=built.sources)
    assert said == ["reused site: no page, package, document or code changed"]


def test_pages_are_deterministic(built, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    site_build.write_pages(built.database, built.packages, first)
    site_build.write_pages(built.database, built.packages, second)
    pages = sorted(p.relative_to(first).as_posix() for p in first.rglob("*.md"))
    assert pages == sorted(p.relative_to(second).as_posix() for p in second.rglob("*.md"))
    for name in pages:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    generated = sorted(p.relative_to(built.docs).as_posix() for p in built.docs.rglob("*.md"))
    assert pages == generated


def test_generated_pages_are_not_in_site_folder():
    """site/ holds hand-written pages only; generated ones live in build/ (gitignored)."""
    for path in (ROOT / "site").rglob("*"):
        name = path.relative_to(ROOT / "site").as_posix()
        assert not any(name == g or (g.endswith("/") and name.startswith(g)) for g in site_build.GENERATED), name
    assert "/build/" in (ROOT / ".gitignore").read_text().split()


def test_every_handwritten_page_is_in_the_navigation(built):
    config = (built.build_dir / "mkdocs.yml").read_text(encoding="utf-8")
    for path in sorted((ROOT / "site").rglob("*.md")):
        assert path.relative_to(ROOT / "site").as_posix() in config, path


def test_site_works_without_network(built):
    """No page loads anything from another host: no web fonts, no CDN scripts, charts are inline SVG."""
    for html in built.site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for ref in re.findall(r'<(?:script|link|img)\b[^>]*?(?:src|href)="([^"]+)"', text):
            assert not re.match(r"^(https?:)?//", ref), (html, ref)


# --------------------------------------------------------------------------------- disclosure pages


def facts_by_line(built, doc_id: str) -> dict[int, list[Decimal]]:
    """Every amount of the document at each source line: facts, projects and performance goals."""
    out: dict[int, list[Decimal]] = {}
    for table in ("budget_facts", "projects", "performance_goals"):
        for r in built.query(f"select source_line, amount from {table} where doc_id = ? and amount is not null",
                             doc_id):
            out.setdefault(r["source_line"], []).append(Decimal(repr(r["amount"])))
    return out


def test_every_amount_on_a_disclosure_page_is_in_the_database(built):
    """Each amount column (…（万元）) of each table holds a fact printed at the line of the row's 行."""
    checked = 0
    for doc_id in doc_ids(built):
        by_line = facts_by_line(built, doc_id)
        for headers, rows in markdown_tables(page(built, f"disclosures/{doc_id}.md")):
            amount_columns = [i for i, h in enumerate(headers) if "（万元）" in h]
            if not amount_columns:
                continue
            assert "行" in headers, headers
            line_column = headers.index("行")
            for row in rows:
                for i in amount_columns:
                    value = number(row[i])
                    if value is None:
                        assert row[i] in ("", "—"), row
                        continue
                    line = int(row[line_column])
                    if "情况说明" in row:  # a figure only the narrative states (机关运行经费): its headline row
                        assert built.query("select 1 from headline_figures where doc_id = ? and table_id is null "
                                           "and source_line = ? and amount = ?", doc_id, line, float(value)), row
                        continue
                    assert any(abs(value - a) < Decimal("1e-9") for a in by_line.get(line, [])), (doc_id, row)
                    checked += 1
    assert checked > 150


@pytest.mark.parametrize("doc_id", SAMPLES_WITH_TABLES)
def test_headline_figures_match_the_database(built, doc_id):
    """The page's 主要数字 against plain SQL on the database, and against the hand-checked values."""
    def one(sql: str) -> Decimal | None:
        rows = built.query(sql, doc_id)
        return Decimal(repr(rows[0]["amount"])) if rows else None

    by_kind = ("select f.amount from budget_facts f join budget_tables t using (doc_id, table_id) "
               "where f.doc_id = ? and t.kind = '{kind}' and {where} order by t.table_id, f.row limit 1")
    expected = {
        "收入总计": one(by_kind.format(kind="income_expenditure_summary",
                                    where="replace(f.item, ' ', '') like '%收入总计'")),
        "支出总计": one(by_kind.format(kind="income_expenditure_summary",
                                    where="replace(f.item, ' ', '') like '%支出总计'")),
        "基本支出": one(by_kind.format(kind="expenditure_summary", where="f.measure = '基本支出'")),
        "项目支出": one(by_kind.format(kind="expenditure_summary", where="f.measure = '项目支出'")),
        "三公经费": one(by_kind.format(
            kind="three_public",
            where="f.measure in ('合计', '总计') and (replace(f.item, ' ', '') like '%' || "
                  "(select fiscal_year from documents where doc_id = f.doc_id) || '年%' "
                  "or replace(f.item, ' ', '') in ('合计', '总计'))")),
    }
    assert list(expected.values()) == [Decimal(x) for x in HEADLINES[doc_id]]
    text = page(built, f"disclosures/{doc_id}.md")
    headline = text.split("## 主要数字", 1)[1].split("\n## ", 1)[0]
    ((headers, rows),) = markdown_tables(headline)
    # a row is labelled with its measure, and the one fund its table covers where the measure does not say
    shown = {max((m for m in NAMES if row[0].startswith(m)), key=len): number(row[1]) for row in rows}
    assert {k: shown[k] for k in expected} == expected
    # every figure shown is the document's published headline_figures row, and every row is shown
    published = {r["measure"]: Decimal(repr(r["amount"])) for r in
                 built.query("select measure, amount from headline_figures where doc_id = ?", doc_id)}
    assert {k: v for k, v in shown.items() if v is not None} == published


def test_disclosure_page_sections(built):
    text = page(built, "disclosures/sichuan-samr-data-center-2025.md")
    for anchor in ("projects", "performance", "glossary"):
        assert f"{{ #{anchor} }}" in text, anchor
    # sections of figures are left out of the search index (issue 15): it holds what people search for
    for anchor in ("headline", "income", "expenditure", "three-public", "goals", "checks", "tables", "downloads"):
        assert f"{{ #{anchor} data-search-exclude }}" in text, anchor
    assert text.count('<figure class="chart"') == 2
    assert "一般公共预算拨款收入" in text.split("<figure", 2)[1]  # the income chart's labels are text
    # the largest projects, largest first
    projects = built.query("select name, amount from projects where doc_id = 'sichuan-samr-data-center-2025' "
                           "order by amount desc limit 10")
    section = text.split("## 项目支出", 1)[1].split("\n## ", 1)[0]
    ((headers, rows),) = markdown_tables(section)
    assert [number(r[2]) for r in rows] == [Decimal(repr(p["amount"])) for p in projects]
    # failed checks are listed with their line
    failed = built.query("select source_line from checks where doc_id = 'sichuan-samr-data-center-2025' "
                         "and not passed")
    checks = text.split("## 校验", 1)[1].split("\n## ", 1)[0]
    assert checks.count("\n- ") == len(failed)
    for row in failed:
        assert f"第 {row['source_line']} 行" in checks


def test_page_without_budget_tables(built):
    """Nantong publishes performance goals only: the page says so instead of showing empty figures."""
    text = page(built, "disclosures/nantong-samr-projects-2024.md")
    assert "没有可列出的主要数字" in text
    assert "<figure" not in text
    goals = built.query("select count(*) n from performance_goals where doc_id = 'nantong-samr-projects-2024'")
    assert f"共 {goals[0]['n']} 个绩效目标" in text


def test_charts_render_chinese_text_as_inline_svg(built):
    html = (built.site / "disclosures" / "shenzhen-public-credit-center-2022" / "index.html").read_text("utf-8")
    svgs = re.findall(r"<svg role=\"img\".*?</svg>", html, flags=re.S)
    assert len(svgs) == 2
    for svg in svgs:
        assert 'style="max-width:100%;height:auto"' in svg and "viewBox=" in svg
        assert "Noto Sans CJK SC" in svg
    assert ">一般公共服务支出<" in svgs[1]


# ----------------------------------------------------------------------------------------- glossary


def search_index(built) -> list[dict]:
    return json.loads((built.site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def plain(text: str) -> str:
    return re.sub(r"[\s\u200b]+", "", unicodedata.normalize("NFKC", text))


def test_every_glossary_term_is_in_the_search_index(built):
    docs = search_index(built)
    titles = {plain(d["title"]): d["location"] for d in docs if d["location"].startswith("glossary/#")}
    everything = plain(" ".join(d["title"] + " " + d["text"] for d in docs))
    terms = built.query("select distinct term from glossary")
    assert len(terms) > 30
    for row in terms:
        term = plain(row["term"])
        assert term in everything, row["term"]
        assert term in titles, row["term"]  # each term is the title of its own glossary entry


def test_the_search_index_holds_publishers_projects_and_terms_not_the_figures(built):
    docs = search_index(built)
    pages = [d for d in docs if d["location"].startswith("disclosures/sichuan-samr-data-center-2025/")]
    locations = {d["location"].split("#")[-1] for d in pages}
    assert {"projects", "glossary"} <= locations
    assert not locations & {"income", "expenditure", "three-public", "checks", "tables", "downloads", "goals"}
    everything = plain(" ".join(d["title"] + " " + d["text"] for d in docs))
    project = built.query("select name from projects where doc_id = 'sichuan-samr-data-center-2025' "
                          "order by amount desc limit 1")[0]["name"]
    assert plain(project) in everything and "数据应用中心" in everything


def test_glossary_page_lists_every_term_once(built, data):
    text = page(built, "glossary.md")
    entries = gl.merge(data)
    keys = {plain(r["term"]) for r in data.rows["glossary"]}
    assert len(entries) == len(keys)
    for e in entries:
        assert text.count(f"{{ #{e.anchor} }}") == 1
    # ordered by pinyin
    assert [e.pinyin for e in entries] == sorted(e.pinyin for e in entries)


def glossary_data(rows: list[dict]) -> SiteData:
    data = SiteData(Path("test.db"))
    data.rows = {"glossary": rows, "documents": []}
    data.index()
    return data


def test_glossary_merge_matches_after_nfkc_and_whitespace():
    rows = [
        {"doc_id": "a", "seq": 1, "term": "“三公”经费", "definition": "因公出国（境）费……", "source_line": 10},
        {"doc_id": "b", "seq": 4, "term": "“三公” 经费", "definition": "因公出国(境)费……", "source_line": 20},
        {"doc_id": "c", "seq": 2, "term": "“三公”经费", "definition": "另一种释义", "source_line": 30},
        {"doc_id": "a", "seq": 2, "term": "上年结转", "definition": "以前年度……", "source_line": 11},
        {"doc_id": "b", "seq": 1, "term": "一般公共服务（类）市场监督管理事务（款）信息化建设（项）",
         "definition": "信息化", "source_line": 12, "function_code": "2013808"},
        {"doc_id": "b", "seq": 2, "term": "一般公共预算拨款收入", "definition": "拨款", "source_line": 13},
        {"doc_id": "b", "seq": 3, "term": "基本支出", "definition": "运转", "source_line": 14},
        {"doc_id": "b", "seq": 5, "term": "项目绩效目标", "definition": "目标", "source_line": 15},
    ]
    entries = gl.merge(glossary_data(rows))
    by_term = {e.term: e for e in entries}
    three = by_term["“三公”经费"]
    assert three.printings == ["“三公”经费", "“三公” 经费"]
    assert [len(d.sources) for d in three.definitions] == [2, 1]  # （境）and (境) are the same after NFKC
    assert three.doc_ids == ["a", "b", "c"] and three.category == "经费"
    assert by_term["上年结转"].category == "收入" and by_term["上年结转"].anchor == "shang-nian-jie-zhuan"
    code = by_term["一般公共服务（类）市场监督管理事务（款）信息化建设（项）"]
    assert code.function_codes == ["2013808"] and code.category == "科目"
    assert by_term["一般公共预算拨款收入"].category == "收入"
    assert by_term["基本支出"].category == "支出"
    assert by_term["项目绩效目标"].category == "绩效"
    assert [e.term for e in entries] == ["基本支出", "“三公”经费", "上年结转", "项目绩效目标", "一般公共服务（类）市场监督管理事务（款）信息化建设（项）",
                                         "一般公共预算拨款收入"]
    text = reference.glossary_page(glossary_data(rows), entries, Datasette())
    assert "科目编码：[2013808](https://lite.datasette.io/?url=yusuan.db#/yusuan/budget_facts?function_code=2013808)" in text
    assert "2 种不同的释义" in text


def test_a_definition_printed_by_many_documents_lists_a_few_and_links_to_all():
    """The glossary page stays as long as its terms, whatever the number of documents that print them."""
    rows = [{"doc_id": f"d{n:03}", "seq": 1, "term": "“三公”经费" if n % 2 else "“三公” 经费",
             "definition": "因公出国（境）费……", "source_line": 10 + n} for n in range(40)]
    data = glossary_data(rows)
    text = reference.glossary_page(data, gl.merge(data), Datasette())
    (line,) = [x for x in text.splitlines() if x.startswith("出处：")]
    assert line.count("](disclosures/") == reference.SOURCES_SHOWN == 5
    assert "[d000](disclosures/d000.md#glossary) 第 10 行；" in line and "d005" not in line
    assert line.endswith(" 等 40 处（[在 Datasette 中查看全部](https://lite.datasette.io/?url=yusuan.db#/yusuan/glossary"
                         "?term__in=%5B%22%E2%80%9C%E4%B8%89%E5%85%AC%E2%80%9D+%E7%BB%8F%E8%B4%B9%22%2C+%22%E2%80%9C"
                         "%E4%B8%89%E5%85%AC%E2%80%9D%E7%BB%8F%E8%B4%B9%22%5D){ .datasette-lite }）")  # both printings


# ------------------------------------------------------------------------------ reference pages


def test_dictionary_describes_every_field_of_pipeline_fields(built):
    source, resources = reference.dictionary_source()
    assert source == "pipeline.fields"
    from pipeline.fields import RESOURCES

    text = page(built, "dictionary.md")
    assert [r.name for r in resources] == list(RESOURCES)
    for name, resource in RESOURCES.items():
        assert f"{{ #{name} }}" in text
        section = text.split(f"{{ #{name} }}", 1)[1].split("\n## ", 1)[0]
        for f in resource.fields:
            assert f"| `{f.name}` | {esc(f.title_zh)} |" in section, (name, f.name)


def test_dictionary_falls_back_to_the_records(monkeypatch):
    monkeypatch.setitem(sys.modules, "pipeline.fields", None)  # import fails
    source, resources = reference.dictionary_source()
    assert source == "pipeline.records"
    facts = next(r for r in resources if r.name == "budget_facts")
    column_path = next(f for f in facts.fields if f.name == "column_path")
    assert "header path" in column_path.description and column_path.type == "string"


def test_checks_page_lists_every_registered_rule(built):
    text = page(built, "methodology/checks.md")
    found = reference.rules()
    assert found, "pipeline.checks.RULES is empty"
    for rule in found:
        assert f"{{ #{rule.id} }}" in text
        assert esc(rule.identity) in text


def test_checks_page_without_a_registry(monkeypatch, data):
    monkeypatch.setattr(reference, "rules", lambda: [])
    assert reference.CHECKS_PLACEHOLDER in reference.checks_page(data)


# ------------------------------------------------------------------------------ downloads and quality


def test_every_package_file_is_offered_for_download(built):
    """downloads.md links the combined package and every city's page; each city's page (regions/<p>/<c>/
    downloads.md) links the files of its own documents' packages, and no other."""
    from pipeline.site.browse import areas

    text = page(built, "downloads.md")
    places = areas(load(built.database))
    assert places and all(f"]({a.page('downloads')})" in text for a in places)
    area_of = {i: a for a in places for i in a.doc_ids}
    files = [p for p in sorted(built.packages.rglob("*")) if p.is_file() and p.suffix != ".md"]
    assert files
    for path in files:
        name = path.relative_to(built.packages).as_posix()
        package = name.split("/", 1)[0]
        if package in area_of:
            own = page(built, area_of[package].page("downloads"))
            assert f"](../../../downloads/{name})" in own, name
            assert all(f"downloads/{name})" not in page(built, a.page("downloads")) for a in places if a != area_of[package])
            assert f"downloads/{name})" not in text, name
        else:
            assert f"](downloads/{name})" in text, name
        assert (built.site / "downloads" / name).read_bytes() == path.read_bytes()
    assert (built.site / "yusuan.db").read_bytes() == built.database.read_bytes()
    # row counts of the CSV files are the rows of the database
    for doc_id in doc_ids(built):
        section = page(built, f"disclosures/{doc_id}.md").split("## 下载与查询", 1)[1]
        ((headers, rows),) = markdown_tables(section)
        for row in rows:
            resource = re.sub(r"\\_", "_", row[0].split("]")[0].lstrip("["))
            if resource.endswith(".csv"):
                table = resource[:-4]
                (count,) = built.query(f"select count(*) n from [{table}] where doc_id = ?", doc_id)
                assert int(row[3]) == count["n"], (doc_id, table)


def test_quality_scorecard_shows_each_table_status(built):
    """Each city's 数据质量 page has the scorecard of its own documents; quality.md the totals and each city."""
    from pipeline.site.browse import areas
    from pipeline.site.quality import MARK, kinds

    text = page(built, "quality.md")
    places = areas(load(built.database))
    columns = {k: i + 1 for i, k in enumerate(kinds())}
    by_doc = {}
    for area in places:
        assert f"]({area.page('quality')})" in text
        section = page(built, area.page("quality")).split("## 完整性", 1)[1]
        ((headers, rows),) = markdown_tables(section)
        found = {re.search(r"\(\.\./\.\./\.\./disclosures/(.+?)\.md\)", r[0]).group(1): r for r in rows}
        assert sorted(found) == area.doc_ids
        by_doc.update(found)
    assert sorted(by_doc) == doc_ids(built)
    for t in built.query("select doc_id, kind, status from budget_tables order by doc_id, table_id"):
        assert by_doc[t["doc_id"]][columns[t["kind"]]] == MARK[t["status"]], dict(t)
    for doc_id, row in by_doc.items():
        (g,) = built.query("select count(*) n from glossary where doc_id = ?", doc_id)
        assert row[-2] == (f"✅ {g['n']}" if g["n"] else "—")
    failed = built.query("select count(*) n from checks where not passed")[0]["n"]
    assert f"共 {failed} 项" in text
    # each city's failed checks add up to the total, and its table of cities counts them
    ((_, city_rows),) = markdown_tables(text.split("## 按地区", 1)[1])
    assert len(city_rows) == len(places)
    assert sum(int(r[6]) for r in city_rows) == failed
    assert sum(int(r[1]) for r in city_rows) == len(doc_ids(built))
    per_city = [re.search(r"共 (\d+) 项", page(built, a.page("quality")).split("## 未通过的校验", 1)[1].split("##", 1)[0])
                for a in places]
    assert sum(int(m.group(1)) for m in per_city if m) == failed


def test_datasette_links():
    lite = Datasette()
    assert lite.link("数字", "budget_facts", doc_id="x") == (
        "[数字](https://lite.datasette.io/?url=yusuan.db#/yusuan/budget_facts?doc_id=x){ .datasette-lite }")
    published = Datasette(site_url="https://example.org/yusuan/")
    assert published.link("数字", "budget_facts", doc_id="x") == (
        "[数字](https://lite.datasette.io/?url=https://example.org/yusuan/yusuan.db#/yusuan/budget_facts?doc_id=x)")
    served = Datasette(base="https://datasette.example.org/")
    assert served.link("数字", "projects", doc_id="x") == "[数字](https://datasette.example.org/yusuan/projects?doc_id=x)"


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("YUSUAN_SITE_URL", "https://example.org/yusuan/")
    monkeypatch.setenv("YUSUAN_DATASETTE_URL", "https://datasette.example.org")
    assert site_build.settings() == ("https://example.org/yusuan/", "https://datasette.example.org")
    monkeypatch.delenv("YUSUAN_SITE_URL")
    monkeypatch.delenv("YUSUAN_DATASETTE_URL")
    assert site_build.settings() == ("", "")


def test_escape_keeps_printed_text_inert():
    assert esc("1. 提升 | 加强 *重点* <b>") == "1\\. 提升 \\| 加强 \\*重点\\* &lt;b&gt;"
    assert esc(None) == "" and esc("a\n b") == "a b"


def test_mkdocs_config_inherits_the_project_config(built):
    text = (built.build_dir / "mkdocs.yml").read_text(encoding="utf-8")
    assert text.startswith("# Generated") and "INHERIT:" in text and "nav:" in text


# ----------------------------------------------------------------------------------------- browsing


@pytest.mark.parametrize("region, place", [
    ("深圳市", ("广东省", "深圳市", None)),  # the province the text need not print
    ("深圳市福田区", ("广东省", "深圳市", "福田区")),
    ("四川省成都市", ("四川省", "成都市", None)),
    ("四川省", ("四川省", "四川省", None)),  # a province's own department
    ("北京市朝阳区", ("北京市", "北京市", "朝阳区")),
    ("内蒙古自治区鄂尔多斯市", ("内蒙古自治区", "鄂尔多斯市", None)),
    ("某某县", ("地区未识别", "某某县", None)),
    (None, ("地区未识别", "地区未识别", None)),
])
def test_a_region_is_filed_under_its_province_and_city(region, place):
    from pipeline.site.places import place_of

    got = place_of(region)
    assert (got.province, got.city, got.county) == place


def test_place_pages_are_named_by_pinyin_and_never_by_the_printed_text():
    from pipeline.site.places import slug

    assert [slug(n) for n in ("广东省", "深圳市", "山西省", "陕西省", "地区未识别")] == [
        "guangdong", "shenzhen", "shanxi-14", "shanxi-61", "unknown"]
    assert re.fullmatch(r"etcpasswd-[0-9a-f]{8}", slug("../../etc/passwd"))


def test_every_disclosure_is_reached_from_the_index_through_its_province_and_city(built):
    """Only the index and the provinces are in the navigation; every document page is linked from its
    city's page, which is linked from its province's page."""
    config = (built.build_dir / "mkdocs.yml").read_text(encoding="utf-8")
    assert "regions/sichuan/index.md" in config and f"disclosures/{SAMPLES_WITH_TABLES[0]}.md" not in config
    docs = built.docs / "disclosures"
    index = (docs / "index.md").read_text(encoding="utf-8")
    assert "共 5 份公开文件，来自 5 个发布单位、4 个省份的 4 个城市（地区），年度 2022–2025" in index
    reached = set()
    regions = built.docs / "regions"
    for province in re.findall(r"\]\(\.\./regions/([a-z0-9-]+)/index\.md\)", index):
        text = (regions / province / "index.md").read_text(encoding="utf-8")
        for city in re.findall(r"\]\(([a-z0-9-]+)\.md\)", text):
            page_text = (regions / province / f"{city}.md").read_text(encoding="utf-8")
            reached.update(re.findall(r"\]\(\.\./\.\./disclosures/([a-z0-9-]+)\.md\)", page_text))
    assert reached - {"index"} == set(doc_ids(built))  # index: the breadcrumb's (no doc_id may be index)
    sichuan = (regions / "sichuan" / "index.md").read_text(encoding="utf-8")
    assert "| [省级单位](sichuan.md) | 0 | 2 | 2 | 2025 |" in sichuan
    shenzhen = (regions / "guangdong" / "shenzhen.md").read_text(encoding="utf-8")
    assert "| 深圳市公共信用中心 | 市场监管 |  | [2022 部门预算](../../disclosures/shenzhen-public-credit-center-2022.md) |" in shenzhen
    page_text = (docs / "shenzhen-public-credit-center-2022.md").read_text(encoding="utf-8")
    assert "- **地区**：深圳市（[广东省 › 深圳市的全部公开文件](../regions/guangdong/shenzhen.md)）" in page_text
