"""The data packages: what a person who downloads one gets (datapackages/<doc_id>/ and all/).

Built once from the bundled samples by the real CLI; every package is validated by Frictionless; a build
of the bundled samples over the committed datapackages/ must leave them exactly as they are.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from conftest import DISCLOSURES, ROOT
from frictionless import Package
from published import DOC_IDS, SAMR, SHENZHEN, all_files, build_samples, read_csv, yusuan

from pipeline import __version__
from pipeline.catalog import load_catalog
from pipeline.checks import run_checks
from pipeline.checks.across import run_across
from pipeline.fields import RESOURCES
from pipeline.output import cell
from pipeline.publish import package, published_records, typed_rows
from pipeline.publish.combined import write_combined_package
from pipeline.publish.package import (
    COMBINED_NAME,
    SchemaViolation,
    package_files,
    remove_stale_packages,
    validate_package,
    workbook_bytes,
    write_document_package,
)
from pipeline.publish.package_rows import MissingPackage
from pipeline.read import read_document
from pipeline.records import BudgetFact

PACKAGES = [*DOC_IDS, "all"]


def package_name(folder: str) -> str:
    return COMBINED_NAME if folder == "all" else folder


def expected_files(folder: str) -> list[str]:
    name = package_name(folder)
    return sorted([*(f"{r}.csv" for r in RESOURCES), *(f"{r}.json" for r in RESOURCES), "datapackage.json",
                   f"{name}.xlsx", f"{name}.zip"])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_samples(tmp_path_factory)


@pytest.mark.parametrize("folder", PACKAGES)
def test_frictionless_validates_the_package(built, folder):
    report = Package(str(built.packages / folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"])
    assert [t.name for t in report.tasks] == list(RESOURCES)


def test_frictionless_validates_the_zipped_combined_package(built):
    report = Package(str(built.packages / "all" / f"{COMBINED_NAME}.zip")).validate()
    assert report.valid, report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"])


def test_a_package_per_document_and_the_combined_one(built):
    assert sorted(p.name for p in built.packages.iterdir()) == sorted(PACKAGES)
    for folder in PACKAGES:
        assert sorted(all_files(built.packages / folder)) == expected_files(folder), folder


def test_a_build_over_the_committed_datapackages_leaves_them_as_they_are(built, tmp_path):
    """Fails when the outputs change: run `scripts/build` and commit datapackages/. The committed packages
    are the previous published build (their change log is their history, not a function of the inputs), so
    the samples are built over a copy of them (with the session build's cache: nothing is read again)."""
    committed = ROOT / "datapackages"
    assert committed.is_dir(), "datapackages/ is missing: run `scripts/build` and commit it"
    shutil.copytree(committed, tmp_path / "packages")
    shutil.copytree(built.build_dir, tmp_path / "build")
    done = yusuan("build", "--input", str(DISCLOSURES), "--packages", str(tmp_path / "packages"),
                  "--build-dir", str(tmp_path / "build"), "--no-site", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    old, new = all_files(committed), all_files(tmp_path / "packages")
    stale = sorted(set(old) ^ set(new)) + sorted(n for n in set(old) & set(new) if old[n] != new[n])
    assert stale == [], f"a build changes datapackages/ (run `scripts/build` and commit): {stale[:20]}"


def test_the_combined_package_holds_every_documents_rows(built):
    for name in RESOURCES:
        combined = read_csv(built.packages / "all" / f"{name}.csv")
        parts = [row for doc_id in DOC_IDS for row in read_csv(built.packages / doc_id / f"{name}.csv")]
        assert combined == parts, name
    assert len(read_csv(built.packages / "all" / "documents.csv")) == len(DOC_IDS)


def test_a_known_fact_is_in_csv_and_exact_in_json(built):
    folder = built.packages / SAMR
    # line 110: 一、一般公共预算拨款收入	6,138.20	一、一般公共服务支出	6,883.22
    (fact,) = [r for r in read_csv(folder / "budget_facts.csv")
               if r["source_line"] == "110" and r["side"] == "收入"]
    assert (fact["item"], fact["amount"], fact["printed"], fact["measure"]) == (
        "一、一般公共预算拨款收入", "6138.20", "6,138.20", "预算数")
    rows = json.loads((folder / "budget_facts.json").read_text(encoding="utf-8"), parse_float=Decimal)
    (same,) = [r for r in rows if r["seq"] == int(fact["seq"])]
    assert same["amount"] == Decimal("6138.20") and str(same["amount"]) == "6138.20"
    assert same["function_code"] is None and same["source_line"] == 110
    assert '"amount": 6138.20,' in (folder / "budget_facts.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(RESOURCES))
def test_json_holds_the_csv_rows_typed(built, name):
    res = RESOURCES[name]
    for folder in ("all", SHENZHEN):
        csv_rows = read_csv(built.packages / folder / f"{name}.csv")
        json_rows = json.loads((built.packages / folder / f"{name}.json").read_text(encoding="utf-8"),
                               parse_float=Decimal)
        assert len(json_rows) == len(csv_rows)
        for c, j in zip(csv_rows, json_rows, strict=True):
            assert list(j) == res.field_names
            assert {k: cell(v) for k, v in j.items()} == c
            for x in res.fields:
                v = j[x.name]
                if v is not None:
                    assert isinstance(v, {"string": str, "integer": int, "number": (Decimal, int),
                                          "boolean": bool}[x.type]), (name, x.name, v)


def test_the_workbook_has_a_sheet_per_resource_with_chinese_headings(built):
    folder = built.packages / SAMR
    wb = openpyxl.load_workbook(folder / f"{SAMR}.xlsx", read_only=True)
    assert wb.sheetnames == ["说明", *RESOURCES]
    for name, res in RESOURCES.items():
        rows = list(wb[name].iter_rows(values_only=True))
        assert list(rows[0]) == [x.heading for x in res.fields]
        assert len(rows) - 1 == len(read_csv(folder / f"{name}.csv")), name
    facts = list(wb["budget_facts"].iter_rows(values_only=True))
    assert facts[0][:4] == ("文件标识", "序号", "表标识", "行序")
    assert "金额（万元）" in facts[0]
    amount = facts[0].index("金额（万元）")
    assert facts[1][amount] == pytest.approx(6138.20) and facts[1][facts[0].index("原文数字")] == "6,138.20"
    assert wb.properties.created.year == 1980 and wb.properties.modified.year == 1980
    wb.close()
    # a target printed "=100%" (南通) is text, not a formula
    wb = openpyxl.load_workbook(built.packages / "all" / f"{COMBINED_NAME}.xlsx", read_only=True)
    indicators = list(wb["performance_indicators"].iter_rows(values_only=True))
    half = indicators[0].index("半年目标")
    assert "=100%" in {r[half] for r in indicators[1:]}
    wb.close()


def test_the_zip_holds_the_package(built):
    for folder in (SAMR, "all"):
        files = all_files(built.packages / folder)
        name = package_name(folder)
        with zipfile.ZipFile(io.BytesIO(files[f"{name}.zip"])) as z:
            assert z.namelist() == sorted(n for n in files if n != f"{name}.zip")
            for info in z.infolist():
                assert z.read(info) == files[info.filename]
                assert info.date_time == (1980, 1, 1, 0, 0, 0)


def test_the_descriptor_says_licence_sources_version_and_checksums(built):
    catalog = load_catalog(DISCLOSURES)
    for folder in PACKAGES:
        descriptor = json.loads((built.packages / folder / "datapackage.json").read_text(encoding="utf-8"))
        assert descriptor["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                                           "title": "Creative Commons Attribution 4.0 International"}]
        assert descriptor["yusuan"]["pipeline_version"] == __version__
        doc_ids = DOC_IDS if folder == "all" else [folder]
        assert descriptor["yusuan"]["doc_ids"] == doc_ids
        assert [s["doc_id"] for s in descriptor["sources"]] == doc_ids
        for source in descriptor["sources"]:
            entry = next(e for e in catalog.values() if e["doc_id"] == source["doc_id"])
            data = (DISCLOSURES / entry["file"]).read_bytes()
            assert source["sha256"] == hashlib.sha256(data).hexdigest()
            assert source["source_file"] == entry["file"]
            assert source.get("path") == entry.get("source_url")
            assert source["publisher"] == entry["publisher"]
        for resource in descriptor["resources"]:
            data = (built.packages / folder / resource["path"]).read_bytes()
            assert resource["hash"] == f"sha256:{hashlib.sha256(data).hexdigest()}"
            assert resource["bytes"] == len(data)
            assert resource["schema"] == RESOURCES[resource["name"]].table_schema()


def test_no_absolute_path_is_published(built):
    for folder in PACKAGES:
        for name, data in all_files(built.packages / folder).items():
            if name.endswith((".csv", ".json")):
                text = data.decode("utf-8")
                assert str(built.root) not in text and str(ROOT) not in text, (folder, name)


# ----------------------------------------------------------------------- writing, rewriting, errors


@pytest.fixture(scope="module")
def results():
    catalog = load_catalog(DISCLOSURES)
    return [read_document(p, catalog.get(p.name)) for p in sorted(DISCLOSURES.glob("*.txt"))]


def test_rewriting_changes_no_file_and_removes_only_stale_package_files(results, tmp_path):
    out = tmp_path / "pkgs"
    for r in results:
        write_document_package(r, out)
    write_combined_package(results, out)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(out.rglob("*")) if p.is_file()}
    samr = out / SAMR
    (samr / "old-resource.csv").write_text("a\n", encoding="utf-8")
    (samr / "NOTES.txt").write_text("a note of ours\n", encoding="utf-8")
    shutil.copytree(samr, out / "a-document-no-longer-built")
    (out / "someone-elses-folder").mkdir()
    (out / "someone-elses-folder" / "datapackage.json").write_text('{"name": "theirs"}', encoding="utf-8")

    for r in results:
        write_document_package(r, out)
    write_combined_package(results, out)
    removed = remove_stale_packages(out, [r.document.doc_id for r in results])

    assert removed == [out / "a-document-no-longer-built"]
    assert not (samr / "old-resource.csv").exists() and (samr / "NOTES.txt").exists()
    assert (out / "someone-elses-folder" / "datapackage.json").exists()
    (samr / "NOTES.txt").unlink()
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(out.rglob("*"))
             if p.is_file() and "someone-elses-folder" not in p.parts}
    assert after == before  # same bytes, and not even written again


def test_the_combined_package_from_the_documents_packages_is_the_one_made_from_their_records(results, tmp_path):
    """The combined package is streamed from the documents' own packages (publish/combined.py): every file
    is the one `package_files` makes of all the records at once, checks across documents and the log included."""
    out = tmp_path / "pkgs"
    for r in results:
        write_document_package(r, out)
    log = {name: [RESOURCES[name].record(**row) for row in
                  json.loads((ROOT / "datapackages" / "all" / f"{name}.json").read_text(encoding="utf-8"),
                             parse_float=Decimal)]
           for name in ("changes", "newly_failed_checks")}
    assert len(log["changes"]) >= 5  # the committed log: a row per document at least
    folder = write_combined_package(results, out, log=log)
    expected = package_files(COMBINED_NAME, published_records(results, log=log), combined=True)
    assert sorted(p.name for p in folder.iterdir()) == sorted(expected)
    for name, data in expected.items():
        assert (folder / name).read_bytes() == data, name
    assert expected["checks.csv"].count(b"\n") - 1 == sum(len(r.checks) for r in results) + \
        sum(len(c) for c in run_across(results).values())
    (out / SAMR / "budget_facts.json").unlink()
    with pytest.raises(MissingPackage, match=f"the package {SAMR} has no budget_facts.json"):
        write_combined_package(results, out, log=log)
    assert (folder / "budget_facts.json").read_bytes() == expected["budget_facts.json"]  # the last one stays


def test_a_resource_longer_than_a_sheet_continues_on_numbered_sheets(results, monkeypatch):
    monkeypatch.setattr(package, "MAX_SHEET_ROWS", 3)  # a heading and two rows a sheet
    result = next(r for r in results if r.document.doc_id == SHENZHEN)
    records = published_records([result])
    published = typed_rows(records)
    rows = {name: [] for name in RESOURCES}
    rows["budget_facts"] = published["budget_facts"][:5]
    rows["budget_tables"] = published["budget_tables"][:2]  # exactly a sheet's rows
    assert len(rows["budget_tables"]) == 2
    data = workbook_bytes(SHENZHEN, rows, records["documents"])
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert wb.sheetnames == ["说明", "documents", "units", "budget_tables", "budget_facts", "budget_facts_2",
                             "budget_facts_3", *list(RESOURCES)[4:]]
    headings = tuple(x.heading for x in RESOURCES["budget_facts"].fields)
    read = []
    for name, count in (("budget_facts", 2), ("budget_facts_2", 2), ("budget_facts_3", 1)):
        got = list(wb[name].iter_rows(values_only=True))
        assert got[0] == headings and len(got) == 1 + count, name
        read.extend(got[1:])
    expected = [tuple(float(v) if isinstance(v, Decimal) else v for v in row) for row in rows["budget_facts"]]
    assert read == expected  # every row once, in order, amounts as numbers
    amount = headings.index("金额（万元）")
    assert read[0][amount] == pytest.approx(float(rows["budget_facts"][0][amount]))
    notes = [r[0] for r in wb["说明"].iter_rows(values_only=True) if r[0] and r[0].startswith("budget_facts:")]
    assert notes == ["budget_facts: 5 行，一个工作表至多 2 行数据，续于 budget_facts_2、budget_facts_3 · 5 rows, more "
                     "than a sheet holds (2 rows under its headings): continued on budget_facts_2, budget_facts_3"]
    wb.close()
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # every sheet's heading row stays in view
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet") and name != "xl/worksheets/sheet1.xml":
                assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in \
                    z.read(name).decode(), name
    assert workbook_bytes(SHENZHEN, rows, records["documents"]) == data  # the same bytes every time


def test_workbook_text_is_text_without_the_characters_xml_cannot_hold(results):
    result = next(r for r in results if r.document.doc_id == SHENZHEN)
    records = published_records([result])
    rows = {name: [] for name in RESOURCES}
    fact = list(typed_rows(records)["budget_facts"][0])
    item = RESOURCES["budget_facts"].field_names.index("item")
    fact[item] = "=SUM(A1:A2)\x07 合计\x1f"
    rows["budget_facts"] = [tuple(fact)]
    data = workbook_bytes(SHENZHEN, rows, records["documents"])
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    _, got = wb["budget_facts"].iter_rows(values_only=True)
    assert got[item] == "=SUM(A1:A2) 合计"
    wb.close()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet5.xml").decode()  # budget_facts
    assert "<f>" not in sheet and '<is><t>=SUM(A1:A2) 合计</t></is>' in sheet  # text, no formula


def test_a_row_that_breaks_the_schema_stops_the_build_naming_resource_row_and_field(results, tmp_path):
    result = next(r for r in results if r.document.doc_id == SHENZHEN)
    bad = BudgetFact(doc_id=SHENZHEN, table_id="t01", row=1, unit_code=None, unit_name=None, item="合计",
                     function_code="20", economic_code=None, side=None, measure="合计", fund=None,
                     amount=Decimal("1"), printed="1", source_line=5, column_path="合计")
    result.facts.append(bad)
    try:
        write_document_package(result, tmp_path)  # not checked: the combined package is validated below
        folder = write_combined_package([result], tmp_path)
    finally:
        result.facts.remove(bad)
    with pytest.raises(SchemaViolation) as raised:
        validate_package(folder)
    e = raised.value
    line = len(result.facts) + 2  # the header, then the facts: the bad one last
    assert (e.file, e.line) == (str(folder / "budget_facts.csv"), line)
    assert (f"budget_facts.csv line {line} (row {line - 1}), doc_id {SHENZHEN}, field function_code: "
            'The cell "20" in row at position') in e.reason
    assert "a bug in yusuan, not in the document" in e.reason


def test_projects_printed_on_one_line_keep_their_own_key(tmp_path):
    """MinerU prints a whole table on one line: every project of the 项目支出表 then has the same source_line,
    so a project is keyed by its position in the document (seq), and the package is valid."""
    from layouts import to_html_inline

    source = tmp_path / f"{SAMR}.txt"
    source.write_text(to_html_inline((DISCLOSURES / f"{SAMR}.txt").read_text(encoding="utf-8")), encoding="utf-8")
    result = read_document(source)
    run_checks(result)
    lines = [p.source_line for p in result.projects]
    assert len(result.projects) == 50 and len(set(lines)) < len(lines)
    write_document_package(result, tmp_path / "packages", validate=True)  # raised SchemaViolation before
    projects = read_csv(tmp_path / "packages" / result.document.doc_id / "projects.csv")
    assert [int(p["seq"]) for p in projects] == list(range(1, 51))


def test_a_row_that_references_no_table_breaks_the_package(tmp_path):
    """Foreign keys are checked once per target (not by Frictionless, which re-reads the target for every
    resource pointing at it): a fact of a table the package does not list is a SchemaViolation."""
    folder = tmp_path / SHENZHEN
    shutil.copytree(ROOT / "datapackages" / SHENZHEN, folder)
    facts = folder / "budget_facts.csv"
    lines = facts.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace(",t01,", ",t99,", 1)
    facts.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SchemaViolation) as raised:
        validate_package(folder)
    assert (f"budget_facts.csv line 2 (row 1): foreign key doc_id, table_id = {SHENZHEN}, t99 is no doc_id, "
            "table_id of budget_tables") in raised.value.reason


@pytest.mark.parametrize("change, expected", [
    (lambda line: line.replace(",t01,", ",t1,", 1), 'field table_id: The cell "t1" in row at position "2" and field '
     '"table_id" at position "3" does not conform to a constraint: constraint "pattern" is "^t\\d{2,}$"'),
    (lambda line: line.replace(",t01,1,", ",t01,one,", 1), 'field row: Type error in the cell "one" in row "2" and '
     'field "row" at position "4": type is "integer/default"'),
    (lambda line: line + ",extra", "the row has 23 cells; the schema has 22 fields"),
    (lambda line: line + "\n" + line, 'Row at position "3" violates the primary key: the same as in the row at '
     'position 2'),
])
def test_the_builds_row_check_finds_what_frictionless_finds(tmp_path, change, expected):
    """The build checks each document's rows with Frictionless's cell readers made once (`check_rows`), not
    with a whole `Package.validate()` per document: a broken cell, a row of the wrong length or a repeated
    primary key is found by both, with Frictionless's message, file and line."""
    folder = tmp_path / SHENZHEN
    shutil.copytree(ROOT / "datapackages" / SHENZHEN, folder)
    facts = folder / "budget_facts.csv"
    lines = facts.read_text(encoding="utf-8").split("\n")
    assert lines[1].split(",")[1:4] == ["1", "t01", "1"]  # seq, table_id, row of the first fact
    lines[1] = change(lines[1])
    facts.write_text("\n".join(lines), encoding="utf-8")
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(SchemaViolation) as checked:
        package.check_rows(files, shown_as=folder)
    assert expected in checked.value.reason
    assert (checked.value.file, checked.value.line) == (str(facts), 3 if "primary key" in expected else 2)
    with pytest.raises(SchemaViolation) as validated:
        validate_package(folder)  # Frictionless whole (it also sees the CSV's bytes and hash changed)
    if "cells" not in expected:  # Frictionless words an extra cell its own way
        assert expected in validated.value.reason
    assert (validated.value.file, validated.value.line) == (checked.value.file, checked.value.line)


def test_the_builds_row_check_passes_every_published_package():
    for folder in [*DOC_IDS, "all"]:
        files = {p.name: p.read_bytes() for p in (ROOT / "datapackages" / folder).iterdir()}
        package.check_rows(files, shown_as=ROOT / "datapackages" / folder)
