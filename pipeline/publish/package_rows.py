"""The rows of the documents' published packages, read back one resource and one document at a time.

The combined package (`combined.py`) and the database (`database.py`) are made of the rows every
document's package already holds, as that package prints them: nothing is kept in memory but the
document being read. The order is that of `published_records`: the documents in the order given (doc_id
order), each document's checks across documents after its own checks, the build's log at the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from ..errors import PipelineError
from ..fields import RESOURCES
from ..records import Check, Document
from ..safe_paths import inside
from .changes import LOG_FILES
from .package import csv_lines, json_lines

_EXACT = json.JSONDecoder(parse_float=Decimal)  # one decoder for every line (json.loads makes one a call)


class MissingPackage(PipelineError):
    """A document has no readable package of its own to take its rows from."""


class PackageRows:
    """The rows of the combined outputs, resource by resource: each document's from its package folder,
    then the records only the combined outputs hold (checks across documents, the build's whole log)."""

    def __init__(self, packages_dir: Path, doc_ids: list[str], across: dict[str, list[Check]],
                 log: dict[str, list]):
        self.folders = [inside(packages_dir, d) for d in doc_ids]
        self.across, self.log = across, log
        for folder in self.folders:
            if not (folder / "datapackage.json").is_file():
                raise MissingPackage(str(folder / "datapackage.json"), None,
                                     f"the combined outputs take the rows of {folder.name} from its own package, "
                                     "which is missing")

    def _file(self, folder: Path, name: str) -> Path:
        path = folder / name
        if not path.is_file():
            raise MissingPackage(str(path), None, f"the package {folder.name} has no {name}: it cannot be combined")
        return path

    def csv_bodies(self, res_name: str) -> Iterator[bytes]:
        """The CSV lines of one resource's rows, without its heading: each document's as its CSV prints them."""
        res = RESOURCES[res_name]
        if res_name not in LOG_FILES:  # a document's package holds its part of the log; these, the whole log
            for folder in self.folders:
                data = self._file(folder, f"{res_name}.csv").read_bytes()
                yield data[data.index(b"\n") + 1:]
                if res_name == "checks" and folder.name in self.across:
                    yield csv_lines(res.values(c) for c in self.across[folder.name]).encode("utf-8")
        yield csv_lines(res.values(r) for r in self.log.get(res_name, ())).encode("utf-8")

    def json_rows(self, res_name: str) -> Iterator[str]:
        """Each row of one resource as its JSON line."""
        res = RESOURCES[res_name]
        if res_name not in LOG_FILES:
            for folder in self.folders:
                text = self._file(folder, f"{res_name}.json").read_text(encoding="utf-8")
                if text != "[]\n":  # "[\n" + rows joined by ",\n" + "\n]\n"; a row is one line
                    yield from (line.rstrip(",") for line in text[2:-3].split("\n"))
                if res_name == "checks" and folder.name in self.across:
                    yield from json_lines(res, [res.values(c) for c in self.across[folder.name]])
        yield from json_lines(res, [res.values(r) for r in self.log.get(res_name, ())])

    def typed_rows(self, res_name: str, amounts: type = Decimal) -> Iterator[tuple]:
        """Each row of one resource as typed cells (`Resource.values`), read back from its JSON line; its
        amounts as `amounts` (the database takes floats: float("12.40") is float(Decimal("12.40")))."""
        decode = (_EXACT if amounts is Decimal else json.JSONDecoder(parse_float=amounts)).decode
        for line in self.json_rows(res_name):
            yield tuple(decode(line).values())

    def documents(self) -> list[Document]:
        res = RESOURCES["documents"]
        return [res.record(**_EXACT.decode(line)) for line in self.json_rows("documents")]
