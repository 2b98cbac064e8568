"""What a build changed (issue 17, item 5): the `changes` log and `newly_failed_checks` of every package
and the database, the 更新记录 page and the Atom feeds, over real builds of bundled disclosures.

Three of the samples are copied into a temporary folder and built (in-process, as `yusuan build`
does); each test takes a private copy of that state and builds again after changing one thing. The feeds
are validated against the RELAX NG schema of RFC 4287 (tests/atom/atom.rnc, converted with rnc2rng and
checked by libxml2 through lxml), and the schema's Schematron rules are checked as written there.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import rnc2rng
from conftest import BUILT_AT_EPOCH, DISCLOSURES
from lxml import etree

from pipeline.build import BuildPaths, build
from pipeline.errors import PipelineError
from pipeline.publish import changes
from pipeline.site import feeds

SHENZHEN = "shenzhen-public-credit-center-2022"  # 165 facts, no failed check
NANTONG = "nantong-samr-projects-2024"  # performance goals only: no fact
GOV_OFFICE = "sichuan-gov-office-it-center-2025"  # 286 facts, 4 failed checks
DOC_IDS = [NANTONG, SHENZHEN, GOV_OFFICE]
DAY = 86400
ATOM = "{http://www.w3.org/2005/Atom}"
# the 三公 table of the Shenzhen sample: 2022 年 | 总计 | 因公出国(境)费 | 公务接待费 | 公务用车 …
THREE_PUBLIC_2022 = "\t2022 年\t12.4\t0\t0.4\t12\t0\t12"
CHANGED_2022 = "\t2022 年\t12.4\t0\t9.4\t12\t0\t12"  # 公务接待费 0.4 → 9.4: the total no longer adds up


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run(paths: BuildPaths, **kwargs):
    said: list[str] = []
    report = build(paths, say=said.append, site=kwargs.pop("site", False), **kwargs)
    return report, said


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """Three samples and their catalog entries, built once over an empty packages folder."""
    root = tmp_path_factory.mktemp("changes")
    (root / "input").mkdir()
    catalog = (DISCLOSURES / "catalog.yml").read_text(encoding="utf-8")
    entries = [e for e in catalog.split("\n  - ")[1:] if any(f"file: {d}.txt" in e for d in DOC_IDS)]
    (root / "input" / "catalog.yml").write_text("disclosures:\n  - " + "\n  - ".join(e.rstrip() for e in entries) + "\n",
                                                encoding="utf-8")
    for doc_id in DOC_IDS:
        shutil.copy(DISCLOSURES / f"{doc_id}.txt", root / "input")
    paths = BuildPaths(root / "input", root / "packages", root / "build")
    report, said = run(paths)
    assert not report.failed, said
    return paths, said


@pytest.fixture
def state(first, tmp_path) -> BuildPaths:
    """A private copy of the first build (inputs, packages and cache) for a test that changes it."""
    paths, _ = first
    for folder in ("input_dir", "packages_dir", "build_dir"):
        shutil.copytree(getattr(paths, folder), tmp_path / folder)
    return BuildPaths(tmp_path / "input_dir", tmp_path / "packages_dir", tmp_path / "build_dir")


def change_one_amount(paths: BuildPaths) -> None:
    text = paths.input_dir / f"{SHENZHEN}.txt"
    data = text.read_text(encoding="utf-8")
    assert data.count(THREE_PUBLIC_2022) == 1
    text.write_text(data.replace(THREE_PUBLIC_2022, CHANGED_2022), encoding="utf-8")


# --------------------------------------------------------------------------------------- the log

def test_the_first_build_lists_every_document_as_new(first):
    paths, said = first
    rows = read_csv(paths.packages_dir / "all" / "changes.csv")
    facts = {d: len(read_csv(paths.packages_dir / d / "budget_facts.csv")) for d in DOC_IDS}
    failed = {d: sum(c["passed"] == "false" for c in read_csv(paths.packages_dir / d / "checks.csv")) for d in DOC_IDS}
    assert (facts[SHENZHEN], facts[NANTONG], facts[GOV_OFFICE], failed[GOV_OFFICE]) == (165, 0, 286, 4)
    assert [(r["doc_id"], r["change"], r["facts_added"], r["facts_removed"], r["facts_changed"], r["build"],
             r["built_at"], r["failed_checks_added"]) for r in rows] == [
        (d, "new", str(facts[d]), "0", "0", "1", "2025-01-01T00:00:00Z", str(failed[d])) for d in DOC_IDS]
    assert rows[2]["title"] == "四川省人民政府办公厅信息技术服务中心2025年单位预算" and rows[2]["region"] == "四川省"
    # every failed check of a new document is newly failed, as it was then
    failures = read_csv(paths.packages_dir / "all" / "newly_failed_checks.csv")
    checks = [c for c in read_csv(paths.packages_dir / GOV_OFFICE / "checks.csv") if c["passed"] == "false"]
    assert [(f["doc_id"], f["seq"], f["check"], f["message"]) for f in failures] == \
           [(GOV_OFFICE, c["seq"], c["check"], c["message"]) for c in checks]
    # each document's package holds its own rows
    for d in DOC_IDS:
        assert read_csv(paths.packages_dir / d / "changes.csv") == [r for r in rows if r["doc_id"] == d]
    assert "changes: build 1 at 2025-01-01T00:00:00Z: 3 new, 4 newly failed checks" in said


def test_an_unchanged_rebuild_adds_no_row_and_changes_no_byte(state):
    before = files(state.packages_dir)
    for kwargs in ({}, {"cache": False}):  # reused, and every document read and compared again
        report, said = run(state, **kwargs)
        assert not report.failed and not any(line.startswith("changes:") for line in said)
        assert files(state.packages_dir) == before


def test_changing_one_amount_lists_that_document_alone(state, monkeypatch):
    before = files(state.packages_dir)
    change_one_amount(state)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(BUILT_AT_EPOCH) + DAY))
    report, said = run(state)
    assert not report.failed
    rows = read_csv(state.packages_dir / "all" / "changes.csv")
    new = [r for r in rows if r["build"] == "2"]
    assert [(r["doc_id"], r["change"], r["facts_added"], r["facts_removed"], r["facts_changed"],
             r["failed_checks_added"], r["failed_checks_removed"], r["built_at"]) for r in new] == [
        (SHENZHEN, "updated", "0", "0", "1", "1", "0", "2025-01-02T00:00:00Z")]
    assert new[0]["source_sha256"] != rows[1]["source_sha256"]  # the text changed
    assert rows[:3] == read_csv_bytes(before["all/changes.csv"])  # the earlier rows are kept
    # the check that now fails: the 三公 table's total against its parts
    (failure,) = [f for f in read_csv(state.packages_dir / "all" / "newly_failed_checks.csv") if f["build"] == "2"]
    assert (failure["doc_id"], failure["check"], failure["table_id"], failure["source_line"]) == \
           (SHENZHEN, "column-sum-mismatch", "t08", "406")
    assert "expected 21.4, difference -9" in failure["message"]
    assert read_csv(state.packages_dir / SHENZHEN / "changes.csv") == [r for r in rows if r["doc_id"] == SHENZHEN]
    # the other documents' packages are untouched; the database has the same rows
    after = files(state.packages_dir)
    assert {n for n in after if after[n] != before.get(n)} - {n for n in after if n.startswith(("all/", SHENZHEN))} \
        == set()
    con = sqlite3.connect(state.database)
    try:
        assert con.execute("select doc_id, change, facts_changed, failed_checks_added from changes where build = 2"
                           ).fetchall() == [(SHENZHEN, "updated", 1, 1)]
        assert con.execute("select count(*) from newly_failed_checks").fetchone() == (5,)
    finally:
        con.close()
    assert "changes: build 2 at 2025-01-02T00:00:00Z: 1 updated, 1 newly failed checks" in said
    # built again, nothing changed: no row, not a byte
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(BUILT_AT_EPOCH) + 2 * DAY))
    run(state)
    assert files(state.packages_dir) == after


def read_csv_bytes(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(data.decode("utf-8").splitlines()))


def test_a_document_is_withdrawn_with_its_input_and_new_again_when_it_returns(state, monkeypatch):
    (state.input_dir / f"{GOV_OFFICE}.txt").rename(state.build_dir.parent / "away.txt")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(BUILT_AT_EPOCH) + DAY))
    report, said = run(state)
    assert not report.failed and not (state.packages_dir / GOV_OFFICE).exists()
    rows = read_csv(state.packages_dir / "all" / "changes.csv")
    assert [(r["doc_id"], r["change"], r["facts_removed"], r["failed_checks_removed"], r["build"]) for r in rows[3:]] \
        == [(GOV_OFFICE, "withdrawn", "286", "4", "2")]
    # its earlier rows stay in the combined package (and the database), though no package of it is left
    assert [r["change"] for r in rows if r["doc_id"] == GOV_OFFICE] == ["new", "withdrawn"]
    assert len(read_csv(state.packages_dir / "all" / "newly_failed_checks.csv")) == 4
    (state.build_dir.parent / "away.txt").rename(state.input_dir / f"{GOV_OFFICE}.txt")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(BUILT_AT_EPOCH) + 2 * DAY))
    run(state)
    rows = read_csv(state.packages_dir / GOV_OFFICE / "changes.csv")
    assert [(r["change"], r["facts_added"], r["failed_checks_added"], r["build"]) for r in rows] == [
        ("new", "286", "4", "1"), ("withdrawn", "0", "0", "2"), ("new", "286", "4", "3")]


def test_a_document_that_fails_keeps_its_package_and_gets_no_row(state, monkeypatch):
    before = files(state.packages_dir)
    change_one_amount(state)
    catalog = state.input_dir / "catalog.yml"
    text = catalog.read_text(encoding="utf-8")
    # its entry pins other bytes: this version fails, the last good one stays published
    catalog.write_text(text.replace(f"doc_id: {SHENZHEN}\n", f"doc_id: {SHENZHEN}\n    sha256: {'f' * 64}\n"),
                       encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(BUILT_AT_EPOCH) + DAY))
    report, said = run(state)
    assert report.kept == [SHENZHEN] and not any(line.startswith("changes:") for line in said)
    assert files(state.packages_dir) == before


def test_a_packages_folder_without_a_log_starts_it(state, monkeypatch):
    """The packages published before the log was kept: the first build with it enters each as new, once."""
    for log in state.packages_dir.glob("*/changes.*"):
        log.unlink()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(BUILT_AT_EPOCH) + DAY))
    run(state)
    rows = read_csv(state.packages_dir / "all" / "changes.csv")
    assert [(r["doc_id"], r["change"], r["build"]) for r in rows] == [(d, "new", "1") for d in DOC_IDS]
    assert {r["built_at"] for r in rows} == {"2025-01-02T00:00:00Z"}
    after = files(state.packages_dir)
    run(state)
    assert files(state.packages_dir) == after


# ------------------------------------------------------------------------------ identities, time

def fact(**values) -> dict:
    base = dict.fromkeys(changes.FACT_IDENTITY)
    return base | {"table_id": "t01", "item": "合计", "measure": "合计", "column_path": "合计"} | values


def test_a_fact_is_known_by_where_it_is_printed_not_by_its_line():
    old = [fact(item="工资福利支出", amount=1, source_line=10), fact(item="商品和服务支出", amount=2, source_line=11)]
    new = [fact(item="对个人和家庭的补助", amount=5, source_line=10)] + [
        f | {"source_line": f["source_line"] + 1} for f in old]  # a row printed above the others
    before, after = changes.fact_identities(old), changes.fact_identities(new)
    assert [k for k in after if k not in before] == [changes.fact_identities(new[:1]).popitem()[0]]
    assert all(after[k] == v for k, v in before.items())
    # two facts alike in everything are told apart by their order
    twice = changes.fact_identities([fact(amount=1), fact(amount=2)])
    assert sorted(twice.values()) == [1, 2]


def test_a_failing_check_stays_the_same_check_when_its_figures_or_line_change():
    message = "表8 一般公共预算“三公”经费支出表 line {line} 2022 年: 总计 = 公务接待费: printed {a}, expected 21.4, difference -9"
    old = {"check": "column-sum-mismatch", "table_id": "t08", "message": message.format(line=406, a="12.4")}
    moved = old | {"message": message.format(line=409, a="13.1")}
    other = old | {"message": message.replace("公务接待费", "因公出国(境)费").format(line=406, a="12.4")}
    assert changes.check_identity(old) == changes.check_identity(moved) != changes.check_identity(other)


def test_built_at_is_source_date_epoch_or_the_clock(monkeypatch):
    assert changes.built_at() == "2025-01-01T00:00:00Z"  # conftest sets SOURCE_DATE_EPOCH
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert changes.built_at(now=1_700_000_000.7) == "2023-11-14T22:13:20Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", changes.built_at())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(PipelineError, match="SOURCE_DATE_EPOCH='yesterday' is not a whole number"):
        changes.built_at()


# ------------------------------------------------------------------------------------ site, feeds

@pytest.fixture(scope="module")
def atom_schema() -> etree.RelaxNG:
    """RFC 4287's RELAX NG schema (Appendix B) in lxml. rnc2rng declares the schema's `local` prefix as
    xmlns:local="", which XML 1.0 forbids; it names no element or attribute, so the declaration is dropped."""
    rng = rnc2rng.dumps(rnc2rng.load(str(Path(__file__).parent / "atom" / "atom.rnc")))
    return etree.RelaxNG(etree.fromstring(rng.replace(' xmlns:local=""', "").encode("utf-8")))


def valid_atom(schema: etree.RelaxNG, data: bytes) -> etree._Element:
    """The feed parsed, after checking it against the schema and the schema's Schematron rules."""
    tree = etree.fromstring(data)
    assert schema.validate(tree), schema.error_log
    ns = {"a": ATOM.strip("{}")}
    entries = tree.findall(f"{ATOM}entry")
    assert tree.xpath("a:author or not(a:entry[not(a:author)])", namespaces=ns)
    for entry in entries:
        assert entry.xpath("a:link[@rel='alternate'] or a:link[not(@rel)] or a:content", namespaces=ns)
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    return tree


@pytest.fixture(scope="module")
def site(first, tmp_path_factory):
    """The state after one changed amount, with the site built (its feeds and the 更新记录 page)."""
    paths, _ = first
    root = tmp_path_factory.mktemp("changes-site")
    for folder in ("input_dir", "packages_dir", "build_dir"):
        shutil.copytree(getattr(paths, folder), root / folder)
    mine = BuildPaths(root / "input_dir", root / "packages_dir", root / "build_dir")
    change_one_amount(mine)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(int(BUILT_AT_EPOCH) + DAY))
        report, said = run(mine, site=True)
    assert not report.failed, said
    return mine


def test_the_feed_validates_as_atom_and_has_exactly_the_changed_document(site, atom_schema):
    tree = valid_atom(atom_schema, (site.build_dir / "site" / "feeds" / "all.xml").read_bytes())
    entries = tree.findall(f"{ATOM}entry")
    latest = [e for e in entries if e.findtext(f"{ATOM}updated") == "2025-01-02T00:00:00Z"]
    assert [e.findtext(f"{ATOM}title") for e in latest] == ["更新：2022年深圳市公共信用中心部门预算（1 项校验新未通过）"]
    (entry,) = latest
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["updated", "failed-checks"]
    assert entry.findtext(f"{ATOM}summary") == \
        "深圳市 · 源文件已更换；新增 0、删除 0、改动 1 个数字；新未通过的校验 1 项，不再未通过 0 项"
    content = etree.fromstring(f"<div>{entry.findtext(f'{ATOM}content')}</div>")  # type="html", escaped once
    assert content.findtext("ul/li/code") == "column-sum-mismatch"
    assert "第 406 行" in "".join(content.find("ul/li").itertext())
    assert tree.findtext(f"{ATOM}updated") == "2025-01-02T00:00:00Z"
    # the first build's entries follow: one new disclosure each, newest first
    assert [e.findtext(f"{ATOM}title").split("：")[0] for e in entries] == ["更新", "新公开", "新公开", "新公开"]
    # links resolve to pages of the built site
    for link in tree.iter(f"{ATOM}link"):
        if link.get("rel") == "alternate":
            target = (site.build_dir / "site" / "feeds" / link.get("href").split("#")[0]).resolve()
            assert (target / "index.html").is_file(), link.get("href")


def test_a_feed_per_province_and_the_page_that_lists_them(site, atom_schema):
    feeds_dir = site.build_dir / "site" / "feeds"
    assert sorted(p.name for p in feeds_dir.iterdir()) == ["all.xml", "guangdong.xml", "jiangsu.xml", "sichuan.xml"]
    by_feed = {}
    for path in feeds_dir.iterdir():
        tree = valid_atom(atom_schema, path.read_bytes())
        by_feed[path.name] = [e.findtext(f"{ATOM}title") for e in tree.findall(f"{ATOM}entry")]
    assert by_feed["guangdong.xml"] == ["更新：2022年深圳市公共信用中心部门预算（1 项校验新未通过）",
                                        "新公开：2022年深圳市公共信用中心部门预算"]
    assert by_feed["sichuan.xml"] == ["新公开：四川省人民政府办公厅信息技术服务中心2025年单位预算（4 项校验新未通过）"]
    page = (site.build_dir / "docs" / "changes.md").read_text(encoding="utf-8")
    assert "## 2025-01-02 00:00 UTC · 第 2 次更新 { #build-2 }" in page
    assert f"| [2022年深圳市公共信用中心部门预算](disclosures/{SHENZHEN}.md) | 更新（源文件已更换） | 0 | 0 | 1 | 1 | 0 |" in page
    assert page.index("第 2 次更新") < page.index("第 1 次更新")  # newest first
    assert "[四川省](feeds/sichuan.xml)" in page
    html = (site.build_dir / "site" / "regions" / "sichuan" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml" title="预算公开数据更新：四川省" href="../../feeds/sichuan.xml">' \
        in html
    assert '<link rel="alternate" type="application/atom+xml" title="预算公开数据更新：全部地区" href="../../feeds/all.xml">' \
        in html


def test_the_feed_escapes_what_a_document_prints(atom_schema):
    hostile = '<script>alert("x")</script> & ]]> \x00\x07\ud800 "引号"'
    row = {"doc_id": "a-doc", "change": "updated", "facts_added": 1, "facts_removed": 0, "facts_changed": 0,
           "built_at": "2025-01-02T00:00:00Z", "build": 2, "failed_checks_added": 1, "failed_checks_removed": 0,
           "title": hostile, "region": hostile, "source_sha256": None}
    failure = {"check": "column-sum-mismatch", "source_line": 3, "message": hostile + "<b>", "severity": "error"}
    entry = feeds.Entry(row, hostile, "地区未识别", True, [failure])
    tree = valid_atom(atom_schema, feeds.feed([entry], "地区未识别", feeds.Links("https://example.org/yusuan")))
    clean = '<script>alert("x")</script> & ]]>  "引号"'  # what XML cannot hold is dropped, the rest is text
    (e,) = tree.findall(f"{ATOM}entry")
    assert e.findtext(f"{ATOM}title") == f"更新：{clean}（1 项校验新未通过）"
    content = etree.fromstring(f"<div>{e.findtext(f'{ATOM}content')}</div>")
    assert content.find(".//script") is None and content.find(".//b") is None
    assert "".join(content.find("ul/li").itertext()) == f"column-sum-mismatch，第 3 行：{clean}<b>"
    assert e.find(f"{ATOM}link").get("href") == "https://example.org/yusuan/disclosures/a-doc/"
    assert tree.find(f"{ATOM}link").get("href") == "https://example.org/yusuan/feeds/unknown.xml"


def test_the_log_is_described_everywhere_like_the_other_resources(site):
    descriptor = json.loads((site.packages_dir / "all" / "datapackage.json").read_text(encoding="utf-8"))
    schemas = {r["name"]: r["schema"] for r in descriptor["resources"]}
    assert schemas["changes"]["primaryKey"] == ["doc_id", "build"] and schemas["changes"]["foreignKeys"] == []
    assert schemas["newly_failed_checks"]["primaryKey"] == ["doc_id", "build", "seq"]
    metadata = json.loads((site.build_dir / "metadata.json").read_text(encoding="utf-8"))
    tables = metadata["databases"]["yusuan"]["tables"]
    assert tables["changes"]["title"] == "更新记录 Changes"
    assert "Facts of the same identity whose amount changed." in tables["changes"]["columns"]["facts_changed"]
    dictionary = (site.build_dir / "docs" / "dictionary.md").read_text(encoding="utf-8")
    assert "changes" in dictionary and "newly_failed_checks" in dictionary
