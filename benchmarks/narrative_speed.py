"""Narrative stage speed: seconds to read the 情况说明 figures and run the checks on large texts.

Usage: python benchmarks/narrative_speed.py [--sizes 1 2 8 32] [--src FILE]

The narrative lines of a bundled disclosure (every line outside its tables and glossary, as the reader
passes them to ``pipeline.narrative.read_statements``) are repeated until the text reaches each size in
MB (UTF-8 bytes). For each size it prints the seconds of ``read_statements`` and of ``run_checks`` on the
sample's own tables with those statements, and the number of figures found. The stage must grow linearly
with the text: twice the text, about twice the seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline import glossary, narrative  # noqa: E402
from pipeline.checks import run_checks  # noqa: E402
from pipeline.read import _outside, read_document  # noqa: E402
from pipeline.tables.find import find_tables  # noqa: E402
from pipeline.text.decode import read_text  # noqa: E402
from pipeline.text.lines import Line, split_lines  # noqa: E402

DEFAULT_SRC = ROOT / "disclosures" / "sichuan-gov-office-it-center-2025.txt"


def narrative_lines(path: Path) -> list[str]:
    """The lines of a disclosure the narrative stage reads."""
    lines = split_lines(read_text(path)[0])
    layout = find_tables(lines)
    span = glossary.find_glossary(lines)
    inside = [(r.start, r.end) for r in layout.tables] + ([span] if span else [])
    return [line.text for line in _outside(lines, inside)]


# The worst case for a search per figure: figures, and no sentence end (。；;) anywhere in the text.
NO_SENTENCE_ENDS = ["2025 年一般公共预算基本支出 537.38 万元，其中人员经费 437.12 万元，公用经费 100.26 万元",
                    "“三公”经费 12.4 万元，比上年减少 8.7 万元，公务接待费 2.1 万元"]


def big_text(sample: list[str], megabytes: float) -> list[Line]:
    """The sample lines repeated to `megabytes` of UTF-8 text, numbered."""
    block = sum(len(t.encode("utf-8")) + 1 for t in sample)
    copies = max(1, round(megabytes * 1024 * 1024 / block))
    return [Line(i + 1, t) for i, t in enumerate(sample * copies)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 8, 32], help="text sizes in MB")
    parser.add_argument("--no-sentence-ends", action="store_true",
                        help="repeat figures without any sentence end instead of a disclosure's narrative")
    parser.add_argument("--src", type=Path, default=DEFAULT_SRC, help="the disclosure whose narrative is repeated")
    args = parser.parse_args(argv)
    sample = NO_SENTENCE_ENDS if args.no_sentence_ends else narrative_lines(args.src)
    result = read_document(args.src)
    what = "figures without sentence ends" if args.no_sentence_ends else f"narrative of {args.src.name}"
    print(f"{what}: {len(sample)} lines, repeated")
    print(f"{'MB':>6} {'lines':>9} {'figures':>8} {'narrative s':>12} {'checks s':>9} {'total s':>8}")
    for size in args.sizes:
        lines = big_text(sample, size)
        t0 = time.perf_counter()
        result.statements = narrative.read_statements(lines)
        t1 = time.perf_counter()
        run_checks(result)
        t2 = time.perf_counter()
        print(f"{size:>6g} {len(lines):>9,} {len(result.statements):>8,} {t1 - t0:>12.2f} {t2 - t1:>9.2f} "
              f"{t2 - t0:>8.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
