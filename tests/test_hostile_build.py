"""Output safety of `yusuan build` (issue 14): outputs stay inside their folders, only folders yusuan owns
are written, every published file and package is replaced whole, one build runs at a time, and a fault
(kill -9, a full disk, a read-only folder, a second build, an unreadable source) leaves the previous
outputs byte-identical and valid, with a one-line message and no traceback.

Real faults where the machine allows them: a small tmpfs for a full disk and a read-only bind mount
(both need root; skipped with the reason otherwise), real processes killed with SIGKILL, real flocks.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import DISCLOSURES

from pipeline.atomic import OLD_TAG, TMP_TAG, sweep
from pipeline.build import reads_worse
from pipeline.errors import PipelineError
from pipeline.lock import build_lock
from pipeline.publish import published_records
from pipeline.publish.changes import read_log
from pipeline.publish.database import write_database
from pipeline.publish.package import (
    Published,
    package_files,
    published_packages,
    read_package,
    remove_stale_packages,
    validate_package,
    write_document_package,
)
from pipeline.safe_paths import BUILD_MARKER, SLUG, UnsafePath, claim_build_dir, inside

NANTONG = "nantong-samr-projects-2024"
SHENZHEN = "shenzhen-public-credit-center-2022"
SAMR = "sichuan-samr-data-center-2025"
SMALL = [NANTONG, SHENZHEN, SAMR]


def yusuan(*args: str, cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(_command() + list(args), cwd=cwd, env=_env(), capture_output=True, timeout=timeout,
                          encoding="utf-8", errors="replace")


def _command() -> list[str]:
    script = Path(sys.executable).parent / "yusuan"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.cli"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUTF8": "1", "PYTHONIOENCODING": "utf-8"}


def tree(folder: Path, hidden: bool = True) -> dict[str, str]:
    """Every file under `folder` by relative path -> sha256 (without dot names if not `hidden`)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if not hidden and any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and not path.is_symlink():
            out[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def by_folder(packages: Path) -> dict[str, dict[str, str]]:
    return {p.name: tree(p) for p in sorted(packages.iterdir()) if p.is_dir() and not p.name.startswith(".")}


def build_args(root: Path, *extra: str) -> list[str]:
    return ["build", "--input", str(root / "input"), "--packages", str(root / "packages"),
            "--build-dir", str(root / "build"), "--no-site", *extra]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """Three bundled disclosures (with their catalog entries) built once by the real CLI."""
    root = tmp_path_factory.mktemp("hostile-build")
    (root / "input").mkdir()
    catalog = yaml.safe_load((DISCLOSURES / "catalog.yml").read_text(encoding="utf-8"))
    files = {f"{d}.txt" for d in SMALL}
    catalog["disclosures"] = [e for e in catalog["disclosures"] if e["file"] in files]
    (root / "input" / "catalog.yml").write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")
    for name in files:
        shutil.copy(DISCLOSURES / name, root / "input" / name)
    done = yusuan(*build_args(root), cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def copy_of(base: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(base, root, symlinks=True)
    return root


def change_a_document(root: Path) -> None:
    """A real change of a source: new bytes (a new sha256) that read the same tables."""
    text = root / "input" / f"{NANTONG}.txt"
    text.write_bytes(text.read_bytes() + "\n（本表据实公开。）\n".encode())


def assert_one_line_failure(done: subprocess.CompletedProcess, *words: str) -> str:
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output
    error = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(error) == 1, output
    for word in words:
        assert word in error[0], output
    return error[0]


# ------------------------------------------------------------------------------------------- paths


def test_inside_refuses_what_resolves_outside_its_folder(tmp_path):
    base = tmp_path / "packages"
    base.mkdir()
    (tmp_path / "victim").mkdir()
    (base / "link").symlink_to(tmp_path / "victim")
    assert inside(base, "a-doc") == base / "a-doc"
    for parts in (("../victim",), ("..", "..", "victim"), ("/abs/dir",), ("link",), ("link", "x.csv"), (".",)):
        with pytest.raises(UnsafePath) as raised:
            inside(base, *parts)
        assert "outside" in raised.value.reason and str(base.resolve()) in raised.value.reason


def test_a_doc_id_that_is_no_slug_is_refused_by_the_package_writer(base, tmp_path):
    result = read_package(base / "packages" / NANTONG)
    out = tmp_path / "packages"
    for bad in ("../../victim", "/abs/dir", "A-Doc", "a--b", "a/b", ""):
        result.document.doc_id = bad
        with pytest.raises(UnsafePath) as raised:
            write_document_package(result, out)
        assert repr(bad) in raised.value.reason and "not a slug" in raised.value.reason
    assert not out.exists() or list(out.iterdir()) == []
    assert not (tmp_path / "victim").exists() and not Path("/abs/dir").exists()



def test_a_doc_id_that_names_another_output_is_refused(base, tmp_path):
    """`all` is the combined package's folder, `index` the site's list of disclosures (its page would
    overwrite disclosures/index.md)."""
    result = read_package(base / "packages" / NANTONG)
    for taken, what in (("all", "the folder of the combined package"),
                        ("index", "the name of the site's list of disclosures (disclosures/index.md)")):
        result.document.doc_id = taken
        with pytest.raises(PipelineError) as raised:
            write_document_package(result, tmp_path / "packages")
        assert raised.value.reason == f"doc_id {taken!r} is {what}; give it another doc_id"
    assert not (tmp_path / "packages").exists() or list((tmp_path / "packages").iterdir()) == []

def test_a_catalog_doc_id_with_dots_writes_nothing_outside_the_packages(base, tmp_path):
    root = copy_of(base, tmp_path)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "budget_facts.csv").write_text("theirs\n", encoding="utf-8")
    catalog = root / "input" / "catalog.yml"
    data = yaml.safe_load(catalog.read_text(encoding="utf-8"))
    data["disclosures"][0]["doc_id"] = "../../victim"
    catalog.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    outside = {p: tree(p) for p in (victim, root / "input")}
    done = yusuan(*build_args(root), cwd=root)
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "Traceback" not in output
    assert "../../victim" in output
    assert {p: tree(p) for p in outside} == outside
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "victim"]


def test_derived_doc_ids_are_slugs():
    from pipeline.metadata import derive_doc_id

    for meta in ({}, {"admin_level": "province", "fiscal_year": 2025, "kind": "单位预算", "region": "四川省"},
                 {"fiscal_year": 1999, "kind": "其他", "publisher": "<script>"}):
        assert SLUG.match(derive_doc_id(meta, "0" * 64)), meta


# ----------------------------------------------------------------------------------- owned folders


def test_a_build_dir_that_is_not_yusuans_is_refused_and_left_untouched(base, tmp_path):
    root = copy_of(base, tmp_path)
    project = tmp_path / "someones-project"
    (project / "docs").mkdir(parents=True)
    (project / "site").mkdir()
    (project / "mkdocs.yml").write_text("site_name: theirs\n", encoding="utf-8")
    (project / "docs" / "index.md").write_text("# theirs\n", encoding="utf-8")
    (project / "site" / "index.html").write_text("<p>theirs</p>\n", encoding="utf-8")
    before, packages = tree(project), tree(root / "packages")
    done = yusuan("build", "--input", str(root / "input"), "--packages", str(root / "packages"),
                  "--build-dir", str(project), cwd=root)
    assert_one_line_failure(done, str(project), "not a yusuan build folder", BUILD_MARKER)
    assert tree(project) == before and tree(root / "packages") == packages


def test_a_packages_folder_that_holds_no_yusuan_package_is_refused(base, tmp_path):
    root = copy_of(base, tmp_path)
    theirs = tmp_path / "theirs"
    (theirs / "notes").mkdir(parents=True)
    (theirs / "notes" / "a.json").write_text("{}", encoding="utf-8")
    (theirs / "README.md").write_text("mine\n", encoding="utf-8")
    before = tree(theirs)
    new_build = tmp_path / "new-build"
    done = yusuan("build", "--input", str(root / "input"), "--packages", str(theirs),
                  "--build-dir", str(new_build), "--no-site", cwd=root)
    assert_one_line_failure(done, str(theirs), "not a yusuan packages folder")
    assert tree(theirs) == before and not new_build.exists()  # checked before anything is made


def test_a_new_or_empty_build_dir_is_marked_and_an_old_one_adopted(tmp_path):
    new, empty, old = tmp_path / "new" / "build", tmp_path / "empty", tmp_path / "old"
    empty.mkdir()
    (old / "cache" / "stamps").mkdir(parents=True)  # a build folder of a yusuan before the marker
    for folder in (new, empty, old):
        claim_build_dir(folder)
        assert (folder / BUILD_MARKER).is_file()


def test_stale_packages_are_removed_only_if_yusuan_wrote_them_inside_the_folder(base, tmp_path):
    root = copy_of(base, tmp_path)
    packages = root / "packages"
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(packages / NANTONG, elsewhere / NANTONG)  # a yusuan package outside, linked in
    (packages / "linked").symlink_to(elsewhere / NANTONG)
    shutil.copytree(packages / NANTONG, packages / ".hidden-copy")
    (packages / "theirs").mkdir()
    (packages / "theirs" / "datapackage.json").write_text('{"name": "theirs", "profile": "data-package"}')
    shutil.copytree(packages / NANTONG, packages / "no-longer-built")
    removed = remove_stale_packages(packages, SMALL)
    assert removed == [packages / "no-longer-built"]
    assert (elsewhere / NANTONG / "datapackage.json").is_file() and (packages / "linked").is_symlink()
    assert (packages / ".hidden-copy" / "datapackage.json").is_file()
    assert (packages / "theirs" / "datapackage.json").is_file()


# -------------------------------------------------------------------------- never good for worse


def test_no_cache_keeps_the_package_of_a_source_that_became_unreadable(base, tmp_path):
    root = copy_of(base, tmp_path)
    before = by_folder(root / "packages")
    (root / "input" / f"{NANTONG}.txt").write_bytes(b"\x00\x01\x02 garbage, not a disclosure")
    done = yusuan(*build_args(root, "--no-cache"), cwd=root)
    output = done.stdout + done.stderr
    assert done.returncode == 2 and "Traceback" not in output, output
    assert f"FAILED {root / 'input' / NANTONG}.txt" in output
    assert f"kept   {NANTONG}: the last good version" in output
    assert "removed" not in output
    after = by_folder(root / "packages")
    assert after[NANTONG] == before[NANTONG]
    assert after == before  # its rows stay in all/ too (read back from its package): nothing changed
    validate_package(root / "packages" / "all")


def test_a_new_source_that_reads_to_no_table_does_not_replace_the_published_one(base, tmp_path):
    root = copy_of(base, tmp_path)
    before = by_folder(root / "packages")
    (root / "input" / f"{SHENZHEN}.txt").write_text(
        "2022年深圳市公共信用中心部门预算\n\n<html>Access denied</html>\n", encoding="utf-8")
    done = yusuan(*build_args(root), cwd=root)
    output = done.stdout + done.stderr
    assert done.returncode == 2 and "Traceback" not in output, output
    assert (f"FAILED {root / 'input' / SHENZHEN}.txt: this version reads to 0 parsed tables and 0 facts; "
            f"the published {SHENZHEN} has 6 parsed tables and 165 facts") in output
    assert f"kept   {SHENZHEN}: the last good version" in output
    assert by_folder(root / "packages") == before


def test_reads_at_least_as_well(base):
    result = read_package(base / "packages" / SHENZHEN)
    sha = result.document.source_sha256
    same = Published(base / "packages" / SHENZHEN, SHENZHEN, sha, 6, len(result.facts))
    assert reads_worse(result, same) is None and reads_worse(result, None) is None
    fewer = Published(same.folder, SHENZHEN, sha, 6, len(result.facts) + 1)
    assert "it reads worse" in reads_worse(result, fewer) and "--accept-worse" in reads_worse(result, fewer)
    assert "it reads worse" in reads_worse(result, Published(same.folder, SHENZHEN, sha, 7, 0))
    # a new source may read differently, as long as it reads to tables
    assert reads_worse(result, Published(same.folder, SHENZHEN, "another", 9, 10_000)) is None
    result.tables = [t for t in result.tables if t.status != "parsed"]
    assert "does not replace it" in reads_worse(result, Published(same.folder, SHENZHEN, "another", 6, 165))


def test_a_package_read_back_publishes_the_same_bytes(base):
    for doc_id in SMALL:
        folder = base / "packages" / doc_id
        log = read_log(folder).records()  # the document's rows of the build's log (publish/changes.py)
        files = package_files(doc_id, published_records([read_package(folder)], across=False, log=log), combined=False)
        assert {name: hashlib.sha256(data).hexdigest() for name, data in files.items()} == tree(folder)
    assert set(published_packages(base / "packages")) == {f"{d}.txt" for d in SMALL}


# ------------------------------------------------------------------------------ atomic, exclusive


def test_kill_9_at_any_moment_leaves_each_package_old_or_new_and_valid(base, tmp_path):
    new_root = copy_of(base, tmp_path / "reference")
    change_a_document(new_root)
    assert yusuan(*build_args(new_root), cwd=new_root).returncode == 0
    old, new = by_folder(base / "packages"), by_folder(new_root / "packages")
    assert old[NANTONG] != new[NANTONG] and old["all"] != new["all"] and old[SAMR] == new[SAMR]
    killed_while_running = 0
    for i, delay in enumerate((0.5, 0.8, 1.1, 1.4, 1.8, 2.4)):
        root = copy_of(base, tmp_path / f"kill-{i}")
        change_a_document(root)
        process = subprocess.Popen(_command() + build_args(root, "--no-cache"), cwd=root, env=_env(),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        killed_while_running += process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        now = by_folder(root / "packages")
        assert set(now) == set(old)
        for name, files in now.items():
            assert files in (old[name], new[name]), f"{name} is a mix of two builds after kill at {delay}s"
        validate_package(root / "packages" / "all")
    assert killed_while_running >= 4
    # the next build sweeps what the killed one left and publishes the new version
    done = yusuan(*build_args(root), cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert by_folder(root / "packages") == new
    assert not [p for p in (root / "packages").rglob("*") if TMP_TAG in p.name or OLD_TAG in p.name]
    assert not [p for p in (root / "build").rglob("*") if TMP_TAG in p.name]


def test_a_second_build_exits_at_once_naming_the_running_one(base, tmp_path):
    root = copy_of(base, tmp_path)
    before = by_folder(root / "packages")
    change_a_document(root)
    with build_lock(root / "build", root / "packages"):  # a build of this process holds the folders
        done = yusuan(*build_args(root), cwd=root)
        line = assert_one_line_failure(done, f"another yusuan build is running (pid {os.getpid()}) on "
                                              f"{root / 'build'}")
        assert "wait for it to finish" in line
        other_build = tmp_path / "other-build"  # another build folder, the same packages
        done = yusuan("build", "--input", str(root / "input"), "--packages", str(root / "packages"),
                      "--build-dir", str(other_build), "--no-site", cwd=root)
        assert_one_line_failure(done, f"another yusuan build is running (pid {os.getpid()}) on "
                                      f"{root / 'packages'}")
    assert by_folder(root / "packages") == before
    assert yusuan(*build_args(root), cwd=root).returncode == 0  # the lock ends with its holder


def test_two_real_builds_at_once_the_second_exits_with_a_clear_message(base, tmp_path):
    root = copy_of(base, tmp_path)
    change_a_document(root)
    first = subprocess.Popen(_command() + build_args(root, "--no-cache"), cwd=root, env=_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8")
    lock = root / "build" / ".lock"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (lock.read_text().strip() == str(first.pid)):
        time.sleep(0.02)
    assert first.poll() is None, "the first build ended before the second could start"
    second = yusuan(*build_args(root), cwd=root)
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0 and "Traceback" not in out + err
    assert_one_line_failure(second, f"another yusuan build is running (pid {first.pid})")
    validate_package(root / "packages" / "all")


def test_what_a_killed_build_left_is_swept_and_a_half_swapped_package_put_back(base, tmp_path):
    root = copy_of(base, tmp_path)
    packages = root / "packages"
    before = by_folder(packages)
    (packages / f".{NANTONG}{TMP_TAG}99999-ab12").mkdir()  # a package version never swapped in
    (root / "build" / f".yusuan.db{TMP_TAG}99999-cd34").write_bytes(b"half a database")
    (packages / "all").rename(packages / f".all{OLD_TAG}99999")  # died between the two renames
    (packages / "theirs.tmp").write_text("not ours\n")
    sweep(packages)
    sweep(root / "build")
    assert by_folder(packages) == before
    assert sorted(p.name for p in packages.iterdir()) == sorted([*before, "theirs.tmp"])
    assert not [p for p in (root / "build").iterdir() if TMP_TAG in p.name]


# ------------------------------------------------------------------------------- full disk, read-only


def _mount(args: list[str], target: Path) -> None:
    done = subprocess.run(["mount", *args, str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip() or 'mount failed'}): needs root")


@pytest.fixture
def mounts():
    mounted: list[Path] = []
    yield mounted
    for target in reversed(mounted):
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def _fill(folder: Path) -> None:
    """Write zeros until the file system is full (ENOSPC), to its last block."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 16, 1 << 12, 1 << 9, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)


def test_a_full_disk_ends_in_one_line_and_leaves_the_packages_as_they_were(base, tmp_path, mounts):
    root = copy_of(base, tmp_path)
    disk = tmp_path / "disk"
    disk.mkdir()
    _mount(["-t", "tmpfs", "-o", "size=8m", "tmpfs"], disk)
    mounts.append(disk)
    shutil.copytree(root / "packages", disk / "packages")
    before = tree(disk / "packages")
    _fill(disk)
    change_a_document(root)
    done = yusuan("build", "--input", str(root / "input"), "--packages", str(disk / "packages"),
                  "--build-dir", str(root / "build"), "--no-site", cwd=root)
    line = assert_one_line_failure(done, "cannot write: no space left on device",
                                   "the previous outputs are left as they were")
    assert line.startswith(f"Error: {disk / 'packages'}/") and TMP_TAG not in line  # the file, not a temporary
    assert tree(disk / "packages") == before  # not a temporary file left either
    (disk / "filler").unlink()
    validate_package(disk / "packages" / "all")
    done = yusuan("build", "--input", str(root / "input"), "--packages", str(disk / "packages"),
                  "--build-dir", str(root / "build"), "--no-site", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_full_disk_leaves_the_previous_database(base, tmp_path, mounts):
    disk = tmp_path / "disk"
    disk.mkdir()
    _mount(["-t", "tmpfs", "-o", "size=2m", "tmpfs"], disk)
    mounts.append(disk)
    database = disk / "yusuan.db"
    database.write_bytes(b"the previous database")
    _fill(disk)
    results = [read_package(base / "packages" / d) for d in SMALL]
    with pytest.raises(PipelineError) as raised:
        write_database(results, database)
    assert raised.value.file == str(database)
    assert "no space left on device" in raised.value.reason
    assert database.read_bytes() == b"the previous database"
    assert sorted(p.name for p in disk.iterdir()) == ["filler", "yusuan.db"]


def test_a_read_only_packages_folder_ends_in_one_line(base, tmp_path, mounts):
    root = copy_of(base, tmp_path)
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    _mount(["--bind", str(root / "packages")], read_only)
    mounts.append(read_only)
    _mount(["-o", "remount,bind,ro"], read_only)
    before = tree(root / "packages")
    change_a_document(root)
    done = yusuan("build", "--input", str(root / "input"), "--packages", str(read_only),
                  "--build-dir", str(root / "build"), "--no-site", cwd=root)
    line = assert_one_line_failure(done, str(read_only), "cannot write: read-only file system")
    assert TMP_TAG not in line
    assert tree(root / "packages") == before


def test_a_site_build_killed_half_way_leaves_the_last_good_site(base, tmp_path):
    """MkDocs writes into a temporary sibling of build/site, swapped in whole: kill -9 while it writes, and
    the site that was there is still there, file for file; the next build sweeps the rest."""
    root = copy_of(base, tmp_path)
    args = [a for a in build_args(root) if a != "--no-site"]
    assert yusuan(*args, cwd=root, timeout=300).returncode == 0
    site = root / "build" / "site"
    before = tree(site)
    assert "index.html" in before and any(name.startswith("disclosures/") for name in before)
    change_a_document(root)
    process = subprocess.Popen(_command() + args, cwd=root, env=_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    writing = []
    while not writing and process.poll() is None and time.monotonic() < deadline:
        # the temporary site folder once MkDocs has written a page into it
        writing = [p for p in (root / "build").glob(f".site{TMP_TAG}*") if any(p.rglob("*.html"))]
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert writing, "the build ended before MkDocs wrote into a temporary folder"
    assert tree(site) == before
    done = yusuan(*args, cwd=root, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert tree(site) != before and "index.html" in tree(site)
    assert not list((root / "build").glob(f".site{TMP_TAG}*"))


def test_a_document_that_breaks_our_schema_keeps_its_last_good_package(base, tmp_path):
    """Rows that break yusuan's own schema (a bug, not a finding) are found before the new package replaces
    the old one: the writer raises naming file, row and field, and the published folder is unchanged."""
    from decimal import Decimal

    from pipeline.publish.package import SchemaViolation
    from pipeline.records import BudgetFact

    root = copy_of(base, tmp_path)
    before = tree(root / "packages" / SHENZHEN)
    result = read_package(root / "packages" / SHENZHEN)
    result.facts.append(BudgetFact(
        doc_id=SHENZHEN, table_id="t01", row=1, unit_code=None, unit_name=None, item="合计", function_code="20",
        economic_code=None, side=None, measure="合计", fund=None, amount=Decimal("1"), printed="1", source_line=5))
    with pytest.raises(SchemaViolation) as raised:
        write_document_package(result, root / "packages", validate=True)
    assert f"doc_id {SHENZHEN}, field function_code" in raised.value.reason
    assert raised.value.file == str(root / "packages" / SHENZHEN / "budget_facts.csv")
    assert tree(root / "packages" / SHENZHEN) == before
    assert not [p for p in (root / "packages").iterdir() if TMP_TAG in p.name]


def test_a_failure_in_a_worker_process_reaches_the_build_whole():
    """Issue 15: files are read in worker processes, which return their errors to the build: every kind
    of PipelineError survives the trip with its file, line, reason and (a catalog's) problems."""
    import pickle

    from pipeline.catalog import CatalogError
    from pipeline.errors import UnreadableInput

    for error in (UnreadableInput("a.txt", 3, "line 3 is binary"), CatalogError("c.yml", [(2, "x"), (3, "y")])):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and back.describe() == error.describe() and str(back) == str(error)
        assert (back.file, back.line, back.reason) == (error.file, error.line, error.reason)
    assert pickle.loads(pickle.dumps(CatalogError("c.yml", [(2, "x"), (3, "y")]))).problems == ["c.yml:2: x", "c.yml:3: y"]
