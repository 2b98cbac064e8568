"""Scale: N distinct documents built end to end (packages, database, site), then rebuilt unchanged and
with one document changed.

Usage: python benchmarks/scale.py --n N [--jobs J] [--no-site] [--keep DIR]

Makes N text disclosures from the bundled samples and, where ``../shared/corpus/`` is present (``--corpus``),
the texts of its PDFs as the build extracts them (cached as ``benchmarks/corpus.py`` caches them; scans left
out), with ``benchmarks/make_corpus.py``: every layout, the year and the publisher varied, and a line naming
its number, so each has its own content and doc_id; ``--samples-only`` uses the five samples alone (the
figures of stops before 24). They are written in a temporary folder, and it runs
``yusuan build`` there three times, a new process each time as a user does:

1. cold: an empty build folder;
2. unchanged: nothing changed;
3. one changed: a line appended to one document.

For each run it prints the wall time, documents per second, the seconds of each stage the build reports
(read stages summed over documents, ``write`` the per-document packages, then ``package`` (all/),
``database``, ``site``) and the peak memory of the build process; after the cold run the size of the
database, the combined package, the site and its search index. Issue 15's targets at N = 10,000: cold under 600 s, each
rebuild under 30 s, peak memory under 2 GB.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_corpus import corpus_texts, make_corpus  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
PDF_CACHE = ROOT / "benchmarks" / "corpus" / "cache" / "pdf"

STAGE_RE = re.compile(r"(\w+)=([\d.]+)s")


def yusuan_command() -> list[str]:
    script = Path(sys.executable).parent / "yusuan"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.cli"]


def run_build(work: Path, site: bool, jobs: int | None) -> tuple[float, str, int, int]:
    """(wall seconds, the summary line, peak memory of the build in bytes, exit code)."""
    args = ["build", "--input", str(work / "disclosures"), "--packages", str(work / "datapackages"),
            "--build-dir", str(work / "build")]
    args += [] if site else ["--no-site"]
    args += ["--jobs", str(jobs)] if jobs else []
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    done = subprocess.run(yusuan_command() + args, cwd=work, env={**os.environ, "CI": "1"}, capture_output=True,
                          text=True)
    seconds = time.perf_counter() - t0
    # the peak of any child so far: the builds grow, so the largest is the one just run (kB on Linux)
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) * 1024
    lines = done.stdout.splitlines()
    summary = next((line for line in reversed(lines) if " built, " in line), done.stderr.strip()[-300:])
    return seconds, summary, peak, done.returncode


def size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def report(label: str, n: int, seconds: float, summary: str, peak: int, code: int) -> None:
    stages = {k: float(v) for k, v in STAGE_RE.findall(summary.split(";", 1)[-1])}
    print(f"{label}: {seconds:.1f} s wall, {n / seconds:.1f} documents/s, peak memory {peak / 2**20:.0f} MB,"
          f" exit {code}")
    print(f"  {summary.split(';')[0]}")
    if stages:
        print("  stages: " + ", ".join(f"{k} {v:.1f} s ({n / v:.0f}/s)" if v else f"{k} 0 s"
                                       for k, v in stages.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="documents to make and build (default 1000)")
    parser.add_argument("--jobs", type=int, help="worker processes of the build (default: the build's own)")
    parser.add_argument("--no-site", action="store_true", help="build without the documentation site")
    parser.add_argument("--keep", type=Path, help="work in this folder (kept) instead of a temporary one")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help=f"PDFs whose texts are samples too (default {CORPUS})")
    parser.add_argument("--samples-only", action="store_true", help="only the bundled samples, not the corpus")
    parser.add_argument("--cache", type=Path, default=PDF_CACHE, help=f"PDF extraction cache (default {PDF_CACHE})")
    options = parser.parse_args()
    site = not options.no_site
    work = options.keep or Path(tempfile.mkdtemp(prefix="yusuan-scale-"))
    try:
        t0 = time.perf_counter()
        extra = [] if options.samples_only or not options.corpus.is_dir() else corpus_texts(options.corpus,
                                                                                             options.cache)
        made = make_corpus(ROOT / "disclosures", work / "disclosures", options.n, extra)
        for i, path in enumerate(made):  # two layouts can render a sample alike: each file its own bytes
            with open(path, "a", encoding="utf-8") as f:
                f.write(f"\n（基准测试文档第 {i} 份）\n")
        print(f"made {len(made)} documents in {work / 'disclosures'} from 5 samples and {len(extra)} corpus "
              f"texts ({time.perf_counter() - t0:.1f} s)")
        cold = run_build(work, site, options.jobs)
        report("cold build", options.n, *cold)
        print(f"  sizes: database {size(work / 'build' / 'yusuan.db') / 2**20:.1f} MB, combined package "
              f"{size(work / 'datapackages' / 'all') / 2**20:.1f} MB, site "
              f"{size(work / 'build' / 'site') / 2**20:.1f} MB (its search index "
              f"{size(work / 'build' / 'site' / 'search') / 2**20:.1f} MB)")
        report("unchanged rebuild", options.n, *run_build(work, site, options.jobs))
        changed = made[len(made) // 2]
        with open(changed, "a", encoding="utf-8") as f:
            f.write("\n（本文件为基准测试所改）\n")
        report(f"one changed ({changed.name})", options.n, *run_build(work, site, options.jobs))
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
