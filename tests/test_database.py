"""The SQLite database `yusuan build` writes (build/yusuan.db): the same rows as the packages, keys,
indexes, trigram full-text search and that of two-character words, and the derived tables, with real
numbers from the samples."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlite_utils
from conftest import DISCLOSURES
from published import DOC_IDS, GOV_OFFICE, SAMR, SHENZHEN, build_samples, read_csv

from pipeline.catalog import load_catalog
from pipeline.fields import RESOURCES
from pipeline.publish.database import (
    BIGRAMS,
    DERIVED,
    DERIVED_KEYS,
    FACET_COUNTS,
    FACET_VALUES_KEPT,
    FTS,
    INDEXES,
    SQL_TYPES,
    bigrams,
    facet_count_columns,
    write_database,
)
from pipeline.publish.datasette import TABLE_FACETS
from pipeline.read import read_document


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_samples(tmp_path_factory)


@pytest.fixture(scope="module")
def db(built):
    database = sqlite_utils.Database(built.database)
    yield database
    database.close()


def test_every_resource_is_a_table_with_the_csv_rows(db, built):
    assert set(RESOURCES) <= set(db.table_names())
    for name, res in RESOURCES.items():
        table = db[name]
        assert [c.name for c in table.columns] == res.field_names
        assert [c.type for c in table.columns] == [SQL_TYPES[f.type] for f in res.fields]
        rows = read_csv(built.packages / "all" / f"{name}.csv")
        assert table.count == len(rows), name
        assert table.pks == list(res.primary_key)


def test_values_are_those_of_the_csv(db, built):
    rows = read_csv(built.packages / "all" / "budget_facts.csv")
    got = list(db.query("SELECT doc_id, seq, amount, function_code, source_page FROM budget_facts ORDER BY doc_id, seq"))
    assert len(got) == len(rows)
    for csv_row, db_row in zip(rows, got, strict=True):
        assert db_row["amount"] == float(Decimal(csv_row["amount"]))
        assert (db_row["function_code"] or "") == csv_row["function_code"]
        assert db_row["source_page"] is None or str(db_row["source_page"]) == csv_row["source_page"]
    (fact,) = db.query("SELECT * FROM budget_facts WHERE doc_id = ? AND source_line = 110 AND side = '收入'", [SAMR])
    assert (fact["item"], fact["amount"], fact["printed"]) == ("一、一般公共预算拨款收入", 6138.20, "6,138.20")
    assert {r["passed"] for r in db.query("SELECT DISTINCT passed FROM checks")} <= {0, 1}


def test_keys_hold(db):
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    for name, res in RESOURCES.items():
        declared = {}
        for row in db.execute(f"PRAGMA foreign_key_list([{name}])").fetchall():
            declared.setdefault(row[0], (row[2], []))[1].append((row[3], row[4]))
        expected = sorted((fk.resource, list(zip(fk.fields, fk.reference, strict=True))) for fk in res.foreign_keys)
        assert sorted(declared.values()) == expected, name


def test_indexes_on_the_columns_people_filter_on(db):
    for name, indexes in INDEXES.items():
        have = [i.columns for i in db[name].indexes]
        for columns in indexes:
            assert columns in have, (name, columns)
    assert ["check", "passed", "doc_id", "seq"] in [i.columns for i in db["checks"].indexes]


@pytest.mark.parametrize("sql", [
    # the pages Datasette shows: a filter, the table's order (its key, or checks' sort by passed), 101 rows
    "SELECT * FROM budget_facts WHERE function_code = '2013808' ORDER BY doc_id, seq LIMIT 101",
    "SELECT * FROM budget_facts WHERE economic_code = '30201' ORDER BY doc_id, seq LIMIT 101",
    "SELECT * FROM budget_facts WHERE doc_id = 'x' ORDER BY doc_id, seq LIMIT 101",
    "SELECT * FROM checks WHERE [check] = 'column-sum-mismatch' ORDER BY passed, doc_id, seq LIMIT 101",
    "SELECT * FROM checks WHERE [check] = 'column-sum-mismatch' ORDER BY passed LIMIT 101",
    "SELECT * FROM projects WHERE function_code = '2013805' ORDER BY amount DESC LIMIT 101",
    "SELECT * FROM checks ORDER BY passed, doc_id, seq LIMIT 101",
    "SELECT * FROM checks WHERE passed = 0 ORDER BY severity, doc_id, seq LIMIT 100",
])
def test_filtered_pages_read_their_rows_in_index_order(db, sql):
    plan = [r[3] for r in db.execute(f"EXPLAIN QUERY PLAN {sql}")]
    assert not any("TEMP B-TREE" in step for step in plan), plan
    assert any("USING INDEX" in step for step in plan), plan


def test_trigram_full_text_search(db):
    for name, columns in FTS.items():
        assert db[name].detect_fts() == f"{name}_fts"
        assert "tokenize='trigram'" in db[f"{name}_fts"].schema
        assert [c.name for c in db[f"{name}_fts"].columns] == columns
    found = [r["name"] for r in db.query(
        "SELECT p.doc_id, p.name FROM projects p JOIN projects_fts ON projects_fts.rowid = p.rowid "
        "WHERE projects_fts MATCH '信息化' ORDER BY p.doc_id, p.source_line")]
    assert found == ["2024 年信息化规划管理服务项目", "基于市场监管政务信息化项目查重模型研究",
                     "四川省市场监督管理局数据应用中心 2025 年信息化规划管理服务 项目"]
    terms = [r["term"] for r in db.query(
        "SELECT g.term FROM glossary g WHERE g.rowid IN (SELECT rowid FROM glossary_fts WHERE glossary_fts MATCH '基本支出')")]
    assert "基本支出" in terms


def test_headline_totals(db):
    rows = {r["doc_id"]: r for r in db.query("SELECT * FROM headline_totals")}
    assert list(rows) == DOC_IDS
    got = {d: (r["income_total"], r["expenditure_total"], r["basic_expenditure"], r["project_expenditure"],
               r["three_public"]) for d, r in rows.items()}
    assert got[SAMR] == (7052.28, 7052.28, 1546.20, 5506.08, 7.31)
    assert got[GOV_OFFICE] == (21749.66, 21749.66, 537.38, 21212.28, 1.35)
    assert got[SHENZHEN] == (5855, 5855, 2311, 3545, 12.4)  # the 2022 row of its 2021/2022 三公 table
    assert got["nantong-samr-projects-2024"] == (None,) * 5  # performance goals only


def test_three_public(db):
    rows = {r["doc_id"]: r for r in db.query("SELECT * FROM three_public")}
    s = rows[SHENZHEN]
    assert (s["three_public"], s["overseas_travel"], s["official_reception"], s["official_vehicles"],
            s["vehicle_purchase"], s["vehicle_operation"]) == (12.4, 0, 0.4, 12, 0, 12)
    assert (rows[SAMR]["three_public"], rows[SAMR]["official_reception"], rows[SAMR]["vehicle_operation"]) == (
        7.31, 0.30, 7.01)


def test_expenditure_by_function(db):
    rows = list(db.query("SELECT * FROM expenditure_by_function WHERE doc_id = ? ORDER BY source_line", [SHENZHEN]))
    first = rows[0]
    assert (first["function_code"], first["level"], first["name"], first["total"], first["basic_expenditure"],
            first["project_expenditure"], first["fund"]) == ("201", "类", "一般公共服务支出", 4939, 1402, 3537, "一般公共预算")
    assert {r["level"] for r in rows} == {"类", "款", "项"}
    (info,) = [r for r in rows if r["function_code"] == "2013808"]
    assert (info["name"], info["total"]) == ("信息化建设", 1372)


def test_projects_with_goals(db):
    rows = list(db.query("SELECT * FROM projects_with_goals"))
    assert len({(r["doc_id"], r["source_line"]) for r in rows}) == db["projects"].count
    matched = [r for r in rows if r["goal_id"]]
    assert len(matched) >= 45
    (cloud,) = [r for r in rows if r["project"] == "四川省级政务云平台服务扩容项目"]
    assert (cloud["doc_id"], cloud["amount"], cloud["goal_amount"]) == (GOV_OFFICE, 14829.85, 14829.85)
    assert cloud["indicators"] > 0 and cloud["annual_goal"]


def test_derived_tables_are_tables_with_keys(db):
    assert db.view_names() == []
    for name in DERIVED:
        table = db[name]
        assert name in db.table_names() and table.count > 0, name
        assert table.pks == DERIVED_KEYS.get(name, ["rowid"]), name
        assert [(fk.column, fk.other_table, fk.other_column) for fk in table.foreign_keys] == [
            ("doc_id", "documents", "doc_id")], name
        assert ["doc_id"] in [i.columns[:1] for i in table.indexes] or table.pks == ["doc_id"], name
    # amounts are REAL, years and lines INTEGER, names TEXT
    types = {c.name: c.type for c in db["headline_totals"].columns}
    assert (types["income_total"], types["fiscal_year"], types["publisher"]) == ("REAL", "INTEGER", "TEXT")
    assert db["three_public"].count == 4  # the documents that print a 三公 table with facts
    assert db["headline_totals"].count == db["documents"].count
    assert db["expenditure_by_function"].count == db.execute(
        "SELECT count(DISTINCT f.doc_id || f.table_id || '/' || f.row) FROM budget_facts f JOIN budget_tables b "
        "ON b.doc_id = f.doc_id AND b.table_id = f.table_id WHERE b.kind IN ('expenditure_summary', "
        "'general_budget_expenditure') AND f.function_code IS NOT NULL").fetchone()[0]


def test_bigrams_cut_text_into_two_character_words():
    assert bigrams("三公经费") == "三公 公经 经费 费"
    assert bigrams("“三公”经费") == "三公 公 经费 费"
    assert bigrams("2024 年信息化（运维）") == "20 02 24 4 年信 信息 息化 化 运维 维"
    assert bigrams("费") == "费"
    assert bigrams("（、）") == bigrams("") == bigrams(None) == ""


@pytest.mark.parametrize("word", ["三公", "结转", "信息", "运维", "费", "公", "满意", "A", "20"])
def test_the_index_of_two_character_words_finds_what_like_finds(db, word):
    """A word of one or two letters or digits: the _bigrams table finds exactly the rows LIKE finds (each
    occurrence of a character starts a two-character word or ends its run)."""
    phrase = f'"{word}"' + (" *" if len(word) == 1 else "")
    found_any = False
    for name, columns in BIGRAMS.items():
        assert db[f"{name}_bigrams"].schema.count("content=''") == 1
        like = " OR ".join(f"[{c}] LIKE ?" for c in columns)
        expected = [r[0] for r in db.execute(f"SELECT rowid FROM [{name}] WHERE {like} ORDER BY rowid",
                                             [f"%{word}%"] * len(columns))]
        found = [r[0] for r in db.execute(f"SELECT rowid FROM [{name}_bigrams] WHERE [{name}_bigrams] MATCH ? "
                                          "ORDER BY rowid", [phrase])]
        assert found == expected, (name, word)
        found_any = found_any or bool(found)
    assert found_any, word


def test_rebuilding_gives_the_same_bytes_and_no_temporary_file(tmp_path):
    catalog = load_catalog(DISCLOSURES)
    results = [read_document(p, catalog.get(p.name)) for p in sorted(DISCLOSURES.glob("*.txt"))]
    path = tmp_path / "yusuan.db"
    first = write_database(results, path).read_bytes()
    second = write_database(results, path).read_bytes()
    assert first == second
    assert sorted(p.name for p in tmp_path.iterdir()) == ["yusuan.db"]


def test_facet_counts_are_each_columns_counts_over_the_whole_table(db):
    """facet_counts holds, per counted column, the counts Datasette's column facet would count: non-null
    values, largest count first, then value, with the value's own type."""
    counted = facet_count_columns()
    assert counted["budget_facts"] == ["doc_id", "function_code", "economic_code", "measure", "fund", "side",
                                       "unit_code"]
    assert {"level1", "operator"} <= set(counted["performance_indicators"])
    for table, columns in TABLE_FACETS.items():  # every default facet of the Datasette metadata is stored
        assert set(columns) <= set(counted[table]), table
    for table, columns in counted.items():
        for column in columns:
            expected = db.execute(f"SELECT [{column}], count(*) FROM [{table}] WHERE [{column}] IS NOT NULL "
                                  f"GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {FACET_VALUES_KEPT}").fetchall()
            stored = db.execute(f"SELECT value, count FROM {FACET_COUNTS} WHERE table_name = ? AND column_name = ? "
                                "ORDER BY count DESC, value", [table, column]).fetchall()
            assert stored == expected, (table, column)
    measures = dict(db.execute(f"SELECT value, count FROM {FACET_COUNTS} WHERE table_name = 'budget_facts' "
                               "AND column_name = 'measure'").fetchall())
    assert measures["合计"] == db.execute("SELECT count(*) FROM budget_facts WHERE measure = '合计'").fetchone()[0] > 100
    (passed,) = db.execute(f"SELECT DISTINCT typeof(value) FROM {FACET_COUNTS} WHERE column_name = 'passed'").fetchall()
    assert passed == ("integer",)  # 0 and 1, as the checks table holds them
    assert {i.name for i in db[FACET_COUNTS].indexes} == {f"idx_{FACET_COUNTS}"}
