"""Performance-target tables (绩效目标表) → `PerformanceGoal` and `PerformanceIndicator` records.

The standard forms are the same everywhere, the extraction tools are not: cells arrive tab-separated
(empty cells sometimes vanish, so cells shift left), space-collapsed on one line, or one character group
per line; rows and cells break over page breaks. Column positions are therefore only a hint. The parser
anchors on what the forms print from closed vocabularies:

* 一级指标 (产出指标, 效益指标, 满意度指标, 成本指标, 决策, 过程) and 二级指标 (数量指标, 社会效益指标,
  项目立项, …) start an indicator row; rows that print neither inherit them from the rows above
  (merged cells). 成本指标 is a 一级指标 when a 二级指标 follows it, otherwise a 二级指标 of the current
  一级指标 (older forms file 成本指标 under 产出指标).
* Two row grammars, chosen by the column header:
  - *split* (Sichuan 公开表6: 指标性质 / 指标值 / 度量单位 / 权重 / 指标方向性): the operator sits in its
    own cell (≥ ≤ = > < 定性, and variants such as ＝ >= \\geq), followed by the value, the unit, the
    weight and the direction. The first operator cell that a well-formed tail follows ends the 三级指标.
    Cells before the 一级指标 are goal cells: the budget amount anchors them (unit and project before
    it, the annual goal after it). A row with a unit code and an amount but no indicator is a
    department/unit summary row.
  - *combined* (Nantong 项目预算绩效目标表, Shenzhen 整体支出绩效目标表: 指标值 / 目标值 cells such as
    `≥90%`, `27 个`, `$\\geq 95\\%$`): the last one or two cells are the targets (半年 / 全年 when the
    header prints both), the cells between the levels and the targets are the 三级指标.
* Key–value form lines (项目名称, 实施单位, 单位名称, 资金总额, 金额合计, 中长期目标, 年度目标, …) fill the
  goal; the 项目资金 / 年度主要任务 breakdowns are read as used lines and not published.
* Continuations: a tab row that prints no indicator continues the goal (a cell left of the 一级指标
  column: the project name when it sits in the first columns, else the annual goal) and the last
  indicator (三级指标, a 定性 target or the unit, by column). In space-collapsed tables an indicator whose
  operator has not appeared yet is open: following lines extend its name until the tail arrives
  (a lone `指标` line start completes a 二级指标 broken as `服务对象满意度` / `指标`). Text lines between
  indicator rows gather into a goal header (blank lines separate its cells: 序号, 单位, 项目) that the
  amount line closes; the lines after the amount are the annual goal.

Rows come as cells with columns (tab-separated, markdown pipe tables, one-line HTML `<tr>` rows) or as
running text (whitespace tokens; LaTeX `$…$` stays one token). In running text a goal and its first
indicator may share a line: the amount is then the first token printed with two decimals (years and
counts in goal texts are not), and everything before it is the project, as cell boundaries are lost.
Unit names lose their code (`332901-四川省…` → `四川省…`); a row with a unit code and an amount but no
indicator is a department/unit summary row (a unit's name then applies to the goals below it). A whole
table printed one cell per line first has its rows rebuilt from the cells (`performance_cells.py`).

Targets: `target` is the printed 指标值 (LaTeX math from the extractor is turned back into what was
printed: `$\\geq 95\\%$` → `≥95%`). In the combined grammar the operator, value and unit come from the
target text: an operator prefix gives the operator (`≤预算金额` → ≤ with no value); a bare quantity
(`27 个`, `100%`) is an exact target, operator `=`; words, and quantities qualified in words
(`1个工作日内`, `4小时内`, `2025年6月30日前`), are `定性` with no value — words are not turned into
operators.

Every non-blank line is either used (title, number, unit note, header, form field, goal or indicator
cell, structure row) or returned as an `UnparsedLine` with the reason.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from pipeline.amounts import is_amount, parse_amount, to_wan
from pipeline.privacy import mask_optional, mask_personal_data
from pipeline.records import PerformanceGoal, PerformanceIndicator, UnparsedLine
from pipeline.text.layout import is_page_number, unwrapped
from pipeline.text.lines import Line, match_key, strip_markup
from pipeline.vocabulary import EMPTY_NOTE_RE

# ---------------------------------------------------------------------------------------------------
# Vocabularies (match keys: NFKC, no whitespace)

LEVEL1 = frozenset({"产出指标", "效益指标", "满意度指标", "成本指标", "决策", "过程"})
LEVEL2 = frozenset(
    {
        "数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
        "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "可持续发展指标",
        "服务对象满意度指标", "满意度指标",
        "项目立项", "绩效目标", "资金投入", "资金管理", "组织实施",
        "经济效益", "社会效益", "生态效益", "可持续影响", "服务对象满意度", "经济成本", "社会成本", "生态环境成本",
    }
)  # fmt: skip
# Words that are a 一级指标 in some forms and a 二级指标 in others.
LEVEL1_OR_LEVEL2 = frozenset({"成本指标"})
# Any short "…指标" right after a 一级指标 cell is its 二级指标.
_LEVEL2_SHAPE = re.compile(r"^[\u4e00-\u9fff]{1,10}指标$")

DIRECTIONS = frozenset({"正向指标", "反向指标"})

OPERATORS = {
    "≥": "≥", ">=": "≥", "=>": "≥", "≧": "≥",
    "≤": "≤", "<=": "≤", "=<": "≤", "≦": "≤",
    "=": "=", "==": "=", ">": ">", "<": "<", "定性": "定性",
}  # fmt: skip

HEADER_WORDS = frozenset(
    {
        "序号", "单位名称", "单位", "名称", "项目名称", "项目", "预算数", "预算金额", "年度目标",
        "一级指标", "二级指标", "三级指标", "指标性质", "指标性", "质", "指标值", "目标值",
        "度量单位", "计量单位", "权重", "指标方向性", "指标方向", "年度绩效指标", "备注", "绩效目标指标",
        "绩效指标",
        # 北京 项目支出绩效目标表: 项目总额 | 其中：财政资金 / 其他资金 | 绩效目标 | … | 绩效指标性质 | 绩效度量单位
        "项目总额", "其中", "其中:", "财政资金", "其他资金", "绩效目标", "绩效指标性质", "绩效度量单位",
    }
)  # fmt: skip
# 指标值 columns: 本年绩效指标值 (北京), 实施周期指标值 / 年度指标值 (广州 申报表), 半年（程）指标值
_TARGET_HEADER = re.compile(r"^(?:半年|全年|年度|本年|实施周期)?(?:\(程\))?(?:绩效)?(?:指标值|目标值)$")
_TARGET_HEADER_PART = re.compile(r"^(?:半年|全年|年度)(?:\(程\))?$")  # 半年（程） / 指标值 split by a space
# Header words of one column, by the name the parser asks for (forms word their columns differently).
COLUMN_SYNONYMS = {
    "预算数": ("预算数", "预算金额", "项目总额"), "三级指标": ("三级指标",), "度量单位": ("度量单位", "计量单位", "绩效度量单位"),
    "项目名称": ("项目名称",), "一级指标": ("一级指标",),
}  # fmt: skip
_STRONG_HEADER = ("一级指标", "三级指标", "指标值", "目标值")
ROW_LABELS = frozenset({"绩效指标", "绩效目标指标", "年度绩效指标"})  # a merged first column's label

# Form labels → the goal field they fill ("" = printed but not published; "funds" opens a breakdown).
FORM_LABELS = {
    "项目名称": "project", "专项资金名称": "project", "转移支付名称": "project", "单位名称": "unit", "实施单位": "unit",
    "中长期目标": "medium", "项目实施期目标": "medium", "年度总体目标": "annual", "年度目标": "annual", "总体目标": "annual",
    "项目资金": "funds", "专项资金情况": "funds", "资金情况": "funds", "年度金额": "amount", "年度主要任务": "funds", "预算整体情况": "funds", "年度重点工作任务": "funds",
    "整体绩效目标": "annual", "总体绩效目标": "annual", "其他需完成的任务": "", "资金总额": "amount", "金额合计": "amount",
    "主管部门": "", "市级主管部门": "", "主管部门及代码": "", "年度预算资金": "amount", "年度预算资金总额": "amount",
    "主要政策任务": "", "项目编码": "", "项目类型": "", "项目级次": "", "开始时间": "", "完成时间": "", "项目负责人": "",
    "联系电话": "", "立项必要性": "", "实施可行性": "", "项目实施内容": "", "项目概况": "", "项目期限": "",
}  # fmt: skip

_LABEL_END = re.compile(r"[(/]")  # a form label followed by a qualifier: 项目名称(万元), 资金总额/…
_NUMBERED_LABEL = re.compile(r"^(\D{2,10}?)\d*:")  # a label and its value in one cell: 主要政策任务1：…
_TITLE = re.compile(r"绩效(?:目标)?(?:表|申报表)")
# a form titled by its project (市级机关保留公务用车委托管理费项目绩效目标表), not by its kind
_TITLE_HEAD = re.compile(r"项目绩效(?:目标?)?$")  # the first line of a title broken in two
_TITLE_TAIL = re.compile(r"^(?:目?标)?表$")  # …and its last
_TITLE_PROJECT = re.compile(r"^(.{4,60}?)(?:项目)?(?:支出)?绩效目标(?:表|申报表)$")
_CODED_TITLE = re.compile(r"^\d{3,}_([^_]{2,40})_(.+)$")  # unit code _ unit _ project … 绩效目标表
_GENERIC_TITLE = re.compile(r"政策和项目|部门|单位|整体|预算$|^\d|年度?$|[（(]|表\s*\d|\d\s*表|^(?:重点)?项目(?:支出)?$|专项资金$")
_TABLE_NUMBER = re.compile(r"^(?:公开表|附表|表)[0-9一二三四五六七八九十]+(?:-\d+)?$")
_UNIT_NOTE = re.compile(r"^(?:金额)?单位[:]|金额单位[:]|单位[:](?:万元|元)$")
_YEAR_LINE = re.compile(r"^\d{4}年度?$")
_YEAR_SUBTITLE = re.compile(r"^\(\d{4}年度?\)$")  # （2026年度） under a form's title
_META_LABEL = re.compile(r"^(?:部门|单位|预算单位|编制单位)(?:名称)?[:]?$")
_SPACED_DIGITS = re.compile(r"\d(?: \d){1,3}")  # a page number printed letter-spaced: 2 5
_CODE_AND_UNIT = re.compile(r"^\d{3,}[-_－][^\d\s]{2,40}?(?:万元|元)$")  # 606-湖州市交通运输局 万元 under a title
_META_ROW = re.compile(r"^(?:部门名称|编制单位)[:]?$")  # not 单位名称: a form's field
_NOTE = re.compile(r"^(?:注|备注|说明|说明事项)\d*[:]")
# the heading of the part after the forms (2.有关情况说明, its number displaced by the extractor)
_PART_HEADING = re.compile(r"^(?:\d{1,2}|[一二三四五六七八九十]{1,3})?[.、]?(?:有关|其他)?情况说明$")
_DOUBLED = re.compile(r"(.)\1")  # a title printed in bold as doubled glyphs: 预预算算绩绩效效目目标标表表
_TWO_DECIMALS = re.compile(r"\.\d\d$")
_MONEY = re.compile(r"[.,]\d")  # an amount printed as money (decimals or thousands), not a 序号
_SEQ = re.compile(r"^\d{1,3}$")
_PROJECT_CODE = re.compile(r"^\d{6,}[A-Z]+\d{6,}$")  # a project's code alone on its line: 11000022T00000044
_UNIT_CODE = re.compile(r"^(\d{3,})\s*[-－—–]\s*(\S.*)$", re.S)
_PIPE_SPLIT = re.compile(r"(?<!\\)\|")
_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_HTML_ROW = re.compile(r"<tr\b[^>]*>.*</tr\s*>", re.IGNORECASE)
_HTML_CELL = re.compile(r"<t[dh]\b([^>]*)>(.*?)</t[dh]\s*>", re.IGNORECASE | re.DOTALL)
_COLSPAN = re.compile(r"colspan\s*=\s*[\"']?(\d+)", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]+>")
_TABLE_TAG = re.compile(r"</?(?:table|thead|tbody|tr|th|td)\b[^>]*>", re.IGNORECASE)
_TOKEN = re.compile(r"\$[^$\n]*\$|\S+")  # LaTeX math such as `$\geq 95\%$` is one token
_MATH = re.compile(r"\$([^$]*)\$")
_LATEX = (
    (re.compile(r"\\geq?(?![A-Za-z])"), "≥"),
    (re.compile(r"\\leq?(?![A-Za-z])"), "≤"),
    (re.compile(r"\\gt(?![A-Za-z])"), ">"),
    (re.compile(r"\\lt(?![A-Za-z])"), "<"),
    (re.compile(r"\\%"), "%"),
)
_TARGET = re.compile(
    r"^(?P<op>>=|<=|=>|=<|==|≥|≤|≧|≦|=|>|<)?\s*(?P<num>[-−]?\d[\d,]*(?:\.\d+)?)?\s*(?P<rest>.*)$", re.S
)
_QUANTITY = re.compile(r"^(?:>=|<=|≥|≤|=|>|<)?[-−]?\d[\d,]*(?:\.\d+)?%?$")  # a token of running text
# A quantity qualified in words (…内, …以上, …前) states its comparison in words: 定性.
_QUALIFIED = re.compile(r"(?:内|以上|以下|前|后|左右|起|止)$")

REASON_OPEN_INDICATOR = "indicator row without an operator and target"
REASON_NAMELESS = "indicator row without its name (三级指标): a target alone"
REASON_NO_AMOUNT = "text that is no indicator and heads no goal (no amount line follows it)"
REASON_NO_TARGET = "indicator row without a target"
REASON_NO_GOAL = "continuation text before any goal"
REASON_NO_INDICATOR = "continuation text for an indicator column, but no indicator precedes it"
REASON_MIXED_TEXT = "goal text continued in running text: project and annual goal cannot be told apart"
REASON_COLUMN = "continuation text in a column that holds no text (weight or direction)"


# ---------------------------------------------------------------------------------------------------
# Small pure helpers


def plain_latex(text: str) -> str:
    """LaTeX math from the extractor back to what was printed: `$\\geq 95\\%$` → `≥95%`."""

    def commands(s: str) -> str:
        for pattern, symbol in _LATEX:
            s = pattern.sub(symbol, s)
        return s

    if "\\" not in text and "$" not in text:
        return text
    text = _MATH.sub(lambda m: re.sub(r"\s+", "", commands(m.group(1))), text)
    return commands(text)


@lru_cache(maxsize=65536)  # asked of every cell of every row, and the same few cells recur (≥, 定性, …)
def operator_of(text: str) -> str | None:
    """The normalised operator of an operator cell (≥ ≤ = > < 定性), or None."""
    return OPERATORS.get(match_key(plain_latex(text)))


def number_of(text: str | None) -> Decimal | None:
    if text is None:
        return None
    return parse_amount(unicodedata.normalize("NFKC", text).strip().replace("−", "-"))


def parse_target(text: str) -> tuple[str, Decimal | None, str | None]:
    """Operator, value and unit of a combined target such as `≥800 万页`, `27 个`, `充分`."""
    m = _TARGET.match(unicodedata.normalize("NFKC", plain_latex(text)).strip())
    assert m is not None  # every group is optional
    op = OPERATORS.get(m["op"]) if m["op"] else None
    value = parse_amount(m["num"]) if m["num"] else None
    rest = m["rest"].strip()
    if op is not None:
        return (op, value, rest or None) if value is not None else (op, None, None)
    if value is not None and not re.search(r"\d", rest) and not _QUALIFIED.search(rest):
        return "=", value, rest or None
    return "定性", None, None


def unit_name_of(text: str) -> str:
    """`332901-四川省…中心` → `四川省…中心` (the code is the unit's, not part of its name)."""
    m = _UNIT_CODE.match(text.strip())
    return m.group(2).strip() if m else text.strip()


def is_structural(key: str, text: str) -> bool:
    """A line that is no cell of a row: heading, title, table number, unit note, note, year line, page
    number (a lone number excepted: it may be a 序号 or a weight)."""
    return bool(text.lstrip().startswith("#") or _UNIT_NOTE.search(key) or _TITLE.search(key)
                or _TABLE_NUMBER.match(key) or _NOTE.match(key) or _YEAR_LINE.match(key)
                or is_page_number(text, bare=False))


def is_header_word(key: str) -> bool:
    """A word of a performance table's column header (半年（程）指标值 too)."""
    return key in HEADER_WORDS or bool(_TARGET_HEADER.match(key) or _TARGET_HEADER_PART.match(key))


def is_strong_header(keys: list[str]) -> bool:
    """Header words that only a column header prints together (a form may print 单位名称 as a label)."""
    return len(keys) >= 3 and any(k in _STRONG_HEADER or _TARGET_HEADER.match(k) for k in keys)


def is_level_word(key: str) -> bool:
    """A 一级 or 二级指标 word, wherever it stands."""
    return key in LEVEL1 or is_level2(key, after_level1=False)


def is_level2(key: str, after_level1: bool) -> bool:
    return key in LEVEL2 or (after_level1 and bool(_LEVEL2_SHAPE.match(key)))


# ---------------------------------------------------------------------------------------------------
# Rows of cells


@dataclass(frozen=True, slots=True)
class Cell:
    text: str  # markup removed, surrounding whitespace stripped
    col: int | None  # column index in a tab-separated line; None in a space-separated line
    start: int = 0  # offsets in the row text (space-separated lines)
    end: int = 0
    # match_key(text), computed once: the parser asks for it many times per cell
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", match_key(self.text))


@dataclass(slots=True)
class Row:
    line: Line
    text: str
    cells: list[Cell]
    spaced: bool  # cells are whitespace-separated tokens, not tab-separated columns

    def join(self, cells: list[Cell]) -> str:
        """The text of consecutive cells of this row, as printed."""
        if not cells:
            return ""
        if self.spaced:
            return self.text[cells[0].start : cells[-1].end]
        return "".join(c.text for c in cells)


def to_row(line: Line) -> Row:
    """Cells with their columns (tab, markdown pipe and one-line HTML rows) or whitespace tokens."""
    text, cells, spaced = _row_cells(line.text)
    return Row(line, text, list(cells), spaced)


@lru_cache(maxsize=4096)  # a form repeats many of its lines (about half of a document's): split each once
def _row_cells(printed: str) -> tuple[str, tuple[Cell, ...], bool]:
    """The row text, the cells (immutable, so shared) and whether they are whitespace tokens."""
    pieces = column_pieces(printed)
    if pieces is not None:
        cells = []
        for col, piece in enumerate(pieces):
            text = unwrapped(strip_markup(piece).strip())  # a number its cell wrapped: one number
            if text:
                cells.append(Cell(text, col))
        return printed, tuple(cells), False
    text = strip_markup(printed)
    if "<" in text:  # no tag without one
        text = _TABLE_TAG.sub("", text)
    return text, tuple(Cell(m.group(), None, m.start(), m.end()) for m in _TOKEN.finditer(text)), True


def column_pieces(text: str) -> list[str] | None:
    """The cells of a row whose extractor kept the columns, None for running text."""
    stripped = text.strip()
    if "\t" in text:
        return text.split("\t")
    if stripped.startswith("|") and stripped.count("|") >= 2:
        if _PIPE_SEPARATOR.match(stripped):
            return []
        inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
        return [p.replace("\\|", "|") for p in _PIPE_SPLIT.split(inner)]
    if "<" in stripped and _HTML_ROW.search(stripped):
        pieces: list[str] = []
        for attributes, content in _HTML_CELL.findall(stripped):
            span = _COLSPAN.search(attributes)
            pieces += [html.unescape(_ANY_TAG.sub("", content))] + [""] * (
                int(span.group(1)) - 1 if span else 0
            )
        return pieces
    return None


def read_levels(row: Row, cells: list[Cell], level1: str | None) -> tuple[str | None, str | None, int]:
    """The 一级/二级指标 printed at the start of `cells`, and where the rest begins."""
    first = second = None
    i = 0
    if cells and is_level1_cell(cells, 0, level1):
        first, i = cells[0].text, 1
    if i < len(cells) and is_level2(cells[i].key, after_level1=first is not None):
        second, i = cells[i].text, i + 1
        if i < len(cells) and cells[i].key == "指标" and not match_key(second).endswith("指标"):
            second, i = row.join(cells[i - 1 : i + 1]), i + 1  # 服务对象满意度 / 指标, a broken cell
    return first, second, i


def is_level1_cell(cells: list[Cell], i: int, level1: str | None) -> bool:
    key = cells[i].key
    if key not in LEVEL1:
        return False
    if key not in LEVEL1_OR_LEVEL2:
        return True
    followed_by_level2 = i + 1 < len(cells) and is_level2(cells[i + 1].key, after_level1=True)
    under_other_level1 = level1 is not None and match_key(level1) != key
    return followed_by_level2 or not under_other_level1


@dataclass(slots=True)
class Tail:
    """指标性质 … 指标方向性 of a split row."""

    operator: str
    target: str
    unit: str | None
    weight: Decimal | None
    direction: str | None
    value: Decimal | None = None  # the target's number, where the cell prints more than the number


def parse_tail(cells: list[Cell], row: Row) -> Tail | None:
    """`op target [unit] [weight] [direction]` covering all of `cells`, or None."""
    op = operator_of(cells[0].text)
    rest = list(cells[1:])
    if op == "定性" and [operator_of(c.text) for c in rest] == ["定性"]:
        return Tail(op, rest[0].text.strip(), None, None, None)  # 定性 | 定性: a qualitative target, printed so
    if op is None or not rest or any(operator_of(c.text) for c in rest):
        return None
    direction = rest.pop().text if rest[-1].key in DIRECTIONS else None
    weight = number_of(rest.pop().text) if len(rest) >= 2 and number_of(rest[-1].text) is not None else None
    if not rest:
        return None
    if op == "定性" and row.spaced:  # a worded target may hold spaces: 2025 年 12 月 31 日前
        return Tail(op, plain_latex(row.join(rest)), None, weight, direction)
    target, unit = rest[0], rest[1:]
    if len(unit) > 2:
        return None
    return Tail(op, plain_latex(target.text), row.join(unit) or None, weight, direction)


def find_tail(cells: list[Cell], row: Row) -> tuple[int, Tail | None]:
    """Index of the first operator cell that a well-formed tail starts at (len(cells) if none); else of
    a last cell that prints operator, number and unit together (≥90%, ≤44.47万元, =5座, 100%)."""
    for j, cell in enumerate(cells):
        if operator_of(cell.text) is not None:
            tail = parse_tail(cells[j:], row)
            if tail is not None:
                return j, tail
    return combined_tail(cells)


def _one_cell_target(text: str) -> tuple[str, Decimal | None, str | None] | None:
    """Operator, value and unit of a target printed in one cell with its operator or unit (≥90%, =5座, 100%,
    15000人 次), or stated in words after an operator (=通过项目的实施…项); None for a bare number (a weight,
    a page number) or running text."""
    m = _TARGET.match(unicodedata.normalize("NFKC", plain_latex(text)).strip())
    assert m is not None  # every group is optional
    op, rest = m["op"], m["rest"].strip()
    if m["num"] and (op or rest) and len(rest) <= 8 and not re.search(r"\d", rest):
        return OPERATORS[op or "="], parse_amount(m["num"]), re.sub(r"\s+", "", rest) or None  # 人 次: 人次
    if op and not m["num"] and len(rest) >= 3:
        return OPERATORS[op], None, None
    return None


def combined_tail(cells: list[Cell]) -> tuple[int, Tail | None]:
    """The tail of a row whose target cell prints operator, number and unit in one (≥90%): the last
    cell (after it only a weight and a direction), with at least a name before it."""
    rest = list(cells)
    direction = rest.pop().text if rest and rest[-1].key in DIRECTIONS else None
    weight = None
    if len(rest) >= 3 and _SEQ.match(rest[-1].text.strip()) and _one_cell_target(rest[-2].text):
        weight = number_of(rest.pop().text)  # ≤17万元 | 20: the target, then its weight
    target = _one_cell_target(rest[-1].text) if len(rest) >= 2 else None
    if target is None:
        return len(cells), None
    op, value, unit = target
    # as printed, operator included (as the 指标值 cells of other templates)
    return len(rest) - 1, Tail(op, rest[-1].text.strip(), unit, weight, direction, value)


# ---------------------------------------------------------------------------------------------------
# Drafts


@dataclass(slots=True)
class IndicatorDraft:
    source_line: int
    level1: str | None
    level2: str | None
    lines: list[Line]
    name: str = ""
    operator: str | None = None
    target: str | None = None
    target_value: Decimal | None = None
    target_unit: str | None = None
    weight: Decimal | None = None
    direction: str | None = None
    half_year_target: str | None = None
    levels_printed: bool = False  # the row printed cells left of its 三级指标 (levels, maybe unknown words)


@dataclass(slots=True)
class GoalDraft:
    source_line: int
    unit_name: str | None = None
    project: str = ""
    amount: Decimal | None = None
    annual: str = ""
    medium: str = ""
    indicators: list[IndicatorDraft] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------
# The parser


class PerformanceParser:
    """Reads one table region line by line (see the module docstring)."""

    def __init__(self, doc_id: str, table_id: str, kind: str):
        self.doc_id, self.table_id, self.kind = doc_id, table_id, kind
        self.page_numbers: set[int] = set()  # lines that are page numbers (see _page_numbers)
        # lines that are structure by their neighbours: the head of the next form's title, a label printed a
        # glyph per line (_join_broken_titles, _vertical_labels)
        self.structure_lines: set[int] = set()
        self.narrative = False  # a part heading (有关情况说明) was passed: its text follows, no form
        self.title_project: str | None = None  # the project a form's title names (…经费项目绩效目标表)
        self.empty_note = False
        self.goals: list[GoalDraft] = []
        self.unparsed: list[UnparsedLine] = []
        self.grammar = "split"  # until a header says "combined"
        self.header_text = ""
        self.columns: dict[str, int] = {}
        self.targets: list[str] = ["full"]  # combined grammar: "half" / "full" per target column
        self.has_unit_column = False
        self.in_header_zone = True
        self.amount_unit = "万元"
        self.current_unit: str | None = None
        self.level1: str | None = None
        self.level2: str | None = None
        self.open: IndicatorDraft | None = None  # waiting for its operator and target
        self.last: IndicatorDraft | None = None
        self.page_start = 0  # the first goal of the current page (page_break)
        self.awaiting: str | None = None  # a form label printed without its value: the role the next row fills
        self.above: IndicatorDraft | None = None  # the indicator of the row above, across goals (merged cells)
        self.in_funds = False
        self.pending: list[list[tuple[Line, str]]] = []  # goal header fragments, grouped
        self.pending_break = True
        self.collecting_annual = False

    @property
    def goal(self) -> GoalDraft | None:
        return self.goals[-1] if self.goals else None

    def column(self, name: str, default: int | None = None) -> int | None:
        """The header's column of `name` under any of its wordings (COLUMN_SYNONYMS)."""
        return next((self.columns[w] for w in COLUMN_SYNONYMS.get(name, (name,)) if w in self.columns), default)

    # -- entry points ------------------------------------------------------------------------------

    def feed(self, line: Line) -> None:
        row = to_row(line)
        if not row.cells:
            if "\f" in line.text:
                self.page_break()
            self.pending_break = True
            return
        if self.structural(row) or self.header(row):
            return
        self.in_header_zone = False
        awaiting, self.awaiting = self.awaiting, None
        if awaiting and self.label_value(row, awaiting):
            return
        if self.form(row):
            return
        if self.grammar == "combined":
            self.combined_row(row)
        else:
            self.split_row(row)

    def page_break(self) -> None:
        """Text lines left at the end of a page of a table in columns, each group led by a project code
        (11000022T00000044 / 3717-卫生科教综合 / 管理): the extractor printed the page's tall 项目名称 cells
        after its rows. They are the projects of the page's goals printed without one, in order, when the
        counts agree; otherwise they stay pending (and are reported)."""
        missing = [g for g in self.goals[self.page_start:] if not g.project]
        self.page_start = len(self.goals)
        if not (self.pending and missing and self.columns and self.grammar == "split"):
            return
        groups: list[list[str]] = []
        for group in self.pending:
            for _, text in group:
                if _PROJECT_CODE.match(text):
                    groups.append([text])
                elif groups:
                    groups[-1].append(text)
                else:
                    return  # text before the first code: not project cells
        if len(groups) != len(missing):
            return
        for goal, (code, *name) in zip(missing, groups, strict=True):
            goal.project = f"{code} {''.join(name)}" if name else code
        self.pending = []

    def finish(self) -> tuple[list[PerformanceGoal], list[PerformanceIndicator], list[UnparsedLine]]:
        if self.open is not None:
            self.abandon_open()
        self.report_pending()
        goals: list[PerformanceGoal] = []
        indicators: list[PerformanceIndicator] = []
        for n, draft in enumerate(self.goals, 1):
            goal_id = f"{self.table_id}-g{n:02d}"
            goals.append(self.goal_record(goal_id, draft))
            for ind in draft.indicators:
                if not ind.name.strip():  # a target without its 三级指标: no indicator to publish
                    for line in ind.lines:
                        self.reject(line, REASON_NAMELESS)
                    continue
                indicators.append(self.indicator_record(goal_id, len(indicators) + 1, ind))
        self.unparsed.sort(key=lambda u: u.source_line)
        return goals, indicators, self.unparsed

    def goal_record(self, goal_id: str, g: GoalDraft) -> PerformanceGoal:
        project = None if self.kind == "overall_performance" else (g.project.strip() or None)
        return PerformanceGoal(
            doc_id=self.doc_id,
            goal_id=goal_id,
            table_id=self.table_id,
            unit_name=mask_optional((g.unit_name or "").strip() or None),
            project=mask_optional(project),
            amount=g.amount,
            annual_goal=mask_optional(g.annual.strip() or None),
            medium_term_goal=mask_optional(g.medium.strip() or None),
            source_line=g.source_line,
        )

    def indicator_record(self, goal_id: str, seq: int, d: IndicatorDraft) -> PerformanceIndicator:
        return PerformanceIndicator(
            doc_id=self.doc_id,
            goal_id=goal_id,
            seq=seq,
            level1=mask_optional(d.level1),
            level2=mask_optional(d.level2),
            name=mask_personal_data(d.name.strip()),
            operator=d.operator,
            target=mask_optional(d.target.strip() if d.target is not None else None),
            target_value=d.target_value,
            target_unit=d.target_unit.strip() if d.target_unit else None,
            weight=d.weight,
            direction=d.direction,
            half_year_target=mask_optional(d.half_year_target),
            source_line=d.source_line,
        )

    def reject(self, line: Line, reason: str) -> None:
        self.unparsed.append(UnparsedLine(self.doc_id, self.table_id, line.number, mask_personal_data(line.text),
                                          mask_personal_data(reason)))

    # -- lines that carry no data ------------------------------------------------------------------

    def structural(self, row: Row) -> bool:
        """Title, table number, page number, unit note, note, year line, the publisher's name line."""
        if row.line.number in self.page_numbers or row.line.number in self.structure_lines \
                or _SPACED_DIGITS.fullmatch(row.text.strip()):
            return True
        if [c.key for c in row.cells if c.key] in (["备注"], ["说明"]):
            return True  # a form's remark field printed empty
        if not row.spaced and len(row.cells) > 1:
            filled = [c for c in row.cells if c.key]
            return len(filled) == 2 and bool(_META_ROW.match(filled[0].key))  # 部门名称 | 广州市…局
        key = match_key(row.text)
        if row.spaced and _PART_HEADING.match(key):
            self.narrative = True  # the forms have ended: the part's text follows
            return True
        if self.narrative:
            if not _TITLE.search(key):
                return True
            self.narrative = False  # another form's title
        title = row.text.strip()
        if row.spaced and key.endswith("表表") and _TITLE.search(_DOUBLED.sub(r"\1", key)):
            key = title = _DOUBLED.sub(r"\1", key)
        if _YEAR_SUBTITLE.match(key) or (_META_LABEL.match(key.split(":")[0] + ":") and "单位:" in key) \
                or _CODE_AND_UNIT.match(key):
            return True
        if row.spaced and len(key) <= 40 and (_TITLE_HEAD.search(key) or _TITLE_TAIL.match(key)):
            return True  # a form's title broken over two lines: …项目绩效目 / 标表
        if EMPTY_NOTE_RE.search(key) and not self.goals:
            self.empty_note = True  # 本部门无…项目，不涉及: the table is printed empty
            return True
        if self.empty_note and not self.goals and row.spaced and key.endswith("。") and len(key) <= 40:
            return True  # the note's sentence wrapped onto the next line
        if _UNIT_NOTE.search(key):
            self.amount_unit = "元" if key.endswith("元") and not key.endswith("万元") else "万元"
            return True
        if _TITLE.search(key):
            self.in_header_zone = True  # a new form may follow in the same region
            coded = _CODED_TITLE.match(title)  # 301007_泉州市公安局晋江国际机场分局_全国民航反电诈中心建设项目绩效目标表
            if coded:
                self.current_unit, title = coded.group(1).strip(), coded.group(2)
            named = _TITLE_PROJECT.match(title)
            self.title_project = named.group(1).strip() if named and not _GENERIC_TITLE.search(named.group(1)) else None
            return True
        if _TABLE_NUMBER.match(key) or is_page_number(row.text, bare=False) or _NOTE.match(key):
            return True
        return self.in_header_zone and bool(_YEAR_LINE.match(key))

    def header(self, row: Row) -> bool:
        if not all(is_header_word(c.key) for c in row.cells):  # most rows fail at their first cell
            return False
        keys = [c.key for c in row.cells]
        strong = is_strong_header(keys)
        if not (self.in_header_zone or strong):
            return False
        self.header_text += "".join(keys)
        self.above = None
        self.in_funds = False
        if "权重" in self.header_text or "指标性质" in self.header_text:
            self.grammar = "split"
        elif "指标值" in self.header_text or "目标值" in self.header_text:
            self.grammar = "combined"
            self.targets = target_roles(keys) or ["full"]
        self.has_unit_column = "单位名称" in self.header_text
        if not row.spaced:
            self.columns.update({c.key: c.col for c in row.cells if c.col is not None})
        return True

    # -- key–value form lines ----------------------------------------------------------------------

    def form(self, row: Row) -> bool:
        role = form_role(row.cells[0].key)
        if role is None:
            if self.in_funds and any(is_level_word(c.key) or c.key in _STRONG_HEADER or c.key.endswith("目标")
                                     for c in row.cells):
                self.in_funds = False  # the indicators begin: the breakdown has ended (never swallow them)
                return False
            return self.in_funds  # a line of the 项目资金 / 年度主要任务 breakdown
        pairs: list[tuple[str, list[Cell]]] = []
        for cell in row.cells:
            r = form_role(cell.key)
            if r is not None:
                pairs.append((r, []))
                if r == "funds" and "元" in cell.key:
                    self.amount_unit = "万元" if "万元" in cell.key else "元"
            else:
                pairs[-1][1].append(cell)
        for r, values in pairs:
            self.form_field(row, r, values)
        return True

    def label_value(self, row: Row, role: str) -> bool:
        """The value of a form label printed alone on the row above (年度总体目标 | 年度目标, then the goal
        text on its own row): text cells that are no label, level, operator or amount."""
        if self.goal is None or any(form_role(c.key) is not None or is_level_word(c.key) or operator_of(c.text)
                                    or is_amount(c.text) for c in row.cells):
            return False
        self.form_field(row, role, row.cells)
        return True

    def form_field(self, row: Row, role: str, values: list[Cell]) -> None:
        goal = self.goal
        if goal is None or goal.indicators or (role == "project" and goal.project):
            goal = self.start_goal(row.line, None, "", None, "")
        text = row.join(values)
        if not text and role in ("project", "unit", "medium", "annual"):
            self.awaiting = role  # the value may follow on the next row
        if role == "funds":
            self.in_funds = True
        elif role == "amount":
            amounts = [c for c in values if is_amount(c.text)]
            if amounts and goal.amount is None:
                goal.amount = self.amount(amounts[0].text)
            return
        else:
            self.in_funds = False
        if role == "project":
            goal.project += text
        elif role == "unit" and goal.unit_name is None:
            goal.unit_name = unit_name_of(text) if text else None
        elif role == "medium":
            goal.medium += text
        elif role == "annual":
            goal.annual += text

    # -- goals -------------------------------------------------------------------------------------

    def amount(self, printed: str) -> Decimal | None:
        value = parse_amount(printed)
        return None if value is None else to_wan(value, self.amount_unit)

    def start_goal(
        self, line: Line, unit: str | None, project: str, amount: Decimal | None, annual: str
    ) -> GoalDraft:
        if self.open is not None:
            self.abandon_open()
        if unit:
            self.current_unit = unit
        if not project and self.title_project and self.kind == "project_performance":
            project = self.title_project  # a form without 项目名称: its title names the project
        self.title_project = None
        goal = GoalDraft(line.number, unit or self.current_unit, project, amount, annual)
        self.goals.append(goal)
        self.last = None
        self.level1 = self.level2 = None
        self.pending_break = True
        return goal

    def goal_cells(self, row: Row, cells: list[Cell], has_indicator: bool) -> None:
        """Cells before the 一级指标: a new goal (they hold its amount), a summary row or a continuation."""
        i = self.amount_index(cells)
        if i is None:
            self.continue_goal(row, cells)
            return
        before, after = cells[:i], cells[i + 1 :]
        if len(before) >= 2 and _SEQ.match(before[0].text):
            before = before[1:]
        if not has_indicator and not after and (len(before) == 1 or (before and row.spaced)):
            code = _UNIT_CODE.match(row.join(before))
            if code:  # a department / unit summary row
                if len(code.group(1)) > 3:
                    self.current_unit = code.group(2).strip()
                return
        unit = None
        if len(before) >= 2 and not row.spaced:  # tokens of running text are not cells: all is project
            unit, before = unit_name_of(before[0].text), before[1:]
        while not row.spaced and after and is_amount(after[0].text):
            after = after[1:]  # the amount's parts (其中：财政资金 / 其他资金), no goal text
        project = row.join(before)
        previous = self.goal
        if not before and not row.spaced and previous is not None and previous.project \
                and cells[i].col == self.column("预算数") and self.column("项目名称", 99) < (cells[i].col or 0):
            project = previous.project  # the row sits in its columns and its project cell is empty: merged
        self.start_goal(row.line, unit, project, self.amount(cells[i].text), row.join(after))

    def amount_index(self, cells: list[Cell]) -> int | None:
        """The 预算数 among goal cells: the last amount in its column zone; in running text, where
        numbers also occur in names and goals, the first token printed with two decimals."""
        if cells and cells[0].col is None:
            return next(
                (i for i, c in enumerate(cells) if is_amount(c.text) and _TWO_DECIMALS.search(c.text)), None
            )
        limit = self.column("预算数")
        amounts = [i for i, cell in enumerate(cells) if is_amount(cell.text)]
        within = [i for i in amounts if limit is None or cells[i].col is None or cells[i].col <= limit]
        if not within:  # the total's cell came out empty: its first part (财政资金) prints the same amount
            return amounts[0] if amounts else None
        found = within[-1]
        while found and is_amount(cells[found - 1].text) and _MONEY.search(cells[found - 1].text):
            found -= 1  # cells shifted left (an empty cell vanished): the total comes before its parts
        return found

    def continue_goal(self, row: Row, cells: list[Cell]) -> None:
        """Project name or annual goal text broken over lines (a page break)."""
        goal = self.goal
        if goal is None or row.spaced:
            self.reject(row.line, REASON_NO_GOAL if goal is None else REASON_MIXED_TEXT)
            return
        project_col = self.column("项目名称", 1)
        first = cells[0]
        if first.col is not None and first.col <= project_col:
            goal.project += first.text
            cells = cells[1:]
        goal.annual += "".join(c.text for c in cells)

    # -- split grammar (operator in its own cell) ---------------------------------------------------

    def split_row(self, row: Row) -> None:
        k = self.anchor(row)
        if self.open is not None:
            if k is None:
                self.continue_open(row)
                return
            self.abandon_open()
        if k is None:
            self.row_without_levels(row)
            return
        head, body = row.cells[:k], row.cells[k:]
        if head:
            self.goal_cells(row, head, has_indicator=True)
        self.indicator_row(row, body)

    def anchor(self, row: Row) -> int | None:
        """Index of the cell that starts the indicator part of the row (a 一级 or 二级指标).

        In running text a level word after the first token starts an indicator only when an operator
        tail follows it (goal cells and an indicator collapsed onto one line).
        """
        for i, cell in enumerate(row.cells):
            if is_level_word(cell.key):
                if not row.spaced or i == 0 or find_tail(row.cells[i:], row)[1] is not None:
                    return i
        return None

    def row_without_levels(self, row: Row) -> None:
        goal_zone, rest = self.split_zones(row)
        j, tail = find_tail(rest, row)
        if tail is not None:  # an indicator under the levels of the rows above
            if goal_zone:
                self.goal_cells(row, goal_zone, has_indicator=True)
            self.indicator_row(row, rest)
            return
        if row.spaced:
            if len(row.cells) > 1 and is_amount(row.cells[-1].text) and _UNIT_CODE.match(row.cells[0].text):
                self.goal_cells(row, row.cells, has_indicator=False)  # unit code, name, amount
            else:
                self.fragment(row)
            return
        if self.amount_index(row.cells) is not None:
            self.goal_cells(row, row.cells, has_indicator=False)
            return
        if goal_zone:
            self.continue_goal(row, goal_zone)
        if rest:
            self.continue_indicator(row, rest)

    def split_zones(self, row: Row) -> tuple[list[Cell], list[Cell]]:
        """Cells left of the 一级指标 column (goal cells) and the others."""
        level1_col = self.column("一级指标")
        if row.spaced or level1_col is None:
            return ([], row.cells) if row.spaced else (row.cells, [])
        goal_zone = [c for c in row.cells if c.col is not None and c.col < level1_col]
        return goal_zone, [c for c in row.cells if c not in goal_zone]

    def indicator_row(self, row: Row, body: list[Cell]) -> None:
        self.report_pending()
        self.collecting_annual = False
        if self.goal is None:  # before the levels are read: a new goal starts without them
            self.start_goal(row.line, None, "", None, "")
        level1, level2, i = read_levels(row, body, self.level1)
        if level1 is not None:
            self.level1, self.level2 = level1, level2
        elif level2 is not None:
            self.level2 = level2
        ind = IndicatorDraft(row.line.number, self.level1, self.level2, [row.line])
        rest = body[i:]
        j, tail = find_tail(rest, row)
        if tail is None:
            j, tail = self.worded_target(rest)
        ind.name = row.join(rest[:j])
        if not ind.name and tail is not None and not row.spaced and self.above is not None:
            ind.name = self.above.name  # its 三级指标 cell is empty: merged with the one above (text on its first row)
        if tail is None:
            self.open = ind
        else:
            self.complete(ind, tail)

    def worded_target(self, cells: list[Cell]) -> tuple[int, Tail | None]:
        """A target in words (效果显著, 有效保障) in the header's 指标值 column of an exact row, after the name:
        a qualitative (定性) target."""
        target_col = next((col for key, col in self.columns.items() if _TARGET_HEADER.match(key)), None)
        filled = [c for c in cells if c.key]
        if target_col is None or len(filled) < 2 or filled[-1].col != target_col or number_of(filled[-1].text) \
                is not None or operator_of(filled[-1].text) is not None:
            return len(cells), None
        return cells.index(filled[-1]), Tail("定性", filled[-1].text.strip(), None, None, None)

    def continue_open(self, row: Row) -> None:
        ind = self.open
        assert ind is not None
        ind.lines.append(row.line)
        goal_zone, cells = self.split_zones(row)
        if goal_zone:
            self.continue_goal(row, goal_zone)
        level2 = ind.level2 or ""
        if cells and cells[0].key == "指标" and level2 and not match_key(level2).endswith("指标"):
            ind.level2 = self.level2 = level2 + cells[0].text
            cells = cells[1:]
        j, tail = find_tail(cells, row)
        ind.name += row.join(cells[:j])
        if tail is not None:
            self.complete(ind, tail)

    def complete(self, ind: IndicatorDraft, tail: Tail) -> None:
        ind.operator = tail.operator
        ind.target = tail.target
        ind.target_value = tail.value if tail.value is not None else number_of(tail.target)
        ind.target_unit = tail.unit
        ind.weight = tail.weight
        ind.direction = tail.direction
        self.add_indicator(ind)

    def add_indicator(self, ind: IndicatorDraft) -> None:
        assert self.goal is not None
        self.goal.indicators.append(ind)
        self.last = self.above = ind
        self.open = None
        self.pending_break = True

    def abandon_open(self) -> None:
        assert self.open is not None
        for line in self.open.lines:
            self.reject(line, REASON_OPEN_INDICATOR)
        self.open = None

    def continue_indicator(self, row: Row, cells: list[Cell]) -> None:
        """三级指标, 定性 target or unit text of the last indicator, broken over lines."""
        ind = self.last
        if ind is None:
            self.reject(row.line, REASON_NO_INDICATOR)
            return
        name_col, unit_col = self.column("三级指标"), self.column("度量单位")
        if unit_col is not None and any(c.col is not None and c.col > unit_col for c in cells):
            self.reject(row.line, REASON_COLUMN)
        for cell in cells:
            if cell.col is None or name_col is None or cell.col <= name_col:
                ind.name += cell.text
            elif unit_col is not None and cell.col > unit_col:
                continue
            elif ind.operator == "定性" and not ind.target_unit:
                ind.target = (ind.target or "") + cell.text
            else:
                ind.target_unit = (ind.target_unit or "") + cell.text

    # -- goal headers printed as text fragments (space-collapsed tables) ----------------------------

    def fragment(self, row: Row) -> None:
        text = row.text.strip()
        if self.collecting_annual and self.goal is not None:
            self.goal.annual += text
            return
        if is_amount(text) and self.pending_has_text():
            self.goal_from_pending(text)
            return
        if self.pending_break or not self.pending:
            self.pending.append([])
        self.pending[-1].append((row.line, text))
        self.pending_break = False

    def pending_has_text(self) -> bool:
        return any(not is_amount("".join(t for _, t in group)) for group in self.pending)

    def goal_from_pending(self, printed: str) -> None:
        groups = ["".join(t for _, t in group) for group in self.pending]
        first_line = self.pending[0][0][0]
        self.pending = []
        if len(groups) >= 2 and _SEQ.match(groups[0]):
            groups = groups[1:]
        unit = None
        if len(groups) >= 2 and (self.has_unit_column or _UNIT_CODE.match(groups[0])):
            unit, groups = unit_name_of(groups[0]), groups[1:]
        self.start_goal(first_line, unit, "".join(groups), self.amount(printed), "")
        self.collecting_annual = True

    def report_pending(self) -> None:
        for group in self.pending:
            for line, _ in group:
                self.reject(line, REASON_NO_AMOUNT)
        self.pending = []

    # -- combined grammar (operator inside the target text) ----------------------------------------

    def target_cells(self, row: Row, rest: list[Cell]) -> list[list[Cell]]:
        """The target cells of a combined row, rightmost last, leaving at least one name cell."""
        groups: list[list[Cell]] = []
        end = len(rest)
        while len(groups) < len(self.targets) and end > 1:
            width = target_width(rest[:end]) if row.spaced else 1
            width = min(width, end - 1)
            groups.insert(0, rest[end - width : end])
            end -= width
        return groups

    def combined_row(self, row: Row) -> None:
        cells = row.cells
        if len(cells) > 1 and cells[0].key in ROW_LABELS:
            cells = cells[1:]  # the form's label of its indicator rows (绩效指标), a merged first column
        level1, level2, i = read_levels(row, cells, self.level1)
        if level1 is not None:
            self.level1, self.level2 = level1, level2
            self.backfill_levels()
        elif level2 is not None:
            self.level2 = level2
        rest = cells[i:]
        if not rest:
            return  # a 一级/二级指标 printed without any 三级指标 under it
        if i == 0 and self.continue_targets(rest):
            return
        if len(rest) < 2:
            self.reject(row.line, REASON_NO_TARGET)
            return
        targets = self.target_cells(row, rest)
        count = len(targets)
        names = rest[: len(rest) - sum(len(t) for t in targets)]
        if self.goal is None:
            self.start_goal(row.line, None, "", None, "")
        ind = IndicatorDraft(row.line.number, self.level1, self.level2, [row.line], row.join(names))
        name_col = self.column("三级指标")
        ind.levels_printed = i > 0 or len(names) > 1 or (name_col is not None and names[0].col is not None
                                                          and names[0].col < name_col)
        full = row.join(targets[-1])
        for role, cells in zip(self.targets[-count:], targets, strict=True):
            if role == "half":
                ind.half_year_target = plain_latex(row.join(cells))
            elif role == "full":  # not "period": the 实施周期 target has no field
                full = row.join(cells)
        ind.target = plain_latex(full)
        ind.operator, ind.target_value, ind.target_unit = parse_target(full)
        self.add_indicator(ind)

    def backfill_levels(self) -> None:
        """The goal's first rows when they printed nothing left of their 三级指标: the merged level cells
        print their text in their middle row, below these rows, which are the first of the block."""
        goal = self.goal
        if goal is not None and not any(ind.level1 or ind.level2 or ind.levels_printed for ind in goal.indicators):
            for ind in goal.indicators:
                ind.level1, ind.level2 = self.level1, self.level2

    def continue_targets(self, cells: list[Cell]) -> bool:
        """Cells only in the target columns of the header: the last indicator's targets, broken over
        lines (a page break): `…构建共建共治共享的社会治理新格` / `局`."""
        cols = sorted(col for key, col in self.columns.items() if _TARGET_HEADER.match(key))
        ind = self.last
        if ind is None or not cols or len(cols) != len(self.targets) \
                or any(c.col is None or c.col < cols[0] for c in cells):
            return False
        for cell in cells:
            role = self.targets[max(k for k, col in enumerate(cols) if col <= cell.col)]  # type: ignore[operator]
            if role == "half":
                ind.half_year_target = (ind.half_year_target or "") + plain_latex(cell.text)
            elif role == "full":
                ind.target = (ind.target or "") + plain_latex(cell.text)
                ind.operator, ind.target_value, ind.target_unit = parse_target(ind.target)
        return True


def target_roles(keys: list[str]) -> list[str]:
    """The role of each target column of a header: half year, full year, or the 实施周期 (the project's whole
    period, no field of its own); `半年（程） 指标值` may be 2 tokens."""
    roles, prefix = [], ""
    for key in keys:
        if _TARGET_HEADER_PART.match(key):
            prefix = key
        elif _TARGET_HEADER.match(key):
            roles.append("half" if "半年" in prefix + key else "period" if "实施周期" in key else "full")
            prefix = ""
    return roles


def target_width(cells: list[Cell]) -> int:
    """How many trailing tokens of running text form one target: `≥ 10 家`, `≥800 万页`, `27 个`, `较高`."""
    last = cells[-1].key
    prev = cells[-2].key if len(cells) >= 2 else ""
    before = cells[-3].key if len(cells) >= 3 else ""
    if _QUANTITY.match(last):
        return 2 if prev in OPERATORS and prev != "定性" else 1
    if _QUANTITY.match(prev) and not re.search(r"\d", last) and len(last) <= 4:
        return 3 if before in OPERATORS and before != "定性" and prev[:1].isdigit() else 2
    return 1


def form_role(key: str) -> str | None:
    """The goal field a form label fills, "" for labels not published, None if not a label."""
    # The label is the whole key, or the key up to its first ( or / (labels hold neither): two lookups
    # instead of a scan of all labels for every cell.
    role = FORM_LABELS.get(key) or FORM_LABELS.get(key.rstrip(":"))  # 资金总额： with its colon
    if role is not None:
        return role
    cut = _LABEL_END.search(key)
    if cut:
        return FORM_LABELS.get(key[: cut.start()])
    numbered = _NUMBERED_LABEL.match(key)  # 主要政策任务1：测绘应急保障技术服务, label and value in one cell
    return "" if numbered and FORM_LABELS.get(numbered.group(1)) == "" else None


def _page_numbers(lines: list[Line]) -> set[int]:
    """Bare numbers printed last on a page (the line before the page break or the region's end, blanks
    aside): page numbers,
    which a performance table's 序号 or weight cells are not (they share a row with the indicator)."""
    out: set[int] = set()
    last: Line | None = None
    for line in lines:
        if "\f" in line.text and not line.text.strip():
            if last is not None and last.text.strip().isdigit() and len(last.text.strip()) <= 4:
                out.add(last.number)
            last = None
        elif line.text.strip():
            last = line
    if last is not None and last.text.strip().isdigit() and len(last.text.strip()) <= 4:
        out.add(last.number)  # the region ends where the page does
    return out


def _join_broken_titles(lines: list[Line]) -> tuple[list[Line], set[int]]:
    """A form's title broken over two lines at the top of its page (`301008_…分局_科技兴警绩效` / `目标表`)
    as one line: the first line is running text, the second ends the title (…绩效目标表, 目标表). Also the
    numbers of lines that head a title whose rest begins the next region."""
    out: list[Line] = []
    heads: set[int] = set()
    page_top = True  # no text yet on this page
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.text.strip():
            page_top = page_top or "\f" in line.text
            out.append(line)
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].text.strip() and "\f" not in lines[j].text:
            j += 1
        nxt = lines[j] if j < len(lines) else None
        if page_top and nxt is not None and _title_head(line) and _title_end(nxt):
            out.append(Line(line.number, line.text.strip() + nxt.text.strip()))
            i = j + 1
        elif page_top and nxt is None and _title_head(line) and _CODED_TITLE.match(line.key):
            # the region's last line, atop its page, a unit code and name: the head of the next form's
            # title, whose region begins on the next line
            heads.add(line.number)
            out.append(line)
            i += 1
        else:
            out.append(line)
            i += 1
        page_top = False
    return out, heads


def _vertical_labels(lines: list[Line]) -> set[int]:
    """Lines of one glyph each that spell a label of the form's first column (绩 / 效 / 指 / 标)."""
    out: set[int] = set()
    run: list[Line] = []
    for line in [*lines, Line(0, "")]:
        if len(line.key) == 1 and column_pieces(line.text) is None and not line.key.isdigit():
            run.append(line)
            continue
        if line.key or "\f" in line.text:  # blank lines do not end a run, other text and page breaks do
            if len(run) >= 2 and "".join(r.key for r in run) in ROW_LABELS | HEADER_WORDS:
                out.update(r.number for r in run)
            run = []
    return out


def _title_head(line: Line) -> bool:
    text = line.text.strip()
    return (column_pieces(line.text) is None and " " not in text and len(line.key) <= 60
            and not _TITLE.search(line.key) and not re.search(r"[。；;，,:：]$", text))


def _title_end(line: Line) -> bool:
    return column_pieces(line.text) is None and len(line.key) <= 60 and bool(
        re.search(r"绩效(?:目标)?(?:表|申报表)$", line.key) or _TITLE_TAIL.match(line.key))


def parse_performance(
    doc_id: str, table_id: str, kind: str, lines: list[Line]
) -> tuple[list[PerformanceGoal], list[PerformanceIndicator], list[UnparsedLine]]:
    """Goals, indicators and unparsed lines of one performance-target table region.

    `lines` run from the table's title to the line before the next table or part; `kind` is
    `project_performance` or `overall_performance` (whose goal has no project).
    """
    # imported here: the module rebuilding rows from cells uses this module's vocabularies
    from pipeline.performance_activities import is_activity_form, parse_activity_form
    from pipeline.performance_cells import is_one_cell_per_line, rebuild_rows

    if kind == "overall_performance" and is_activity_form(lines):
        return parse_activity_form(doc_id, table_id, lines)
    parser = PerformanceParser(doc_id, table_id, kind)
    parser.page_numbers = _page_numbers(lines)
    lines, parser.structure_lines = _join_broken_titles(lines)
    parser.structure_lines |= _vertical_labels(lines)
    if is_one_cell_per_line(lines):
        rebuilt = rebuild_rows(lines)
        lines = rebuilt.lines
        for line, reason in rebuilt.rejected:
            parser.reject(line, reason)
    for line in lines:
        parser.feed(line)
    return parser.finish()
