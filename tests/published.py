"""The bundled samples built once per test session by the real CLI (`yusuan build --no-site`), for the
package, database and Datasette tests, and helpers to read what it wrote."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from conftest import DISCLOSURES

DOC_IDS = [
    "nantong-samr-projects-2024",
    "shanghai-finance-bureau-2025",
    "shenzhen-public-credit-center-2022",
    "sichuan-gov-office-it-center-2025",
    "sichuan-samr-data-center-2025",
]
SAMR = "sichuan-samr-data-center-2025"
GOV_OFFICE = "sichuan-gov-office-it-center-2025"
SHENZHEN = "shenzhen-public-credit-center-2022"


@dataclass(frozen=True)
class Built:
    root: Path
    packages: Path
    build_dir: Path
    output: str

    @property
    def database(self) -> Path:
        return self.build_dir / "yusuan.db"


_built: list[Built] = []


def yusuan(*args: str, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the installed console script, output decoded as UTF-8."""
    script = Path(sys.executable).parent / "yusuan"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.cli"]
    env = {**os.environ, "PYTHONUTF8": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(command + list(args), cwd=cwd, env=env, capture_output=True, timeout=timeout,
                          encoding="utf-8", errors="replace")


def build_samples(tmp_path_factory) -> Built:
    """`yusuan build --input disclosures --packages TMP/pkgs --build-dir TMP/build --no-site`, once."""
    if not _built:
        root = tmp_path_factory.mktemp("published")
        done = yusuan("build", "--input", str(DISCLOSURES), "--packages", str(root / "pkgs"),
                      "--build-dir", str(root / "build"), "--no-site", cwd=root)
        output = done.stdout + done.stderr
        assert done.returncode == 0, output
        _built.append(Built(root, root / "pkgs", root / "build", output))
    return _built[0]


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def all_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
