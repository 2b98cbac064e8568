"""Datasette on the built database, as `yusuan serve` runs it: the JSON API, search, the canned queries,
the metadata rendered from pipeline/fields.py, and SQL that would write refused."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from published import DOC_IDS, GOV_OFFICE, SAMR, SHENZHEN, build_samples, read_csv, yusuan

from pipeline.fields import RESOURCES
from pipeline.publish.datasette import FEW_ROWS, QUERIES, SETTINGS, make_datasette, metadata_path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_samples(tmp_path_factory)


@pytest.fixture(scope="module")
def get(built):
    """GET a path of the app `yusuan serve` runs: (status, decoded JSON or text)."""
    ds = make_datasette(built.database)

    async def fetch(path: str, params: dict | None):
        response = await ds.client.get(path, params=params)
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, response.text

    def run(path: str, **params):
        return asyncio.run(fetch(path, params or None))

    run.ds = ds
    return run


def query(get, name: str, **params) -> list[dict]:
    status, rows = get(f"/yusuan/{name}.json", _shape="array", **params)
    assert status == 200, rows
    return rows


def test_the_json_api_returns_a_known_amount(get):
    rows = query(get, "budget_facts", doc_id=SAMR, source_line="110", side="收入")
    assert len(rows) == 1
    assert (rows[0]["item"], rows[0]["amount"], rows[0]["printed"], rows[0]["measure"]) == (
        "一、一般公共预算拨款收入", 6138.20, "6,138.20", "预算数")


def test_table_search_finds_projects(get):
    rows = query(get, "projects", _search="信息化")
    assert sorted(r["name"] for r in rows) == sorted([
        "2024 年信息化规划管理服务项目", "基于市场监管政务信息化项目查重模型研究",
        "四川省市场监督管理局数据应用中心 2025 年信息化规划管理服务 项目"])
    assert {r["doc_id"] for r in rows} == {SAMR}


def test_canned_search_uses_the_trigram_index_for_long_words_and_two_character_words_for_short_ones(get):
    rows = query(get, "search", q="信息化")
    projects = [r["text"] for r in rows if r["source"] == "projects"]
    assert "基于市场监管政务信息化项目查重模型研究" in projects and len(projects) == 3
    assert {r["source"] for r in rows} == {"projects", "glossary", "performance_indicators"}
    assert all("信息化" in r["text"] for r in rows)
    # two characters: below a trigram, found in the index of two-character words (test_datasette_scale.py)
    for word, source in (("三公", "glossary"), ("结转", "glossary")):
        rows = query(get, "search", q=word)
        assert rows and all(word in r["text"] for r in rows)
        assert source in {r["source"] for r in rows}
    assert query(get, "search", q="") == []
    assert query(get, "search", q='"信息') == []  # a quote is searched for, not a syntax error


def test_canned_headline_totals(get):
    rows = {r["doc_id"]: r for r in query(get, "headline_totals_by_document")}
    assert list(rows) == DOC_IDS
    samr = rows[SAMR]
    assert (samr["income_total"], samr["expenditure_total"], samr["basic_expenditure"],
            samr["project_expenditure"], samr["three_public"]) == (7052.28, 7052.28, 1546.20, 5506.08, 7.31)
    assert rows[GOV_OFFICE]["income_total"] == 21749.66


def test_canned_comparisons(get):
    """The same figures as headline_figures, by department type and by measure, on the real server."""
    types = {r["department_type"]: r["documents"] for r in query(get, "department_types")}
    assert types["市场监管"] == 3
    rows = query(get, "compare_department_type", department_type="市场监管")
    assert [(r["doc_id"], r["expenditure_total"], r["personnel_expenditure"]) for r in rows][0] == (
        SAMR, 7052.28, 640.00)
    measure = query(get, "compare_measure", measure="三公经费")
    assert (measure[0]["doc_id"], measure[0]["amount"], measure[0]["table_id"]) == (
        "shanghai-finance-bureau-2025", 346.30, "t09")
    assert [r["amount"] for r in measure] == sorted((r["amount"] for r in measure), reverse=True)


def test_canned_largest_projects(get):
    rows = query(get, "largest_projects")
    assert (rows[0]["name"], rows[0]["amount"], rows[0]["doc_id"]) == ("四川省级政务云平台服务扩容项目", 14829.85, GOV_OFFICE)
    amounts = [r["amount"] for r in rows]
    assert amounts == sorted(amounts, reverse=True)


def test_canned_three_public_by_document(get):
    rows = {r["doc_id"]: r for r in query(get, "three_public_by_document")}
    assert (rows[SHENZHEN]["three_public"], rows[SHENZHEN]["official_reception"],
            rows[SHENZHEN]["official_vehicles"]) == (12.4, 0.4, 12)
    assert rows[SAMR]["three_public"] == 7.31


def test_canned_failed_checks(get, built):
    failed = [r for r in read_csv(built.packages / "all" / "checks.csv") if r["passed"] == "false"]
    rows = query(get, "failed_checks")
    assert sorted((r["doc_id"], r["seq"]) for r in rows) == sorted((r["doc_id"], int(r["seq"])) for r in failed)
    assert [r["severity"] for r in rows] == sorted(r["severity"] for r in rows)  # errors first


def test_a_fact_leads_to_its_printed_page(get, built):
    """From a fact (a headline figure's fact_seq) to where it is printed: page, cell, the published PDF at
    that page (a link on Datasette's page) and the site's picture of the page; a text input has none."""
    pdf_doc = "shanghai-finance-bureau-2025"
    (income,) = [h for h in query(get, "headline_figures", doc_id=pdf_doc, measure="收入总计")]
    (row,) = query(get, "printed_place", doc_id=pdf_doc, seq=str(income["fact_seq"]))
    (document,) = query(get, "documents", doc_id=pdf_doc)
    assert (row["item"], row["printed"], row["source_page"], row["source_bbox"]) == (
        "收入总计", "171,915,169", 7, "204.00,476.72,303.99,499.88")
    assert row["pdf_page_url"] == document["source_url"] + "#page=7"
    assert row["page_image"] == f"pages/{document['source_sha256']}/7.png"
    assert row["site_view"] == f"pages/{document['source_sha256']}/7.html#b-204.00-476.72-303.99-499.88"
    status, html = get(f"/yusuan/printed_place?doc_id={pdf_doc}&seq={income['fact_seq']}")
    assert status == 200 and f'href="{document["source_url"]}#page=7"' in html.replace("&amp;", "&")
    assert len(query(get, "printed_place", doc_id=pdf_doc, seq="")) == 100  # a page of the document's facts
    text = query(get, "printed_place", doc_id=SAMR, seq="1")
    assert len(text) == 1 and text[0]["source_page"] is None
    assert (text[0]["source_bbox"], text[0]["pdf_page_url"], text[0]["page_image"]) == (None, None, None)
    assert text[0]["site_view"].endswith(f".html#L{text[0]['source_line']}")


def test_printed_place_gives_the_sites_views(get, built):
    """Where each fact is printed, as the site shows it: a PDF's page view with the cell's box, a text's line."""
    documents = {r["doc_id"]: r for r in read_csv(built.packages / "all" / "documents.csv")}
    facts = {(r["doc_id"], int(r["seq"])): r for r in read_csv(built.packages / "all" / "budget_facts.csv")}
    for doc_id in ("shanghai-finance-bureau-2025", SAMR):
        rows = query(get, "printed_place", doc_id=doc_id, seq="") + query(get, "printed_place", doc_id=doc_id, seq="",
                                                                             page="2")
        assert len(rows) == min(200, sum(d == doc_id for d, _ in facts))
        sha = documents[doc_id]["source_sha256"]
        for row in rows:
            fact = facts[(doc_id, row["seq"])]
            if fact["source_page"]:  # the PDF
                assert row["site_view"] == (f"pages/{sha}/{fact['source_page']}.html#b-"
                                                + fact["source_bbox"].replace(",", "-"))
                assert row["page_image"] == f"pages/{sha}/{fact['source_page']}.png"
            else:
                assert row["site_view"] == f"sources/{sha}.html#L{fact['source_line']}"
                assert row["page_image"] is None
        assert any(r["page_image"] for r in rows) == (doc_id != SAMR)


def test_printed_places_picks_the_sha256_of_the_facts_own_file():
    """A disclosure of several files lists one sha256 per file: each fact's place names its own file's."""
    import sqlite3

    from pipeline.publish.datasette import PRINTED_PLACE_SQL

    con = sqlite3.connect(":memory:")
    con.execute("create table documents (doc_id, source_file, source_sha256, source_url)")
    con.execute("create table budget_facts (doc_id, seq, table_id, item, measure, amount, printed, source_file, "
                "source_line, source_page, source_bbox, ocr_confidence, ocr_uncertain)")
    files = ["情况说明.pdf", "b.txt", "说明.pdf"]  # 说明.pdf is the end of another name
    shas = [c * 64 for c in "abc"]
    con.execute("insert into documents values ('d', ?, ?, null)", ("; ".join(files), "; ".join(shas)))
    con.executemany("insert into budget_facts values ('d', ?, 't01', 'x', 'y', 1, '1', ?, ?, ?, ?, null, 0)", [
        (1, "说明.pdf", 9, 3, "1.00,2.00,3.50,4.00"), (2, "b.txt", 7, None, None), (3, "情况说明.pdf", 5, 1, None)])
    rows = con.execute(PRINTED_PLACE_SQL, {"doc_id": "d", "seq": "", "page": ""}).fetchall()
    assert [(r[1], r[-1], r[-2]) for r in rows] == [
        (1, f"pages/{'c' * 64}/3.html#b-1.00-2.00-3.50-4.00", f"pages/{'c' * 64}/3.png"),
        (2, f"sources/{'b' * 64}.html#L7", None),
        (3, f"pages/{'a' * 64}/1.html", f"pages/{'a' * 64}/1.png"),
    ]


def test_every_canned_query_runs(get):
    for name in QUERIES:
        status, data = get(f"/yusuan/{name}.json", q="结转")
        assert status == 200, (name, data)


@pytest.mark.parametrize("sql", [
    "delete from projects",
    "insert into documents (doc_id) values ('x')",
    "drop table projects",
    "update projects set amount = 0",
    "select 1; delete from projects",
    "attach database ':memory:' as other",
    "pragma writable_schema = 1",
])
def test_sql_that_would_write_is_refused(get, sql):
    status, data = get("/yusuan.json", sql=sql)
    assert status == 400, data
    assert query(get, "projects", _size="max")  # still there
    assert len(query(get, "projects", _size="max")) == 63


def test_the_database_is_served_immutable_with_the_settings(get):
    ds = get.ds
    assert ds.databases["yusuan"].is_mutable is False
    for key, value in SETTINGS.items():
        assert ds.setting(key) == value


def test_metadata_is_rendered_from_the_fields(built):
    meta = json.loads(metadata_path(built.database).read_text(encoding="utf-8"))
    assert meta["license"] == "CC-BY-4.0"
    database = meta["databases"]["yusuan"]
    for doc_id in DOC_IDS:
        assert doc_id in database["description_html"]
    for name, res in RESOURCES.items():
        table = database["tables"][name]
        assert table["description"] == res.description
        assert list(table["columns"]) == res.field_names
        for facet in table.get("facets", []):
            config = facet[FEW_ROWS]
            assert (config["column"] if isinstance(config, dict) else config) in res.field_names
    amount = database["tables"]["budget_facts"]["columns"]["amount"]
    assert amount.startswith("金额（万元） — Amount.") and "万元 (ten thousand yuan)" in amount
    assert database["tables"]["headline_totals"]["columns"]["income_total"].endswith(
        "Unit: 万元 (ten thousand yuan).")
    assert all("units" not in table for table in database["tables"].values())  # units in words, not Pint
    assert set(database["queries"]) == {"headline_totals_by_document", "largest_projects", "three_public_by_document",
                                        "failed_checks", "search", "compare_department_type", "department_types",
                                        "compare_measure", "printed_place"}
    assert "pages/&lt;source_sha256&gt;/&lt;source_page&gt;.png" in database["description_html"]  # escaped
    sha = database["tables"]["documents"]["columns"]["source_sha256"]
    assert "pages/<source_sha256>/<source_page>.png" in sha and "sources/<source_sha256>.html#L<source_line>" in sha


def test_pages_show_titles_and_column_descriptions(get):
    status, text = get("/yusuan/budget_facts")
    assert status == 200 and "预算数据 Budget facts" in text and "ten thousand yuan" in text
    status, text = get("/yusuan")
    assert status == 200 and "CC-BY-4.0" in text and "headline_totals_by_document" in text and "three_public" in text


# ------------------------------------------------------------------------------------ yusuan serve


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_runs_datasette_on_the_built_database(built):
    port = free_port()
    script = Path(sys.executable).parent / "yusuan"
    process = subprocess.Popen([str(script), "serve", "--build-dir", str(built.build_dir), "--port", str(port)],
                               cwd=built.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/yusuan/headline_totals.json",
                                     params={"_shape": "array"}, timeout=5)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "yusuan serve did not answer within 60 s"
                time.sleep(0.2)
        assert response.status_code == 200
        assert {r["doc_id"]: r["income_total"] for r in response.json()}[SAMR] == 7052.28
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_without_a_build_says_what_to_do(tmp_path):
    done = yusuan("serve", "--build-dir", str(tmp_path / "nothing"), cwd=tmp_path)
    assert done.returncode == 1
    assert "run `yusuan build` first" in done.stderr and "Traceback" not in done.stderr


def test_serve_help(tmp_path):
    done = yusuan("serve", "--help", cwd=tmp_path)
    assert done.returncode == 0
    assert "--port" in done.stdout and "--host" in done.stdout and "--build-dir" in done.stdout
