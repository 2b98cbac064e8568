"""Guard of the publish workflow: a package folder removed from the staged commit stays published unless
its source file was removed too.

The build keeps a document's last good package when its source stops being readable, but the commit step
sees only the working tree: a lost build cache, a bug or a hand-made mistake that deletes
``datapackages/<doc_id>/`` would otherwise be committed as a withdrawal. A document is withdrawn only when
none of the files it was read from is still in ``disclosures/``, or when each of them is now published in
another package (two files read apart, now joined as one disclosure of several files).

Run from the repository root after ``git add``: ``python -m pipeline.publish.withdrawals`` restores every
such folder in the index and the work tree (``git restore --staged --worktree``) and prints one line per
folder; exit code 0 either way (the workflow turns the lines into warnings).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path, PurePosixPath

PACKAGES = "datapackages"
DISCLOSURES = "disclosures"
COMBINED = "all"


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def removed_packages(repo: Path) -> list[str]:
    """doc_ids whose ``datapackage.json`` the staged commit deletes (the combined package is no document)."""
    out = _git("diff", "--cached", "--name-only", "--diff-filter=D", "-z", "--", PACKAGES, cwd=repo)
    doc_ids = set()
    for name in filter(None, out.split("\0")):
        parts = PurePosixPath(name).parts
        if len(parts) == 3 and parts[2] == "datapackage.json" and parts[1] != COMBINED:
            doc_ids.add(parts[1])
    return sorted(doc_ids)


def sources_still_present(repo: Path, doc_id: str) -> list[str]:
    """The files the last committed package of ``doc_id`` was read from that are still in disclosures/."""
    try:
        package = json.loads(_git("show", f"HEAD:{PACKAGES}/{doc_id}/datapackage.json", cwd=repo))
    except (subprocess.CalledProcessError, json.JSONDecodeError):
        return []
    present = []
    for name in _source_files(package):
        # a plain file name only: the committed package is ours, but check it like any other input
        if name and "/" not in name and "\\" not in name and name not in (".", ".."):
            if (repo / DISCLOSURES / name).is_file():
                present.append(name)
    return present


def _source_files(package: dict) -> list[str]:
    """The files a package was read from: each of a disclosure joined from several ("a.pdf; b.pdf")."""
    names = []
    for source in package.get("sources") or []:
        name = source.get("source_file") if isinstance(source, dict) else None
        if isinstance(name, str):
            names += [n for n in name.split("; ") if n]
    return names


def published_elsewhere(repo: Path) -> set[str]:
    """The source files the packages of the work tree (those the commit keeps) are read from."""
    names: set[str] = set()
    for descriptor in sorted((repo / PACKAGES).glob("*/datapackage.json")):
        if descriptor.parent.name == COMBINED:
            continue
        try:
            names.update(_source_files(json.loads(descriptor.read_text(encoding="utf-8"))))
        except (OSError, ValueError, AttributeError):
            continue
    return names


def restore_unjustified(repo: Path) -> list[tuple[str, list[str]]]:
    """Restore each staged package removal whose source is still present; return (doc_id, sources)."""
    restored = []
    elsewhere = published_elsewhere(repo)
    for doc_id in removed_packages(repo):
        present = sources_still_present(repo, doc_id)
        if present and not set(present) <= elsewhere:
            _git("restore", "--source=HEAD", "--staged", "--worktree", "--", f"{PACKAGES}/{doc_id}", cwd=repo)
            restored.append((doc_id, present))
    return restored


def main() -> None:
    for doc_id, present in restore_unjustified(Path.cwd()):
        print(f"kept {PACKAGES}/{doc_id}: its source {', '.join(present)} is still in {DISCLOSURES}/, "
              "so the removal of its last good package was not committed")
    sys.exit(0)


if __name__ == "__main__":
    main()
