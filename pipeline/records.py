"""The rows yusuan publishes, one dataclass per resource of the data model.

Field order here is the column order of the CSV files. Amounts are `Decimal` in 万元; the number as
printed travels beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(slots=True)
class Document:
    doc_id: str
    title: str | None = None
    publisher: str | None = None
    supervisor: str | None = None
    region: str | None = None
    admin_level: str | None = None
    fiscal_year: int | None = None
    kind: str | None = None
    amount_unit: str | None = None
    source_file: str | None = None
    source_sha256: str | None = None
    source_url: str | None = None
    status: str = "ok"
    status_reason: str | None = None  # why a document is not ok, in the user's terms
    tables_found: int = 0
    tables_missing: int = 0
    facts_confirmed: int = 0  # facts that take part in at least one passing check
    facts_confirmed_share: Decimal | None = None  # facts_confirmed / facts, 4 decimals
    pipeline_version: str | None = None
    department_type: str | None = None  # 信访, 统计, 气象 …: for comparisons across cities


@dataclass(slots=True)
class Unit:
    doc_id: str
    unit_code: str | None
    unit_name: str


@dataclass(slots=True)
class BudgetTable:
    doc_id: str
    table_id: str
    kind: str
    number: str | None
    title: str
    status: str  # parsed | empty | missing | unparsed
    amount_unit: str | None
    line_start: int | None
    line_end: int | None
    source_file: str | None = None  # the file the table is printed in (a disclosure may be several files)


@dataclass(slots=True)
class BudgetFact:
    doc_id: str
    seq: int = field(default=0, kw_only=True)  # 1, 2, … in the document: set by output.rows_by_resource
    table_id: str
    row: int
    unit_code: str | None
    unit_name: str | None
    item: str
    function_code: str | None
    economic_code: str | None
    side: str | None  # 收入 | 支出 for two-sided summary tables
    measure: str
    fund: str | None
    amount: Decimal
    printed: str
    source_line: int
    column_path: str = ""  # the header path of the column, e.g. 当年财政拨款安排/一般公共预算拨款/基本支出
    fiscal_year: int | None = None  # the year the number is for: its column's or row's (2025年预算数), else the document's
    source_page: int | None = None  # PDF inputs: the page of source_line
    source_bbox: str | None = None  # PDF inputs: the box of the cell the amount is printed in, "x0,top,x1,bottom"
    ocr_confidence: Decimal | None = None  # OCR inputs: the recognition confidence of that cell (0..1)
    ocr_uncertain: bool | None = None  # OCR inputs: read with low confidence, or in a failing check
    source_file: str | None = None  # the file source_line counts in (a disclosure may be several files)


@dataclass(slots=True)
class Project:
    doc_id: str
    seq: int = field(default=0, kw_only=True)  # 1, 2, … in the document: set by output.rows_by_resource
    table_id: str
    unit_code: str | None
    unit_name: str | None  # the unit it is printed under or beside, where the table says
    function_code: str | None
    name: str
    amount: Decimal | None
    printed: str | None
    source_line: int
    source_page: int | None = None  # PDF inputs: the page of source_line
    source_bbox: str | None = None  # PDF inputs: the box of the line on its page, "x0,top,x1,bottom"
    source_file: str | None = None  # the file source_line counts in (a disclosure may be several files)


@dataclass(slots=True)
class PerformanceGoal:
    doc_id: str
    goal_id: str
    table_id: str | None
    unit_name: str | None
    project: str | None  # None for a unit's overall goals
    amount: Decimal | None
    annual_goal: str | None
    medium_term_goal: str | None
    source_line: int
    source_page: int | None = None  # PDF inputs: the page of source_line
    source_bbox: str | None = None  # PDF inputs: the box of the line on its page, "x0,top,x1,bottom"
    source_file: str | None = None  # the file source_line counts in (a disclosure may be several files)


@dataclass(slots=True)
class PerformanceIndicator:
    doc_id: str
    goal_id: str
    seq: int
    level1: str | None
    level2: str | None
    name: str
    operator: str | None  # ≥ ≤ = > < or 定性
    target: str | None
    target_value: Decimal | None
    target_unit: str | None
    weight: Decimal | None
    direction: str | None  # 正向指标 | 反向指标
    half_year_target: str | None
    source_line: int
    source_page: int | None = None  # PDF inputs: the page of source_line
    source_bbox: str | None = None  # PDF inputs: the box of the line on its page, "x0,top,x1,bottom"
    source_file: str | None = None  # the file source_line counts in (a disclosure may be several files)


@dataclass(slots=True)
class GlossaryTerm:
    doc_id: str
    seq: int
    term: str
    definition: str
    source_line: int
    function_code: str | None = None
    source_page: int | None = None  # PDF inputs: the page of source_line
    source_bbox: str | None = None  # PDF inputs: the box of the line on its page, "x0,top,x1,bottom"
    source_file: str | None = None  # the file source_line counts in (a disclosure may be several files)


@dataclass(slots=True)
class Check:
    doc_id: str
    seq: int = field(default=0, kw_only=True)  # 1, 2, … in the document: set by output.rows_by_resource
    check: str
    table_id: str | None
    passed: bool
    severity: str
    expected: Decimal | None
    actual: Decimal | None
    difference: Decimal | None
    source_line: int | None
    message: str
    source_page: int | None = None  # PDF inputs: the page of source_line
    source_bbox: str | None = None  # PDF inputs: the box of the line on its page, "x0,top,x1,bottom"
    source_file: str | None = None  # the file source_line counts in (a disclosure may be several files)


@dataclass(slots=True)
class HeadlineFigure:
    """A figure people compare, picked from the facts by `pipeline.headline` (one row per document and measure)."""

    doc_id: str
    measure: str  # headline.NAMES: 收入总计, 支出总计 …
    amount: Decimal
    printed: str
    fund: str | None  # the one fund its table covers (一般公共预算 …); None: the table covers every fund
    table_id: str | None  # None: stated only in the 情况说明
    fact_seq: int | None  # the budget_facts row (seq) it is; None for a narrative statement
    source_line: int
    source_page: int | None = None
    source_bbox: str | None = None  # the fact's cell (or the statement's line) on the page
    ocr_confidence: Decimal | None = None  # the fact's, where OCR read it
    source_file: str | None = None


@dataclass(slots=True)
class UnparsedLine:
    doc_id: str
    seq: int = field(default=0, kw_only=True)  # 1, 2, … in the document: set by output.rows_by_resource
    table_id: str | None
    source_line: int
    text: str
    reason: str
    source_page: int | None = None  # PDF inputs: the page of source_line
    source_bbox: str | None = None  # PDF inputs: the box of the line on its page, "x0,top,x1,bottom"
    source_file: str | None = None  # the file source_line counts in (a disclosure may be several files)


@dataclass(slots=True)
class Change:
    """What one build changed in one document's published data (pipeline/publish/changes.py)."""

    doc_id: str
    change: str  # new | updated | withdrawn
    facts_added: int
    facts_removed: int
    facts_changed: int
    built_at: str  # ISO 8601, UTC
    build: int  # the build's number in the log
    failed_checks_added: int = 0
    failed_checks_removed: int = 0
    title: str | None = None
    region: str | None = None
    source_sha256: str | None = None


@dataclass(slots=True)
class NewlyFailedCheck:
    """A check a build found failing that did not fail (or did not exist) in the previous published build."""

    doc_id: str
    build: int
    seq: int  # the check's seq in the document at that build
    built_at: str
    check: str
    severity: str
    table_id: str | None
    source_line: int | None
    message: str
    source_file: str | None = None


@dataclass(slots=True)
class Statement:
    """A figure the narrative (情况说明) states: `subject` is one of narrative.SUBJECTS."""

    subject: str
    amount: Decimal  # 万元
    printed: str  # the number as printed
    unit: str  # 万元 | 元, as printed after the number
    sentence: str
    source_line: int
    change: str | None = None  # 增加 | 减少 when the figure is a change on the previous year
    source_file: str | None = None
    scope: str | None = None  # the unit a section of the narrative speaks of (as printed); None: the document


@dataclass(slots=True)
class DocumentResult:
    """Everything read from one disclosure."""

    document: Document
    units: list[Unit] = field(default_factory=list)
    tables: list[BudgetTable] = field(default_factory=list)
    facts: list[BudgetFact] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    goals: list[PerformanceGoal] = field(default_factory=list)
    indicators: list[PerformanceIndicator] = field(default_factory=list)
    glossary: list[GlossaryTerm] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    unparsed: list[UnparsedLine] = field(default_factory=list)
    headline: list[HeadlineFigure] = field(default_factory=list)  # picked with the checks (pipeline.headline)
    # not published, read by the checks: each table's column identities (total path, part paths) and the
    # figures the narrative (情况说明) states
    column_identities: dict[str, list[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    # not published: the page of each line of each PDF source ({file: pages}, pages[i] the page of line
    # i + 1), so that records made after reading (checks, a joined document's) get their page too
    line_pages: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # not published: the box of each line a record cites ({file: {line: "x0,top,x1,bottom"}}, the union of
    # its cells), so that checks made after reading get their box too
    line_boxes: dict[str, dict[int, str]] = field(default_factory=dict)
