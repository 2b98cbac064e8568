"""Where yusuan may write: inside the folder each output belongs to, and only into folders it owns.

- `inside(base, *parts)`: the path of an output, refused if it resolves outside `base` (a `..`, an
  absolute part or a symlink pointing away), whatever validated the parts before.
- `check_slug`: a doc_id names a folder and files; it must match `SLUG` (the data model's doc_id pattern).
- `claim_build_dir` / `claim_packages_dir`: a folder given as `--build-dir` or `--packages` is written
  only if it is new, empty, or already yusuan's (the build folder's marker file `.yusuan-build`, written
  when yusuan makes the folder; for packages, a yusuan package in it, so no file is added to them);
  a folder of anything else (the project root, a folder with mkdocs.yml) is refused before anything in
  it is touched.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .atomic import TMP_TAG, output_error, write_atomic
from .errors import PipelineError

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
BUILD_MARKER = ".yusuan-build"
PACKAGE_KEY = "yusuan"  # the key of datapackage.json that says yusuan wrote the package folder
_MARKER_TEXT = ("This folder is written by `yusuan build` ({what}); what it holds is generated.\n"
                "Delete this file only together with the folder.\n")
# outputs of a build folder made before the marker existed: such a folder is adopted
_LEGACY_BUILD = ("yusuan.db", "cache/documents", "cache/stamps")


class UnsafePath(PipelineError):
    """An output path that would land outside its folder, or a folder yusuan does not own."""


def inside(base: Path, *parts: str) -> Path:
    """`base / parts`, refused (UnsafePath) if it resolves anywhere but strictly inside `base`."""
    path = Path(base).joinpath(*parts)
    root = Path(base).resolve()
    resolved = path.resolve()
    if resolved == root or root not in resolved.parents:
        raise UnsafePath(str(path), None, f"resolves to {resolved}, outside {root}: refusing to write there")
    return path


def check_slug(doc_id: object, source: str) -> str:
    if not isinstance(doc_id, str) or not SLUG.match(doc_id):
        raise UnsafePath(source, None,
                         f"doc_id {doc_id!r} is not a slug (lowercase ASCII letters and digits in parts joined "
                         "by single hyphens): it names the document's folder, so it is refused")
    return doc_id


def is_yusuan_package(folder: Path) -> bool:
    """A folder (not a symlink) whose datapackage.json yusuan wrote (it has the `yusuan` object)."""
    descriptor = folder / "datapackage.json"
    if folder.is_symlink() or not folder.is_dir() or descriptor.is_symlink() or not descriptor.is_file():
        return False
    try:
        data = json.loads(descriptor.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and isinstance(data.get(PACKAGE_KEY), dict)


def _entries(folder: Path) -> list[Path]:
    """What a folder holds, without the temporary files a killed build left (swept later)."""
    return [p for p in folder.iterdir() if TMP_TAG not in p.name]


def _claim(folder: Path, marker: str | None, what: str, owned, holds: str, create: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise UnsafePath(str(folder), None, f"is not a folder: refusing to use it as the {what}")
    if marker and (folder / marker).is_file():
        return
    if folder.is_dir() and not owned(folder) and _entries(folder):
        raise UnsafePath(str(folder), None,
                         f"is not empty and is not a yusuan {what} ({holds}): refusing to write into it; "
                         "give a new or empty folder")
    if not create:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise output_error(folder, e) from None
    if marker:
        write_atomic(folder / marker, _MARKER_TEXT.format(what=what).encode())


def claim_build_dir(folder: Path, create: bool = True) -> None:
    """Make sure `folder` is a build folder yusuan owns (marking a new or empty one), or refuse it; with
    `create` false, only refuse (to check every folder before anything is made)."""
    _claim(Path(folder), BUILD_MARKER, "build folder",
           lambda f: any((f / name).exists() for name in _LEGACY_BUILD), f"no {BUILD_MARKER} file", create)


def claim_packages_dir(folder: Path, create: bool = True) -> None:
    """Make sure `folder` holds yusuan packages (or is new or empty), or refuse it."""
    _claim(Path(folder), None, "packages folder",
           lambda f: any(is_yusuan_package(p) for p in f.iterdir()), "no package written by yusuan in it", create)
