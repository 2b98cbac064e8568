"""The figures a disclosure page shows, each one a printed fact, with its table and line, never a number
computed by the site.

- 主要数字 (收入总计, 支出总计, 基本支出, 项目支出, 三公经费 and the other measures the document prints):
  the published `headline_figures` rows, picked by the one rule of `pipeline.headline`.
- Income by source: the 收入 side of the 收支总表 without total rows (合计/总计) and without numbered
  sub-items (1. / （一）); without a 收支总表, the total row of the 收入总表, one bar per column.
- Expenditure by function (类): the 支出 side of the 收支总表, rows numbered 一、二、… (the 类 of the
  支出功能分类); without them, the rows of the 支出总表 / 一般公共预算支出表 with a 3-digit function_code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ..headline import NAMES
from .data import SiteData, key

TOTAL_RE = re.compile(r"合计|总计")
CLASS_RE = re.compile(r"^[一二三四五六七八九十百]+[、.．]")  # 一、一般公共服务支出: a 类 row
SUBITEM_RE = re.compile(r"^(?:\d+[.．、]|[（(][一二三四五六七八九十\d]+[）)])")  # 1.一般公共预算拨款 / （一）
NUMBER_RE = re.compile(r"\d[\d,]*(?:\.(\d+))?")


@dataclass(frozen=True)
class Figure:
    label: str  # as shown
    amount: Decimal
    places: int  # decimals shown: those printed, or more where 元 were converted to 万元
    table_id: str | None
    source_line: int | None
    item: str = ""  # the row label as printed
    note: str = ""
    record: dict | None = field(default=None, compare=False)  # the row it was printed at (printed.Places.link)


def places_of(amount: Decimal, printed: str | None = None) -> int:
    number = NUMBER_RE.search(printed or "")  # printed as 3,944.08, or 444.39万元 in a sentence
    printed_places = len(number.group(1) or "") if number else 0
    exponent = amount.normalize().as_tuple().exponent
    needed = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return max(printed_places, needed)


def figure(fact: dict, label: str | None = None, note: str = "") -> Figure:
    return Figure(label or fact["item"], fact["amount"], places_of(fact["amount"], fact.get("printed")),
                  fact["table_id"], fact["source_line"], fact["item"], note, fact)


class Document:
    """One disclosure's rows, with the lookups the page needs."""

    def __init__(self, data: SiteData, doc_id: str):
        self.doc_id = doc_id
        self.document = next(d for d in data.documents if d["doc_id"] == doc_id)
        self.tables = data.of("budget_tables", doc_id)
        self.facts = data.of("budget_facts", doc_id)
        self.projects = data.of("projects", doc_id)
        self.goals = data.of("performance_goals", doc_id)
        self.indicators = data.of("performance_indicators", doc_id)
        self.glossary = data.of("glossary", doc_id)
        self.checks = data.of("checks", doc_id)
        self.unparsed = data.of("unparsed_lines", doc_id)
        self.units = data.of("units", doc_id)
        self.headline = data.of("headline_figures", doc_id)
        self._facts_by_seq = {f["seq"]: f for f in self.facts}
        self.facts_by_table: dict[str, list[dict]] = defaultdict(list)
        for f in self.facts:
            if f["amount"] is not None:
                self.facts_by_table[f["table_id"]].append(f)

    @property
    def year(self) -> int | None:
        return self.document.get("fiscal_year")

    def fact(self, seq: int | None) -> dict | None:
        return self._facts_by_seq.get(seq) if seq is not None else None

    def table(self, table_id: str | None) -> dict | None:
        return next((t for t in self.tables if t["table_id"] == table_id), None)

    def tables_of(self, kind: str) -> list[dict]:
        return [t for t in self.tables if t["kind"] == kind and self.facts_by_table.get(t["table_id"])]

    def rows(self, table_id: str, side: str | None = None) -> list[list[dict]]:
        """The table's rows in printed order, each a list of facts in column order (one side only)."""
        by_row: dict[int, list[dict]] = defaultdict(list)
        for f in self.facts_by_table.get(table_id, []):
            if side is None or f.get("side") == side:
                by_row[f["row"]].append(f)
        return [by_row[r] for r in sorted(by_row)]


# listed on every page, "—" where the document prints none; the other measures where it prints them
CORE = ("收入总计", "支出总计", "基本支出", "项目支出", "三公经费")


def headline(doc: Document) -> dict[str, Figure | None]:
    """The document's headline figures (headline_figures), in the order of `headline.NAMES`."""
    rows = {h["measure"]: h for h in doc.headline}
    out: dict[str, Figure | None] = {}
    for name in NAMES:
        h = rows.get(name)
        if h is None:
            if name in CORE:
                out[name] = None
            continue
        fact = doc.fact(h.get("fact_seq"))
        fund = h.get("fund") or ""
        note = "情况说明所述" if not h.get("table_id") else fund if fund not in name else ""
        out[name] = Figure(name, h["amount"], places_of(h["amount"], h.get("printed")), h.get("table_id"),
                           h.get("source_line"), fact["item"] if fact else "", note, fact or h)
    return out


def three_public_rows(doc: Document) -> tuple[dict | None, list[list[dict]]]:
    tables = doc.tables_of("three_public")
    if not tables:
        return None, []
    return tables[0], doc.rows(tables[0]["table_id"])


def income_sources(doc: Document, column_path: str | None = None) -> list[Figure]:
    for table in doc.tables_of("income_expenditure_summary")[:1]:
        found = []
        for row in doc.rows(table["table_id"], "收入"):
            label = key(row[0]["item"])
            if TOTAL_RE.search(label) or SUBITEM_RE.match(label):
                continue
            fact = next((f for f in row if f.get("column_path") == column_path), row[0])
            found.append(figure(fact, CLASS_RE.sub("", label)))
        if found:
            return found
    for table in doc.tables_of("income_summary")[:1]:
        rows = doc.rows(table["table_id"])
        total = next((r for r in rows if TOTAL_RE.search(key(r[0]["item"]))), rows[0] if rows else [])
        return [figure(f, key(f.get("column_path") or f["measure"])) for f in total
                if not TOTAL_RE.search(key(f["measure"]))]
    return []


def function_classes(doc: Document, column_path: str | None = None) -> list[Figure]:
    for table in doc.tables_of("income_expenditure_summary")[:1]:
        found = []
        for row in doc.rows(table["table_id"], "支出"):
            label = key(row[0]["item"])
            if CLASS_RE.match(label) and not TOTAL_RE.search(label):
                fact = next((f for f in row if f.get("column_path") == column_path), row[0])
                found.append(figure(fact, CLASS_RE.sub("", label)))
        if found:
            return found
    for kind in ("expenditure_summary", "general_budget_expenditure"):
        for table in doc.tables_of(kind)[:1]:
            found = []
            for row in doc.rows(table["table_id"]):
                if len(row[0].get("function_code") or "") == 3:
                    found.append(figure(row[0], f"{row[0]['function_code']} {key(row[0]['item'])}"))
            if found:
                return found
    return []


def largest_projects(doc: Document, limit: int = 10) -> list[dict]:
    projects = [p for p in doc.projects if p.get("amount") is not None]
    return sorted(projects, key=lambda p: (-p["amount"], p["source_line"]))[:limit]


def kind_name(kind: str) -> str:
    from ..tables.kinds import BY_NAME

    found = BY_NAME.get(kind)
    return found.name if found else kind
