"""Reading speed on one core: documents per second, overall and per stage.

Usage: python benchmarks/read_speed.py [-n N] [--src SRC_DIR] [--profile [TOP]]

Builds a synthetic corpus of N documents (default 1,000) from the samples with
``make_corpus`` into a temporary folder, then reads every document with
``pipeline.read.read_document`` in a plain loop (one process, one core) and
writes its CSVs with ``pipeline.output.write_document`` into another temporary
folder (the ``write`` stage, timed apart), streamed like ``yusuan build``.  Prints the number of documents, the
total seconds, documents per second overall and per stage (decode, find,
tables, glossary from ``Timings``, plus write), and the peak RSS.

Target: the reading stage (decode + find + tables + glossary) at >= 50
documents per second.

``--profile`` runs the reading loop under cProfile and prints the top
functions by cumulative and by own time instead of the figures (no writing).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
BENCHMARKS = Path(__file__).resolve().parent
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

from make_corpus import make_corpus  # noqa: E402

from pipeline.errors import PipelineError  # noqa: E402
from pipeline.output import write_document  # noqa: E402
from pipeline.read import Timings, read_document  # noqa: E402

READ_STAGES = ("decode", "find", "tables", "glossary")
TARGET_DOCS_PER_SECOND = 50.0


def run(paths: list[Path], out_dir: Path | None) -> tuple[int, Timings, list[PipelineError], float]:
    """Read every document in a plain loop (streamed like ``pipeline.build``: each result is written, when
    ``out_dir`` is given, and dropped before the next document is read).

    Returns the number built, the summed stage timings (``write`` included), the failures and the wall
    seconds of the whole loop. Each document is written into its own folder ``out_dir/<index>/<doc_id>``:
    corpus documents made from one sample can derive the same doc_id.
    """
    total = Timings()
    failed: list[PipelineError] = []
    built = 0
    t0 = time.perf_counter()
    for i, path in enumerate(paths):
        timings = Timings()
        try:
            result = read_document(path, None, timings)
        except PipelineError as e:
            failed.append(e)
            continue
        finally:
            for stage, seconds in timings.stages.items():
                total.add(stage, seconds)
        built += 1
        if out_dir is not None:
            tw = time.perf_counter()
            write_document(result, out_dir / f"{i:05d}")
            total.add("write", time.perf_counter() - tw)
    return built, total, failed, time.perf_counter() - t0


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def rate_line(name: str, docs: int, seconds: float) -> str:
    rate = docs / seconds if seconds > 0 else float("inf")
    per_doc = seconds * 1000 / docs if docs else 0.0
    return f"  {name:<10} {seconds:8.2f} s  {rate:10.1f} docs/s  {per_doc:8.2f} ms/doc"


def profile(paths: list[Path], top: int) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    run(paths, None)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", "-n", type=int, default=1000, help="number of documents (default 1000)")
    parser.add_argument("--src", type=Path, default=ROOT / "disclosures", help="folder of .txt samples")
    parser.add_argument("--profile", nargs="?", type=int, const=30, default=None, metavar="TOP",
                        help="profile the reading loop with cProfile and print the TOP functions (default 30)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="yusuan-bench-") as tmp:
        corpus_dir = Path(tmp) / "corpus"
        out_dir = Path(tmp) / "csv"
        t0 = time.perf_counter()
        paths = make_corpus(args.src, corpus_dir, args.n)
        corpus_seconds = time.perf_counter() - t0
        corpus_bytes = sum(p.stat().st_size for p in paths)

        if args.profile is not None:
            profile(paths, args.profile)
            return 0

        built, timings, failed, total = run(paths, out_dir)

    docs = len(paths)
    stages = timings.stages
    reading = sum(stages.get(s, 0.0) for s in READ_STAGES)
    write_seconds = stages.get("write", 0.0)
    print(f"corpus     {docs} documents, {corpus_bytes / 1e6:.1f} MB, made in {corpus_seconds:.2f} s "
          f"from {args.src}")
    print(f"documents  {docs} read, {built} built, {len(failed)} failed")
    for e in failed[:5]:
        print(f"  FAILED {e.describe()}")
    print(f"total      {total:.2f} s (reading {reading:.2f} s + write {write_seconds:.2f} s + loop overhead), "
          f"{docs / total:.1f} docs/s overall")
    print("stages (one core, summed over documents):")
    for stage in READ_STAGES:
        print(rate_line(stage, docs, stages.get(stage, 0.0)))
    print(rate_line("reading", docs, reading))
    print(rate_line("write", built, write_seconds))
    print(f"peak RSS   {peak_rss_mib():.1f} MiB")
    rate = docs / reading if reading > 0 else float("inf")
    verdict = "meets" if rate >= TARGET_DOCS_PER_SECOND else "BELOW"
    print(f"target     reading >= {TARGET_DOCS_PER_SECOND:.0f} docs/s: {rate:.1f} docs/s, {verdict} target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
