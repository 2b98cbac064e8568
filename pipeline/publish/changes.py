"""What a build changed against the previous published build: the `changes` log and the
`newly_failed_checks` it found, per document.

"The previous published build" is the packages folder as this build found it: each document's package
(``<packages>/<doc_id>/``) is compared with what this build publishes for it just before it is replaced,
and the log is read back from the packages, so it is cumulative across builds and machines (the
committed ``datapackages/`` is the memory).

- **new**: the document is published and the log has no live row for it (never published, withdrawn
  before, or published before the log was kept: the first build over packages without a log enters every
  document as new). All its facts count as added and its failed checks as newly failed.
- **updated**: its facts changed, compared by identity and amount (`FACT_IDENTITY`; added / removed /
  changed), or its failed checks (`check_identity`: newly failed / no longer failing), or its source file
  (`source_sha256`). Nothing else (a goal's wording, a check that passes either way) makes a row.
- **withdrawn**: the log has it live but this build publishes nothing for it and keeps no package of it
  (its source is gone, or its catalog entry gives it another doc_id). A document whose source fails this
  build keeps its last good package and gets no row.

Each document's package holds its own rows (its history); ``all/`` holds every row, those of withdrawn
documents included, ordered by build, then doc_id (and seq). A build that changes nothing adds no row and
writes no byte. Every row of one build has the same `build` number (the last one + 1) and `built_at`
(SOURCE_DATE_EPOCH when set, else the build's clock; UTC, ISO 8601).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..errors import PipelineError
from ..fields import RESOURCES
from ..output import rows_by_resource
from ..records import Change, DocumentResult, NewlyFailedCheck

# What makes a fact the same fact in two versions of a document: where it is printed in the tables' own
# terms (table, unit, row label and codes, side, column, fund, year), never its line or seq, which a row
# printed above moves. Facts alike in all of these are told apart by their order.
FACT_IDENTITY = ("table_id", "unit_code", "unit_name", "item", "function_code", "economic_code", "side",
                 "measure", "column_path", "fund", "fiscal_year")
# a check's message is "<what it compares>: printed <actual>, expected <expected>, …" (checks.base.Ledger.compare)
FIGURES = ": printed "
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
LOG_FILES = {"changes": Change, "newly_failed_checks": NewlyFailedCheck}
COMBINED = "all"


@dataclass(frozen=True)
class Build:
    """This build in the log: its number and time (the same in every row it adds)."""

    number: int
    built_at: str


def built_at(now: float | None = None) -> str:
    """SOURCE_DATE_EPOCH (seconds since 1970, UTC) when set, else the clock: as 2025-01-31T08:00:00Z."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            seconds = int(epoch)
        except ValueError:
            raise PipelineError("SOURCE_DATE_EPOCH", None,
                                f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds since 1970") from None
    else:
        seconds = int(time.time() if now is None else now)
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------------------------------- the log

@dataclass
class Log:
    """Rows of the log (of one document, or of all)."""

    changes: list[Change] = field(default_factory=list)
    failures: list[NewlyFailedCheck] = field(default_factory=list)

    def of(self, doc_id: str) -> Log:
        return self.by_document().get(doc_id) or Log()

    def by_document(self) -> dict[str, Log]:
        out: dict[str, Log] = {}
        for c in self.changes:
            out.setdefault(c.doc_id, Log()).changes.append(c)
        for f in self.failures:
            out.setdefault(f.doc_id, Log()).failures.append(f)
        return out

    def live(self) -> set[str]:
        """The documents whose last row is not `withdrawn`: published, as the log knows it."""
        last: dict[str, str] = {}
        for c in sorted(self.changes, key=lambda c: c.build):
            last[c.doc_id] = c.change
        return {d for d, change in last.items() if change != "withdrawn"}

    def last_build(self) -> int:
        return max((c.build for c in self.changes), default=0)

    def records(self) -> dict[str, list]:
        """The rows as the packages publish them, in order (by build, doc_id, seq)."""
        return {"changes": sorted(self.changes, key=lambda c: (c.build, c.doc_id)),
                "newly_failed_checks": sorted(self.failures, key=lambda f: (f.build, f.doc_id, f.seq))}

    def __add__(self, other: Log) -> Log:
        return Log(self.changes + other.changes, self.failures + other.failures)

    def __iadd__(self, other: Log) -> Log:
        self.changes.extend(other.changes)
        self.failures.extend(other.failures)
        return self


def read_log(folder: Path) -> Log | None:
    """The log rows of a package folder, or None when it has none (no folder, or written before yusuan kept
    a log). Rows that cannot be read make it None too: the package is then compared as if new."""
    out = Log()
    try:
        for name, record in LOG_FILES.items():
            rows = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
            target = out.changes if name == "changes" else out.failures
            target.extend(record(**row) for row in rows)
    except (OSError, ValueError, TypeError):
        return None
    return out


# ------------------------------------------------------------------ one document against its package

@dataclass(frozen=True)
class Snapshot:
    """What the comparison needs of a published package."""

    facts: dict[tuple, Decimal]  # identity -> amount
    failing: set[tuple]  # identities of its failed checks
    title: str | None
    region: str | None
    source_sha256: str | None


def fact_identities(facts: Iterable[dict]) -> dict[tuple, Decimal]:
    """identity (FACT_IDENTITY, and the order among facts alike) -> amount, of facts in reading order."""
    seen: Counter = Counter()
    out = {}
    for f in facts:
        key = tuple(f.get(name) for name in FACT_IDENTITY)
        seen[key] += 1
        out[(*key, seen[key])] = f.get("amount")
    return out


def check_identity(check: dict) -> tuple:
    """A check is the same check across builds when its rule, table, file and what it compares are: its
    message before the figures compared, with every number in it (a figure quoted, a line, a code) taken
    out. A figure that changes, or a line printed above, does not make a failing check a new one."""
    subject = (check.get("message") or "").split(FIGURES, 1)[0]
    return check.get("check"), check.get("table_id"), check.get("source_file"), NUMBER.sub("#", subject)


def failing_identities(checks: Iterable[dict]) -> dict[tuple, dict]:
    """identity (and the order among checks alike) -> the check, of the failed checks in the order they ran."""
    seen: Counter = Counter()
    out = {}
    for c in checks:
        if c.get("passed"):
            continue
        key = check_identity(c)
        seen[key] += 1
        out[(*key, seen[key])] = c
    return out


def _rows(folder: Path, resource: str) -> list[dict]:
    return json.loads((folder / f"{resource}.json").read_text(encoding="utf-8"), parse_float=Decimal)


def read_published(folder: Path) -> Snapshot | None:
    """The published package in `folder` as the comparison needs it, or None (no package, or unreadable:
    then there is nothing to compare with)."""
    try:
        (doc,) = _rows(folder, "documents")
        return Snapshot(fact_identities(_rows(folder, "budget_facts")),
                         set(failing_identities(_rows(folder, "checks"))),
                         doc.get("title"), doc.get("region"), doc.get("source_sha256"))
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def _published_rows(resource: str, records: list) -> list[dict]:
    res = RESOURCES[resource]
    return [dict(zip(res.field_names, res.values(r), strict=True)) for r in records]


def document_log(result: DocumentResult, folder: Path, earlier: Log, build: Build) -> tuple[Log, Change | None]:
    """The document's log after this build, and the row this build adds to it (None: nothing changed).

    Compares `result` with its published package in `folder`, which must not be replaced yet. Its earlier
    rows are those of its package, or `earlier` (the combined log's) when its package has none (a document
    published again after being withdrawn)."""
    records = rows_by_resource(result)  # numbers seq as published
    doc = result.document
    history = read_log(folder)
    if history is None:
        history = earlier
    previous = read_published(folder) if doc.doc_id in history.live() else None
    facts = fact_identities(_published_rows("budget_facts", records["budget_facts"]))
    failing = failing_identities(_published_rows("checks", records["checks"]))
    before_facts = previous.facts if previous else {}
    before_failing = previous.failing if previous else set()
    added = sum(k not in before_facts for k in facts)
    removed = sum(k not in facts for k in before_facts)
    changed = sum(k in before_facts and before_facts[k] != v for k, v in facts.items())
    new_failures = [c for k, c in failing.items() if k not in before_failing]
    fixed = sum(k not in failing for k in before_failing)
    kind = "new" if previous is None else "updated"
    if kind == "updated" and not (added or removed or changed or new_failures or fixed) \
            and previous.source_sha256 == doc.source_sha256:
        return history, None
    row = Change(doc.doc_id, kind, added, removed, changed, build.built_at, build.number, len(new_failures), fixed,
                 doc.title, doc.region, doc.source_sha256)
    failures = [NewlyFailedCheck(doc.doc_id, build.number, c["seq"], build.built_at, c["check"], c["severity"],
                                 c.get("table_id"), c.get("source_line"), c["message"], c.get("source_file"))
                for c in new_failures]
    return history + Log([row], failures), row


def withdrawn(doc_id: str, folder: Path, history: Log, build: Build) -> Change:
    """The row of a document withdrawn by this build: all the facts and failed checks of its last package
    (read before the package is removed) are gone."""
    previous = read_published(folder)
    last = max(history.changes, key=lambda c: c.build, default=None)
    if previous is None:
        return Change(doc_id, "withdrawn", 0, 0, 0, build.built_at, build.number, 0, 0,
                      last.title if last else None, last.region if last else None,
                      last.source_sha256 if last else None)
    return Change(doc_id, "withdrawn", 0, len(previous.facts), 0, build.built_at, build.number, 0,
                  len(previous.failing), previous.title, previous.region, previous.source_sha256)


# ----------------------------------------------------------------------------------------- one build

class Recorder:
    """The log over one build: the previous published log (`<packages>/all/`), this build's number and time,
    the rows of each document written, and the combined log the combined outputs publish."""

    def __init__(self, packages_dir: Path, now: float | None = None):
        self.packages_dir = packages_dir
        self.previous = read_log(packages_dir / COMBINED) or Log()
        self._earlier = self.previous.by_document()
        self.build = Build(self.previous.last_build() + 1, built_at(now))
        self._live = self.previous.live()
        self.written: dict[str, Log] = {}  # doc_id -> its log after this build (its package was written)
        self.added: list[Change] = []  # the rows this build adds
        self._withdrawn: dict[str, Log] = {}
        self._records: dict[str, list] | None = None

    def unrecorded(self, doc_id: str) -> bool:
        """Whether the log has no live row for a document this build publishes: its package is written (and
        compared) even when nothing else about it changed."""
        return doc_id not in self._live

    def job(self, doc_id: str) -> tuple[Log, Build]:
        """What writing one document's package needs (`document_log`): its earlier rows and this build."""
        return self._earlier.get(doc_id, Log()), self.build

    def record(self, doc_id: str, log: Log, row: Change | None) -> None:
        """A document's package was published with `log` (and `row`, when this build added one)."""
        self.written[doc_id] = log
        if row is not None:
            self.added.append(row)
        self._records = None

    def withdraw(self, published: Iterable[str], protected: Iterable[str]) -> list[Change]:
        """Add a `withdrawn` row for each document the log has live that this build neither publishes nor
        keeps (`protected`: a failed source's package stays). Call it before stale packages are removed."""
        keep = set(published) | set(protected)
        rows = []
        for doc_id in sorted(self._live - keep):
            folder = self.packages_dir / doc_id
            history = read_log(folder) or self._earlier.get(doc_id, Log())
            row = withdrawn(doc_id, folder, history, self.build)
            self._withdrawn[doc_id] = history + Log([row])
            rows.append(row)
        self.added.extend(rows)
        self._records = None
        return rows

    @property
    def changed(self) -> bool:
        return bool(self.added)

    def records(self, published: Iterable[str]) -> dict[str, list]:
        """Every row of the log after this build: each published document's rows as its package holds them
        (written now, or read from its unchanged package), the earlier rows of every other document."""
        if self._records is None:
            doc_ids = set(published)
            out = Log()
            for doc_id in sorted(doc_ids | set(self._earlier)):
                if doc_id in self.written:
                    out += self.written[doc_id]
                elif doc_id in self._withdrawn:
                    out += self._withdrawn[doc_id]
                elif doc_id in doc_ids:
                    out += read_log(self.packages_dir / doc_id) or self._earlier.get(doc_id, Log())
                else:
                    out += self._earlier.get(doc_id, Log())
            self._records = out.records()
        return self._records

    def summary(self) -> str | None:
        """One line saying what this build changed, or None."""
        if not self.added:
            return None
        counts = Counter(c.change for c in self.added)
        what = ", ".join(f"{counts[k]} {k}" for k in ("new", "updated", "withdrawn") if counts[k])
        failures = sum(c.failed_checks_added for c in self.added)
        return (f"changes: build {self.build.number} at {self.build.built_at}: {what}"
                + (f", {failures} newly failed checks" if failures else ""))

