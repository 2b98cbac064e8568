"""What keeps Datasette fast on a database of 10,000 documents (issue 15; benchmarks/datasette_speed.py
measures it), asserted by content against a real `yusuan serve` on the built samples: table counts
taken once at start-up, facets only on pages of few rows, canned queries a page at a time, searches of
one or two characters through the index of two-character words."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from published import DOC_IDS, GOV_OFFICE, SAMR, SHENZHEN, build_samples, read_csv

from pipeline.publish.database import FACET_VALUES_KEPT
from pipeline.publish.datasette import PAGE_SIZE, PLUGINS_DIR, inspect_data, make_datasette, metadata_path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(build_dir: Path):
    port = free_port()
    script = Path(sys.executable).parent / "yusuan"
    process = subprocess.Popen([str(script), "serve", "--build-dir", str(build_dir), "--port", str(port)],
                               cwd=build_dir.parent, env={**os.environ, "PYTHONUTF8": "1"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/-/versions.json", timeout=5)
            return process, base
        except httpx.TransportError:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "yusuan serve did not answer within 60 s"
            time.sleep(0.2)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_samples(tmp_path_factory)


@pytest.fixture(scope="module")
def server(built):
    process, base = start(built.build_dir)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def get_json(base: str, path: str, **params) -> dict | list:
    response = httpx.get(f"{base}/yusuan/{path}.json", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def rows(base: str, path: str, **params) -> list[dict]:
    return get_json(base, path, _shape="array", **params)


def facets(data: dict) -> dict[str, dict]:
    return {name: {v["value"]: v["count"] for v in f["results"]} for name, f in data["facet_results"].items()}


# ------------------------------------------------------------------------------------ table counts


def test_table_counts_are_taken_once_at_start_up(built, server):
    expected = {name: len(read_csv(built.packages / "all" / f"{name}.csv")) for name in ("budget_facts", "checks")}
    counts = inspect_data(built.database)["yusuan"]["tables"]
    assert {name: counts[name]["count"] for name in expected} == expected
    for name, n in expected.items():
        assert get_json(server, name)["filtered_table_rows_count"] == n
    # the page shows the count taken at start-up, not one of its own
    ds = make_datasette(built.database)
    ds.inspect_data["yusuan"]["tables"]["budget_facts"]["count"] = 123456789

    async def fetch():
        return (await ds.client.get("/yusuan/budget_facts.json")).json()

    assert asyncio.run(fetch())["filtered_table_rows_count"] == 123456789


def test_the_counts_are_those_datasette_inspect_gives(built):
    done = subprocess.run([str(Path(sys.executable).parent / "datasette"), "inspect", str(built.database),
                           "--inspect-file", "-"], capture_output=True, text=True, check=True)
    theirs = json.loads(done.stdout)["yusuan"]
    ours = inspect_data(built.database)["yusuan"]
    assert ours["tables"] == theirs["tables"]
    assert ours["size"] == theirs["size"] == built.database.stat().st_size
    assert ours["tables"]["projects_bigrams"]["count"] is None  # a contentless index: Datasette's None too


# ------------------------------------------------------------------------------------ facets


def test_default_facets_on_a_page_filtered_to_one_document(built, server):
    data = get_json(server, "budget_facts", doc_id=SAMR)
    facts = [r for r in read_csv(built.packages / "all" / "budget_facts.csv") if r["doc_id"] == SAMR]
    assert data["filtered_table_rows_count"] == len(facts)
    got = facets(data)
    assert set(got) == {"doc_id", "measure", "fund", "side"}
    assert got["side"] == dict(Counter(r["side"] for r in facts if r["side"]))
    measures = sorted(Counter(r["measure"] for r in facts).items(), key=lambda m: (-m[1], m[0]))
    assert got["measure"] == dict(measures[:30])  # the 30 most frequent (default_facet_size)
    assert got["doc_id"] == {SAMR: len(facts)}
    assert all(f["type"] == "column" for f in data["facet_results"].values())
    assert data["suggested_facets"] == []  # suggest_facets off: no count of every column


def test_default_facets_are_left_out_where_the_page_holds_more_rows(built, tmp_path):
    """The same facets with a limit of 500 rows (the deployed one is 5,000): the unfiltered page of the
    1,101 facts has none, a page of one document's facts has them, a facet asked for in the URL is
    counted on both."""
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    shutil.copyfile(built.database, build_dir / "yusuan.db")
    meta = json.loads(metadata_path(built.database).read_text(encoding="utf-8"))
    meta["databases"]["yusuan"]["tables"]["budget_facts"]["facets"] = [
        {"few_rows": {"column": c, "max_rows": 500}} for c in ("measure", "side")]
    (build_dir / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    process, base = start(build_dir)
    try:
        unfiltered = get_json(base, "budget_facts")
        assert unfiltered["filtered_table_rows_count"] > 500 and unfiltered["facet_results"] == {}
        one = get_json(base, "budget_facts", doc_id=SHENZHEN)
        assert one["filtered_table_rows_count"] <= 500 and set(facets(one)) == {"measure", "side"}
        asked = get_json(base, "budget_facts", _facet="side")
        assert set(facets(asked)) == {"side"}
        side = Counter(r["side"] for r in read_csv(built.packages / "all" / "budget_facts.csv") if r["side"])
        assert facets(asked)["side"] == dict(side)
        both = get_json(base, "budget_facts", doc_id=SHENZHEN, _facet="side")
        assert sorted(both["facet_results"]) == ["measure", "side"]  # side counted once
    finally:
        process.terminate()
        process.wait(timeout=30)


def in_process(database: Path, *paths: str) -> list[httpx.Response]:
    """The answers of the Datasette `yusuan serve` runs on `database`."""
    ds = make_datasette(database)

    async def fetch():
        return [await ds.client.get(path) for path in paths]

    return asyncio.run(fetch())


def test_a_facet_of_a_whole_table_is_read_from_the_stored_counts(built, tmp_path):
    """On the unfiltered page the counts are facet_counts' (altered here to tell them apart: 999,999), as
    Datasette's column facet shows any (labels, links); a filtered page and a column not stored are
    counted; on the database as built the stored counts are the counted ones."""
    plugin = (PLUGINS_DIR / "facets.py").read_text(encoding="utf-8")
    assert f"\nSTORED_VALUES = {FACET_VALUES_KEPT}  #" in plugin  # the plugin imports nothing from yusuan
    facts = read_csv(built.packages / "all" / "budget_facts.csv")
    measures = Counter(r["measure"] for r in facts if r["measure"])
    (data,) = [r.json() for r in in_process(built.database, "/yusuan/budget_facts.json?_facet=measure&_facet_size=max")]
    assert facets(data)["measure"] == dict(measures)
    assert data["facet_results"]["measure"]["truncated"] is False
    database = tmp_path / "yusuan.db"
    shutil.copyfile(built.database, database)
    shutil.copyfile(metadata_path(built.database), metadata_path(database))
    with sqlite3.connect(database) as con:
        con.execute("UPDATE facet_counts SET count = 999999 WHERE table_name = 'budget_facts' AND column_name = "
                    "'measure' AND value = '合计'")
        con.execute("UPDATE facet_counts SET count = 999998 WHERE table_name = 'documents' AND column_name = "
                    "'region'")
    con.close()
    whole, filtered, item, documents = (r.json() for r in in_process(
        database, "/yusuan/budget_facts.json?_facet=measure", f"/yusuan/budget_facts.json?_facet=measure&doc_id={SHENZHEN}",
        "/yusuan/budget_facts.json?_facet=item&_facet_size=max", "/yusuan/documents.json"))
    (first,) = whole["facet_results"]["measure"]["results"][:1]
    assert (first["value"], first["count"], first["label"]) == ("合计", 999999, "合计")
    assert "measure=%E5%90%88%E8%AE%A1" in first["toggle_url"]
    assert facets(filtered)["measure"] == dict(Counter(r["measure"] for r in facts if r["doc_id"] == SHENZHEN
                                                        and r["measure"]))
    assert facets(item)["item"] == dict(Counter(r["item"] for r in facts if r["item"]))  # not stored: counted
    assert set(facets(documents)["region"].values()) == {999998}  # a default facet of a whole table: stored too


def test_table_permissions_hold_with_the_rules_kept(built):
    """permissions.py keeps each table's rules per metadata: a table the metadata allows nobody stays
    hidden and forbidden on every visit, and other metadata is read again."""
    meta = json.loads(metadata_path(built.database).read_text(encoding="utf-8"))
    meta["databases"]["yusuan"]["tables"]["checks"]["allow"] = {"id": "nobody"}
    ds = make_datasette(built.database)

    async def visits():
        answers = [await ds.client.get(p) for p in ("/yusuan/checks.json", "/yusuan/checks.json", "/yusuan.json")]
        ds._metadata_local = meta
        answers += [await ds.client.get(p) for p in ("/yusuan/checks.json", "/yusuan/checks.json", "/yusuan.json")]
        return answers

    before, again, database, forbidden, still, hidden = asyncio.run(visits())
    assert (before.status_code, again.status_code, forbidden.status_code, still.status_code) == (200, 200, 403, 403)
    assert "checks" in [t["name"] for t in database.json()["tables"]]
    assert "checks" not in [t["name"] for t in hidden.json()["tables"]]


def test_what_the_server_holds_from_its_start_is_left_out_of_collections(built):
    """pauses.py: the objects of a started server are frozen (no full collection walks them again); a
    cycle made afterwards is still collected."""
    import gc
    import weakref

    gc.unfreeze()
    ds = make_datasette(built.database)
    asyncio.run(ds.invoke_startup())
    assert gc.get_freeze_count() > 10_000

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    gone = weakref.ref(a)
    del a, b
    gc.collect()
    assert gone() is None
    gc.unfreeze()


# ------------------------------------------------------------------------------------ canned queries


def test_headline_totals_by_document_by_publisher_year_and_page(server):
    assert [r["doc_id"] for r in rows(server, "headline_totals_by_document")] == DOC_IDS
    assert [r["doc_id"] for r in rows(server, "headline_totals_by_document", publisher="四川省")] == [
        GOV_OFFICE, SAMR]
    assert [r["doc_id"] for r in rows(server, "headline_totals_by_document", fiscal_year="2025")] == [
        "shanghai-finance-bureau-2025", GOV_OFFICE, SAMR]
    assert [r["doc_id"] for r in rows(server, "headline_totals_by_document", page="1")] == DOC_IDS
    assert [r["doc_id"] for r in rows(server, "headline_totals_by_document", page="not a number")] == DOC_IDS
    assert rows(server, "headline_totals_by_document", page="2") == []
    (samr,) = rows(server, "three_public_by_document", publisher="市场监督管理局数据")
    assert (samr["doc_id"], samr["three_public"]) == (SAMR, 7.31)


def like_truth(database: Path, word: str) -> dict[str, list[tuple]]:
    """Per source, the (doc_id, source_line, text) of the rows whose text holds the word, in rowid order."""
    con = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    out = {}
    for source, text, columns in (("glossary", "term || '：' || definition", ["term", "definition"]),
                                  ("projects", "name", ["name"]), ("performance_indicators", "name", ["name"])):
        like = " OR ".join(f"{c} LIKE ?" for c in columns)
        out[source] = con.execute(f"SELECT doc_id, source_line, {text} FROM {source} WHERE {like} ORDER BY rowid",
                                  [f"%{word}%"] * len(columns)).fetchall()
    con.close()
    return out


def sorted_page(truth: dict[str, list[tuple]], page: int) -> list[tuple]:
    chosen = [(source, *r) for source, found in truth.items() for r in found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]]
    return sorted(chosen)  # source, doc_id, source_line, text


@pytest.mark.parametrize("word", ["三公", "结转", "运维", "费", "率", "信息化", "满意度"])
def test_canned_search_finds_what_like_finds(built, server, word):
    truth = like_truth(built.database, word)
    assert any(truth.values())
    pages = (len(max(truth.values(), key=len)) - 1) // PAGE_SIZE + 1
    for page in range(1, pages + 2):
        got = [(r["source"], r["doc_id"], r["source_line"], r["text"])
               for r in rows(server, "search", q=word, page=str(page))]
        assert got == sorted_page(truth, page), (word, page)
    if word == "率":
        assert pages == 2  # 161 indicators: two pages


def test_canned_search_of_a_two_character_word_uses_no_scan(built):
    con = sqlite3.connect(f"{built.database.resolve().as_uri()}?mode=ro", uri=True)
    from pipeline.publish.datasette import SEARCH_SQL

    plan = [r[3] for r in con.execute(f"EXPLAIN QUERY PLAN {SEARCH_SQL}", {"q": "三公", "page": ""})]
    con.close()
    scans = [step for step in plan if step.startswith("SCAN") and "VIRTUAL TABLE" not in step
             and not step.startswith("SCAN (subquery")]
    assert scans == [], plan  # rows are read by rowid, the rowids from the indexes
    assert sum("_bigrams VIRTUAL TABLE" in step for step in plan) == 3


def test_failed_checks_a_page_at_a_time(built, server):
    failed = sorted((r["severity"], r["doc_id"], int(r["seq"]))
                     for r in read_csv(built.packages / "all" / "checks.csv") if r["passed"] == "false")
    assert 0 < len(failed) <= PAGE_SIZE
    assert [(r["severity"], r["doc_id"], r["seq"]) for r in rows(server, "failed_checks")] == failed
    assert rows(server, "failed_checks", page="2") == []


def test_derived_tables_have_pages_and_rows(server):
    page = httpx.get(f"{server}/yusuan/headline_totals", timeout=30)
    assert page.status_code == 200 and "主要数字 Headline totals" in page.text and SAMR in page.text
    (samr,) = rows(server, "headline_totals", doc_id=SAMR)
    assert (samr["income_total"], samr["three_public"]) == (7052.28, 7.31)
    assert get_json(server, "headline_totals")["filtered_table_rows_count"] == len(DOC_IDS)
    row = httpx.get(f"{server}/yusuan/documents/{SAMR}", timeout=30)
    assert row.status_code == 200 and "headline_totals" in row.text  # linked from the document's row
