"""`disclosures/catalog.yml`: what we know of each disclosure beyond its own text."""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import PipelineError

INPUT_SUFFIXES = (".txt", ".md", ".pdf")  # a .pdf is extracted first (pipeline/pdf.py)


def load_catalog(folder: Path) -> dict[str, dict]:
    """Entries keyed by file name. A missing catalog is an empty one."""
    path = folder / "catalog.yml"
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        raise PipelineError(str(path), line + 1 if line is not None else None, f"invalid YAML: {e}") from None
    entries = data.get("disclosures", [])
    out: dict[str, dict] = {}
    for entry in entries:
        if not isinstance(entry, dict) or "file" not in entry:
            raise PipelineError(str(path), None, f"catalog entry without a 'file': {entry!r}")
        out[entry["file"]] = entry
    return out


def input_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES)
