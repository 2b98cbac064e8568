"""The publish workflow's guard: a removed package folder is committed only when its source is gone too."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def repo_with_two_packages(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    for doc_id, source in (("kept-doc", "kept.txt"), ("gone-doc", "gone.txt")):
        folder = repo / "datapackages" / doc_id
        folder.mkdir(parents=True)
        package = {"name": doc_id, "sources": [{"doc_id": doc_id, "source_file": source}]}
        (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
        (folder / "budget_facts.csv").write_text("doc_id,amount\n" + f"{doc_id},1.00\n", encoding="utf-8")
        (repo / "disclosures").mkdir(exist_ok=True)
        (repo / "disclosures" / source).write_text("2026年部门预算\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "published")
    return repo


def run_guard(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.publish.withdrawals"], cwd=repo, capture_output=True,
                          text=True, env={"PYTHONPATH": str(PROJECT), "PATH": "/usr/bin:/bin"}, timeout=60)


def test_a_package_removed_while_its_source_is_present_is_restored(tmp_path):
    repo = repo_with_two_packages(tmp_path)
    before = (repo / "datapackages/kept-doc/budget_facts.csv").read_bytes()
    # a build without its cache deleted both folders; only gone.txt was really withdrawn
    shutil.rmtree(repo / "datapackages/kept-doc")
    shutil.rmtree(repo / "datapackages/gone-doc")
    (repo / "disclosures/gone.txt").unlink()
    git(repo, "add", "-A", "datapackages", "disclosures")
    done = run_guard(repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ("kept datapackages/kept-doc: its source kept.txt is still in disclosures/, so the "
                           "removal of its last good package was not committed\n")
    assert (repo / "datapackages/kept-doc/budget_facts.csv").read_bytes() == before
    staged = git(repo, "diff", "--cached", "--name-status").splitlines()
    assert sorted(staged) == ["D\tdatapackages/gone-doc/budget_facts.csv",
                              "D\tdatapackages/gone-doc/datapackage.json", "D\tdisclosures/gone.txt"]


def test_nothing_removed_nothing_said(tmp_path):
    repo = repo_with_two_packages(tmp_path)
    (repo / "datapackages/kept-doc/budget_facts.csv").write_text("doc_id,amount\nkept-doc,2.00\n")
    git(repo, "add", "-A")
    done = run_guard(repo)
    assert (done.returncode, done.stdout) == (0, "")
    assert git(repo, "diff", "--cached", "--name-only") == "datapackages/kept-doc/budget_facts.csv\n"


def test_packages_replaced_by_one_joined_from_their_files_are_withdrawn(tmp_path):
    """The narrative and the tables, read apart before, are now one disclosure of two files: the two old
    packages go, since the new package is read from both files."""
    repo = repo_with_two_packages(tmp_path)
    shutil.rmtree(repo / "datapackages/kept-doc")
    shutil.rmtree(repo / "datapackages/gone-doc")
    joined = repo / "datapackages" / "joined-doc"
    joined.mkdir()
    package = {"name": "joined-doc", "sources": [{"doc_id": "joined-doc", "source_file": "gone.txt; kept.txt"}]}
    (joined / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    git(repo, "add", "-A", "datapackages")
    done = run_guard(repo)
    assert (done.returncode, done.stdout) == (0, "")
    staged = sorted(git(repo, "diff", "--cached", "--name-status").splitlines())
    assert staged == ["A\tdatapackages/joined-doc/datapackage.json",
                      "D\tdatapackages/gone-doc/budget_facts.csv", "D\tdatapackages/gone-doc/datapackage.json",
                      "D\tdatapackages/kept-doc/budget_facts.csv", "D\tdatapackages/kept-doc/datapackage.json"]
