"""Incremental builds: an unchanged corpus is not read again; a changed document is rebuilt alone.

The build runs in-process on a copy of the bundled corpus (the four texts and the real PDF); "read"
means the build called the reading stage (`read_document` for text, `read_pdf` for a PDF).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DISCLOSURES, ROOT
from published import DOC_IDS  # the bundled disclosures, one list

import pipeline.build as build_module
from pipeline import cache
from pipeline.build import BuildPaths, build, combined_stage

COMBINED_STAGES = {"package", "database", "site"}  # `reused <stage>: …` lines of combined stages


class Reads:
    """Counts the calls of the reading stage (and lets them through)."""

    def __init__(self, monkeypatch):
        self.files: list[str] = []
        read_source = build_module.read_source

        def counted(path, *args, **kwargs):
            self.files.append(path.name)
            return read_source(path, *args, **kwargs)

        monkeypatch.setattr(build_module, "read_source", counted)


def run(paths: BuildPaths, **kwargs) -> tuple[build_module.BuildReport, list[str]]:
    said: list[str] = []
    report = build(paths, say=said.append, site=False, **kwargs)
    return report, said


def status_of(said: list[str]) -> dict[str, str]:
    """doc_id -> built | reused, from the lines the build printed."""
    out = {}
    for line in said:
        word, _, rest = line.partition(" ")
        name = rest.strip().split(":")[0]
        if word in ("built", "reused") and ":" in rest and name not in COMBINED_STAGES:
            out[name] = word
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The bundled corpus copied and built once (cold cache)."""
    root = tmp_path_factory.mktemp("incremental")
    shutil.copytree(DISCLOSURES, root / "input")
    paths = BuildPaths(root / "input", root / "packages", root / "build")
    report, said = run(paths)
    return paths, report, said


@pytest.fixture
def reads(monkeypatch):
    return Reads(monkeypatch)


def copy_of(corpus, tmp_path: Path) -> BuildPaths:
    """A private copy of the built corpus (inputs, packages and cache) for a test that changes it."""
    paths, _, _ = corpus
    for name in ("input", "packages", "build"):
        shutil.copytree(getattr(paths, {"input": "input_dir", "packages": "packages_dir", "build": "build_dir"}[name]),
                        tmp_path / name)
    return BuildPaths(tmp_path / "input", tmp_path / "packages", tmp_path / "build")


def test_first_build_reads_every_document(corpus):
    _, report, said = corpus
    assert status_of(said) == dict.fromkeys(DOC_IDS, "built")
    assert sorted(report.rebuilt) == DOC_IDS and report.reused == [] and report.failed == []


def test_worker_processes_write_the_same_bytes_as_one_process(corpus, tmp_path):
    """Issue 15: the documents read in two worker processes give the packages of a build in one process,
    byte for byte (the cold build of `corpus` ran in one), and the same lines in the same order."""
    paths, _, said = corpus
    mine = BuildPaths(paths.input_dir, tmp_path / "packages", tmp_path / "build")
    seen: list[tuple[int, int]] = []
    report, said_here = run(mine, jobs=2, progress=lambda done, total: seen.append((done, total)))
    assert sorted(report.rebuilt) == DOC_IDS and report.failed == []
    assert seen == [(n, len(DOC_IDS)) for n in range(1, len(DOC_IDS) + 1)]

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    assert files(mine.packages_dir) == files(paths.packages_dir)
    assert [line.split(" [")[0] for line in said_here if line.startswith("built")] == \
           [line.split(" [")[0] for line in said if line.startswith("built")]


def test_second_build_of_an_unchanged_corpus_reads_nothing(corpus, tmp_path, reads):
    paths = copy_of(corpus, tmp_path)
    before = {p: p.read_bytes() for p in sorted(paths.packages_dir.rglob("*")) if p.is_file()}
    report, said = run(paths)
    assert reads.files == []
    assert status_of(said) == dict.fromkeys(DOC_IDS, "reused")
    assert sorted(report.reused) == DOC_IDS and report.rebuilt == []
    # the same results: the published files are byte for byte the same
    assert {p: p.read_bytes() for p in sorted(paths.packages_dir.rglob("*")) if p.is_file()} == before
    # and the reused lines carry the same figures as the built ones
    _, _, first = corpus
    built = {line.split(" [")[0].replace("built  ", "") for line in first if line.startswith("built  ")}
    reused = {line.split(" [")[0].replace("reused ", "") for line in said if line.startswith("reused ")}
    assert {line for line in reused if line.split(":")[0] in DOC_IDS} == built
    # and the combined stages are skipped
    assert {line.split(":")[0] for line in reused} - set(DOC_IDS) == {"package", "database"}


def test_changing_one_document_rebuilds_only_it(corpus, tmp_path, reads):
    paths = copy_of(corpus, tmp_path)
    text = paths.input_dir / "shenzhen-public-credit-center-2022.txt"
    text.write_bytes(text.read_bytes() + "\n（本文件末尾加一行说明。）\n".encode())
    report, said = run(paths)
    assert reads.files == ["shenzhen-public-credit-center-2022.txt"]
    expected = dict.fromkeys(DOC_IDS, "reused") | {"shenzhen-public-credit-center-2022": "built"}
    assert status_of(said) == expected
    # and once rebuilt, it is reused like the others
    reads.files.clear()
    _, said = run(paths)
    assert reads.files == [] and status_of(said) == dict.fromkeys(DOC_IDS, "reused")


def test_changing_a_catalog_entry_rebuilds_only_its_document(corpus, tmp_path, reads):
    paths = copy_of(corpus, tmp_path)
    catalog = paths.input_dir / "catalog.yml"
    text = catalog.read_text(encoding="utf-8")
    assert text.count("title: 2022年深圳市公共信用中心部门预算") == 1
    catalog.write_text(text.replace("title: 2022年深圳市公共信用中心部门预算", "title: 深圳市公共信用中心2022年部门预算"),
                       encoding="utf-8")
    _, said = run(paths)
    assert reads.files == ["shenzhen-public-credit-center-2022.txt"]
    documents = (paths.packages_dir / "shenzhen-public-credit-center-2022" / "documents.csv").read_text(encoding="utf-8")
    assert "深圳市公共信用中心2022年部门预算" in documents


def test_a_pdf_is_rebuilt_alone_from_its_cached_extraction(corpus, tmp_path, reads, monkeypatch):
    """A changed catalog entry of the PDF re-reads it, but its unchanged bytes are not extracted again."""
    paths = copy_of(corpus, tmp_path)
    catalog = paths.input_dir / "catalog.yml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("title: 上海市财政局2025年单位预算", "title: 上海市财政局2025年单位预算（市级）"),
                       encoding="utf-8")

    def no_extraction(path):
        raise AssertionError(f"{path} extracted again")

    monkeypatch.setattr("pipeline.pdf.extract_pdf", no_extraction)
    _, said = run(paths)
    assert reads.files == ["shanghai-finance-bureau-2025.pdf"]
    assert status_of(said)["shanghai-finance-bureau-2025"] == "built"


def test_a_code_change_rebuilds_everything(corpus, tmp_path, reads, monkeypatch):
    paths = copy_of(corpus, tmp_path)
    monkeypatch.setattr(cache, "code_fingerprint", lambda documents_only=True: "another version of the code")
    _, said = run(paths)
    assert sorted(reads.files) == sorted(p.name for p in paths.input_dir.iterdir() if p.suffix in (".txt", ".pdf"))
    assert status_of(said) == dict.fromkeys(DOC_IDS, "built")


def test_no_cache_reads_everything(corpus, tmp_path, reads):
    paths = copy_of(corpus, tmp_path)
    _, said = run(paths, cache=False)
    assert len(reads.files) == len(DOC_IDS)
    assert status_of(said) == dict.fromkeys(DOC_IDS, "built")


def test_an_unreadable_new_version_keeps_the_last_good_one_published(corpus, tmp_path, reads):
    paths = copy_of(corpus, tmp_path)
    folder = paths.packages_dir / "nantong-samr-projects-2024"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    (paths.input_dir / "nantong-samr-projects-2024.txt").write_bytes(b"\x00\x01 not text any more")
    report, said = run(paths)
    assert [e.file for e in report.failed] == [str(paths.input_dir / "nantong-samr-projects-2024.txt")]
    assert any(line.startswith("FAILED ") and "binary" in line for line in said)
    assert any(line.startswith("kept   nantong-samr-projects-2024: the last good version") for line in said)
    assert report.kept == ["nantong-samr-projects-2024"]
    assert "nantong-samr-projects-2024" in [r.document.doc_id for r in report.built]  # in the combined outputs
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    # the failure itself is cached: the same bytes are not read again, and are reported again
    reads.files.clear()
    report, said = run(paths)
    assert reads.files == []
    assert len(report.failed) == 1 and report.kept == ["nantong-samr-projects-2024"]


def test_combined_stages_run_only_when_something_changed(corpus, tmp_path):
    paths = copy_of(corpus, tmp_path)
    ran: list[str] = []
    output = paths.build_dir / "combined.txt"

    def stage():
        ran.append("ran")
        output.write_text("x")

    report, _ = run(paths)
    assert combined_stage(report, "test-stage", [output], stage, say=lambda _: None)
    report, _ = run(paths)
    assert not combined_stage(report, "test-stage", [output], stage, say=lambda _: None)
    output.unlink()  # an output that is gone is made again
    assert combined_stage(report, "test-stage", [output], stage, say=lambda _: None)
    text = paths.input_dir / "nantong-samr-projects-2024.txt"
    text.write_bytes(text.read_bytes() + b"\n")
    report, _ = run(paths)
    assert combined_stage(report, "test-stage", [output], stage, say=lambda _: None)
    assert ran == ["ran", "ran", "ran"]


def test_document_key_depends_on_bytes_name_entry_and_code(tmp_path, monkeypatch):
    a = tmp_path / "a.txt"
    a.write_text("一", encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text("一", encoding="utf-8")
    key = cache.document_key(a, {"doc_id": "x"})
    assert key == cache.document_key(a, {"doc_id": "x"})
    assert key != cache.document_key(b, {"doc_id": "x"})  # the name is published (source_file)
    assert key != cache.document_key(a, {"doc_id": "y"})
    a.write_text("二", encoding="utf-8")
    assert key != cache.document_key(a, {"doc_id": "x"})
    a.write_text("一", encoding="utf-8")
    monkeypatch.setattr(cache, "code_fingerprint", lambda documents_only=True: "changed")
    assert key != cache.document_key(a, {"doc_id": "x"})


def test_code_fingerprint_covers_the_reading_code():
    cache.code_fingerprint.cache_clear()
    assert cache.code_fingerprint() == cache.code_fingerprint()
    assert cache.code_fingerprint() != cache.code_fingerprint(documents_only=False)
    modules = {p.relative_to(cache.PACKAGE_DIR).as_posix() for p in cache.code_files(documents_only=True)}
    assert {"read.py", "pdf.py", "build.py", "tables/read.py", "checks/__init__.py", "text/layout.py"} <= modules
    assert not {"cli.py", "fetch.py"} & modules
    everything = {p.relative_to(cache.PACKAGE_DIR).as_posix() for p in cache.code_files()}
    assert modules < everything and "cli.py" in everything


def test_no_reading_module_imports_what_the_document_key_leaves_out():
    """The document key leaves out publish/, site/, fetch.py and cli.py: a module that a document's result
    depends on must not import them, or a change there would not rebuild the document."""
    import ast

    left_out = {name.removesuffix(".py") for name in cache.COMBINED_ONLY}
    offenders = []
    for path in cache.code_files(documents_only=True):
        if path.suffix != ".py" or path.name == "build.py":  # build.py runs the combined stages too
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names if not node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "pipeline":
                    parts = parts[1:]
                if parts and parts[0] in left_out:
                    offenders.append(f"{path.relative_to(cache.PACKAGE_DIR)} imports {name}")
    assert offenders == []


def test_scripts_validate_stops_on_a_schema_error(corpus, tmp_path):
    """The publish workflow's validation step (scripts/validate): valid packages pass, a broken one fails."""
    paths, _, _ = corpus
    packages = tmp_path / "packages"
    shutil.copytree(paths.packages_dir / "nantong-samr-projects-2024", packages / "nantong-samr-projects-2024")
    validate = [str(ROOT / "scripts" / "validate"), str(packages)]
    done = subprocess.run(validate, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid    " in done.stdout
    indicators = packages / "nantong-samr-projects-2024" / "performance_indicators.csv"
    header, first, *rest = indicators.read_text(encoding="utf-8").split("\n")
    columns = header.split(",")
    cells = next(csv.reader([first]))
    cells[columns.index("seq")] = "not a number"
    indicators.write_text("\n".join([header, ",".join(f'"{c}"' for c in cells), *rest]), encoding="utf-8")
    done = subprocess.run(validate, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "INVALID  " in done.stdout
