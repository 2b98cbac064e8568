"""The JSON Schema every `disclosures/catalog.yml` must match, and its errors in the user's words.

The catalog is untrusted input: its doc_id names folders, its file names a file that `yusuan fetch`
replaces, its title and URL reach pages. The fields the published `documents` resource also has take
their type, enum, pattern and range from `pipeline/fields.py` (described once); `file`, `source_url`
and `sha256` have the catalog's own rules. Unknown fields are errors: a misspelt `sha265:` would
otherwise silently turn the pin off.

Each problem is one sentence, `<field>: <value> is not <what it must be>`; `pipeline/catalog.py` adds
the catalog's file, line and entry.
"""

from __future__ import annotations

from collections.abc import Iterator

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from .fields import RESOURCES

INPUT_SUFFIXES = (".txt", ".md", ".pdf")  # a .pdf is extracted first (pipeline/pdf.py)


def _any_case(suffix: str) -> str:  # ".pdf" -> "[.][pP][dD][fF]" (JSON Schema patterns have no flags)
    return "[.]" + "".join(f"[{c.lower()}{c.upper()}]" for c in suffix[1:])


# a plain name inside the catalog's folder: no folder part, not hidden (nor `..`), no control character
FILE_PATTERN = r"^[^./\\\x00-\x1f\x7f][^/\\\x00-\x1f\x7f]*(" + "|".join(map(_any_case, INPUT_SUFFIXES)) + ")$"
# one of the files of a disclosure of several: also without ';', which separates them in source_file
PART_PATTERN = FILE_PATTERN.replace("[^./", "[^;./", 1).replace("][^/", "][^;/", 1)
URL_PATTERN = r"^[hH][tT][tT][pP][sS]?://[^\s/?#\\]+[^\s\\]*$"  # http(s) with a host; no javascript:, data:, file:
SHA256_PATTERN = r"^[0-9a-fA-F]{64}$"
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"  # a title or name is shown on one line of a page


def _documents_field(name: str, max_length: int = 0) -> dict:
    """The schema of a catalog field that is also a column of the published `documents` resource."""
    f = RESOURCES["documents"].field(name)
    out: dict = {"type": f.type}
    if f.type == "string":
        out["maxLength"] = max_length
        out |= {"pattern": f.pattern, "x-expect": _EXPECT[name]} if f.pattern else \
            {"minLength": 1, "pattern": ONE_LINE, "x-expect": "one line of text without control characters"}
    if f.enum:
        out["enum"] = list(f.enum)
    if f.minimum is not None:
        out["minimum"] = f.minimum
    if f.maximum is not None:
        out["maximum"] = f.maximum
    return out


_EXPECT = {
    "doc_id": "a slug: lowercase ASCII letters and digits in parts joined by single hyphens, "
              "e.g. sichuan-finance-2025 (it names the document's folder)",
}
_SUFFIXES = ", ".join(INPUT_SUFFIXES[:-1]) + " or " + INPUT_SUFFIXES[-1]

ENTRY_FIELDS: dict[str, dict] = {
    "file": {"type": "string", "maxLength": 255, "pattern": FILE_PATTERN,
             "x-expect": f"a file name in the catalog's folder (no '/', '\\', leading '.' or control character) "
                         f"ending in {_SUFFIXES}"},
    # a disclosure published as several files (情况说明 and 报表 apart): all of them, in reading order,
    # instead of `file`; `sha256` pins one file, so such an entry has none
    "files": {"type": "array", "minItems": 2, "maxItems": 20, "uniqueItems": True,
              "items": {"type": "string", "maxLength": 255, "pattern": PART_PATTERN,
                        "x-expect": "a file name in the catalog's folder (no '/', '\\', ';', leading '.' or "
                                    f"control character) ending in {', '.join(INPUT_SUFFIXES[:-1])} or "
                                    f"{INPUT_SUFFIXES[-1]}"}},
    "doc_id": _documents_field("doc_id", 100),
    "title": _documents_field("title", 500),
    "publisher": _documents_field("publisher", 200),
    "supervisor": _documents_field("supervisor", 200),
    "region": _documents_field("region", 200),
    "admin_level": _documents_field("admin_level", 20),
    "fiscal_year": _documents_field("fiscal_year"),
    "kind": _documents_field("kind", 20),
    "source_url": {"type": "string", "maxLength": 2000, "pattern": URL_PATTERN,
                   "x-expect": "an http:// or https:// address"},
    "sha256": {"type": "string", "pattern": SHA256_PATTERN, "x-expect": "64 hexadecimal digits"},
}

SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "disclosures": {
            "type": ["array", "null"],  # `disclosures:` with nothing under it: no entries
            "items": {
                "type": "object",
                "properties": {
                    # every field but `file` / `files` may be left empty (null): then it is read from the text
                    name: s if name in ("file", "files") else {"anyOf": [{"type": "null"}, s]}
                    for name, s in ENTRY_FIELDS.items()
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}

_TYPE_WORDS = {"string": "a string", "integer": "an integer", "object": "a mapping of fields (name: value)",
               "array": "a list", "null": "empty"}


def _is_integer(checker, instance) -> bool:  # 2024.0 or true is no year
    return isinstance(instance, int) and not isinstance(instance, bool)


Validator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)
Validator.check_schema(SCHEMA)
_VALIDATOR = Validator(SCHEMA)


def shown(value: object, limit: int = 80) -> str:
    """A value as the user wrote it (repr), cut short so a huge value does not flood the message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def problems(data: object) -> Iterator[tuple[tuple, str]]:
    """(path in the document, message) for every way `data` breaks the schema."""
    for error in _VALIDATOR.iter_errors(data):
        yield from _explain(error)


def _explain(error: ValidationError) -> Iterator[tuple[tuple, str]]:
    path, value, schema, keyword = tuple(error.absolute_path), error.instance, error.schema, error.validator
    if keyword == "anyOf":  # null or the field's own schema: explain by the latter
        for sub in error.context or ():
            if sub.validator != "type" or sub.validator_value != "null":
                yield from _explain(sub)
        return
    if keyword == "type":
        kinds = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        yield path, f"{shown(value)} is not {' or '.join(_TYPE_WORDS[k] for k in kinds if k != 'null')}"
    elif keyword == "additionalProperties":
        known = set(schema.get("properties", {}))
        for key in value:
            if key not in known:
                yield path + (key,), f"unknown field (known: {', '.join(sorted(known))})"
    elif keyword == "required":
        for name in error.validator_value:
            if name not in value:
                yield path + (name,), "missing: every entry names its file"
    elif keyword == "pattern":
        yield path, f"{shown(value)} is not {schema['x-expect']}"
    elif keyword == "enum":
        yield path, f"{shown(value)} is not one of {', '.join(map(str, error.validator_value))}"
    elif keyword in ("minimum", "maximum"):
        yield path, f"{shown(value)} is not between {schema['minimum']} and {schema['maximum']}"
    elif keyword in ("minItems", "maxItems"):
        yield path, f"lists {len(value)} files: a disclosure of several files lists 2 to {schema['maxItems']}"
    elif keyword == "uniqueItems":
        yield path, "names a file twice"
    elif keyword == "maxLength":
        yield path, f"{shown(value, 40)} is {len(value):,} characters long, more than {error.validator_value}"
    elif keyword == "minLength":
        yield path, "is empty (leave the field out to read it from the text)"
    else:  # a keyword added to SCHEMA without words here
        yield path, error.message
