"""The `yusuan` command end to end, run as a real process on a folder of good and broken inputs.

What a user sees: one line per document (built, or FAILED with file, line and reason), exit code 2 when
any document failed, never a traceback, and the good documents written all the same.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DISCLOSURES

from pipeline.checks import run_checks
from pipeline.metadata import derive_doc_id, read_metadata
from pipeline.output import RESOURCES, rows_by_resource, to_csv
from pipeline.publish.package import COMBINED_DIR, COMBINED_NAME
from pipeline.read import read_document
from pipeline.text.decode import MAX_LINE_CHARS, read_text
from pipeline.text.lines import split_lines

SICHUAN = "sichuan-samr-data-center-2025"
NANTONG = "nantong-samr-projects-2024"
SHENZHEN = "shenzhen-public-credit-center-2022"
DERIVED_ID = re.compile(r"^(?:province|city|county|unknown)-(?:\d{4}|unknown)-[a-z]+(?:-[a-z]+)*-[0-9a-f]{6}-[0-9a-f]{8}$")


def yusuan(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run the installed console script (else `python -m pipeline.cli`), output decoded as UTF-8."""
    script = Path(sys.executable).parent / "yusuan"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.cli"]
    env = {**os.environ, "PYTHONUTF8": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(command + list(args), cwd=cwd, env=env, capture_output=True, timeout=300,
                          encoding="utf-8", errors="replace")


def build(input_dir: Path, output_dir: Path, cwd: Path) -> tuple[int, str]:
    done = yusuan("build", "--input", str(input_dir), "--packages", str(output_dir),
                  "--build-dir", str(output_dir.parent / f"{output_dir.name}-build"), "--no-site", cwd=cwd)
    return done.returncode, done.stdout + done.stderr


def folders_by_source(output_dir: Path) -> dict[str, Path]:
    """Output folder of each built document, keyed by its `documents.source_file`."""
    out = {}
    for documents in sorted(output_dir.glob("*/documents.csv")):
        if documents.parent.name == COMBINED_DIR:
            continue  # the combined package of all documents
        with open(documents, encoding="utf-8", newline="") as f:
            (row,) = list(csv.DictReader(f))
        assert row["doc_id"] == documents.parent.name
        out[row["source_file"]] = documents.parent
    return out


def package_files(name: str) -> list[str]:
    """The files of a data package: CSV and JSON per resource, descriptor, workbook and zip."""
    return sorted([*(f"{r}.csv" for r in RESOURCES), *(f"{r}.json" for r in RESOURCES), "datapackage.json",
                   f"{name}.xlsx", f"{name}.zip"])


def all_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def truncated_sample() -> tuple[bytes, int]:
    """A real UTF-8 sample cut inside its last multi-byte character, and the line of the cut."""
    data = (DISCLOSURES / f"{SHENZHEN}.txt").read_bytes().rstrip()
    last = len(data) - 1
    while data[last] < 0x80:  # the last byte of the last multi-byte character
        last -= 1
    cut = data[:last]
    assert cut.decode("utf-8", errors="ignore") != cut.decode("utf-8", errors="replace")
    return cut, cut.count(b"\n") + 1


# Normal lines, then one 2 MB line: a broken extraction, not a paragraph.
LONG_LINE = "一般公共预算拨款收入\t6,138.20\t" * (2 * 1024 * 1024 // 40 + 1)  # 40 bytes a repeat
NORMAL_LINES = 20


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A folder with one catalogued sample, two re-encoded samples and broken files, built once."""
    root = tmp_path_factory.mktemp("mixed")
    inp = root / "input"
    inp.mkdir()
    shutil.copy(DISCLOSURES / "catalog.yml", inp / "catalog.yml")  # lists the Sichuan sample
    shutil.copy(DISCLOSURES / f"{SICHUAN}.txt", inp / f"{SICHUAN}.txt")
    (inp / "empty.txt").write_bytes(b"")
    (inp / "bom-only.txt").write_bytes(b"\xef\xbb\xbf \r\n\n")
    (inp / "binary.txt").write_bytes(b"%PDF-1.7\n\x00\x01\x02\xff\xfe binary \x00 data\n")
    nantong = (DISCLOSURES / f"{NANTONG}.txt").read_text(encoding="utf-8")
    (inp / "nantong-gb18030.txt").write_bytes(nantong.encode("gb18030"))
    shenzhen = (DISCLOSURES / f"{SHENZHEN}.txt").read_bytes()
    (inp / "shenzhen-bom.txt").write_bytes(b"\xef\xbb\xbf" + shenzhen)
    cut, cut_line = truncated_sample()
    (inp / "truncated.txt").write_bytes(cut)
    head = "\n".join(nantong.split("\n")[:NORMAL_LINES]) + "\n"
    (inp / "long-line.txt").write_text(head + LONG_LINE + "\n收入合计\t6,138.20\n", encoding="utf-8")
    code, output = build(inp, root / "out", cwd=root)
    return {"root": root, "input": inp, "out": root / "out", "code": code, "output": output,
            "cut_line": cut_line}


def test_long_line_is_over_two_megabytes_and_over_the_limit():
    assert len(LONG_LINE.encode("utf-8")) > 2 * 1024 * 1024
    assert len(LONG_LINE) > MAX_LINE_CHARS


def test_truncated_sample_is_not_gb18030_either():
    """decode.py falls back to GB18030 when UTF-8 fails: a cut UTF-8 text is rejected only when it is not
    valid GB18030 too. The real sample is not (UTF-8 continuation bytes make illegal GB18030 pairs)."""
    cut, _ = truncated_sample()
    with pytest.raises(UnicodeDecodeError):
        cut.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        cut.decode("gb18030")


def test_failures_give_exit_code_2_and_no_traceback(mixed):
    assert mixed["code"] == 2, mixed["output"]
    assert "Traceback" not in mixed["output"]
    assert "3 built, 5 failed, 0 skipped" in mixed["output"], mixed["output"]


@pytest.mark.parametrize("name, line, reason", [
    ("empty.txt", None, "the file is empty"),
    ("bom-only.txt", None, "the file is empty"),
    ("binary.txt", None, "the file is binary (NUL bytes)"),
    ("truncated.txt", "cut", "the file ends inside a multi-byte character (truncated?)"),
    ("long-line.txt", NORMAL_LINES + 1, f"line is {len(LONG_LINE):,} characters long (limit {MAX_LINE_CHARS:,})"),
])
def test_each_bad_file_is_named_with_line_and_reason(mixed, name, line, reason):
    line = mixed["cut_line"] if line == "cut" else line
    where = str(mixed["input"] / name) + ("" if line is None else f":{line}")
    named = [x for x in mixed["output"].splitlines() if name in x]
    assert len(named) == 1, mixed["output"]
    assert named[0].startswith(f"FAILED {where}: {reason}"), named[0]


def test_reasons_use_the_words_a_user_looks_for(mixed):
    out = mixed["output"]
    assert re.search(r"FAILED \S*empty\.txt: .*\bempty\b", out)
    assert re.search(r"FAILED \S*binary\.txt: .*\bbinary\b", out)
    assert re.search(r"FAILED \S*long-line\.txt:\d+: .*characters long", out)


def test_good_documents_are_built_and_bad_ones_write_nothing(mixed):
    folders = folders_by_source(mixed["out"])
    assert sorted(folders) == sorted([f"{SICHUAN}.txt", "nantong-gb18030.txt", "shenzhen-bom.txt"])
    assert folders[f"{SICHUAN}.txt"].name == SICHUAN  # the catalog's doc_id
    for name in ("nantong-gb18030.txt", "shenzhen-bom.txt"):
        assert DERIVED_ID.match(folders[name].name), folders[name].name
        assert f"built  {folders[name].name}:" in mixed["output"]
    for folder in folders.values():
        assert sorted(p.name for p in folder.iterdir()) == package_files(folder.name)
    assert sorted(p.name for p in (mixed["out"] / COMBINED_DIR).iterdir()) == package_files(COMBINED_NAME)


def test_sichuan_facts_hold_a_number_printed_in_the_text(mixed):
    facts_csv = mixed["out"] / SICHUAN / "budget_facts.csv"
    assert "6,138.20" in facts_csv.read_text(encoding="utf-8")
    with open(facts_csv, encoding="utf-8", newline="") as f:
        facts = list(csv.DictReader(f))
    # line 110: 一、一般公共预算拨款收入	6,138.20	一、一般公共服务支出	6,883.22
    income = [r for r in facts if r["source_line"] == "110" and r["printed"] == "6,138.20"]
    assert len(income) == 1
    assert income[0]["amount"] == "6138.20"
    assert income[0]["item"] == "一、一般公共预算拨款收入"
    assert income[0]["side"] == "收入"


@pytest.mark.parametrize("copy, original", [
    ("nantong-gb18030.txt", f"{NANTONG}.txt"),
    ("shenzhen-bom.txt", f"{SHENZHEN}.txt"),
])
def test_gb18030_and_bom_copies_give_the_same_records_as_the_utf8_text(mixed, copy, original):
    """Same text, other bytes: every resource but `documents` (file name, checksum) is identical, but for
    the file name each record cites."""
    result = read_document(DISCLOSURES / original, None)
    run_checks(result)
    expected = rows_by_resource(result)
    folder = folders_by_source(mixed["out"])[copy]
    # the doc_id differs only by the content hash that keeps two files apart
    original_id = expected["documents"][0].doc_id
    assert folder.name != original_id and folder.name.rsplit("-", 1)[0] == original_id.rsplit("-", 1)[0]
    for name, rows in expected.items():
        if name == "documents":
            continue
        for row in rows:
            row.doc_id = folder.name
            if hasattr(row, "source_file"):
                row.source_file = copy
        assert (folder / f"{name}.csv").read_text(encoding="utf-8") == to_csv(RESOURCES[name], rows), name
    if copy.startswith("nantong"):
        assert len(expected["performance_indicators"]) > 0
    else:
        assert len(expected["budget_facts"]) > 0


def test_building_twice_gives_identical_bytes(mixed):
    again = mixed["root"] / "out-again"
    code, output = build(mixed["input"], again, cwd=mixed["root"])
    assert code == mixed["code"]
    first, second = all_files(mixed["out"]), all_files(again)
    assert sorted(first) == sorted(second)
    assert len(first) == (3 + 1) * len(package_files("any"))  # three documents and all/
    for name in first:
        assert first[name] == second[name], name
    # and rebuilding into the same folder leaves every file as it was
    code, _ = build(mixed["input"], mixed["out"], cwd=mixed["root"])
    assert code == 2
    assert all_files(mixed["out"]) == first


def test_help(tmp_path):
    top = yusuan("--help", cwd=tmp_path)
    assert top.returncode == 0, top.stderr
    assert "Usage:" in top.stdout and "build" in top.stdout
    sub = yusuan("build", "--help", cwd=tmp_path)
    assert sub.returncode == 0, sub.stderr
    assert "--input" in sub.stdout and "--packages" in sub.stdout and "--build-dir" in sub.stdout
    version = yusuan("--version", cwd=tmp_path)
    assert version.returncode == 0 and "yusuan" in version.stdout


def test_missing_input_folder_is_an_error_not_a_traceback(tmp_path):
    code, output = build(tmp_path / "nowhere", tmp_path / "out", cwd=tmp_path)
    assert code == 1
    assert "no such folder" in output and "Traceback" not in output


def test_md_file_and_file_without_catalog_entry_get_a_derived_doc_id(tmp_path):
    inp = tmp_path / "input"
    inp.mkdir()
    shutil.copy(DISCLOSURES / "catalog.yml", inp / "catalog.yml")  # a catalog that lists neither file
    shutil.copy(DISCLOSURES / f"{NANTONG}.txt", inp / "nantong.md")
    shutil.copy(DISCLOSURES / f"{SHENZHEN}.txt", inp / "shenzhen-unlisted.txt")
    code, output = build(inp, tmp_path / "out", cwd=tmp_path)
    assert code == 0, output
    assert "2 built, 0 failed" in output and "Traceback" not in output
    folders = folders_by_source(tmp_path / "out")
    assert sorted(folders) == ["nantong.md", "shenzhen-unlisted.txt"]
    for name, folder in folders.items():
        text, sha256 = read_text(inp / name)
        expected = derive_doc_id(read_metadata(split_lines(text)), sha256)
        assert folder.name == expected
        assert DERIVED_ID.match(expected), expected
    assert folders["nantong.md"].name.startswith("city-2024-project-goals-")
    assert folders["shenzhen-unlisted.txt"].name.startswith("city-2022-dept-budget-")
    with open(folders["nantong.md"] / "documents.csv", encoding="utf-8", newline="") as f:
        (doc,) = list(csv.DictReader(f))
    # read from the text, not the catalog
    assert (doc["publisher"], doc["region"], doc["fiscal_year"], doc["kind"]) == (
        "南通市市场监督管理局", "南通市", "2024", "项目绩效目标")
    assert doc["source_url"] == ""
    with open(folders["shenzhen-unlisted.txt"] / "budget_facts.csv", encoding="utf-8", newline="") as f:
        assert len(list(csv.DictReader(f))) > 0


def test_two_files_with_one_doc_id_do_not_overwrite_each_other(tmp_path):
    """The same disclosure as .txt and .md derives one doc_id: the second is reported, not written over
    the first."""
    inp = tmp_path / "input"
    inp.mkdir()
    shutil.copy(DISCLOSURES / f"{NANTONG}.txt", inp / "a-nantong.txt")
    shutil.copy(DISCLOSURES / f"{NANTONG}.txt", inp / "b-nantong.md")
    code, output = build(inp, tmp_path / "out", cwd=tmp_path)
    assert code == 2, output
    assert "1 built, 1 failed" in output and "Traceback" not in output
    assert list(folders_by_source(tmp_path / "out")) == ["a-nantong.txt"]
    (failed,) = [x for x in output.splitlines() if x.startswith("FAILED ")]
    assert "b-nantong.md" in failed and "a-nantong.txt" in failed and "doc_id" in failed


def test_relative_folders_are_taken_from_where_the_command_runs(tmp_path):
    # MkDocs resolves a relative site_dir from its config file's folder: the site once went to build/build/
    inp = tmp_path / "input"
    inp.mkdir()
    shutil.copy(DISCLOSURES / f"{SHENZHEN}.txt", inp / f"{SHENZHEN}.txt")
    done = yusuan("build", "--input", "input", "--packages", "out", "--build-dir", "build", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    page = next((tmp_path / "build" / "site" / "disclosures").glob("*/index.html"))
    assert "深圳市公共信用中心" in page.read_text(encoding="utf-8")
    assert not (tmp_path / "build" / "build").exists()
    packages = sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir())
    assert len(packages) == 2 and "all" in packages, packages
