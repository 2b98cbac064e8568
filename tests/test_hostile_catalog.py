"""A hostile or broken `catalog.yml` (issue 14): validated whole at the door, one message per problem
naming the catalog, the line, the entry and the field; an invalid catalog stops `yusuan build` and
`yusuan fetch` before anything is touched; YAML aliases (billion laughs) are refused; the build checks
each file against the sha256 its entry pins.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from conftest import DISCLOSURES
from test_hostile_build import _command, _env, build_args, copy_of, tree, yusuan

from pipeline.catalog import MAX_BYTES, CatalogError, check_sha256, load_catalog
from pipeline.errors import PipelineError

NANTONG = "nantong-samr-projects-2024"
SHENZHEN = "shenzhen-public-credit-center-2022"
FILES = [f"{NANTONG}.txt", f"{SHENZHEN}.txt"]
SLUG_WORDS = ("is not a slug: lowercase ASCII letters and digits in parts joined by single hyphens, "
              "e.g. sichuan-finance-2025 (it names the document's folder)")
FILE_WORDS = ("is not a file name in the catalog's folder (no '/', '\\', leading '.' or control character) "
              "ending in .txt, .md or .pdf")


def refused(folder: Path, text: str | bytes) -> CatalogError:
    """The error of loading `text` as `folder`/catalog.yml."""
    folder.mkdir(parents=True, exist_ok=True)
    catalog = folder / "catalog.yml"
    catalog.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(CatalogError) as raised:
        load_catalog(folder)
    assert isinstance(raised.value, PipelineError) and raised.value.file == str(catalog)
    return raised.value


def one_entry(field_lines: str) -> str:
    return "disclosures:\n  - file: a.txt\n" + "".join(f"    {line}\n" for line in field_lines.split("\n"))


# ------------------------------------------------------------------------------------ one problem each


@pytest.mark.parametrize("field, message", [
    ("doc_id: ../../victim", f"doc_id: '../../victim' {SLUG_WORDS}"),
    ("doc_id: /abs/dir", f"doc_id: '/abs/dir' {SLUG_WORDS}"),
    ("doc_id: A--B", f"doc_id: 'A--B' {SLUG_WORDS}"),
    ("doc_id: 12345", "doc_id: 12345 is not a string"),
    (f"doc_id: {'a' * 101}", f"doc_id: '{'a' * 38}… is 101 characters long, more than 100"),
    ("fiscal_year: 二〇二四", "fiscal_year: '二〇二四' is not an integer"),
    ("fiscal_year: '2024'", "fiscal_year: '2024' is not an integer"),
    ("fiscal_year: 2024.0", "fiscal_year: 2024.0 is not an integer"),
    ("fiscal_year: 20240", "fiscal_year: 20240 is not between 1949 and 2100"),
    ("admin_level: galaxy", "admin_level: 'galaxy' is not one of province, city, county"),
    ("kind: 预算", "kind: '预算' is not one of 部门预算, 单位预算, 项目绩效目标, 整体绩效目标, 部门决算, 单位决算"),
    ("source_url: javascript:alert(document.domain)//",
     "source_url: 'javascript:alert(document.domain)//' is not an http:// or https:// address"),
    ("source_url: 'data:text/html,<script>alert(1)</script>'",
     "source_url: 'data:text/html,<script>alert(1)</script>' is not an http:// or https:// address"),
    ("source_url: file:///etc/passwd", "source_url: 'file:///etc/passwd' is not an http:// or https:// address"),
    ("source_url: ftp://example.org/a.pdf",
     "source_url: 'ftp://example.org/a.pdf' is not an http:// or https:// address"),
    ("sha256: abc", "sha256: 'abc' is not 64 hexadecimal digits"),
    ("title: \"two\\nlines\"", "title: 'two\\nlines' is not one line of text without control characters"),
    ("title: ''", "title: is empty (leave the field out to read it from the text)"),
    ("sha265: " + "0" * 64, "sha265: unknown field (known: admin_level, doc_id, file, files, fiscal_year, kind, "
                            "publisher, region, sha256, source_url, supervisor, title)"),
])
def test_a_bad_field_is_named_with_its_catalog_line_and_entry(tmp_path, field, message):
    error = refused(tmp_path, one_entry(field))
    assert error.problems == [f"{tmp_path / 'catalog.yml'}:3: entry 1 (a.txt): {message}"]
    assert error.describe() == error.problems[0] and error.line == 3


@pytest.mark.parametrize("file, message", [
    ("catalog.yml", f"file: 'catalog.yml' {FILE_WORDS}"),
    ("../outside.txt", f"file: '../outside.txt' {FILE_WORDS}"),
    ("/etc/passwd.txt", f"file: '/etc/passwd.txt' {FILE_WORDS}"),
    ("'sub\\a.pdf'", f"file: 'sub\\\\a.pdf' {FILE_WORDS}"),
    (".hidden.txt", f"file: '.hidden.txt' {FILE_WORDS}"),
    ("a.exe", f"file: 'a.exe' {FILE_WORDS}"),
    ("[1, 2]", "file: [1, 2] is not a string"),
])
def test_a_file_that_is_not_a_disclosure_in_the_folder_is_refused(tmp_path, file, message):
    error = refused(tmp_path, f"disclosures:\n  - file: {file}\n    doc_id: a\n")
    label = "entry 1" if file.startswith("[") else f"entry 1 ({yaml.safe_load(file)})"
    assert error.problems == [f"{tmp_path / 'catalog.yml'}:2: {label}: {message}"]


def test_an_entry_without_a_file(tmp_path):
    error = refused(tmp_path, "disclosures:\n  - doc_id: a\n")
    assert error.problems == [f"{tmp_path / 'catalog.yml'}:2: entry 1: file: missing: every entry names its file "
                              "(file:), or its files (files:)"]


def test_a_disclosure_of_several_files_is_one_entry_for_each_of_them(tmp_path):
    (tmp_path / "catalog.yml").write_text("disclosures:\n  - files: [a.pdf, b.pdf]\n    doc_id: ab\n"
                                          "  - file: c.txt\n", encoding="utf-8")
    catalog = load_catalog(tmp_path)
    assert sorted(catalog) == ["a.pdf", "b.pdf", "c.txt"]
    assert catalog["a.pdf"] is catalog["b.pdf"] and catalog["a.pdf"]["doc_id"] == "ab"


@pytest.mark.parametrize("entries, message", [
    ("  - files: [a.pdf, b.pdf]\n    file: a.pdf\n",
     "2: entry 1 (a.pdf): files: given with file: an entry names one file (file:) or several (files:), not both"),
    ("  - files: [a.pdf, b.pdf]\n    sha256: " + "a" * 64 + "\n",
     "3: entry 1 (a.pdf …): sha256: pins one file, but the entry lists several (files:): give each file its own "
     "entry to pin it, or leave sha256 out"),
    ("  - files: [a.pdf]\n", "2: entry 1 (a.pdf): files: lists 1 files: a disclosure of several files lists 2 to 20"),
    ("  - files: [a.pdf, a.pdf]\n", "2: entry 1 (a.pdf …): files: names a file twice"),
    ("  - files: [a;b.pdf, c.pdf]\n", "2: entry 1 (a;b.pdf …): files: 0: 'a;b.pdf' is not a file name in the "
     "catalog's folder (no '/', '\\', ';', leading '.' or control character) ending in .txt, .md or .pdf"),
    ("  - file: b.pdf\n  - files: [a.pdf, b.pdf]\n",
     "3: entry 2 (a.pdf …): files: 1: 'b.pdf' is also the file of entry 1 (b.pdf) on line 2: one entry per file"),
])
def test_a_bad_entry_of_several_files_is_refused(tmp_path, entries, message):
    assert refused(tmp_path, "disclosures:\n" + entries).problems == [f"{tmp_path / 'catalog.yml'}:{message}"]


@pytest.mark.parametrize("text, what", [
    ("- file: a.txt\n  doc_id: a\n", "is a list"),
    ("just some words\n", "is the text 'just some words'"),
    ("42\n", "is the value 42"),
])
def test_a_catalog_that_is_not_a_mapping(tmp_path, text, what):
    error = refused(tmp_path, text)
    assert error.describe() == f"{tmp_path / 'catalog.yml'}:1: {what}, not a mapping with a 'disclosures:' list of entries"


@pytest.mark.parametrize("text, message", [
    ("disclosures: 5\n", "1: disclosures: 5 is not a list"),
    ("disclosures:\n  - just a string\n", "2: entry 1: 'just a string' is not a mapping of fields (name: value)"),
    ("entries: []\n", "1: entries: unknown field (known: disclosures)"),
    ("disclosures: [\n", "2: not valid YAML: expected the node content, but found '<stream end>'"),
])
def test_a_catalog_of_the_wrong_shape(tmp_path, text, message):
    assert refused(tmp_path, text).describe() == f"{tmp_path / 'catalog.yml'}:{message}"


def test_a_catalog_that_is_not_utf8(tmp_path):
    text = "disclosures:\n  - file: a.txt\n    title: 四川省财政厅2025年部门预算\n".encode("gb18030")
    error = refused(tmp_path, text)
    assert error.describe() == (f"{tmp_path / 'catalog.yml'}:3: is not UTF-8 text (byte 0xcb at offset 40): "
                                "save the catalog as UTF-8")


def test_empty_catalogs_and_empty_fields_are_fine(tmp_path):
    for text in ("", "# nothing yet\n", "disclosures:\n", "disclosures: []\n"):
        (tmp_path / "catalog.yml").write_text(text, encoding="utf-8")
        assert load_catalog(tmp_path) == {}
    (tmp_path / "catalog.yml").write_text("\ufeffdisclosures:\n  - file: A.PDF\n    title:\n    region: null\n",
                                          encoding="utf-8")
    assert load_catalog(tmp_path) == {"A.PDF": {"file": "A.PDF", "title": None, "region": None}}


def test_the_bundled_catalog_is_valid():
    catalog = load_catalog(DISCLOSURES)
    assert sorted(catalog) == sorted(p.name for p in DISCLOSURES.iterdir() if p.suffix in (".txt", ".pdf"))
    assert catalog["shanghai-finance-bureau-2025.pdf"]["sha256"].startswith("223f7ad8")


# ------------------------------------------------------------------------------- duplicates, all at once


def test_two_entries_for_one_file_name_both(tmp_path):
    text = ("disclosures:\n"
            "  - file: a.txt\n    doc_id: first\n"
            "  - file: b.txt\n    doc_id: second\n"
            "  - file: a.txt\n    doc_id: third\n")
    error = refused(tmp_path, text)
    assert error.problems == [f"{tmp_path / 'catalog.yml'}:6: entry 3 (a.txt): file: 'a.txt' is also the file of "
                              "entry 1 (a.txt) on line 2: one entry per file"]


def test_two_entries_with_one_doc_id_and_a_field_given_twice(tmp_path):
    text = ("disclosures:\n"
            "  - file: a.txt\n    doc_id: same\n"
            "  - file: b.txt\n    doc_id: other\n    doc_id: same\n")
    path = tmp_path / "catalog.yml"
    assert refused(tmp_path, text).problems == [
        f"{path}:6: entry 2 (b.txt): doc_id: given twice (also on line 5)",
        f"{path}:6: entry 2 (b.txt): doc_id: 'same' is also the doc_id of entry 1 (a.txt) on line 2: one entry per "
        "doc_id",
    ]


def test_every_problem_is_listed_in_one_error(tmp_path):
    text = ("disclosures:\n"
            "  - file: a.txt\n    doc_id: ../../victim\n    fiscal_year: 二〇二四\n"
            "  - file: [1, 2]\n    doc_id: 12345\n"
            "  - file: c.pdf\n    admin_level: galaxy\n    source_url: javascript:alert(document.domain)//\n")
    path = tmp_path / "catalog.yml"
    assert refused(tmp_path, text).describe() == "\n".join([
        f"{path}: 6 problems:",
        f"  {path}:3: entry 1 (a.txt): doc_id: '../../victim' {SLUG_WORDS}",
        f"  {path}:4: entry 1 (a.txt): fiscal_year: '二〇二四' is not an integer",
        f"  {path}:5: entry 2: file: [1, 2] is not a string",
        f"  {path}:6: entry 2: doc_id: 12345 is not a string",
        f"  {path}:8: entry 3 (c.pdf): admin_level: 'galaxy' is not one of province, city, county",
        f"  {path}:9: entry 3 (c.pdf): source_url: 'javascript:alert(document.domain)//' is not an http:// or "
        "https:// address",
    ])


# --------------------------------------------------------------------------------------- YAML safety


def billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &lol0 "lol"']
    lines += [f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 10)}]" for i in range(1, levels + 1)]
    # the entry's title is 10**levels "lol"s once expanded (the cache key of its document did expand it)
    return "\n".join(lines) + f"\ndisclosures:\n  - file: {FILES[0]}\n    title: *lol{levels}\n"


def test_a_billion_laughs_is_refused_at_its_first_alias_in_bounded_time(tmp_path):
    started = time.perf_counter()
    error = refused(tmp_path, billion_laughs())
    assert time.perf_counter() - started < 2
    assert error.describe() == (f"{tmp_path / 'catalog.yml'}:2: the alias *lol0 is refused: the catalog may not "
                                "use YAML anchors and aliases; write each value out")


def test_a_billion_laughs_build_ends_with_a_message_within_a_memory_limit(tmp_path):
    """The real CLI, in a process that may not grow past 1 GB of address space: a message, not a crash."""
    (tmp_path / "input").mkdir()
    (tmp_path / "input" / "catalog.yml").write_text(billion_laughs(), encoding="utf-8")
    shutil.copy(DISCLOSURES / FILES[0], tmp_path / "input")
    limit = 1 << 30

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.perf_counter()
    done = subprocess.run(_command() + ["build", "--input", "input", "--packages", "packages",
                                        "--build-dir", "build", "--no-site"], cwd=tmp_path, env=_env(),
                          capture_output=True, encoding="utf-8", timeout=60, preexec_fn=bounded)
    assert time.perf_counter() - started < 30
    assert done.returncode == 1, done.stdout + done.stderr
    assert "input/catalog.yml:2: the alias *lol0 is refused" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr and "MemoryError" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input"]  # no packages, no build folder


def test_aliases_are_refused_even_small_ones(tmp_path):
    text = "disclosures:\n  - &a {file: a.txt, doc_id: a}\n  - *a\n"
    assert refused(tmp_path, text).describe() == (f"{tmp_path / 'catalog.yml'}:3: the alias *a is refused: the "
                                                  "catalog may not use YAML anchors and aliases; write each value out")


def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path):
    error = refused(tmp_path, "disclosures: " + "[" * 100_000)
    assert error.describe() == f"{tmp_path / 'catalog.yml'}:1: nested more than 20 levels deep: not a catalog"


def test_a_catalog_over_the_size_limit_is_not_read(tmp_path):
    text = "disclosures:\n" + "# padding\n" * (MAX_BYTES // 10 + 1)
    error = refused(tmp_path, text)
    assert error.describe() == (f"{tmp_path / 'catalog.yml'}: is larger than 5 MB (5,242,880 bytes): not a "
                                "catalog of disclosures, so it is not read")


# ------------------------------------------------------------------------------------- sha256 pins


def test_check_sha256(tmp_path):
    path = tmp_path / "a.txt"
    good, bad = "ab" * 32, "cd" * 32
    assert check_sha256(path, None, good) == good
    assert check_sha256(path, {"file": "a.txt"}, good) == good
    assert check_sha256(path, {"file": "a.txt", "sha256": good.upper()}, good) == good
    with pytest.raises(PipelineError) as raised:
        check_sha256(path, {"file": "a.txt", "sha256": bad}, good)
    assert raised.value.describe() == (
        f"{path}: its sha256 is {good}, but the catalog pins sha256 {bad}: this is not the version the catalog "
        "describes (run `yusuan fetch` to get that one, or change the entry's sha256 to take this one)")


# ------------------------------------------------------------------------------------- the real CLI


def write_catalog(folder: Path, change: dict[str, dict] | None = None) -> None:
    """The bundled catalog's entries for FILES, with `change` (file -> fields) applied."""
    data = yaml.safe_load((DISCLOSURES / "catalog.yml").read_text(encoding="utf-8"))
    entries = [e for e in data["disclosures"] if e["file"] in FILES]
    for entry in entries:
        entry.update((change or {}).get(entry["file"], {}))
    (folder / "catalog.yml").write_text(yaml.safe_dump({"disclosures": entries}, allow_unicode=True),
                                        encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Two bundled disclosures with their catalog entries, built once by the real CLI."""
    root = tmp_path_factory.mktemp("catalogued")
    (root / "input").mkdir()
    for name in FILES:
        shutil.copy(DISCLOSURES / name, root / "input" / name)
    write_catalog(root / "input")
    done = yusuan(*build_args(root), cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def test_an_invalid_catalog_stops_the_build_and_touches_no_output(built, tmp_path):
    root = copy_of(built, tmp_path)
    catalog = root / "input" / "catalog.yml"
    write_catalog(root / "input", {FILES[0]: {"doc_id": "../../victim", "fiscal_year": "二〇二四"},
                                   FILES[1]: {"admin_level": "galaxy", "file": "catalog.yml"}})
    before = {name: tree(root / name) for name in ("packages", "build", "input")}
    done = yusuan(*build_args(root), cwd=root)
    output = done.stdout + done.stderr
    assert done.returncode == 1 and "Traceback" not in output, output
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0] == f"Error: {catalog}: 4 problems:"
    assert [line.split(": ", 1)[1] for line in lines[1:]] == [
        "entry 1 (catalog.yml): admin_level: 'galaxy' is not one of province, city, county",
        f"entry 1 (catalog.yml): file: 'catalog.yml' {FILE_WORDS}",
        f"entry 2 ({FILES[0]}): doc_id: '../../victim' {SLUG_WORDS}",
        f"entry 2 ({FILES[0]}): fiscal_year: '二〇二四' is not an integer",
    ]
    assert all(line.startswith(f"  {catalog}:") for line in lines[1:])
    assert {name: tree(root / name) for name in ("packages", "build", "input")} == before  # byte-identical
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]  # nothing written beside it


def test_an_invalid_catalog_stops_fetch_before_any_download(tmp_path):
    folder = tmp_path / "disclosures"
    folder.mkdir()
    text = "disclosures:\n  - file: catalog.yml\n    source_url: http://127.0.0.1:9/catalog.yml\n"
    (folder / "catalog.yml").write_text(text, encoding="utf-8")
    done = yusuan("fetch", "--input", str(folder), "--timeout", "1", "--retries", "0", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert done.stderr == f"Error: {folder / 'catalog.yml'}:2: entry 1 (catalog.yml): file: 'catalog.yml' {FILE_WORDS}\n"
    assert (folder / "catalog.yml").read_text(encoding="utf-8") == text and len(list(folder.iterdir())) == 1


def test_a_file_that_does_not_match_its_pinned_sha256_fails_alone(built, tmp_path):
    root = tmp_path / "fresh"
    (root / "input").mkdir(parents=True)
    for name in FILES:
        shutil.copy(DISCLOSURES / name, root / "input" / name)
    wrong = "0" * 64
    write_catalog(root / "input", {FILES[1]: {"sha256": wrong}})
    done = yusuan(*build_args(root), cwd=root)
    output = done.stdout + done.stderr
    assert done.returncode == 2 and "Traceback" not in output, output
    actual = tree(root / "input")[FILES[1]]
    assert (f"FAILED {root / 'input' / FILES[1]}: its sha256 is {actual}, but the catalog pins sha256 {wrong}: "
            "this is not the version the catalog describes") in done.stdout
    assert f"built  {NANTONG}: " in done.stdout and "1 built, 1 failed" in done.stdout
    assert sorted(p.name for p in (root / "packages").iterdir()) == ["all", NANTONG]


def test_a_pinned_sha256_mismatch_keeps_the_last_good_package(built, tmp_path):
    root = copy_of(built, tmp_path)
    before = tree(root / "packages" / SHENZHEN)
    write_catalog(root / "input", {FILES[1]: {"sha256": "F" * 64}})
    done = yusuan(*build_args(root), cwd=root)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"but the catalog pins sha256 {'f' * 64}" in done.stdout
    assert f"kept   {SHENZHEN}: the last good version" in done.stdout
    assert tree(root / "packages" / SHENZHEN) == before
    # the right pin builds as before
    write_catalog(root / "input", {FILES[1]: {"sha256": tree(root / "input")[FILES[1]].upper()}})
    again = yusuan(*build_args(root), cwd=root)
    assert again.returncode == 0 and "0 failed" in again.stdout, again.stdout + again.stderr
