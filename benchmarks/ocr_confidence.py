"""What OCR's confidence says about a misread amount: the figures behind `ocr_guard.LOW_CONFIDENCE`.

Usage: python benchmarks/ocr_confidence.py [--corpus DIR] [--sample N] [--pages P] [--cache DIR]

N text-layer disclosures of the corpus (one per city in turn, as `benchmarks/ocr.py` picks them) are read
from their text layer, and again with their first P table pages rendered and read by OCR (the rest from
the text layer) through the same reading stage (`sources.read_extracted`) and checks. Each amount OCR read
is right when the text layer has a fact of the same identity (table kind, unit, item, codes, side, column,
fund, year) and amount; misread when the text layer prints no such amount on those pages. Printed: the
confidence of right and misread amounts (quantiles), and per threshold the right amounts it flags, the
misread ones it flags, and the misread ones flagged by the threshold or a failing check (what
`ocr_uncertain` says).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.ocr import fact_key, sample, table_pages  # noqa: E402
from pipeline import ocr_guard  # noqa: E402
from pipeline.checks import run_checks  # noqa: E402
from pipeline.pdf import extract_pdf  # noqa: E402
from pipeline.read import Timings  # noqa: E402
from pipeline.sources import add_pages, read_extracted, read_pdf  # noqa: E402

WRONG: list[tuple] = []  # the amounts OCR read wrong, for the examples printed
THRESHOLDS = ("0.5", "0.7", "0.8", "0.85", "0.9", "0.93", "0.95", "0.97")


def measure(corpus: Path, count: int, per_doc: int, cache: Path) -> list[tuple[Decimal, str, bool]]:
    """(confidence, right | placed | misread, in a failing check) of every amount OCR read: `placed` is an
    amount the text layer prints on those pages but as another fact (a label or a row read otherwise),
    `misread` one it does not print there at all."""
    out = []
    for row in sample(corpus, count):
        path = corpus / row["file"]
        text, _ = read_pdf(path, None, Timings(), cache / "pdf")
        add_pages(text)
        pages = table_pages(extract_pdf(path), per_doc)
        extracted = extract_pdf(path, row["sha256"], cache / "pdf" / "ocr", Timings(), ocr_pages=pages)
        ocr = read_extracted(extracted, path, row["sha256"], None, Timings())
        ocr_guard.LOW_CONFIDENCE = Decimal(0)  # so that ocr_uncertain says: in a failing check
        run_checks(ocr)
        add_pages(ocr)
        want = Counter((fact_key(text, f), f.amount) for f in text.facts if f.source_page in pages)
        amounts = {f.amount for f in text.facts if f.source_page in pages}
        n = right = 0
        for f in ocr.facts:
            if f.ocr_confidence is None:
                continue
            key = (fact_key(ocr, f), f.amount)
            ok = want[key] > 0
            if ok:
                want[key] -= 1
            else:
                same = [f2.printed for f2 in text.facts if f2.source_page in pages and fact_key(text, f2) == key[0]]
                WRONG.append((row["file"], f.source_line, f.item, f.measure, f.printed, f.ocr_confidence,
                              same[0] if same else "no fact of that identity"))
            out.append((f.ocr_confidence, "right" if ok else "placed" if f.amount in amounts else "misread",
                        bool(f.ocr_uncertain)))
            n, right = n + 1, right + ok
        print(f"{row['file']:<40} OCR pages {','.join(map(str, sorted(pages)))}: {n} amounts, {right} right")
    return out


def quantiles(values: list[Decimal]) -> str:
    if not values:
        return "none"
    v = sorted(float(x) for x in values)
    q = statistics.quantiles(v, n=20) if len(v) > 1 else v * 19
    return f"min {v[0]:.3f}  5% {q[0]:.3f}  25% {q[4]:.3f}  median {statistics.median(v):.3f}  max {v[-1]:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--sample", type=int, default=6)
    parser.add_argument("--pages", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=ROOT / "benchmarks" / "ocr" / "cache")
    args = parser.parse_args(argv)
    rows = measure(args.corpus, args.sample, args.pages, args.cache)
    by = {kind: [c for c, k, _ in rows if k == kind] for kind in ("right", "placed", "misread")}
    print(f"\n{len(rows)} amounts read by OCR: {len(by['right'])} right, {len(by['placed'])} right but another "
          f"fact's (label or row read otherwise), {len(by['misread'])} misread (the text layer prints no such amount "
          "on the page)")
    for kind, values in by.items():
        print(f"confidence, {kind}: {quantiles(values)}")
    for file, line, item, column, printed, confidence, text in WRONG[:25]:
        print(f"  not right: {file} line {line} {item} {column}: OCR {printed} ({confidence}), text layer {text}")
    misread = [(c, failing) for c, k, failing in rows if k == "misread"]
    print("threshold  right flagged  misread flagged  misread flagged by it or a failing check")
    for t in map(Decimal, THRESHOLDS):
        print(f"{t:>9}  {sum(c < t for c in by['right']):>5}/{len(by['right']):<6}  "
              f"{sum(c < t for c, _ in misread):>5}/{len(misread):<8}  "
              f"{sum(c < t or failing for c, failing in misread):>5}/{len(misread)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
