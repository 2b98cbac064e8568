"""`disclosures/catalog.yml`: what we know of each disclosure beyond its own text.

The catalog is untrusted input, checked whole before anything is built or fetched:

- at most `MAX_BYTES`, UTF-8, YAML without aliases (no billion laughs: nothing expands) and nested at
  most `MAX_DEPTH` deep, no field given twice in one mapping;
- the schema of `pipeline/catalog_schema.py` (types, enums, the doc_id slug, http(s) URLs, file names
  inside the folder with a disclosure's extension, no unknown field);
- one entry per file and per doc_id.

Every problem is reported, each on its own line naming the catalog, the line, the entry (1-based, with its
file name) and the field, in one `CatalogError`; a catalog with any problem is not used at all.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .catalog_schema import INPUT_SUFFIXES, problems, shown
from .errors import PipelineError

__all__ = ["INPUT_SUFFIXES", "CatalogError", "check_sha256", "input_files", "load_catalog"]

CATALOG = "catalog.yml"
MAX_BYTES = 5 * 1024 * 1024  # a catalog is a few hundred bytes per disclosure
MAX_DEPTH = 20  # the schema needs 3 levels; a deeper document is refused before it is built


class CatalogError(PipelineError):
    """The catalog is not valid: `problems` holds one line per problem (file:line: entry: field: reason)."""

    def __init__(self, file: str, found: list[tuple[int | None, str]]):
        self.problems = [f"{file}:{line}: {reason}" if line else f"{file}: {reason}" for line, reason in found]
        super().__init__(file, found[0][0], found[0][1])

    def describe(self) -> str:
        if len(self.problems) == 1:
            return self.problems[0]
        return f"{self.file}: {len(self.problems)} problems:\n" + "\n".join(f"  {p}" for p in self.problems)


def load_catalog(folder: Path) -> dict[str, dict]:
    """Entries keyed by file name. A missing catalog is an empty one; an invalid one raises CatalogError."""
    path = Path(folder) / CATALOG
    if not path.exists():
        return {}
    name = str(path)
    data, lines, found = _parse(_text(path), name)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CatalogError(name, [(1, f"is {_a(data)}, not a mapping with a 'disclosures:' list of entries")])
    found += [(_line(lines, where), _label(data, where) + reason) for where, reason in problems(data)]
    entries = data.get("disclosures") if isinstance(data.get("disclosures"), list) else []
    found += _files(entries, lines, data)
    found += _duplicates(entries, lines, data)
    if found:
        raise CatalogError(name, sorted(found, key=lambda p: p[0] or 0))
    # an entry of several files (`files:`) is the entry of each of them
    return {file: entry for entry in entries for file in entry.get("files") or [entry["file"]]}


def check_sha256(path: Path, entry: dict | None, sha256: str) -> str:
    """`sha256` (of the file at `path`), refused when the file's catalog entry pins another one."""
    pinned = str((entry or {}).get("sha256") or "").lower()
    if pinned and pinned != sha256:
        raise PipelineError(str(path), None,
                            f"its sha256 is {sha256}, but the catalog pins sha256 {pinned}: this is not the "
                            "version the catalog describes (run `yusuan fetch` to get that one, or change "
                            "the entry's sha256 to take this one)")
    return sha256


def input_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES)


# ----------------------------------------------------------------------------------------- reading


def _text(path: Path) -> str:
    name = str(path)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise CatalogError(name, [(None, f"cannot be read: {e.strerror or e}")]) from None
    if len(raw) > MAX_BYTES:
        raise CatalogError(name, [(None, f"is larger than {MAX_BYTES // (1024 * 1024)} MB ({MAX_BYTES:,} bytes): "
                                         "not a catalog of disclosures, so it is not read")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise CatalogError(name, [(line, f"is not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start}): "
                                         "save the catalog as UTF-8")]) from None


class _Refused(Exception):
    def __init__(self, reason: str, mark):
        super().__init__(reason)
        self.reason, self.mark = reason, mark


class _Loader(yaml.SafeLoader):
    """SafeLoader without aliases (an alias is where a billion laughs expands) and with bounded nesting
    (the composer recurses once per level)."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(f"the alias *{event.anchor} is refused: the catalog may not use YAML anchors "
                           "and aliases; write each value out", event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep: not a catalog", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _parse(text: str, name: str) -> tuple[object, dict[tuple, int], list[tuple[int | None, str]]]:
    """(the document, the line of each key and item by its path, problems the schema cannot see)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _Refused as e:
        raise CatalogError(name, [(e.mark.line + 1 if e.mark else None, e.reason)]) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        reason = getattr(e, "problem", None) or str(e)
        raise CatalogError(name, [(mark.line + 1 if mark else None, f"not valid YAML: {reason}")]) from None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    found: list[tuple[int | None, str]] = []
    if node is not None:
        _walk(node, (), lines, found, data)
    return data, lines, found


def _walk(node, path: tuple, lines: dict[tuple, int], found: list, data) -> None:
    if isinstance(node, MappingNode):
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else repr(key_node.value)
            line = key_node.start_mark.line + 1
            if path + (key,) in lines:  # YAML keeps the last of the two silently
                found.append((line, _label(data, path + (key,)) + f"given twice (also on line {lines[path + (key,)]})"))
            lines[path + (key,)] = line
            _walk(value, path + (key,), lines, found, data)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _walk(item, path + (i,), lines, found, data)


# ------------------------------------------------------------------------------------------ wording


def _a(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {shown(value, 40)}"
    return f"the value {shown(value, 40)}"


def _line(lines: dict[tuple, int], path: tuple) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


def _entry(data: dict, index: int) -> str:
    entries = data.get("disclosures")
    entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
    file = entry.get("file") if isinstance(entry, dict) else None
    files = entry.get("files") if isinstance(entry, dict) else None
    if file is None and isinstance(files, list) and files and isinstance(files[0], str):
        file = files[0] + (" …" if len(files) > 1 else "")
    return f"entry {index + 1} ({file})" if isinstance(file, str) and len(file) <= 100 else f"entry {index + 1}"


def _label(data: dict, path: tuple) -> str:
    """`entry 3 (foo.pdf): fiscal_year: ` for the path ('disclosures', 2, 'fiscal_year')."""
    if len(path) >= 2 and path[0] == "disclosures" and isinstance(path[1], int):
        return ": ".join([_entry(data, path[1]), *map(str, path[2:])]) + ": "
    return "".join(f"{p}: " for p in path)


def _files(entries: list, lines: dict[tuple, int], data: dict) -> list[tuple[int | None, str]]:
    """Each entry names its file (`file:`) or, for a disclosure of several files, all of them (`files:`),
    never both; `sha256` pins one file, so an entry of several has none."""
    found = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        where = ("disclosures", i)
        if "file" not in entry and "files" not in entry:
            found.append((_line(lines, where), _label(data, where + ("file",)) +
                          "missing: every entry names its file (file:), or its files (files:)"))
        elif "file" in entry and "files" in entry:
            found.append((_line(lines, where + ("files",)), _label(data, where + ("files",)) +
                          "given with file: an entry names one file (file:) or several (files:), not both"))
        elif "files" in entry and entry.get("sha256") is not None:
            found.append((_line(lines, where + ("sha256",)), _label(data, where + ("sha256",)) +
                          "pins one file, but the entry lists several (files:): give each file its own "
                          "entry to pin it, or leave sha256 out"))
    return found


def _duplicates(entries: list, lines: dict[tuple, int], data: dict) -> list[tuple[int | None, str]]:
    """One entry per file (else the later one would win silently) and per doc_id (one folder each)."""
    found = []
    for field in ("file", "doc_id"):
        first: dict[str, int] = {}
        for i, entry in enumerate(entries):
            value = entry.get(field) if isinstance(entry, dict) else None
            values = [(value, (field,))] if isinstance(value, str) else []
            if field == "file" and isinstance(entry, dict) and isinstance(entry.get("files"), list):
                values += [(v, ("files", k)) for k, v in enumerate(entry["files"]) if isinstance(v, str)]
            for value, at in values:
                if value in first and first[value] != i:
                    j = first[value]
                    where = ("disclosures", i, *at)
                    found.append((_line(lines, where), _label(data, where) + f"{shown(value)} is also the {field} "
                                  f"of {_entry(data, j)} on line {_line(lines, ('disclosures', j))}: one entry per "
                                  f"{field}"))
                else:
                    first.setdefault(value, i)
    return found
