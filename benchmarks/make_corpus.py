"""Write a deterministic corpus of synthetic disclosures for benchmarks.

Usage: python benchmarks/make_corpus.py [OUT_DIR] [-n N] [--src SRC_DIR]

Document ``i`` is built from sample ``i % S`` (the ``.txt`` files of SRC_DIR in
name order) rendered in layout ``(i // S) % L`` (see tests/layouts.py).  Each
full cycle ``c = i // (S * L)`` varies the text so documents differ:

* the fiscal year Y (from the file name ``...-YYYY.txt``, else the most common
  standalone year) and its neighbours Y-1 and Y+1 are shifted by
  ``YEAR_SHIFTS[c % len(YEAR_SHIFTS)]`` wherever they stand alone (not inside
  a larger number or an amount);
* the publisher's name (the first run of CJK characters ending in an
  organisation word such as 中心/局/厅) gets the suffix ``str(c)`` at every
  occurrence.

Cycle 0 is the unmodified samples.  Same inputs and N give the same bytes.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR_SHIFTS = (0, -1, -2, -3, 1, -4, -5)

_FILE_YEAR = re.compile(r"-(20\d\d)$")
_YEAR = re.compile(r"(?<![\d.,])20\d\d(?![\d.,%])")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_ORG_END = re.compile(r"(?:中心|局|厅|委员会|办公室|院|所|站|馆)$")
_LEADING_NOISE = re.compile(r"^(?:年度|年|第[一二三四五六七八九十]+部分)")


def _load_layouts() -> dict[str, Callable[[str], str]]:
    tests_dir = str(ROOT / "tests")
    if tests_dir not in sys.path:
        sys.path.insert(0, tests_dir)
    from layouts import LAYOUTS

    return LAYOUTS


def fiscal_year(stem: str, text: str) -> int | None:
    m = _FILE_YEAR.search(stem)
    if m:
        return int(m.group(1))
    counts = Counter(_YEAR.findall(text))
    return int(counts.most_common(1)[0][0]) if counts else None


def publisher_name(text: str, max_lines: int = 40) -> str | None:
    """First CJK run (in the first lines) that ends in an organisation word."""
    for line in text.split("\n")[:max_lines]:
        for run in _CJK_RUN.findall(line):
            run = _LEADING_NOISE.sub("", run)
            if len(run) >= 4 and _ORG_END.search(run):
                return run
    return None


def vary(text: str, year: int | None, name: str | None, cycle: int) -> str:
    if cycle == 0:
        return text
    shift = YEAR_SHIFTS[cycle % len(YEAR_SHIFTS)]
    if year is not None and shift:
        years = {str(y): str(y + shift) for y in (year - 1, year, year + 1)}
        text = _YEAR.sub(lambda m: years.get(m.group(0), m.group(0)), text)
    if name:
        text = text.replace(name, f"{name}{cycle}")
    return text


def corpus_texts(corpus_dir: Path, cache_dir: Path) -> list[tuple[str, str]]:
    """(stem, text) of every PDF under ``corpus_dir`` with a text layer, as the build extracts it (cached by
    sha256 in ``cache_dir``, as benchmarks/corpus.py caches it); scans and damaged files are left out."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from pipeline.cache import file_sha256
    from pipeline.pdf import extract_cached

    texts = []
    for path in sorted(Path(corpus_dir).rglob("*.pdf")):
        try:
            extracted, _ = extract_cached(path, file_sha256(path), cache_dir)
        except Exception:  # noqa: BLE001 - no text layer, damaged: not a text for the benchmark
            continue
        if extracted.text.strip():
            texts.append((path.stem, extracted.text))
    return texts


def make_corpus(src_dir: Path, out_dir: Path, n: int, extra: list[tuple[str, str]] = ()) -> list[Path]:
    """Write ``n`` synthetic disclosures into ``out_dir``; return their paths in order. ``extra``: more
    (stem, text) samples after those of ``src_dir`` (the corpus PDFs' texts)."""
    layouts = _load_layouts()
    samples = sorted(Path(src_dir).glob("*.txt"))
    if not samples:
        raise FileNotFoundError(f"no .txt samples in {src_dir}")
    stems = [p.stem for p in samples] + [stem for stem, _ in extra]
    texts = [p.read_text(encoding="utf-8") for p in samples] + [text for _, text in extra]
    years = [fiscal_year(stem, t) for stem, t in zip(stems, texts, strict=True)]
    names = [publisher_name(t) for t in texts]
    layout_names = list(layouts)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    width = max(5, len(str(n - 1)))
    per_cycle = len(texts) * len(layout_names)
    paths = []
    for i in range(n):
        s = i % len(texts)
        layout = layout_names[(i // len(texts)) % len(layout_names)]
        cycle = i // per_cycle
        text = layouts[layout](vary(texts[s], years[s], names[s], cycle))
        path = out_dir / f"{i:0{width}d}-{layout}-{stems[s]}.txt"
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=ROOT / "benchmarks" / "corpus")
    parser.add_argument("-n", type=int, default=1000, help="number of documents (default 1000)")
    parser.add_argument("--src", type=Path, default=ROOT / "disclosures", help="directory of .txt samples")
    args = parser.parse_args(argv)
    paths = make_corpus(args.src, args.out_dir, args.n)
    print(f"wrote {len(paths)} documents to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
