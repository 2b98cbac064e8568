"""Every published field and resource, described once.

The Table Schemas of the data packages, the columns of the SQLite database, the Datasette metadata and
the data dictionary page are all rendered from this module; nothing else names a column's type, unit or
meaning.

API (import what you need; everything is read-only data):

- ``RESOURCES: dict[str, Resource]`` — every resource of the data model, in publishing order (the order
  of ``pipeline.output.RESOURCES``).
- ``Resource``: ``name``, ``title_zh``, ``title_en``, ``description``, ``fields: list[Field]`` (in CSV
  column order, the field order of the record dataclass), ``primary_key: tuple[str, ...]``,
  ``foreign_keys: tuple[ForeignKey, ...]``, ``record`` (the dataclass of ``pipeline.records``);
  ``field(name)``, ``field_names``, ``table_schema()`` (a Frictionless Table Schema as a dict) and
  ``values(record)`` (the typed cell values of one record, ``""`` read as None).
- ``Field``: ``name``, ``type`` (Table Schema type: string | integer | number | boolean), ``title_zh``,
  ``title_en``, ``description``, ``unit`` (e.g. ``万元``, or None), ``required``, ``enum``, ``pattern``,
  ``minimum``, ``maximum``; ``heading`` (the Chinese column heading with its unit: ``金额（万元）``),
  ``unit_words`` (``万元 (ten thousand yuan)``), ``full_description`` (the description and the unit in
  words) and ``table_schema()``.
- ``ForeignKey``: ``fields``, ``resource``, ``reference`` (the referenced resource's fields).
- ``DATASET``: the title, description and licence shared by every package and the database.

Amounts are exact decimals in 万元 (type number); codes are strings with a pattern (they keep their
leading digits). An empty string and a missing value are the same thing in the published data (CSV
cannot tell them apart): ``Resource.values`` turns ``""`` into None for every output.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import fields as dataclass_fields

from . import records as r
from .headline import NAMES as HEADLINE_MEASURES
from .performance import DIRECTIONS
from .tables.kinds import KINDS
from .vocabulary import FUNDS, WAN_PER_UNIT

STATUSES = ("ok", "partial", "failed", "not_a_disclosure", "no_text_layer")

UNITS = {
    "万元": "ten thousand yuan",
    "分": "points of the indicator's weight",
}

DATASET = {
    "title": "预算 yusuan: Chinese public budget disclosures as open data",
    "description": (
        "Every amount printed in the standard tables of Chinese public budget disclosures (部门预算, 单位预算, "
        "项目绩效目标表) as one exact fact in 万元, with its table, row label, column, classification codes and "
        "the line it was printed on; the performance goals and indicators, the 名词解释 glossary, the accounting "
        "checks run on every document and every line that could not be read. The figures are those of the "
        "publishing bodies; cite them as the source."
    ),
    "license": {
        "name": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0 International",
        "path": "https://creativecommons.org/licenses/by/4.0/",
    },
}

CODE_PATTERN = r"^\d{3}(\d{2}){0,2}$"  # 类 201, 款 20138, 项 2013808


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema type: string | integer | number | boolean
    title_zh: str
    title_en: str
    description: str
    unit: str | None = None  # a key of UNITS
    required: bool = False
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None

    @property
    def heading(self) -> str:
        """The Chinese column heading, with the unit where there is one: 金额（万元）."""
        return f"{self.title_zh}（{self.unit}）" if self.unit else self.title_zh

    @property
    def unit_words(self) -> str | None:
        return f"{self.unit} ({UNITS[self.unit]})" if self.unit else None

    @property
    def full_description(self) -> str:
        return f"{self.description} Unit: {self.unit_words}." if self.unit else self.description

    def constraints(self) -> dict:
        out: dict = {}
        if self.required:
            out["required"] = True
        if self.enum:
            out["enum"] = list(self.enum)
        if self.pattern:
            out["pattern"] = self.pattern
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out

    def table_schema(self) -> dict:
        """The field's Table Schema descriptor (Frictionless): the Chinese heading (with its unit) as the
        title; the English title leads the description, which ends with the unit in words."""
        out: dict = {
            "name": self.name,
            "type": self.type,
            "title": self.heading,
            "description": f"{self.title_en}. {self.full_description}",
        }
        if self.type == "boolean":
            out["trueValues"] = ["true"]
            out["falseValues"] = ["false"]
        constraints = self.constraints()
        if constraints:
            out["constraints"] = constraints
        return out

    def with_(self, **changes) -> Field:
        """The same field with some attributes changed (a shared field whose meaning narrows in one
        resource, e.g. required there)."""
        values = {f.name: getattr(self, f.name) for f in dataclass_fields(self)}
        values.update(changes)
        return Field(**values)


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]

    def table_schema(self) -> dict:
        return {"fields": list(self.fields), "reference": {"resource": self.resource, "fields": list(self.reference)}}


@dataclass(frozen=True, eq=False)
class Resource:
    name: str
    title_zh: str
    title_en: str
    description: str
    record: type
    fields: list[Field]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}; its fields: {', '.join(self.field_names)}")

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def table_schema(self) -> dict:
        return {
            "fields": [f.table_schema() for f in self.fields],
            "primaryKey": list(self.primary_key),
            "foreignKeys": [fk.table_schema() for fk in self.foreign_keys],
            "missingValues": [""],
        }

    def values(self, record) -> tuple:
        """The cells of one record in column order, typed: str, int, Decimal, bool or None ("" is None)."""
        return tuple(None if (v := getattr(record, name)) == "" else v for name in self.field_names)


# ------------------------------------------------------------------------------------ shared fields

DOC_ID = Field(
    "doc_id", "string", "文件标识", "Document id",
    "A stable slug for one disclosure: from disclosures/catalog.yml where the catalog names it, otherwise "
    "derived from the document's own text (admin level, fiscal year, kind and a hash of region, publisher, "
    "year and kind). Stable across rebuilds.",
    required=True, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
)
TABLE_ID = Field(
    "table_id", "string", "表标识", "Table id",
    "The table's position in the document (t01, t02, …), stable for the same document; see budget_tables.",
    required=True, pattern=r"^t\d{2,}$",
)
OPTIONAL_TABLE_ID = TABLE_ID.with_(
    required=False,
    description="The table concerned (t01, t02, …; see budget_tables); empty when it concerns no one table.",
)
# 查看原文: where the site shows the place a record was printed, under the site's root (pipeline/site/printed.py);
# source_sha256 is that of the record's source_file (documents.source_sha256), source_bbox with "-" for ","
PRINTED_PLACES = {
    "page_image": "pages/{source_sha256}/{source_page}.png",
    "page_view": "pages/{source_sha256}/{source_page}.html#b-{source_bbox}",
    "text_view": "sources/{source_sha256}.html#L{source_line}",
}
PRINTED_PLACES_NOTE = (
    "On the site (查看原文), a PDF page is an image at pages/<source_sha256>/<source_page>.png under the site's "
    "root, and pages/<source_sha256>/<source_page>.html#b-<source_bbox, commas as hyphens> shows it with the "
    "cell outlined; a text file is sources/<source_sha256>.html#L<source_line>, the line highlighted "
    "(source_sha256: that of the record's source_file in documents)."
)
SOURCE_LINE = Field(
    "source_line", "integer", "行号", "Source line",
    "The 1-based line number in the input text file, counting \\n line breaks only (as editors, sed -n 'Np' "
    "and grep -n do). For a PDF input, the line in the extracted text.",
    required=True, minimum=1,
)
SOURCE_PAGE = Field(
    "source_page", "integer", "页码", "Source page",
    "PDF inputs: the 1-based page of the source line. Empty for text inputs. On the site the page is an image "
    "at pages/<source_sha256>/<source_page>.png (see documents.source_sha256).",
    minimum=1,
)
BBOX_PATTERN = r"^-?\d+\.\d{2}(,-?\d+\.\d{2}){3}$"
SOURCE_BBOX = Field(
    "source_bbox", "string", "页面位置", "Source box",
    "PDF inputs: where on source_page the line was printed, as x0,top,x1,bottom in PDF points (1/72 inch, "
    "2 decimals) measured from the page's top left corner (pdfplumber's coordinates): the union of the "
    "line's cells (a table row) or its paragraph's box (text outside tables). Empty for text inputs.",
    pattern=BBOX_PATTERN,
)
OCR_CONFIDENCE = Field(
    "ocr_confidence", "number", "识别置信度", "OCR confidence",
    "Pages without a text layer, read by OCR: the recognition engine's confidence (0 to 1, 3 decimals) for "
    "the cell the amount was read from. Empty when the amount was read from the PDF's text layer or a text "
    "file.",
    minimum=0, maximum=1,
)
SOURCE_FILE = Field(
    "source_file", "string", "源文件", "Source file",
    "The input file the source line counts in (no folder): one of the document's source_file, which lists "
    "several when the disclosure is published as several files (情况说明 and 报表 apart).",
    required=True,
)
FILES_SEPARATOR = "; "  # documents.source_file / source_sha256 of a disclosure published as several files
UNIT_CODE = Field(
    "unit_code", "string", "单位代码", "Unit code",
    "The budget unit's code as printed (e.g. 332901); a 3-digit code (332) is a department.",
    pattern=r"^\d+$",
)
UNIT_NAME = Field("unit_name", "string", "单位名称", "Unit name", "The budget unit's name as printed.")
FUNCTION_CODE = Field(
    "function_code", "string", "功能分类科目编码", "Function code",
    "支出功能分类 code (类/款/项) as printed, joined without separators: 201, 20138, 2013808. Tables that "
    "print 类, 款 and 项 in separate columns give 201 + 38 + 08 = 2013808.",
    pattern=CODE_PATTERN,
)
ECONOMIC_CODE = Field(
    "economic_code", "string", "经济分类科目编码", "Economic code",
    "支出经济分类 code (类/款/项) as printed, joined without separators: 301, 30101, 3010201.",
    pattern=CODE_PATTERN,
)
AMOUNT = Field(
    "amount", "number", "金额", "Amount",
    "The amount as an exact decimal (an amount printed in 元 is converted exactly: 96,282,213.44 元 → "
    "9628.221344 万元).",
    unit="万元",
)
PRINTED = Field(
    "printed", "string", "原文数字", "Printed number",
    "The number exactly as printed, e.g. 96,282,213.44 (in the table's own unit, see budget_tables.amount_unit).",
)
AMOUNT_UNIT = Field(
    "amount_unit", "string", "金额单位", "Amount unit",
    "The unit the amounts are printed in (金额单位：万元 / 单位：元). Published amounts are always in 万元.",
    enum=tuple(WAN_PER_UNIT),
)
SEQ = Field(
    "seq", "integer", "序号", "Sequence number",
    "The row's 1-based position in the document.",
    required=True, minimum=1,
)


def _doc_fk() -> ForeignKey:
    return ForeignKey(("doc_id",), "documents", ("doc_id",))


def _table_fk() -> ForeignKey:
    return ForeignKey(("doc_id", "table_id"), "budget_tables", ("doc_id", "table_id"))


# ---------------------------------------------------------------------------------------- resources

_RESOURCES = [
    Resource(
        "documents", "文件", "Documents",
        "One row per disclosure: what it is, who publishes it, where it came from and how well it was read.",
        r.Document,
        [
            DOC_ID,
            Field("title", "string", "标题", "Title", "The document's title as printed (or as catalogued)."),
            Field("publisher", "string", "发布单位", "Publisher",
                  "The unit or department that publishes the disclosure."),
            Field("supervisor", "string", "主管部门", "Supervising department",
                  "The supervising department (主管部门), where printed."),
            Field("region", "string", "地区", "Region",
                  "The administrative region as printed: 四川省, 深圳市, 南通市, or a chain such as 四川省成都市."),
            Field("admin_level", "string", "行政层级", "Administrative level",
                  "The lowest level of the region: province (省, 自治区 and the municipalities 北京/天津/上海/重庆), "
                  "city (市, 州, 盟, 地区) or county (区, 县, 旗).",
                  enum=("province", "city", "county")),
            Field("fiscal_year", "integer", "预算年度", "Fiscal year", "The budget year the disclosure covers.",
                  minimum=1949, maximum=2100),
            Field("kind", "string", "文件类型", "Document kind",
                  "The kind of disclosure: 部门预算, 单位预算, 项目绩效目标, 整体绩效目标 (and 部门决算, 单位决算).",
                  enum=("部门预算", "单位预算", "项目绩效目标", "整体绩效目标", "部门决算", "单位决算")),
            AMOUNT_UNIT.with_(description="The unit most of the document's tables print amounts in. "
                                          "Published amounts are always in 万元."),
            Field("source_file", "string", "源文件", "Source file",
                  "The input file's name (no folder). A disclosure published as several files (情况说明 and "
                  "报表 apart) lists each, in reading order, separated by '; '; every record's own "
                  "source_file says which one it was read from.",
                  required=True),
            Field("source_sha256", "string", "源文件SHA-256", "Source SHA-256",
                  "The SHA-256 of the input file's bytes (hex), to tell which text the facts were read from; "
                  "one per file of source_file, in the same order, separated by '; '. " + PRINTED_PLACES_NOTE,
                  required=True, pattern=r"^[0-9a-f]{64}(; [0-9a-f]{64})*$"),
            Field("source_url", "string", "来源网址", "Source URL",
                  "Where the disclosure was published, if known."),
            Field("status", "string", "读取状态", "Read status",
                  "ok: every table region was read; partial: some lines are listed in unparsed_lines, or the "
                  "file prints the narrative without its tables; failed: a budget disclosure in which no "
                  "standard table was found; not_a_disclosure: the file is no budget disclosure (a notice, a "
                  "report), no facts are published; no_text_layer: a scanned PDF without text (needs OCR).",
                  required=True, enum=STATUSES),
            Field("status_reason", "string", "状态说明", "Status reason",
                  "Why the status is not ok, in words (e.g. the kind of file that is no disclosure)."),
            Field("tables_found", "integer", "找到的表数", "Tables found",
                  "Tables of the standard set found in the body (parsed, empty or unparsed).",
                  required=True, minimum=0),
            Field("tables_missing", "integer", "缺失的表数", "Tables missing",
                  "Tables listed in the contents (目录) but absent from the body.", required=True, minimum=0),
            Field("facts_confirmed", "integer", "已核对数据数", "Facts confirmed",
                  "Facts (budget_facts rows) that take part in at least one passing check.",
                  required=True, minimum=0),
            Field("facts_confirmed_share", "number", "已核对数据占比", "Share of facts confirmed",
                  "facts_confirmed / the document's facts, 4 decimals (0 to 1); empty when the document has no "
                  "facts.",
                  minimum=0, maximum=1),
            Field("pipeline_version", "string", "程序版本", "Pipeline version",
                  "The version of yusuan that built the row.", required=True),
            Field("department_type", "string", "部门类型", "Department type",
                  "What kind of department publishes it (信访, 统计, 气象 …), read from the publisher's name, "
                  "for comparisons across cities."),
        ],
        primary_key=("doc_id",),
    ),
    Resource(
        "units", "预算单位", "Budget units",
        "The budget units named in a disclosure: a department's disclosure lists several.",
        r.Unit,
        [DOC_ID, UNIT_CODE, UNIT_NAME.with_(required=True)],
        primary_key=("doc_id", "unit_code", "unit_name"),
        foreign_keys=(_doc_fk(),),
    ),
    Resource(
        "budget_tables", "预算表", "Budget tables",
        "One row per table of the standard set, found or not.",
        r.BudgetTable,
        [
            DOC_ID,
            TABLE_ID,
            Field("kind", "string", "表类型", "Table kind",
                  "The table's kind, recognised by its title's key words and its columns: "
                  + "; ".join(f"{k.kind} = {k.name}" for k in KINDS) + ".",
                  required=True, enum=tuple(k.kind for k in KINDS)),
            Field("number", "string", "表号", "Table number", "The table's number as printed: 公开表1-2, 表三, 表 3 …"),
            Field("title", "string", "表名", "Table title", "The table's title as printed.", required=True),
            Field("status", "string", "读取状态", "Read status",
                  "parsed; empty: the document says it has no data; missing: listed in the contents but absent "
                  "from the body; unparsed: found but no amount could be placed (its lines are in unparsed_lines).",
                  required=True, enum=("parsed", "empty", "missing", "unparsed")),
            AMOUNT_UNIT.with_(description="The unit the table prints its amounts in (金额单位：万元 / 单位：元); "
                                          "published amounts are converted to 万元. Empty for a missing table."),
            Field("line_start", "integer", "起始行", "First line",
                  "The line of the table's title (for a missing table: its line in the contents).", minimum=1),
            Field("line_end", "integer", "结束行", "Last line", "The table's last line.", minimum=1),
            SOURCE_FILE.with_(description="The input file the table is printed in (its lines count there)."),
        ],
        primary_key=("doc_id", "table_id"),
        foreign_keys=(_doc_fk(),),
    ),
    Resource(
        "budget_facts", "预算数据", "Budget facts",
        "One row per amount printed in a table: every number printed in a table appears exactly once. A total "
        "row is a fact like any other (its item says 合计 / 本年收入合计 / 收入总计 …).",
        r.BudgetFact,
        [
            DOC_ID,
            SEQ.with_(description="The fact's 1-based position in the document, in reading order (table by "
                                  "table, row by row, column by column). With doc_id, the primary key."),
            TABLE_ID,
            Field("row", "integer", "行序", "Row",
                  "The row's order within the table (the facts of one printed row share it).",
                  required=True, minimum=1),
            UNIT_CODE,
            UNIT_NAME.with_(description="The budget unit the row belongs to, where the table says."),
            Field("item", "string", "项目", "Item",
                  "The row label as printed (科目名称, 项目名称, 合计 …); empty when the row prints none."),
            FUNCTION_CODE,
            ECONOMIC_CODE,
            Field("side", "string", "收支", "Side",
                  "收入 or 支出: the side of a two-sided summary table (收支总表); empty elsewhere.",
                  enum=("收入", "支出")),
            Field("measure", "string", "栏目", "Measure",
                  "The column as printed (its own label): 合计, 基本支出, 项目支出, 上年结转, 一般公共预算拨款收入, "
                  "人员经费, 公用经费, 当年财政拨款安排, 2022年预算数 …",
                  required=True),
            Field("fund", "string", "资金性质", "Fund",
                  "The fund the column (or the one-fund table) covers, where it says.",
                  enum=tuple(name for name, _ in FUNDS)),
            AMOUNT.with_(required=True),
            PRINTED.with_(required=True),
            SOURCE_LINE,
            Field("column_path", "string", "栏目路径", "Column path",
                  "The column's header path from the top header row down to the column's own label, joined by "
                  "/: 当年财政拨款安排/一般公共预算拨款/基本支出.",
                  required=True),
            Field("fiscal_year", "integer", "数据年度", "Fiscal year",
                  "The year the number is for: the year its column or row names (2025年预算数, 上年预算数, a row "
                  "2025 年), else the document's budget year.",
                  minimum=1949, maximum=2100),
            SOURCE_PAGE,
            SOURCE_BBOX.with_(description=(
                "PDF inputs: where on source_page the amount was printed, the box of its cell, as x0,top,x1,"
                "bottom in PDF points (1/72 inch, 2 decimals) measured from the page's top left corner "
                "(pdfplumber's coordinates; a merged cell's whole box). The cell is the one of the line whose "
                "text is the printed number; where a line prints the same number in several cells, the "
                "line's facts of that number take those cells in column order. Where no cell prints it, "
                "the union of the line's cells. Empty for text inputs.")),
            OCR_CONFIDENCE,
            Field("ocr_uncertain", "boolean", "识别存疑", "OCR uncertain",
                  "Amounts read by OCR: true when read with a confidence below 0.9 (pipeline/ocr_guard.py) or "
                  "when the amount takes part in a check that fails; the amount is published as read, never "
                  "corrected. Empty when not read by OCR."),
            SOURCE_FILE,
        ],
        primary_key=("doc_id", "seq"),
        foreign_keys=(_doc_fk(), _table_fk()),
    ),
    Resource(
        "projects", "项目", "Projects",
        "The rows of the project expenditure table (项目支出预算表): one row per project.",
        r.Project,
        [
            DOC_ID,
            SEQ.with_(description="The project's 1-based position in the document, in reading order. With doc_id, "
                                  "the primary key (two projects may share a line: a layout that prints a whole "
                                  "table on one line)."),
            TABLE_ID,
            UNIT_CODE,
            UNIT_NAME.with_(description="The budget unit the project belongs to, where the table says: a 单位名称 "
                                        "column, or the unit's row it is printed under."),
            FUNCTION_CODE,
            Field("name", "string", "项目名称", "Project name",
                  "The project's name as printed, without the cells printed beside it: its 序号, its category "
                  "(其他运转类, 特定目标类) or its unit.", required=True),
            AMOUNT.with_(description="The project's amount: the row's total column (合计 / 总计), or its only "
                                     "amount column."),
            PRINTED,
            SOURCE_LINE,
            SOURCE_PAGE,
            SOURCE_BBOX,
            SOURCE_FILE,
        ],
        primary_key=("doc_id", "seq"),
        foreign_keys=(_doc_fk(), _table_fk()),
    ),
    Resource(
        "performance_goals", "绩效目标", "Performance goals",
        "One row per project (or the whole unit) in a performance goal table (绩效目标表).",
        r.PerformanceGoal,
        [
            DOC_ID,
            Field("goal_id", "string", "目标标识", "Goal id",
                  "The goal's id in the document: its table and its order there (t13-g01).",
                  required=True, pattern=r"^t\d{2,}-g\d{2,}$"),
            TABLE_ID.with_(description="The performance table the goal is printed in; see budget_tables."),
            UNIT_NAME.with_(description="The unit (实施单位 / 单位名称) as printed."),
            Field("project", "string", "项目名称", "Project",
                  "The project's name as printed; empty for a unit's overall goals (整体支出绩效目标)."),
            AMOUNT.with_(description="The project's (or unit's) funds as printed in the goal table."),
            Field("annual_goal", "string", "年度目标", "Annual goal", "The annual goal (年度绩效目标) text."),
            Field("medium_term_goal", "string", "中长期目标", "Medium-term goal",
                  "The medium-term goal (中长期目标) text, where printed."),
            SOURCE_LINE.with_(description="The line where the goal's row or form starts."),
            SOURCE_PAGE,
            SOURCE_BBOX,
            SOURCE_FILE,
        ],
        primary_key=("doc_id", "goal_id"),
        foreign_keys=(_doc_fk(), _table_fk()),
    ),
    Resource(
        "performance_indicators", "绩效指标", "Performance indicators",
        "One row per indicator (三级指标) of a performance goal.",
        r.PerformanceIndicator,
        [
            DOC_ID,
            Field("goal_id", "string", "目标标识", "Goal id", "The goal the indicator belongs to; see performance_goals.",
                  required=True, pattern=r"^t\d{2,}-g\d{2,}$"),
            SEQ.with_(description="The indicator's 1-based position in its table."),
            Field("level1", "string", "一级指标", "Level 1", "一级指标 as printed: 产出指标, 效益指标, 满意度指标 …"),
            Field("level2", "string", "二级指标", "Level 2", "二级指标 as printed: 数量指标, 质量指标, 时效指标 …"),
            Field("name", "string", "三级指标", "Indicator", "三级指标: the indicator's name as printed.",
                  required=True),
            Field("operator", "string", "指标性质", "Operator",
                  "How the target compares: ≥ ≤ = > <, or 定性 for a qualitative target.",
                  enum=("≥", "≤", "=", ">", "<", "定性")),
            Field("target", "string", "指标值", "Target", "The target as printed (100%, ≥95%, 充分 …)."),
            Field("target_value", "number", "指标数值", "Target value",
                  "The target's number where the target is numeric (in target_unit)."),
            Field("target_unit", "string", "度量单位", "Target unit", "The target's unit as printed (%, 个, 次 …)."),
            Field("weight", "number", "权重", "Weight", "The indicator's weight (分值), where printed.",
                  unit="分", minimum=0),
            Field("direction", "string", "指标方向", "Direction", "正向指标 or 反向指标, where printed.",
                  enum=tuple(sorted(DIRECTIONS))),
            Field("half_year_target", "string", "半年目标", "Half-year target",
                  "The half-year target (半年度指标值), where printed."),
            SOURCE_LINE,
            SOURCE_PAGE,
            SOURCE_BBOX,
            SOURCE_FILE,
        ],
        primary_key=("doc_id", "goal_id", "seq"),
        foreign_keys=(_doc_fk(), ForeignKey(("doc_id", "goal_id"), "performance_goals", ("doc_id", "goal_id"))),
    ),
    Resource(
        "glossary", "名词解释", "Glossary",
        "The 名词解释 of each disclosure: the terms it defines, in order.",
        r.GlossaryTerm,
        [
            DOC_ID,
            SEQ.with_(description="The term's 1-based position in the document's 名词解释."),
            Field("term", "string", "名词", "Term", "The term as printed.", required=True),
            Field("definition", "string", "解释", "Definition", "The definition as printed.", required=True),
            SOURCE_LINE,
            FUNCTION_CODE.with_(description="Where the term names a classification (X（类）Y（款）Z（项）): its "
                                            "支出功能分类 code, when the document's own tables resolve it."),
            SOURCE_PAGE,
            SOURCE_BBOX,
            SOURCE_FILE,
        ],
        primary_key=("doc_id", "seq"),
        foreign_keys=(_doc_fk(),),
    ),
    Resource(
        "checks", "核对", "Checks",
        "Every validation rule applied to every document: the accounting identities a budget must satisfy, "
        "within a table, across tables and against the text. A check that fails is published, not hidden.",
        r.Check,
        [
            DOC_ID,
            SEQ.with_(description="The check's 1-based position in the document, in the order the rules ran."),
            Field("check", "string", "规则", "Rule", "The rule's stable id (kebab-case, named after the failure it "
                  "detects).", required=True, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
            OPTIONAL_TABLE_ID,
            Field("passed", "boolean", "通过", "Passed",
                  "true when the difference is within the document's rounding tolerance.", required=True),
            Field("severity", "string", "级别", "Severity",
                  "error: the arithmetic of the tables; warning: figures restated elsewhere (text, other tables).",
                  required=True, enum=("error", "warning")),
            Field("expected", "number", "应为", "Expected", "The value the rule computes (e.g. the sum of the parts).",
                  unit="万元"),
            Field("actual", "number", "实际", "Actual", "The value printed (e.g. the total).", unit="万元"),
            Field("difference", "number", "差额", "Difference", "actual − expected.", unit="万元"),
            SOURCE_LINE.with_(required=False,
                              description="The line of the figure or sentence checked (see source_line elsewhere)."),
            Field("message", "string", "说明", "Message",
                  "What was compared and where, with both figures. A failing check in which one amount read by "
                  "OCR with low confidence would hold if exactly one of its digits were another (and no other "
                  "single-digit change would do) says so: 'if 1,234.56 were 1,284.56 …'; the amount is "
                  "published as read.",
                  required=True),
            SOURCE_PAGE,
            SOURCE_BBOX.with_(description=(
                "PDF inputs: where on source_page the figure checked was printed, x0,top,x1,bottom in PDF "
                "points: the cell of the printed total the check compares (its fact's source_bbox), else the "
                "box of the line it cites. Empty for text inputs.")),
            SOURCE_FILE,
        ],
        primary_key=("doc_id", "seq"),
        foreign_keys=(_doc_fk(),),
    ),
    Resource(
        "unparsed_lines", "未解析行", "Unparsed lines",
        "What could not be read: a table region's lines are either parsed or listed here, with the reason. "
        "Nothing is dropped silently.",
        r.UnparsedLine,
        [
            DOC_ID,
            SEQ.with_(description="The row's 1-based position in the document, in line order."),
            OPTIONAL_TABLE_ID.with_(description="The table the line is in; empty outside tables (e.g. the glossary)."),
            SOURCE_LINE,
            Field("text", "string", "原文", "Text", "The line (or the row's cells) as printed.", required=True),
            Field("reason", "string", "原因", "Reason", "Why the line could not be read.", required=True),
            SOURCE_PAGE,
            SOURCE_BBOX,
            SOURCE_FILE,
        ],
        primary_key=("doc_id", "seq"),
        foreign_keys=(_doc_fk(),),
    ),
    Resource(
        "headline_figures", "主要数字", "Headline figures",
        "The figures people compare, one row per document and measure (收入总计, 支出总计, 基本支出, 项目支出, "
        "人员经费, 公用经费, 三公经费 and its parts, 机关运行经费 …), each a printed fact picked by one rule "
        "(pipeline/headline.py) that the site and the database use too. A measure the document does not print "
        "has no row.",
        r.HeadlineFigure,
        [
            DOC_ID,
            Field("measure", "string", "指标", "Measure", "The figure: " + "、".join(HEADLINE_MEASURES) + ".",
                  required=True, enum=HEADLINE_MEASURES),
            AMOUNT.with_(required=True),
            PRINTED.with_(required=True, description="The number exactly as printed (in the table's own unit; "
                                                     "for a statement of the 情况说明, with the unit it names)."),
            Field("fund", "string", "资金性质", "Fund",
                  "The one fund the figure's table covers (一般公共预算 where the document prints no table of every "
                  "fund, e.g. 基本支出 of the 一般公共预算支出表); empty when the table covers every fund.",
                  enum=tuple(name for name, _ in FUNDS)),
            OPTIONAL_TABLE_ID.with_(description="The table the figure is printed in (see budget_tables); empty "
                                                "when only the 情况说明 states it."),
            Field("fact_seq", "integer", "数据序号", "Fact",
                  "The budget_facts row (seq, with doc_id) the figure is; empty for a statement of the 情况说明.",
                  minimum=1),
            SOURCE_LINE,
            SOURCE_PAGE,
            SOURCE_BBOX.with_(description=(
                "PDF inputs: where on source_page the figure was printed: its fact's source_bbox (the cell), "
                "for a statement of the 情况说明 its paragraph's box; x0,top,x1,bottom in PDF points. Empty "
                "for text inputs.")),
            OCR_CONFIDENCE.with_(description="Where OCR read the figure: its fact's ocr_confidence (0 to 1)."),
            SOURCE_FILE.with_(required=False),
        ],
        primary_key=("doc_id", "measure"),
        foreign_keys=(_doc_fk(),),
    ),
]

# ------------------------------------------------------------------------------- the build's log

BUILT_AT = Field(
    "built_at", "string", "构建时间", "Built at",
    "When the build that made the change ran, in UTC (ISO 8601, 2025-01-31T08:00:00Z): SOURCE_DATE_EPOCH where "
    "it is set (reproducible builds), else the build's clock.",
    required=True, pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
)
BUILD = Field(
    "build", "integer", "构建序号", "Build",
    "The build's number in the log: 1 for the first build that recorded a change, then one more for each build "
    "that records one (two builds with the same built_at stay apart).",
    required=True, minimum=1,
)


def _count(name: str, title_zh: str, title_en: str, description: str) -> Field:
    return Field(name, "integer", title_zh, title_en, description, required=True, minimum=0)


# Resources of the build's log, not of one document's reading: the rows of a withdrawn document stay, so
# they have no foreign key to `documents`. A document's package holds its own rows, all/ every row.
LOG_RESOURCES = ("changes", "newly_failed_checks")

_RESOURCES += [
    Resource(
        "changes", "更新记录", "Changes",
        "What each build changed against the previous published build, one row per document it changed: new "
        "(first published), updated (its facts, compared by their identity and amount, its failed checks or its "
        "source file changed) or withdrawn (its source is gone). Cumulative: earlier builds' rows are kept. A "
        "document that fails a build keeps its last good package and gets no row.",
        r.Change,
        [
            DOC_ID.with_(description="The document changed (see documents; a withdrawn document's rows stay)."),
            Field("change", "string", "变化", "Change",
                  "new: published for the first time (or again after being withdrawn); updated: published before, "
                  "and its facts, failed checks or source file changed; withdrawn: its source is gone, so its "
                  "package was removed.",
                  required=True, enum=("new", "updated", "withdrawn")),
            _count("facts_added", "新增数字", "Facts added",
                   "Facts (budget_facts rows) with an identity the previous package did not have. A fact's "
                   "identity is its table, unit, item, codes, side, column, fund and year (and its order among "
                   "facts alike in all of these), not its line or seq: a row printed above does not change it."),
            _count("facts_removed", "删除数字", "Facts removed",
                   "Facts of the previous package whose identity is gone (all of them for a withdrawn document)."),
            _count("facts_changed", "改动数字", "Facts changed",
                   "Facts of the same identity whose amount changed."),
            BUILT_AT,
            BUILD,
            _count("failed_checks_added", "新未通过校验", "Failed checks added",
                   "Checks that fail in this build and did not fail (or did not exist) in the previous published "
                   "build: the rows of newly_failed_checks of this document and build."),
            _count("failed_checks_removed", "不再未通过校验", "Failed checks removed",
                   "Checks that failed in the previous published build and no longer fail (or no longer exist)."),
            Field("title", "string", "标题", "Title", "The document's title at that build (see documents)."),
            Field("region", "string", "地区", "Region", "The document's region at that build, as printed."),
            Field("source_sha256", "string", "源文件SHA-256", "Source SHA-256",
                  "The document's source_sha256 at that build (for a withdrawn document: of its last package).",
                  pattern=r"^[0-9a-f]{64}(; [0-9a-f]{64})*$"),
        ],
        primary_key=("doc_id", "build"),
    ),
    Resource(
        "newly_failed_checks", "新未通过的校验", "Newly failed checks",
        "Each check a build found failing that did not fail (or did not exist) in the previous published build, "
        "as it was then: what the feeds announce. A check is the same check across builds when its rule, table, "
        "file and what it compares are (its message before the figures compared, every number in it taken "
        "out: a changed figure or a shifted line does not make a failing check new).",
        r.NewlyFailedCheck,
        [
            DOC_ID.with_(description="The document checked (see documents; a withdrawn document's rows stay)."),
            BUILD.with_(description="The build that found it failing (see changes)."),
            SEQ.with_(description="The check's seq in the document's checks at that build."),
            BUILT_AT.with_(description="When that build ran, in UTC (ISO 8601); see changes.built_at."),
            Field("check", "string", "规则", "Rule", "The rule's stable id (see checks).", required=True,
                  pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
            Field("severity", "string", "级别", "Severity", "error or warning (see checks).", required=True,
                  enum=("error", "warning")),
            OPTIONAL_TABLE_ID,
            SOURCE_LINE.with_(required=False, description="The line of the figure or sentence checked."),
            Field("message", "string", "说明", "Message", "What was compared and where, with both figures, as "
                  "the check said at that build.", required=True),
            SOURCE_FILE.with_(required=False),
        ],
        primary_key=("doc_id", "build", "seq"),
    ),
]

RESOURCES: dict[str, Resource] = {res.name: res for res in _RESOURCES}


def record_field_names(record: type) -> list[str]:
    """The field names of a record dataclass, in order (the CSV column order)."""
    return [f.name for f in dataclass_fields(record)]


def check_descriptions(resources: dict[str, Resource] | None = None) -> list[str]:
    """Mismatches between the descriptions (this module's `RESOURCES` by default) and the record
    dataclasses: empty when every published field is described once, in the record's order, and nothing
    else is described."""
    resources = RESOURCES if resources is None else resources
    problems = []
    for res in resources.values():
        expected = record_field_names(res.record)
        described = res.field_names
        for name in expected:
            if name not in described:
                problems.append(f"{res.name}.{name} has no description in pipeline/fields.py")
        for name in described:
            if name not in expected:
                problems.append(f"{res.name}.{name} is described but {res.record.__name__} has no such field")
        if set(described) == set(expected) and described != expected:
            problems.append(f"{res.name}: fields described in the order {described}, the record's is {expected}")
        if len(set(described)) != len(described):
            problems.append(f"{res.name}: a field is described twice")
        for key in res.primary_key:
            if key not in described:
                problems.append(f"{res.name}: primary key field {key} is not a field")
        for fk in res.foreign_keys:
            target = resources.get(fk.resource)
            if target is None or any(k not in described for k in fk.fields) or tuple(fk.reference) != target.primary_key:
                problems.append(f"{res.name}: foreign key {fk} does not reference a primary key")
        for f in res.fields:
            if not (f.title_zh and f.title_en and f.description):
                problems.append(f"{res.name}.{f.name}: a title or the description is empty")
            if f.unit is not None and f.unit not in UNITS:
                problems.append(f"{res.name}.{f.name}: unit {f.unit} is not in UNITS")
    return problems


__all__ = ["DATASET", "LOG_RESOURCES", "RESOURCES", "UNITS", "Field", "ForeignKey", "Resource", "check_descriptions"]
