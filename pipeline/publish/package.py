"""Frictionless data packages: one per disclosure in `<packages>/<doc_id>/` and a combined one in
`<packages>/all/`.

A package folder holds:

- `datapackage.json`: the Tabular Data Package descriptor — title, description, licence (CC-BY-4.0 for the
  data), sources (the publishing body, the title, the source URL where known, the input file and its
  sha256), the Table Schema of every resource rendered from `pipeline.fields` (types, constraints,
  primary and foreign keys), each CSV's size and sha256, and a `yusuan` object (doc_ids, pipeline version,
  the other files of the package);
- `<resource>.csv` for every resource of the data model, present even with no rows (UTF-8, `\\n` line ends,
  exact decimals, true/false);
- `<resource>.json`: the same rows as a JSON array of objects, one row per line, typed (amounts are
  JSON numbers written with the exact decimal digits of the CSV: parse them as decimals, e.g.
  `json.loads(text, parse_float=decimal.Decimal)`, to keep them exact; missing values are null);
- `<name>.xlsx`: one sheet per resource with Chinese column headings (and the unit), after a 说明 sheet
  that describes every column; a resource with more rows than a sheet holds (1,048,575 under the headings)
  goes on to `<resource>_2`, `<resource>_3`, … with the same headings, as the 说明 sheet says;
- `<name>.zip`: all of the above (datapackage.json at its root, so `frictionless validate <name>.zip` works).

`<name>` is the doc_id, or `yusuan-all` for the combined package. Every file is byte-identical across
rebuilds of the same input (fixed order, fixed zip timestamps, permissions and compression level, fixed
workbook dates, no absolute paths) and is written only when its bytes change.

A package folder is replaced whole: its next version is written into a temporary sibling folder (the
files that did not change are hard links to the old ones, so they keep their dates), checked there when
asked, and the folder is swapped in (`atomic.swap_folder`). The combined package is streamed from the
documents' packages (`combined.py`) and replaced the same way. A build killed at any moment, or a
full disk, leaves every package folder as it was or as it was going to be, never a mix. (The archives are deflated
with zlib: a zlib that compresses differently, such as zlib-ng, would change their bytes, not their
contents.)

A package that does not validate against its own schema is a bug in yusuan, not a finding about a
document: `validate_package` raises `SchemaViolation` naming the file, row and field.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import itertools
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from .. import __version__
from ..atomic import make_folder, new_folder_for, output_error, swap_folder, write_new
from ..errors import PipelineError
from ..fields import DATASET, FILES_SEPARATOR, PRINTED_PLACES, RESOURCES, Resource
from ..output import cell
from ..records import Document, DocumentResult
from ..safe_paths import PACKAGE_KEY, check_slug, inside, is_yusuan_package
from . import published_records, typed_rows

COMBINED_DIR = "all"
# names a document's folder and page must not take: another output has them
RESERVED_DOC_IDS = {COMBINED_DIR: "the folder of the combined package",
                    "index": "the name of the site's list of disclosures (disclosures/index.md)"}
COMBINED_NAME = "yusuan-all"
MARKER = PACKAGE_KEY  # the key of datapackage.json that says yusuan wrote the folder (and may remove it)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say
ZIP_LEVEL = 6
WORKBOOK_TIME = datetime.datetime(1980, 1, 1)
MAX_SHEET_ROWS = 1_048_576  # rows an .xlsx sheet holds, its heading included (Excel's limit)


class SchemaViolation(PipelineError):
    """A published row breaks its own Table Schema: a bug in yusuan, never a finding about a document."""


class PackageCollision(PipelineError):
    """A document's doc_id is the name of the combined package's folder."""


# --------------------------------------------------------------------------------------------- writing


def write_document_package(result: DocumentResult, packages_dir: Path, validate: bool = False,
                           log: dict[str, list] | None = None) -> Path:
    """Write (or leave unchanged) the package of one document (with its rows of the build's `log`, see
    `changes.py`); returns its folder. With `validate`, its rows are checked against their schema first
    (`check_rows`) and nothing is written if one breaks it (`SchemaViolation`, the old version kept)."""
    doc_id = result.document.doc_id
    source = result.document.source_file or str(doc_id)
    check_slug(doc_id, source)  # it names a folder: defence in depth, whatever set it
    if doc_id in RESERVED_DOC_IDS:
        raise PackageCollision(source, None, f"doc_id {doc_id!r} is {RESERVED_DOC_IDS[doc_id]}; give it another doc_id")
    return _write(inside(packages_dir, doc_id), doc_id, published_records([result], across=False, log=log),
                  combined=False, check=validate)


def remove_stale_packages(packages_dir: Path, built: Iterable[str]) -> list[Path]:
    """Remove the package folders yusuan wrote (their datapackage.json has a `yusuan` object) for documents
    that were not built (or kept) this time. Anything else in `packages_dir` is left alone: other folders,
    files, symlinks (never followed) and hidden names."""
    keep = set(built) | {COMBINED_DIR}
    removed = []
    if not packages_dir.is_dir():
        return removed
    for folder in sorted(packages_dir.iterdir()):
        if folder.name in keep or folder.name.startswith(".") or not is_yusuan_package(folder):
            continue
        inside(packages_dir, folder.name)
        try:
            shutil.rmtree(folder)
        except OSError as e:
            raise output_error(folder, e) from None
        removed.append(folder)
    return removed


def _written_by_us(folder: Path) -> bool:
    return is_yusuan_package(folder)


def _is_package_file(relative: str) -> bool:
    """A path of the kind a package holds (what a stale package file can be): other files are left alone."""
    return "/" not in relative and relative.endswith((".csv", ".json", ".xlsx", ".zip"))


def _write(folder: Path, name: str, records: dict[str, list], combined: bool, validate: bool = False,
           check: bool = False) -> Path:
    """Write the package into a temporary sibling of `folder`, validate it (if asked: `check` its rows
    before anything is written, or `validate` the written package whole), swap it in; nothing is written
    when every file already holds its bytes and no stale package file is left."""
    files = package_files(name, records, combined)
    if check:
        check_rows(files, shown_as=folder)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise output_error(folder, OSError(17, "a file or symlink, not a package folder, is in the way", str(folder)))
    old = {p.name: p for p in folder.iterdir()} if folder.is_dir() else {}
    same = {rel for rel, data in files.items()
            if rel in old and old[rel].is_file() and not old[rel].is_symlink() and old[rel].read_bytes() == data}
    stale = [n for n in old if n not in files and _is_package_file(n) and old[n].is_file()]
    if folder.is_dir() and len(same) == len(files) and not stale:
        return folder
    make_folder(folder.parent)
    new = new_folder_for(folder)
    try:
        for rel, data in files.items():
            if rel in same and _linked(old[rel], new / rel):
                continue  # unchanged: the same file, its date kept
            write_new(new / rel, data, shown=folder / rel)
        complete(new, folder, old, set(files) | set(stale), validate)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    swap_folder(new, folder)
    return folder


def complete(new: Path, folder: Path, old: dict[str, Path], written: set[str], validate: bool) -> None:
    """Complete the next version `new` of the package `folder` (whose files were `old`): what is neither
    `written` nor a stale package file (a note of the publisher's) moves along; then it is validated if
    asked. The caller swaps it in."""
    for n, path in old.items():
        if n not in written:
            _carry(path, new / n)
    if validate:
        validate_package(new, shown_as=folder)


def _linked(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
        return True
    except OSError:
        return False


def _carry(source: Path, target: Path) -> None:
    try:
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        elif source.is_dir():
            shutil.copytree(source, target, symlinks=True, copy_function=os.link)
        elif not _linked(source, target):
            shutil.copy2(source, target)
    except OSError as e:
        raise output_error(target, e) from None


def package_files(name: str, records: dict[str, list], combined: bool) -> dict[str, bytes]:
    """Every file of one package, by its path inside the package folder (posix), as bytes."""
    rows = typed_rows(records)
    files: dict[str, bytes] = {}
    for res_name, res in RESOURCES.items():
        files[f"{res_name}.csv"] = csv_text(res, rows[res_name]).encode("utf-8")
    for res_name, res in RESOURCES.items():
        files[f"{res_name}.json"] = json_text(res, rows[res_name]).encode("utf-8")
    documents: list[Document] = records["documents"]
    files[f"{name}.xlsx"] = workbook_bytes(name, rows, documents)
    stats = {n: (len(files[f"{n}.csv"]), hashlib.sha256(files[f"{n}.csv"]).hexdigest()) for n in RESOURCES}
    descriptor = package_descriptor(name, documents, stats, combined)
    files["datapackage.json"] = (json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    files[f"{name}.zip"] = zip_bytes(files)
    return dict(sorted(files.items()))


# ------------------------------------------------------------------------------- reading it back

# DocumentResult attribute of each resource
# resources that packages published by earlier versions lack (read as empty)
ADDED_SINCE = ("headline_figures",)
_ATTRIBUTES = {"documents": "document", "units": "units", "budget_tables": "tables", "budget_facts": "facts",
               "projects": "projects", "performance_goals": "goals", "performance_indicators": "indicators",
               "glossary": "glossary", "checks": "checks", "unparsed_lines": "unparsed",
               "headline_figures": "headline"}


@dataclass(frozen=True)
class Published:
    """A document's package as published: what the last good build of its source read."""

    folder: Path
    doc_id: str
    source_sha256: str | None
    parsed_tables: int
    facts: int


def published_packages(packages_dir: Path) -> dict[str, Published]:
    """The single-document yusuan packages of `packages_dir`, by the source file they were read from (each
    file of a document joined from several)."""
    out: dict[str, Published] = {}
    if not packages_dir.is_dir():
        return out
    for folder in sorted(packages_dir.iterdir()):
        if folder.name == COMBINED_DIR or folder.name.startswith(".") or not is_yusuan_package(folder):
            continue
        try:
            descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
            source = descriptor["sources"][0]
            tables = json.loads((folder / "budget_tables.json").read_text(encoding="utf-8"))
            with open(folder / "budget_facts.json", encoding="utf-8") as f:
                facts = sum(line.startswith("{") for line in f)  # one row per line
            package = Published(folder, folder.name, source.get("sha256"),
                                sum(t.get("status") == "parsed" for t in tables), facts)
            for name in str(source["source_file"]).split(FILES_SEPARATOR):  # each file of a joined one
                out.setdefault(name, package)
        except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
            continue  # not readable as a package of ours: never compared, never used
    return out


def read_package(folder: Path) -> DocumentResult:
    """The records of a published single-document package, as the build would publish them again (for a
    document kept from its last good version when no cached result is left)."""
    values: dict[str, list] = {}
    for res_name, res in RESOURCES.items():
        if res_name not in _ATTRIBUTES:
            continue  # the build's log (changes.py) is no part of a document's reading
        file = folder / f"{res_name}.json"
        if res_name in ADDED_SINCE and not file.exists():
            values[_ATTRIBUTES[res_name]] = []  # a package published before the resource was
            continue
        rows = json.loads(file.read_text(encoding="utf-8"), parse_float=Decimal)
        values[_ATTRIBUTES[res_name]] = [res.record(**row) for row in rows]
    (document,) = values.pop("document")
    return DocumentResult(document=document, **values)


# ------------------------------------------------------------------------------------------ formats


def csv_text(res: Resource, rows: list[tuple]) -> str:
    """The CSV of one resource (the same bytes as `output.to_csv` of its records)."""
    return csv_lines([res.field_names]) + csv_lines(rows)


def csv_lines(rows: Iterable[Iterable[object]]) -> str:
    """Rows of cells as CSV lines (`output.cell`: exact decimals, true/false, "" for none)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def json_value(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")  # a JSON number with the exact digits
    return json.dumps(value, ensure_ascii=False)


def json_lines(res: Resource, rows: Iterable[tuple]) -> Iterator[str]:
    """Each row as a JSON object (keys in column order) on one line (a newline in a text is escaped)."""
    keys = [json.dumps(n) for n in res.field_names]
    for row in rows:
        yield "{" + ", ".join(f"{k}: {json_value(v)}" for k, v in zip(keys, row, strict=True)) + "}"


def json_text(res: Resource, rows: list[tuple]) -> str:
    """A JSON array of objects (keys in column order), one row per line."""
    if not rows:
        return "[]\n"
    return "[\n" + ",\n".join(json_lines(res, rows)) + "\n]\n"


_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")  # the control characters XML 1.0 cannot hold


def _sheet_names(res_name: str, count: int) -> list[str]:
    """The sheets of one resource's rows: its name, then `<name>_2`, `<name>_3`, … for the rows beyond
    `MAX_SHEET_ROWS` (a sheet's heading counts as one of its rows)."""
    per_sheet = MAX_SHEET_ROWS - 1
    sheets = max(1, -(-count // per_sheet))
    return [res_name, *(f"{res_name}_{n}" for n in range(2, sheets + 1))]


def _write_row(ws, r: int, values: Iterable[object]) -> None:
    """One row of cells by type: text is text even when it starts with = (=100% is a target, not a
    formula); amounts are numbers; booleans are booleans; a missing value or empty text is no cell."""
    for c, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, str):
            if text := _ILLEGAL_XML.sub("", value):
                ws.write_string(r, c, text)
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value)
        elif isinstance(value, int):
            ws.write_number(r, c, value)
        elif isinstance(value, Decimal):  # a spreadsheet number is a double: 12.40 is written 12.4, 0.00 is 0
            ws.write_number(r, c, float(value))
        else:
            raise TypeError(f"no workbook cell for a {type(value).__name__}: {value!r}")


def workbook_bytes(name: str, rows: dict[str, list[tuple]], documents: list[Document]) -> bytes:
    """An .xlsx workbook of `rows` (`write_workbook`), as bytes."""
    buf = io.BytesIO()
    write_workbook(buf, name, {n: len(r) for n, r in rows.items()}, rows.__getitem__, documents)
    return buf.getvalue()


def write_workbook(target: BinaryIO, name: str, counts: dict[str, int], rows_of: Callable[[str], Iterable[tuple]],
                   documents: list[Document]) -> None:
    """An .xlsx workbook into `target`: a 说明 sheet, then one sheet per resource (Chinese headings, the
    heading row frozen) of the `counts[resource]` rows `rows_of(resource)` gives, fixed dates. A resource
    with more rows than a sheet holds continues on `<resource>_2`, … (each with the headings), which the
    说明 sheet says. Written row by row (XlsxWriter's constant_memory: each row goes to a temporary file as
    it is written, no cell is kept), so a workbook of millions of rows takes no more memory than one of ten."""
    import xlsxwriter  # imported when a workbook is written: a no-change build needs none

    with tempfile.TemporaryDirectory(prefix="yusuan-xlsx-") as tmp:
        raw = Path(tmp) / "raw.xlsx"
        wb = xlsxwriter.Workbook(str(raw), {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False,
                                            "tmpdir": tmp})
        wb.set_properties({"title": name, "author": "yusuan", "created": WORKBOOK_TIME})
        sheets = {res_name: _sheet_names(res_name, counts[res_name]) for res_name in RESOURCES}
        lines = [DATASET["title"], f"许可 License: {DATASET['license']['title']} ({DATASET['license']['path']})"]
        for doc in documents:
            lines.append(f"来源 Source: {doc.publisher or ''}《{doc.title or doc.doc_id}》 {doc.source_url or ''}".strip())
        for res_name, names in sheets.items():
            if len(names) > 1:
                n = counts[res_name]
                lines.append(f"{res_name}: {n} 行，一个工作表至多 {MAX_SHEET_ROWS - 1} 行数据，"
                             f"续于 {'、'.join(names[1:])} · {n} rows, more than a sheet holds "
                             f"({MAX_SHEET_ROWS - 1} rows under its headings): continued on {', '.join(names[1:])}")
        about = wb.add_worksheet("说明")
        for r, line in enumerate(lines):
            _write_row(about, r, [line])
        r = len(lines) + 1  # a blank row, then the columns of every sheet
        _write_row(about, r, ["表 Sheet", "字段 Field", "列名", "Title", "类型 Type", "单位 Unit", "说明 Description"])
        for res in RESOURCES.values():
            for f in res.fields:
                r += 1
                _write_row(about, r, (res.name, f.name, f.title_zh, f.title_en, f.type, f.unit_words or "",
                                      f.description))
        per_sheet = MAX_SHEET_ROWS - 1
        for res_name, res in RESOURCES.items():
            headings = [f.heading for f in res.fields]
            rows = iter(rows_of(res_name))
            for sheet_name in sheets[res_name]:
                ws = wb.add_worksheet(sheet_name)
                ws.freeze_panes(1, 0)
                _write_row(ws, 0, headings)
                for r, row in enumerate(itertools.islice(rows, per_sheet), start=1):
                    _write_row(ws, r, row)
        wb.close()
        with open(raw, "rb") as source:
            _fixed_zip(source, target)


def _fixed_zip(source: BinaryIO, target: BinaryIO) -> None:
    """The archive `source` again into `target`, with fixed timestamps, permissions and compression level
    (XlsxWriter stamps its members with the local time of 1980-01-31 and the platform that wrote them),
    each member streamed."""
    with zipfile.ZipFile(source) as archive:
        write_zip(target, [(info.filename, info.file_size, lambda info=info: archive.open(info))
                           for info in archive.infolist()])


def write_zip(target: BinaryIO, members: Iterable[tuple[str, int, Callable[[], BinaryIO]]]) -> None:
    """An archive of `members` (name, size, a way to open its bytes), each streamed: the bytes
    `zipfile.writestr` writes of them, fixed date, permissions and level, whatever machine builds it."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as archive:
        for filename, size, data in members:
            info = zipfile.ZipInfo(filename, date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = size  # known: the header is that of writestr (zip64 only when the size needs it)
            try:  # what writestr(compresslevel=) sets
                info.compress_level = ZIP_LEVEL  # its name from Python 3.13
            except AttributeError:
                info._compresslevel = ZIP_LEVEL  # Python 3.11, 3.12
            with data() as source, archive.open(info, "w") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """The package as one archive, datapackage.json at its root, files in sorted order."""
    buf = io.BytesIO()
    write_zip(buf, [(n, len(d), lambda d=d: io.BytesIO(d)) for n, d in sorted(files.items())])
    return buf.getvalue()


# --------------------------------------------------------------------------------------- descriptor


def _source(doc: Document) -> dict:
    title = f"{doc.publisher}《{doc.title}》" if doc.publisher and doc.title else (doc.title or doc.doc_id)
    source = {"title": title, "doc_id": doc.doc_id, "source_file": doc.source_file, "sha256": doc.source_sha256}
    if doc.publisher:
        source["publisher"] = doc.publisher
    if doc.source_url:
        source["path"] = doc.source_url
    return source


def package_descriptor(name: str, documents: list[Document], csv_files: dict[str, tuple[int, str]],
                       combined: bool) -> dict:
    """The descriptor of a package of `documents` whose CSV files have the (size, sha256) `csv_files[resource]`."""
    if combined or len(documents) != 1:
        title = DATASET["title"]
        description = DATASET["description"]
    else:
        doc = documents[0]
        title = doc.title or doc.doc_id
        facts = [x for x in (doc.publisher, doc.region, f"{doc.fiscal_year}年" if doc.fiscal_year else None,
                             doc.kind) if x]
        description = f"{title}（{'，'.join(facts)}）. {DATASET['description']}"
    description += (
        " Each resource is a CSV file (UTF-8); <resource>.json holds the same rows as JSON (amounts are "
        f"numbers with the exact decimal digits), {name}.xlsx one sheet per resource with Chinese headings, "
        f"and {name}.zip the whole package."
    )
    keywords = ["预算", "budget", "China", "open data", "部门预算", "绩效目标"]
    for doc in documents:
        for k in (doc.region, doc.kind, str(doc.fiscal_year) if doc.fiscal_year else None):
            if k and k not in keywords:
                keywords.append(k)
    resources = []
    for res_name, res in RESOURCES.items():
        size, sha256 = csv_files[res_name]
        resources.append({
            "name": res_name,
            "title": f"{res.title_zh} {res.title_en}",
            "description": res.description,
            "path": f"{res_name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": size,
            "hash": f"sha256:{sha256}",
            "schema": res.table_schema(),
        })
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": description,
        "licenses": [dict(DATASET["license"])],
        "sources": [_source(doc) for doc in documents],
        "keywords": keywords,
        "resources": resources,
        MARKER: {
            "doc_ids": [doc.doc_id for doc in documents],
            "pipeline_version": __version__,
            "json": [f"{n}.json" for n in RESOURCES],
            "xlsx": f"{name}.xlsx",
            "zip": f"{name}.zip",
            # where the site shows each record's printed place (查看原文), under the site's root
            "printed_places": dict(PRINTED_PLACES),
        },
    }


# --------------------------------------------------------------------------------------- validation


def validate_package(folder: Path, shown_as: Path | None = None) -> None:
    """Validate a package folder with Frictionless (descriptor, types, constraints, primary keys, sizes
    and hashes), and its foreign keys (`foreign_key_problems`). Raises `SchemaViolation` naming the file,
    row and field of the first errors (as files of `shown_as`, when `folder` is the temporary folder of
    the package `shown_as`)."""
    from frictionless import Package

    descriptor = folder / "datapackage.json"
    package = Package(str(descriptor))
    for resource in package.resources:
        # Frictionless checks a foreign key by reading its target resource again for every resource that
        # points at it (three quarters of a package's validation); checked once below instead
        resource.schema.foreign_keys = []
    report = package.validate()
    broken = foreign_key_problems(folder, json.loads(descriptor.read_text(encoding="utf-8")))
    if report.valid and not broken:
        return
    rows = [(task.name, getattr(e, "row_number", None), getattr(e, "field_name", None),
             getattr(e, "cells", None), e.message) for task in report.tasks for e in task.errors]
    raise _violation(shown_as or folder, [e.message for e in report.errors], rows, broken)


def check_rows(files: dict[str, bytes], shown_as: Path) -> None:
    """Check the rows of a package's CSV files (by name, as `package_files` makes them) against their
    schema (`rows.row_problems`: Frictionless's cell readers, the header, the cells of each row, the primary
    key) and their foreign keys; raises `SchemaViolation` as `validate_package` does, naming the files of
    `shown_as`."""
    from .rows import row_problems

    found = [p for res_name in RESOURCES for p in row_problems(res_name, files[f"{res_name}.csv"])]

    def rows(name: str) -> Iterable[dict[str, str]]:
        return csv.DictReader(io.StringIO(files[f"{name}.csv"].decode("utf-8"), newline=""))

    broken = _foreign_keys(json.loads(files["datapackage.json"]), rows)
    if found or broken:
        raise _violation(shown_as, [], found, broken)


def _violation(label: Path, package_errors: list[str], rows: list[tuple], broken: list[tuple[str, int, str]]
               ) -> SchemaViolation:
    """The SchemaViolation of the package `label`: the descriptor's errors, then each row's (resource, CSV
    line, field, cells, message) and foreign key's, naming the file and line of the first."""
    problems = [f"datapackage.json: {message}" for message in package_errors]
    first_file, first_line = str(label / "datapackage.json"), None
    for res_name, row, field_name, cells, message in rows:
        where = f"{res_name}.csv" + (f" line {row} (row {row - 1})" if row else "")
        if cells:
            where += f", doc_id {cells[0]}"  # every resource's first column
        if field_name:
            where += f", field {field_name}"
        problems.append(f"{where}: {message}")
        if first_line is None and row:
            first_file, first_line = str(label / f"{res_name}.csv"), row
    for name, row, message in broken:
        problems.append(f"{name}.csv line {row} (row {row - 1}): {message}")
        if first_line is None:
            first_file, first_line = str(label / f"{name}.csv"), row
    shown = "; ".join(problems[:5]) + (f"; … {len(problems) - 5} more" if len(problems) > 5 else "")
    return SchemaViolation(first_file, first_line,
                           f"the package {label.name} breaks its own schema (a bug in yusuan, not in the "
                           f"document): {shown}")


def foreign_key_problems(folder: Path, descriptor: dict) -> list[tuple[str, int, str]]:
    """(resource, CSV line, message) of every row whose foreign key (all its fields given) is no key of
    the resource it references, each target read once; a row with an empty key field references nothing
    (as in Frictionless)."""
    def rows(name: str) -> Iterable[dict[str, str]]:
        with open(folder / f"{name}.csv", encoding="utf-8", newline="") as f:
            yield from csv.DictReader(f)

    return _foreign_keys(descriptor, rows)


def _foreign_keys(descriptor: dict, rows: Callable[[str], Iterable[dict[str, str]]]) -> list[tuple[str, int, str]]:
    """`foreign_key_problems` of the rows `rows(resource)` gives."""
    targets: dict[tuple[str, tuple[str, ...]], set[tuple[str, ...]]] = {}
    found = []
    for res in descriptor.get("resources", []):
        for fk in res.get("schema", {}).get("foreignKeys", []):
            fields, ref = tuple(fk["fields"]), fk["reference"]
            target = (ref["resource"], tuple(ref["fields"]))
            if target not in targets:
                targets[target] = {tuple(r[k] for k in target[1]) for r in rows(target[0])}
            for line, row in enumerate(rows(res["name"]), start=2):
                value = tuple(row[k] for k in fields)
                if all(value) and value not in targets[target]:
                    found.append((res["name"], line, f"foreign key {', '.join(fields)} = {', '.join(value)} is no "
                                  f"{', '.join(target[1])} of {target[0]}"))
    return found
