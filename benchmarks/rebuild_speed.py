"""Rebuild speed: a cold build of the bundled corpus, then the same build with nothing changed, then with
one document changed.

Usage: python benchmarks/rebuild_speed.py [--no-site] [--keep DIR]

Copies disclosures/ into a temporary folder and runs ``yusuan build`` there three times as a user does
(a new process each time, so start-up and imports are counted):

1. cold: an empty build folder, every document read and checked, the combined outputs written;
2. unchanged: nothing changed, every document reused from ``build/cache``;
3. one changed: a line appended to one text document, which alone is read again.

Prints the wall time of each run, the documents each one built and reused, and the ratio of the second
to the first. Target: the unchanged rebuild under a tenth of the cold build. Then the same cold and
unchanged builds in this process (``pipeline.build.build``), without the interpreter's start-up and
imports, which are most of an unchanged rebuild's time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.1
CHANGED = "shenzhen-public-credit-center-2022.txt"


def yusuan_command() -> list[str]:
    script = Path(sys.executable).parent / "yusuan"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.cli"]


def run_build(work: Path, site: bool) -> tuple[float, list[str], int]:
    args = ["build", "--input", str(work / "disclosures"), "--packages", str(work / "datapackages"),
            "--build-dir", str(work / "build")]
    if not site:
        args.append("--no-site")
    env = {**os.environ, "PYTHONUTF8": "1"}
    t0 = time.perf_counter()
    done = subprocess.run(yusuan_command() + args, cwd=work, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    return seconds, (done.stdout + done.stderr).splitlines(), done.returncode


def in_process(site: bool) -> tuple[float, float]:
    """Cold and unchanged build times of `pipeline.build.build` in this process."""
    sys.path.insert(0, str(ROOT))
    from pipeline.build import BuildPaths, build

    times = []
    with tempfile.TemporaryDirectory(prefix="yusuan-rebuild-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "disclosures", work / "disclosures")
        paths = BuildPaths(work / "disclosures", work / "datapackages", work / "build")
        for _ in range(2):
            t0 = time.perf_counter()
            build(paths, say=lambda _: None, site=site)
            times.append(time.perf_counter() - t0)
    return times[0], times[1]


def summary(lines: list[str]) -> str:
    built = [line.split()[1].rstrip(":") for line in lines if line.startswith("built  ")]
    reused = [line.split()[1].rstrip(":") for line in lines if line.startswith("reused ") and ":" in line]
    return f"built {len(built)} {built if len(built) < 3 else ''}, reused {len(reused)}".replace(" ,", ",")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-site", action="store_true", help="build without the documentation site")
    parser.add_argument("--keep", type=Path, help="work in this folder (kept) instead of a temporary one")
    options = parser.parse_args()
    site = not options.no_site

    with tempfile.TemporaryDirectory(prefix="yusuan-rebuild-") as tmp:
        work = options.keep or Path(tmp)
        if options.keep and work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True, exist_ok=True)
        shutil.copytree(ROOT / "disclosures", work / "disclosures")
        # mkdocs.yml and site/ sit beside the project: the site build reads them from the project root
        runs = []
        for label in ("cold", "unchanged", "one changed"):
            if label == "one changed":
                changed = work / "disclosures" / CHANGED
                changed.write_bytes(changed.read_bytes() + "\n（基准测试追加的一行。）\n".encode())
            seconds, lines, code = run_build(work, site)
            if code not in (0, 2):
                print("\n".join(lines[-20:]))
                print(f"yusuan build failed (exit code {code})")
                return 1
            runs.append((label, seconds, lines))

    print(f"documents: {len(list((ROOT / 'disclosures').glob('*.[tp][xd][tf]')))} in disclosures/, site: {site}")
    for label, seconds, lines in runs:
        print(f"{label:<12} {seconds:7.2f} s   {summary(lines)}")
    ratio = runs[1][1] / runs[0][1]
    verdict = "ok" if ratio < TARGET_RATIO else "SLOWER THAN THE TARGET"
    print(f"unchanged / cold = {ratio:.3f} (target < {TARGET_RATIO}): {verdict}")
    cold, unchanged = in_process(site)
    print(f"in process (no start-up, no imports): cold {cold:.2f} s, unchanged {unchanged:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
