"""Datasette at scale: how fast a real `yusuan serve` answers on a large database.

Usage: python benchmarks/datasette_speed.py DB [--requests N] [--make N [--base DB]] [--only GROUP]

DB is a database named ``yusuan.db`` with its ``metadata.json`` beside it (what ``yusuan build`` writes).
``--make N`` first writes DB with N documents: the base database's documents (default build/yusuan.db,
from ``scripts/build``) copied at SQL level with new doc_ids, copy 0 the originals; from copy 1 on each
copy is set in another city (region, publisher and title; its projects' and goals' names start with the
city), its fiscal year shifted and its amounts scaled, so that indexes and full-text search see varied
values. Then it adds what the build adds (`pipeline.publish.database.add_indexes_and_views`, VACUUM) and
writes the Datasette metadata of those documents (`documents_metadata`).

It then starts ``yusuan serve`` on DB (the metadata, settings and plugins the project serves with), asks
every URL once to warm up, and asks N requests (default 40) of each group, one at a time, cycling through
the group's URLs:

- ``canned``: every canned query but ``search`` (HTML and JSON); ``canned_params``: with a page, a publisher
  or a year, a measure, the commonest department type;
- ``search3`` / ``search2``: the canned search with words of 3+ characters / of 1-2 characters;
- ``table_search``: ``_search=`` (full-text) on the tables that have it;
- ``tables`` / ``views``: every table's page and that of each derived table (headline_totals …, views
  before they were tables), HTML with the default facets and sort;
- ``filtered``: table pages filtered by doc_id, by function_code, economic_code, check;
- ``views_doc``: every derived table filtered by one doc_id;
- ``facets``: ``_facet=`` pages: ``facets_small`` on a small table or a page filtered to one document,
  ``facets_big`` on the unfiltered page of a table of millions of rows; ``facets`` both;
- ``rows`` and ``home``: a document's row page (with its counts of linked rows), the index and the
  database page.

It prints, per group, the requests, the p50 / p95 / max milliseconds and the answers that were errors
(status not 200, or a query or facet that timed out), then the database's size and row counts. The
target (issue 15): p95 under 100 ms in every group at 10,000 documents. Run it with ``nice``.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.fields import RESOURCES  # noqa: E402
from pipeline.publish import database as publish_database  # noqa: E402
from pipeline.publish.database import add_indexes_and_views, create_table_sql  # noqa: E402
from pipeline.publish.datasette import QUERIES, documents_metadata, metadata_path  # noqa: E402
from pipeline.records import Document  # noqa: E402

DATABASE = "yusuan"
SCALED = {"budget_facts": ("amount",), "projects": ("amount",), "performance_goals": ("amount",),
          "checks": ("expected", "actual", "difference")}
YEAR_SHIFTS = (0, -1, -2, -3, 1, -4, -5)


# ------------------------------------------------------------------------------------ --make N


def cities() -> list[str]:
    """The prefecture-level cities of pipeline/site/places.tsv, in file order."""
    out = []
    for line in (ROOT / "pipeline" / "site" / "places.tsv").read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if not line.startswith("#") and len(fields) == 3 and fields[2].endswith("市"):
            out.append(fields[2])
    return out


def _column_sql(table: str, column: str, copy: int) -> str:
    if column == "doc_id":
        return ":doc_id"
    if copy == 0:
        return f"[{column}]"
    if column in SCALED.get(table, ()):
        return f"round([{column}] * :scale, 2)"
    if table == "documents" and column in ("title", "publisher"):
        return f"CASE WHEN region IS NULL THEN [{column}] ELSE replace([{column}], region, :city) END"
    if table == "documents" and column == "region":
        return ":city"
    if table == "documents" and column == "fiscal_year":
        return "[fiscal_year] + :shift"
    if (table, column) in (("projects", "name"), ("performance_goals", "project")):
        return f":city || [{column}]"
    return f"[{column}]"


def make_database(target: Path, n: int, base: Path) -> None:
    """Write `target` (and its metadata.json) with `n` documents copied from `base`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".making")
    tmp.unlink(missing_ok=True)
    started = time.perf_counter()
    con = sqlite3.connect(tmp, isolation_level=None)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -200000")
    for res in RESOURCES.values():
        con.execute(create_table_sql(res))
    con.execute("ATTACH DATABASE ? AS base", (str(base),))
    originals = [r[0] for r in con.execute("SELECT doc_id FROM base.documents ORDER BY doc_id")]
    if not originals:
        raise SystemExit(f"{base}: no documents")
    places = cities()
    inserts = {}
    for copy in (0, 1):
        for name, res in RESOURCES.items():
            columns = ", ".join(f"[{c}]" for c in res.field_names)
            values = ", ".join(_column_sql(name, c, copy) for c in res.field_names)
            inserts[copy, name] = (f"INSERT INTO main.[{name}] ({columns}) SELECT {values} FROM base.[{name}] "
                                   "WHERE doc_id = :source ORDER BY rowid")
    con.execute("BEGIN")
    for i in range(n):
        source, copy = originals[i % len(originals)], i // len(originals)
        params = {"source": source, "doc_id": source if copy == 0 else f"{source}-{copy:05d}",
                  "city": places[copy % len(places)], "shift": YEAR_SHIFTS[(copy // len(places)) % len(YEAR_SHIFTS)],
                  "scale": 1 + (copy % 97) / 1000}
        for name in RESOURCES:
            con.execute(inserts[min(copy, 1), name], params)
    con.execute("COMMIT")
    con.execute("DETACH DATABASE base")
    copied = time.perf_counter()
    import sqlite_utils

    db = sqlite_utils.Database(con)
    add_indexes_and_views(db)
    indexed = time.perf_counter()
    con.execute("VACUUM")
    documents = [Document(**dict(zip([c[0] for c in cur.description], row, strict=True)))
                 for cur in [con.execute("SELECT * FROM documents ORDER BY doc_id")] for row in cur]
    con.close()
    os.replace(tmp, target)
    import json

    metadata_path(target).write_text(json.dumps(documents_metadata(documents, target.stem), ensure_ascii=False,
                                                indent=2) + "\n", encoding="utf-8")
    print(f"made {target}: {n} documents in {time.perf_counter() - started:.0f} s (copy {copied - started:.0f} s, "
          f"indexes, search and views {indexed - copied:.0f} s, vacuum {time.perf_counter() - indexed:.0f} s)")


# ------------------------------------------------------------------------------------ the URLs


def urls(database: Path, seed: int = 15) -> dict[str, list[str]]:
    """Each group's paths, with parameters drawn (deterministically) from the database's own values."""
    con = sqlite3.connect(f"file:{database}?mode=ro&immutable=1", uri=True)
    rnd = random.Random(seed)

    def pick(sql: str, k: int = 3) -> list:
        values = [r[0] for r in con.execute(sql)]
        return rnd.sample(values, min(k, len(values)))

    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN "
                                        f"({', '.join('?' * len(RESOURCES))}) ORDER BY name", list(RESOURCES))]
    # the derived tables (views before they were tables: the same names, also measured on an old build)
    views = list(getattr(publish_database, "DERIVED", None) or publish_database.VIEWS)
    docs = pick("SELECT doc_id FROM documents WHERE doc_id IN (SELECT doc_id FROM budget_facts)", 4)
    goal_docs = pick("SELECT DISTINCT doc_id FROM performance_goals", 2)
    functions = pick("SELECT DISTINCT function_code FROM budget_facts WHERE function_code IS NOT NULL", 2)
    economics = pick("SELECT DISTINCT economic_code FROM budget_facts WHERE economic_code IS NOT NULL", 2)
    checks = pick("SELECT DISTINCT [check] FROM checks", 2)
    types = [r[0] for r in con.execute("SELECT department_type FROM documents WHERE department_type IS NOT NULL "
                                       "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")]
    con.close()
    d = f"/{DATABASE}"
    canned = [name for name in QUERIES if name != "search"]
    # facets of a small table or of a filtered page; facets of a table of millions of rows, unfiltered
    facets_small = ([f"{d}/documents?_facet=region", f"{d}/documents?_facet=publisher"]
                    + [f"{d}/budget_facts?doc_id={doc}&_facet=measure&_facet=side" for doc in docs[:2]]
                    + [f"{d}/checks?doc_id={doc}&_facet=check" for doc in docs[:2]])
    facets_big = [f"{d}/budget_facts?_facet=measure", f"{d}/budget_facts?_facet=function_code",
                  f"{d}/projects?_facet=function_code", f"{d}/checks?_facet=check",
                  f"{d}/performance_indicators?_facet=level1"]
    groups = {
        "canned": [f"{d}/{q}{ext}" for q in canned for ext in ("", ".json")],
        "canned_params": [f"{d}/headline_totals_by_document?page=50", f"{d}/headline_totals_by_document?publisher=成都",
                          f"{d}/three_public_by_document?fiscal_year=2024", f"{d}/failed_checks?page=300",
                          f"{d}/search?q=信息化&page=3", f"{d}/compare_measure?measure=支出总计"]
                         + [f"{d}/compare_department_type?department_type={t}" for t in types],
        "search3": [f"{d}/search?q={w}" for w in ("信息化", "基本支出", "一般公共预算", "满意度", "政务云")],
        "search2": [f"{d}/search?q={w}" for w in ("三公", "结转", "运维", "培训", "费")],
        "table_search": [f"{d}/projects?_search=信息化", f"{d}/glossary?_search=基本支出",
                         f"{d}/performance_indicators?_search=满意度", f"{d}/budget_facts?_search=一般公共服务",
                         f"{d}/performance_goals?_search=政务云"],
        "tables": [f"{d}/{t}" for t in tables],
        "views": [f"{d}/{v}" for v in views],
        "filtered": [f"{d}/{t}?doc_id={doc}" for t in ("budget_facts", "projects", "checks", "budget_tables",
                                                       "glossary", "performance_indicators")
                     for doc in docs[:2]]
                    + [f"{d}/budget_facts?function_code={c}" for c in functions]
                    + [f"{d}/budget_facts?economic_code={c}" for c in economics]
                    + [f"{d}/projects?function_code={c}" for c in functions]
                    + [f"{d}/checks?check={c}" for c in checks]
                    + [f"{d}/performance_goals?doc_id={doc}" for doc in goal_docs],
        "views_doc": [f"{d}/{v}?doc_id={doc}" for v in views for doc in docs[:2]],
        "facets": facets_small + facets_big,
        "facets_small": facets_small,
        "facets_big": facets_big,
        "rows": [f"{d}/documents/{doc}" for doc in docs],
        "home": ["/", f"{d}"],
    }
    return groups


# ------------------------------------------------------------------------------------ the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database: Path) -> tuple[subprocess.Popen, str, float]:
    """`yusuan serve --build-dir DB's folder`: (process, base URL, seconds until it answered)."""
    port = free_port()
    script = Path(sys.executable).parent / "yusuan"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.cli"]
    process = subprocess.Popen(command + ["serve", "--build-dir", str(database.parent), "--port", str(port)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    while True:
        try:
            httpx.get(f"{base}/-/versions.json", timeout=5)
            return process, base, time.perf_counter() - started
        except httpx.TransportError:
            if process.poll() is not None:
                raise SystemExit(f"yusuan serve ended: {process.stderr.read().decode()}") from None
            if time.perf_counter() - started > 600:
                process.terminate()
                raise SystemExit("yusuan serve did not answer within 600 s") from None
            time.sleep(0.2)


TIMED_OUT = re.compile(r"facets timed out|facets_timed_out\": \[\"|took too long|interrupted", re.I)


def ask(client: httpx.Client, url: str) -> tuple[float, str | None]:
    """(milliseconds, None or what went wrong)."""
    started = time.perf_counter()
    response = client.get(url)
    ms = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        return ms, f"{response.status_code}"
    if TIMED_OUT.search(response.text):
        return ms, "timed out"
    return ms, None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def run(database: Path, requests: int, only: str | None) -> None:
    groups = urls(database)
    if only:
        if only not in groups:
            raise SystemExit(f"--only: one of {', '.join(groups)}")
        groups = {only: groups[only]}
    process, base, startup = start_server(database)
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            for paths in groups.values():  # warm up: each URL once
                for path in paths:
                    ask(client, path)
            print(f"{'group':<13} {'URLs':>4} {'count':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  errors")
            for group, paths in groups.items():
                times, errors = [], {}
                for i in range(requests):
                    path = paths[i % len(paths)]
                    ms, error = ask(client, path)
                    times.append(ms)
                    if error:
                        errors[path] = error
                said = "; ".join(f"{p} {e}" for p, e in sorted(errors.items())) or "-"
                print(f"{group:<13} {len(paths):>4} {len(times):>5} {percentile(times, 0.5):>8.0f} "
                      f"{percentile(times, 0.95):>8.0f} {max(times):>8.0f}  {said}", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=60)
    con = sqlite3.connect(f"file:{database}?mode=ro&immutable=1", uri=True)
    counts = {name: con.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0]
              for name in ("documents", "budget_facts", "checks", "performance_indicators")}
    con.close()
    print(f"database {database.stat().st_size / 1e9:.2f} GB; " + ", ".join(f"{k} {v:,}" for k, v in counts.items())
          + f"; server answered after {startup:.1f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", type=Path, help="…/yusuan.db, with metadata.json beside it")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per group (default 40)")
    parser.add_argument("--make", type=int, metavar="N", help="first write DATABASE with N documents")
    parser.add_argument("--base", type=Path, default=ROOT / "build" / "yusuan.db",
                        help="the documents --make copies (default build/yusuan.db)")
    parser.add_argument("--only", metavar="GROUP", help="run one group of URLs")
    args = parser.parse_args(argv)
    if args.database.name != f"{DATABASE}.db":
        parser.error(f"the database must be named {DATABASE}.db (yusuan serve --build-dir serves that name)")
    if args.make:
        if not args.base.is_file():
            parser.error(f"{args.base}: not found (run scripts/build)")
        make_database(args.database, args.make, args.base)
    elif not args.database.is_file() or not metadata_path(args.database).is_file():
        parser.error(f"{args.database} and its metadata.json: not found (use --make N)")
    run(args.database, args.requests, args.only)


if __name__ == "__main__":
    main()
