"""Read one table region into facts.

Stages, each a small function: classify the region's lines (title, meta, header, rows), build the
column model from the header (`columns.py`), split rows into segments (`rows.py`), merge rows broken
over lines, place every amount into a column (by position where the layout keeps positions, by the
table's arithmetic where empty cells vanished: `placement.py`) and emit one fact per printed amount.
Every line of the region is accounted for: used, or returned as an unparsed line with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from ..amounts import amount_problem, decimals_of, is_amount, parse_amount, to_wan
from ..identities import holds, is_total_item, step_of, year_heading
from ..privacy import mask_optional, mask_personal_data
from ..records import BudgetFact, Project, Unit, UnparsedLine
from ..text.layout import BARE_PAGE_RE, Cell, Row, is_page_number, rows_of, tokens
from ..text.lines import Line, match_key
from ..vocabulary import EMPTY_NOTE_RE, EXPENDITURE_SIDE_RE, INCOME_SIDE_RE, ORG_RE, PROJECT_GROUP_RE, UNIT_RE
from ..vocabulary import LEVEL1_ITEM_RE as TOP_ITEM_RE
from .columns import ITEM, LABEL_RE, LEVEL_BREAK, ColumnModel, build_columns, cell_labels, header_labels
from .find import ONLY_NUMBER_RE, TableRegion
from .header import is_column_numbers, positional_model
from .placement import placements
from .projects import ProjectRow, projects_of
from .resolve import leaf_indexes, parents, reachable, resolve
from .row_numbers import without_row_numbers
from .rows import ORDINAL_RE, Segment, classification, complete_codes, segments, table_code

META_RE = re.compile(r"^(部门名称|单位名称|单位|预算单位|编制单位|填报单位)[:：]|^(注|备注|说明)[:：]|^本套报表|^\d{4}年度?$")
DATA_ROW_RE = re.compile(r"^\d{3}(\d{2}){0,2}\s+(\d{2}\s+){0,2}(\d{3,7}\s+)?[^\d\s]")


@dataclass
class TableResult:
    facts: list[BudgetFact] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    unparsed: list[UnparsedLine] = field(default_factory=list)
    data_rows: int = 0
    # the header's column identities, as column paths: (total, parts); the checks re-test them on every row
    identities: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


@dataclass
class Context:
    doc_id: str
    table_id: str
    region: TableRegion
    unit: str  # 万元 | 元
    absent_funds: frozenset[str]
    income_sources: frozenset[str] | None = None
    known_totals: dict[str, Decimal] | None = None
    known_rows: dict[str, dict[str, frozenset[Decimal]]] | None = None
    result: TableResult = field(default_factory=TableResult)
    row_no: int = 0
    code_lines: set[int] | None = None  # one cell per line: the lines holding a code cell (else None)
    current_unit: tuple[str | None, str | None] = (None, None)

    def unparsed(self, line: int, text: str, reason: str) -> None:
        self.result.unparsed.append(UnparsedLine(self.doc_id, self.table_id, line, mask_personal_data(text),
                                                 mask_personal_data(reason)))


def read_table(doc_id: str, table_id: str, lines: list[Line], region: TableRegion, unit: str,
               absent_funds: frozenset[str], income_sources: frozenset[str] | None = None,
               known_totals: dict[str, Decimal] | None = None,
               known_rows: dict[str, dict[str, frozenset[Decimal]]] | None = None) -> TableResult:
    """Read one table. `absent_funds`: funds the document says it has no money in (their empty tables);
    `income_sources`: income items with money in the 收支总表, the only ones the 收入总表 can fill;
    `known_totals`: 一般公共预算 totals another table of the document prints (基本支出 → 537.38), which
    the columns of that label must add up to in this table's total row; `known_rows`: per column label, the
    amounts another table prints for each item (基本支出 → 基本工资 → 102.14), which settle rows this table's
    own arithmetic leaves ambiguous (an item that table does not print has none)."""
    ctx = Context(doc_id, table_id, region, unit, absent_funds, income_sources, known_totals, known_rows)
    body = lines[region.start:region.end]
    title_lines = {lines[i].number for i in [region.title_line, *region.continuations]}
    title_lines |= {lines[i].number for i in range(region.start, region.title_line)}
    body = [ln for ln in body if ln.number not in title_lines]
    if _one_cell_per_line(body):
        ctx.code_lines = _code_cells(body) if region.kind.shape != "two_sided" and _has_code_columns(body) else set()
        kept = _bare_number_cells(body) | ctx.code_lines
    else:
        kept = set()
    content = without_row_numbers([ln for ln in body if _is_content(ln) or ln.number in kept])
    header, data = _split_header(content, region, ctx.code_lines)
    # the rows with the header: an empty first column of the body is a margin only where the header has it
    # too (广州's 合计 row under 科目编码 | 科目名称 prints no code: its first cell is empty, not a margin)
    data_lines = {ln.number for ln in data}
    rows = [r for r in rows_of(header + data)[0] if r.lines[0] in data_lines]
    if region.kind.shape == "two_sided":
        _read_two_sided(ctx, header, rows)
    else:
        _read_columns(ctx, header, rows)
    return ctx.result


def _is_content(line: Line) -> bool:
    key = line.key
    if not key or is_page_number(line.text) or ONLY_NUMBER_RE.match(key):
        return False
    return not (META_RE.search(key) or (UNIT_RE.search(key) and len(key) < 60) or EMPTY_NOTE_RE.search(key))


def _one_cell_per_line(body: list[Line]) -> bool:
    """Is the region printed one cell per line (PyMuPDF)? Its lines with amounts hold one token each."""
    with_amounts = [ln for ln in body if any(is_amount(t) for t in tokens(ln.text))]
    single = sum(len(tokens(ln.text)) == 1 for ln in with_amounts)
    return len(with_amounts) >= 3 and single >= 0.8 * len(with_amounts)


CODE_COLUMN_RE = re.compile(r"编码|代码|^类$")


def _has_code_columns(body: list[Line]) -> bool:
    return any(CODE_COLUMN_RE.search(ln.key) for ln in body)


YEAR_RE = re.compile(r"^\d{4}年度?$")


def _bare_number_cells(body: list[Line]) -> set[int]:
    """One cell per line: lines holding a bare whole number are cells (an amount of a table in whole 万元,
    or a code), not page numbers: in such a table nothing tells the two apart but the table's arithmetic,
    which reports a page number read as an amount, while a dropped amount would go unnoticed. A table that
    prints every other amount with decimals (6,276.39) prints no whole amount but 0, so there a bare number
    is a page number (a code is kept as a code cell). A year before amounts is a row label (2021 年 in a
    三公 table that compares years), not the year of the title. Numbers between dashes (-11-) and 第 3 页
    stay page numbers."""
    decimals = _prints_decimals(body)
    out: set[int] = set()
    for i, line in enumerate(body):
        if line.key.isdigit() and not (decimals and line.key.strip("0")):
            out.add(line.number)
        elif YEAR_RE.match(line.key):
            following = next((ln.key for ln in body[i + 1:] if ln.key), "")
            if is_amount(following):
                out.add(line.number)
    return out


def _prints_decimals(body: list[Line]) -> bool:
    """Does the table print its amounts with decimals: every amount that is not a bare number has them?"""
    printed = [t for ln in body for t in tokens(ln.text) if is_amount(t) and not t.isdigit()]
    return bool(printed) and all("." in t for t in printed)


def _code_cells(body: list[Line]) -> set[int]:
    """One cell per line, in a table with code columns: the lines holding a code cell (201 / 38 / 08 /
    332901). A run of bare numbers before a label ends with the label's codes: the longest tail of the run
    whose numbers follow each other as codes do (类, then 款 and 项 of two digits, then a unit code); the
    numbers before it are the amounts of the row before (58 58 | 210 11 02 事业单位医疗)."""
    out: set[int] = set()
    run: list[Line] = []
    for line in [*body, Line(0, "")]:
        text = line.text.strip()
        if text.isdigit() and line.number:
            run.append(line)
            continue
        if run and text and not is_amount(text):  # codes precede a label
            texts = [ln.text.strip() for ln in run]
            start = next((i for i in range(len(run)) if _codes_follow(texts[i:])), None)
            if start is not None:
                out.update(ln.number for ln in run[start:])
        run = []
    return out


def _codes_follow(codes: list[str]) -> bool:
    """类 (3, 5 or 7 digits), then 款 and 项 (2 digits each) or the longer code they make (301 01 30101),
    then a unit code (6 digits, or a department's 3 after a class code) — or a unit code alone."""
    klass = ""
    for i, code in enumerate(codes):
        last = i == len(codes) - 1
        if len(code) == 2 and len(klass) in (3, 5):
            klass += code
        elif len(code) in (3, 5, 7) and (not klass or (len(code) > 3 and code.startswith(klass[:3]))):
            klass = code
        elif not (last and (len(code) == 6 or (klass and len(code) == 3))):
            return False
    return True


def _has_amount(line: Line) -> bool:
    return _text_has_amount(line.text)


@lru_cache(maxsize=16384)
def _text_has_amount(text: str) -> bool:
    """Cached by text: header and row lines repeat across a document and across a corpus."""
    rows, _ = rows_of([Line(1, text)])
    return any(seg.amounts for row in rows for seg in segments(row))


def _split_header(content: list[Line], region: TableRegion,
                  code_lines: set[int] | None) -> tuple[list[Line], list[Line]]:
    """Header lines: before the first row (a line with amounts, or with codes and a label; in a table
    without amounts, its total row; one cell per line, a code or a label that is no column label followed
    by amounts), and again after each repeat of the title, where the same header lines are printed again."""
    has_amounts = [_has_amount(line) for line in content]
    any_amounts = any(has_amounts)
    header: list[Line] = []
    data: list[Line] = []
    header_keys: set[str] = set()
    in_header = True
    for i, (line, amounts) in enumerate(zip(content, has_amounts, strict=True)):
        key = line.key
        if is_column_numbers(line.text):
            if in_header:
                header.append(line)  # 栏次 1 2 3 … under the titles: part of the header, every page
            continue
        # a total label starts the rows when its amounts follow on the next line (one cell per line),
        # or when the table has no amounts at all; alone it may be a header cell (合计 over 小计 …)
        next_is_amounts = i + 1 < len(content) and has_amounts[i + 1] and not content[i + 1].key.strip("0123456789.,-")
        starts_row = amounts or DATA_ROW_RE.match(line.text.strip()) or ORDINAL_RE.match(key) or (
            is_total_item(key) and (next_is_amounts or not any_amounts)) or (
            code_lines is not None and (line.number in code_lines or (next_is_amounts and not LABEL_RE.fullmatch(key))))
        if in_header and not starts_row:
            header.append(line)
            header_keys.add(key)
            continue
        in_header = False
        if key in header_keys and not next_is_amounts and line.number not in (code_lines or ()):
            continue  # the header printed again after a page break (合 计 before its amounts is a row)
        data.append(line)
    return header, data


def _header_tokens(header: list[Line]) -> list[str]:
    """The header's column labels in reading order, with `ITEM` where an item column's title stands.

    Exact rows (tab, pipe, HTML) are read cell by cell, so that no label is made of two cells (项目 |
    支出预算 is no 项目支出), and each row ends with `LEVEL_BREAK` (a row is a level of the header).
    Other lines are joined, since their cells may be broken over lines (因公出国 / （境）费用)."""
    tokens: list[str] = []
    loose: list[str] = []  # the pieces of lines that are no exact rows

    def flush() -> None:
        tokens.extend(header_labels(tuple(loose)))
        loose.clear()

    rows, _ = rows_of(header)
    for row in rows:
        if not row.exact:
            loose.extend(match_key(c.text) for c in row.cells)
            continue
        flush()
        for cell in row.cells:
            if cell.from_above:
                continue  # a header cell merged down (合计 over two header rows) is one column
            tokens.extend([ITEM] if match_key(cell.text) == ITEM else cell_labels(cell.text, match_key))
        tokens.append(LEVEL_BREAK)
    flush()
    return tokens


def _header_labels(header: list[Line]) -> list[str]:
    return [t for t in _header_tokens(header) if t != ITEM]


# ---------------------------------------------------------------------------------------------- rows


def _row_segments(rows: list[Row], two_sided: bool, split_at: int | None = None,
                  code_lines: set[int] | None = None, amount_start: int | None = None) -> list[Segment]:
    """Segments of all rows, with rows broken over lines merged back.

    `split_at`: in an exact two-sided row, the position where the 支出 side's cells start; `code_lines`:
    one cell per line, the lines holding a code cell.
    """
    if split_at is not None:
        rows = [part for row in rows for part in _split_exact(row, split_at)]
    if code_lines is not None:
        return _stream_segments(rows, two_sided, code_lines)
    out: list[Segment] = []
    pending: Segment | None = None
    for row in rows:
        segs = segments(row, codes_allowed=not two_sided, two_sided=two_sided,
                        amount_start=amount_start if row.exact else None)
        if not segs:
            continue
        if not row.exact and pending is not None and len(segs) == 1:
            seg = segs[0]
            if not seg.codes and not seg.amounts:  # label continued on the next line
                pending.labels.extend(seg.labels)
                pending.lines.extend(row.lines)
                continue
            if not seg.codes and not seg.labels:  # the amounts of a broken row
                pending.amounts.extend(seg.amounts)
                pending.problems.extend(seg.problems)
                pending.lines.extend(row.lines)
                out.append(pending)
                pending = None
                continue
        if pending is not None:
            out.append(pending)
            pending = None
        last = segs[-1]
        if not row.exact and last.codes and not last.amounts:
            out.extend(segs[:-1])
            pending = last
        else:
            out.extend(segs)
    if pending is not None:
        out.append(pending)
    return out


def _split_exact(row: Row, at: int) -> list[Row]:
    if not row.exact:
        return [row]
    left = [c for c in row.cells if c.pos is not None and c.pos < at]
    right = [c for c in row.cells if c.pos is None or c.pos >= at]
    return [Row(cells, True, row.lines) for cells in (left, right) if any(c.text for c in cells)]


def _stream_segments(rows: list[Row], two_sided: bool, code_lines: set[int]) -> list[Segment]:
    """One cell per line: a new row starts at text after amounts, at codes after a label, or at a
    numbered label after a label; in a two-sided table at any label after a label (an item of one side
    printed without an amount, then an item of the other)."""
    cells: list[Cell] = [c for r in rows for c in r.cells]
    # an amount stands alone on its line: a whole number sharing its line with a label is the label's code
    # (332901 其他津贴补贴, printed as one cell)
    labelled = {c.line for c in cells if not is_amount(c.text.strip()) and amount_problem(c.text) is None}
    out: list[Segment] = []
    seg = Segment()
    for cell in cells:
        text = cell.text.strip()
        if cell.line in code_lines or (text.isdigit() and cell.line in labelled):
            part = Segment(codes=[text])
        elif is_amount(text):
            part = Segment(amounts=[Cell(text, cell.line)])
        else:
            part = segments(Row([cell], exact=False, lines=[cell.line]), codes_allowed=not two_sided)[0]
        starts_new = (
            (seg.amounts and not part.amounts)
            or (part.codes and seg.labels)
            or (part.labels and seg.labels and (two_sided or ORDINAL_RE.match(part.labels[0].text)))
        )
        if starts_new:
            out.append(seg)
            seg = Segment()
        seg.codes += part.codes
        seg.labels += part.labels
        seg.amounts += part.amounts
        seg.problems += part.problems
        seg.lines.append(cell.line)
    if seg.codes or seg.labels or seg.amounts:
        out.append(seg)
    return out


# ------------------------------------------------------------------------------------------ placing


def _without_bad_amounts(ctx: Context, segs: list[Segment]) -> list[Segment]:
    """Report every row that prints a number-like cell that is no amount (1e30, 1,2,3, a phone number) as
    an unparsed line with the reason; the others are read (without it, as if it were a printed row)."""
    kept = []
    for seg in segs:
        if not seg.problems:
            kept.append(seg)
            continue
        ctx.result.data_rows += 1
        ctx.row_no += 1
        ctx.unparsed(seg.line, " ".join([*seg.codes, seg.label, *(c.text for c in seg.amounts)]).strip(),
                     "; ".join(seg.problems))
    return kept


def _values(seg: Segment) -> list[Decimal]:
    return [parse_amount(c.text) for c in seg.amounts]  # type: ignore[misc]


def _step(segs: list[Segment]) -> Decimal:
    decimals = [decimals_of(c.text) for s in segs for c in s.amounts]
    return step_of(max(decimals) if decimals else 2)


def _candidates(seg: Segment, model: ColumnModel, offset: int | None, allowed: list[int],
                step: Decimal) -> list[tuple[int, ...]]:
    """The possible columns of a segment's amounts: one placement when settled, several when
    ambiguous, none when nothing fits."""
    n = len(model.leaves)
    values = _values(seg)
    positional: tuple[int, ...] | None = None
    if model.positions is not None and all(c.pos in model.positions for c in seg.amounts):
        cols = tuple(model.positions[c.pos] for c in seg.amounts)  # type: ignore[index]
        positional = cols
        row = _row_values(n, cols, values)
        if len(set(cols)) == len(cols) and all(holds(i, row, step) for i in model.identities):
            return [cols]
    elif offset is not None and all(c.pos is not None for c in seg.amounts):
        cols = tuple(c.pos - offset for c in seg.amounts)  # type: ignore[operator]
        if all(0 <= c < n for c in cols):
            positional = cols
            row = _row_values(n, cols, values)
            if all(holds(i, row, step) for i in model.identities):
                return [cols]
    found = placements(values, n, model.identities, allowed, step)
    if len(found) == 1:
        return found
    if positional is not None:
        return [positional]  # as printed; a failed identity is the document's, reported by the checks
    if not found and len(values) == n:
        return [tuple(range(n))]  # every column is filled: nothing to choose, the checks will report it
    if not found and len(values) == len(allowed):
        return [tuple(allowed)]
    return found


def _report(ctx: Context, seg: Segment, model: ColumnModel, found: list[tuple[int, ...]], allowed: list[int]) -> None:
    values = seg.amounts
    labels = model.labels
    if len(values) > len(allowed):
        reason = f"{len(values)} amounts but the header has {len(allowed)} amount columns ({'、'.join(labels)})"
    elif not found:
        reason = (f"no placement of the {len(values)} amounts into the columns ({'、'.join(labels)}) "
                  "satisfies the table's identities")
    else:
        options = "; ".join("+".join(model.leaves[c].path for c in p) for p in found[:3])
        more = " …" if len(found) > 3 else ""
        count = f"{len(found)}{'+' if len(found) >= 8 else ''}"
        reason = (f"ambiguous placement: {len(values)} amounts fit {count} ways ({options}{more}); "
                  "neither the identities nor the column totals decide")
    ctx.unparsed(seg.amounts[0].line, " ".join([*seg.codes, seg.label, *(c.text for c in values)]).strip(), reason)


def _row_values(n: int, cols: tuple[int, ...], values: list[Decimal]) -> list[Decimal | None]:
    row: list[Decimal | None] = [None] * n
    for c, v in zip(cols, values, strict=True):
        row[c] = v
    return row


def _allowed(ctx: Context, model: ColumnModel) -> list[int]:
    allowed = [i for i, c in enumerate(model.leaves) if c.fund not in ctx.absent_funds]
    if ctx.income_sources is not None and ctx.region.kind.kind == "income_summary":
        allowed = [i for i in allowed if model.leaves[i].is_total or _match_key(model.leaves[i].label) in ctx.income_sources]
    return allowed


def _match_key(label: str) -> str:
    return ORDINAL_RE.sub("", re.sub(r"\s", "", label))


def income_sources(facts: list[BudgetFact]) -> frozenset[str]:
    """Income items with money in a 收支总表: 一、一般公共预算拨款收入 6,138.20 → 一般公共预算拨款收入."""
    return frozenset(_match_key(f.item) for f in facts if f.side == "收入" and f.amount)


def _emit(ctx: Context, seg: Segment, model: ColumnModel, cols: tuple[int, ...], side: str | None,
          code_kind: str) -> tuple[list[Cell], list[BudgetFact]]:
    """One fact per amount of the row; returns the cells of the row's label and the facts."""
    function_code, economic_code, unit_code = classification(seg, code_kind)
    klass = function_code or economic_code
    label = seg.label
    unit_name = ctx.current_unit[1] if unit_code and unit_code == ctx.current_unit[0] else None
    cells = [c for c in seg.labels if c.text]
    by_column = all(c.pos is not None for c in cells) or not seg.codes  # tokens of a row without codes
    if (len(cells) > 1 and by_column and ORG_RE.search(cells[0].text) and not ORG_RE.search(cells[-1].text)
            and not PROJECT_GROUP_RE.search(cells[-1].text)):
        # a 预算单位 column before the row label (深圳市公共信用中心 | 2021 年), not an item's name that
        # begins with its unit's (…数据应用中心 2025 年信息化规划管理服务项目) nor a project's before its
        # category (烟台国际核电工业及装备博览会 | 其他运转类)
        unit_name, label = cells[0].text, " ".join(c.text for c in cells[1:])
        cells = cells[1:]
    label, unit_name = mask_personal_data(label), mask_optional(unit_name)  # published text
    if unit_code and not klass and ORG_RE.search(label):
        ctx.current_unit = (unit_code, label)
        unit_name = label
        ctx.result.units.append(Unit(ctx.doc_id, unit_code, label))
    ctx.row_no += 1
    fallback_fund = ctx.region.kind.fund
    first = len(ctx.result.facts)
    for cell, col in zip(seg.amounts, cols, strict=True):
        leaf = model.leaves[col]
        value = parse_amount(cell.text)
        assert value is not None
        ctx.result.facts.append(BudgetFact(
            doc_id=ctx.doc_id, table_id=ctx.table_id, row=ctx.row_no, unit_code=unit_code, unit_name=unit_name,
            item=label, function_code=function_code, economic_code=economic_code, side=side, measure=leaf.label,
            fund=leaf.fund or fallback_fund, amount=to_wan(value, ctx.unit), printed=cell.text,
            source_line=cell.line, column_path=leaf.path,
        ))
    return cells, ctx.result.facts[first:]


# ------------------------------------------------------------------------------------- column tables


def _read_columns(ctx: Context, header: list[Line], rows: list[Row]) -> None:
    kind = ctx.region.kind
    model = build_columns(_header_labels(header))
    by_position = positional_model(rows_of(header)[0])
    amount_start = min(by_position.positions) if by_position and by_position.positions else None
    segs = _without_bad_amounts(ctx, _row_segments(rows, two_sided=False, code_lines=ctx.code_lines,
                                                   amount_start=amount_start))
    complete_codes(segs)
    if (by_position is not None and len(by_position.leaves) > len(model.leaves)
            and _placed_by_position(by_position, segs)):
        # the header's own cells name columns the vocabulary does not know: read by their positions
        model = by_position
    if not model.leaves:
        for seg in segs:
            if seg.amounts:
                ctx.unparsed(seg.line, " ".join([*seg.codes, seg.label, *(c.text for c in seg.amounts)]),
                             "no amount columns recognised in the table's header")
        return
    ctx.result.identities = [(model.leaves[i.total].path, tuple(model.leaves[p].path for p in i.parts))
                             for i in model.identities]
    step = _step(segs)
    segs = _split_runs(segs, model, _allowed(ctx, model), step)
    offset = _offset(segs)
    width = _printed_width(segs, offset)
    if model.positions is None and width > len(model.leaves):
        for seg in segs:
            if seg.amounts:
                ctx.unparsed(seg.amounts[0].line, " ".join([*seg.codes, seg.label, *(c.text for c in seg.amounts)]),
                             f"the rows print amounts in {width} columns but the header has {len(model.leaves)} "
                             f"amount columns ({'、'.join(model.labels)}): a column title was not recognised")
        return
    allowed = _allowed(ctx, model)
    rows = [s for s in segs if s.amounts]
    total = _total_segment(rows)
    if total is not None and not any(c.pos is not None for c in total.amounts):
        model = _without_broken_identity(model, _values(total), allowed, step)
        cols = placements(_values(total), len(model.leaves), model.identities, allowed, step)
        if len(cols) > 1 and ctx.known_totals:
            cols = _agreeing_with_known(ctx.known_totals, model, cols, _values(total), step)
        if len(cols) == 1 and all(v >= 0 for v in _values(total)):
            allowed = list(cols[0])  # a column empty in the total row is empty in every row
    plans = {id(s): _candidates(s, model, offset, allowed if s is not total else _allowed(ctx, model), step)
             for s in rows}
    if total is not None and len(plans[id(total)]) > 1 and ctx.known_totals:
        agreeing = _agreeing_with_known(ctx.known_totals, model, plans[id(total)], _values(total), step)
        if len(agreeing) == 1:
            plans[id(total)] = agreeing
    if total is not None:
        _settle_by_column_totals([total, *(s for s in rows if s is not total)], plans, model, step, kind.code_kind)
    if ctx.known_rows:
        for seg in rows:
            if len(plans[id(seg)]) > 1:
                plans[id(seg)] = _agreeing_with_rows(ctx.known_rows, model, seg, plans[id(seg)], step)
    project_rows: list[ProjectRow] = []
    total_column = _total_column(model)
    for seg in segs:
        if not seg.amounts:
            if seg.labels or seg.codes:
                ctx.row_no += 1  # a printed row without amounts
            continue
        ctx.result.data_rows += 1
        found = plans[id(seg)]
        if len(found) != 1:
            _report(ctx, seg, model, found, allowed)
            continue
        cells, facts = _emit(ctx, seg, model, found[0], None, kind.code_kind)
        if kind.kind == "general_budget_projects":
            project_rows.append(_project_row(seg, cells, facts, found[0], total_column))
    if project_rows:
        ctx.result.projects.extend(projects_of(ctx.doc_id, ctx.table_id, project_rows, to_wan(step, ctx.unit)))


def _without_broken_identity(model: ColumnModel, total: list[Decimal], allowed: list[int],
                             step: Decimal) -> ColumnModel:
    """The model to place a table's rows with when its total row, printed without positions, fits no
    placement: the document's own arithmetic is broken (samr's 2-1 prints 总计 6,276.39 but leaves the
    138.19 of 上年结转 blank in every row). If dropping exactly one identity lets the row fit, and dropping
    no other one does, the rows are placed without it; the checks still test it on the published facts and
    report each row that breaks it. Otherwise nothing is dropped and the rows are reported."""
    if not model.identities or placements(total, len(model.leaves), model.identities, allowed, step, limit=1):
        return model
    fitting = [m for m in _each_identity_dropped(model)
               if placements(total, len(model.leaves), m.identities, allowed, step, limit=1)]
    return fitting[0] if len(fitting) == 1 else model


def _each_identity_dropped(model: ColumnModel) -> list[ColumnModel]:
    """The model without its first identity, without its second, …"""
    ids = model.identities
    return [ColumnModel(model.leaves, ids[:i] + ids[i + 1:]) for i in range(len(ids))]


MAX_UNLABELLED_ROWS = 2  # rows printed without a label under a labelled one, sought in one run of cells


def _split_runs(segs: list[Segment], model: ColumnModel, allowed: list[int], step: Decimal) -> list[Segment]:
    """One cell per line: a row printed without a label (the unit's row under 合计) follows the amounts
    of the row before it. A run of more amounts than the table has columns is split into rows where
    exactly one cut gives rows that each satisfy the table's identities; otherwise it stays whole and is
    reported (so too in a table without identities where a bare number, maybe a page number, is in it)."""
    out: list[Segment] = []
    for seg in segs:
        if (any(c.pos is not None for c in seg.amounts)
                or (not model.identities and any(BARE_PAGE_RE.match(c.text) for c in seg.amounts))):
            out.append(seg)
            continue
        cuts = _cuts(seg, model, allowed, step)
        if len(cuts) != 1:
            out.append(seg)
            continue
        start = 0
        for n, size in enumerate(cuts[0]):
            cells = seg.amounts[start:start + size]
            part = Segment(seg.codes, seg.labels, cells, seg.lines) if n == 0 else Segment(
                amounts=cells, lines=[cells[0].line])
            out.append(part)
            start += size
    return out


def _cuts(seg: Segment, model: ColumnModel, allowed: list[int], step: Decimal) -> list[tuple[int, ...]]:
    """The ways to cut a run of amounts into rows: a run longer than a row; or a run printed over several
    lines that fits no row even with one identity dropped (see `_without_broken_identity`), cut where every
    part fits with the same one dropped: 合计 and the unit's row under it in samr's 2-1, which repeat amounts
    that break 总计 = 省当年 + 中央 + 上年结转."""
    values = tuple(_values(seg))
    n = len(model.leaves)
    if len(values) > len(allowed):
        return _row_cuts(values, n, model, tuple(allowed), step)
    if (len({c.line for c in seg.amounts}) == 1 or not model.identities
            or placements(list(values), n, model.identities, allowed, step, limit=1)):
        return []  # a row on one line, or a run that is one row: no break to find
    relaxed = _each_identity_dropped(model)
    if any(placements(list(values), n, m.identities, allowed, step, limit=1) for m in relaxed):
        return []
    # Fewest rows first: with an identity dropped, amounts fit in smaller and smaller pieces (775.45 alone
    # is a 基本支出), but a row printed without a label is rare, so only the one cut into the fewest rows counts.
    for parts in range(2, MAX_UNLABELLED_ROWS + 2):
        found = {cut for m in relaxed for cut in _cuts_into(values, parts, n, m, tuple(allowed), step)}
        if found:
            return sorted(found)
    return []


def _cuts_into(values: tuple[Decimal, ...], parts: int, n: int, model: ColumnModel, allowed: tuple[int, ...],
               step: Decimal) -> list[tuple[int, ...]]:
    """The cuts of `values` into exactly `parts` consecutive rows that each fit the columns."""
    if parts == 1:
        return [(len(values),)] if placements(list(values), n, model.identities, list(allowed), step,
                                               limit=1) else []
    found = []
    for size in range(1, len(values) - parts + 2):
        if placements(list(values[:size]), n, model.identities, list(allowed), step, limit=1):
            found.extend((size, *rest) for rest in _cuts_into(values[size:], parts - 1, n, model, allowed, step))
    return found


def _row_cuts(values: tuple[Decimal, ...], n: int, model: ColumnModel, allowed: tuple[int, ...],
              step: Decimal, limit: int = 2) -> list[tuple[int, ...]]:
    """The ways (at most `limit`) to cut `values` into consecutive rows that each fit the columns."""
    if not values:
        return [()]
    found: list[tuple[int, ...]] = []
    for size in range(min(len(allowed), len(values)), 0, -1):
        if not placements(list(values[:size]), n, model.identities, list(allowed), step, limit=1):
            continue
        for rest in _row_cuts(values[size:], n, model, allowed, step, limit - len(found)):
            found.append((size, *rest))
        if len(found) >= limit:
            break
    return found


def _total_segment(rows: list[Segment]) -> Segment | None:
    """The row that totals the table: its 合计 row, printed first or last; else a first row without
    codes (the unit's row, or a total printed without its label)."""
    ends = [rows[0], rows[-1]] if rows else []
    for seg in ends:
        if is_total_item(seg.label):
            return seg
    return rows[0] if rows and not rows[0].codes else None


def _agreeing_with_known(known: dict[str, Decimal], model: ColumnModel, found: list[tuple[int, ...]],
                         values: list[Decimal], step: Decimal) -> list[tuple[int, ...]]:
    """The placements in which the columns labelled like a known total (基本支出 under 当年 and 上年结转
    alike; a column of another fund excepted) add up to it. Each known total narrows the placements only
    where some agree with it: one that no placement matches is a difference of scope (a 三公 table's
    公务接待费 that counts project money too), not a clue."""
    for label, expected in known.items():
        found = _agreeing(found, values, _general_budget_columns(model, label), frozenset({expected}), step)
    return found


def _agreeing_with_rows(known: dict[str, dict[str, frozenset[Decimal]]], model: ColumnModel, seg: Segment,
                        found: list[tuple[int, ...]], step: Decimal) -> list[tuple[int, ...]]:
    """The placements of an ambiguous row in which the 一般公共预算 columns labelled like a known column add up
    to what the other table prints for the row's item (nothing where it does not print the item), if any do."""
    item = match_key(seg.label)
    for label, by_item in known.items():
        found = _agreeing(found, _values(seg), _general_budget_columns(model, label),
                          by_item.get(item, frozenset({Decimal(0)})), step)
    return found


def _agreeing(found: list[tuple[int, ...]], values: list[Decimal], columns: set[int], expected: frozenset[Decimal],
              step: Decimal) -> list[tuple[int, ...]]:
    """The placements whose amounts in `columns` add up to one of the `expected` sums, if any do (else all:
    a known figure no placement matches is a difference of scope, not a clue)."""
    if not columns:
        return found
    agreeing = []
    for cols in found:
        placed = [v for v, c in zip(values, cols, strict=True) if c in columns]
        if any(abs(sum(placed, Decimal(0)) - e) <= step * max(1, len(placed)) for e in expected):
            agreeing.append(cols)
    return agreeing or found


def _general_budget_columns(model: ColumnModel, label: str) -> set[int]:
    """The columns of `label` that hold 一般公共预算 money (or money of no named fund): the other tables'
    figures that settle placements are 一般公共预算 figures."""
    return {i for i in _columns_labelled(model, label) if model.leaves[i].fund in (None, "一般公共预算")}


def _columns_labelled(model: ColumnModel, label: str) -> set[int]:
    """The amount columns of `label`: the columns of that title, or else the totals of the groups whose
    title ends with it (省当年财政拨款安排/合计 for another table's 当年财政拨款安排)."""
    exact = {i for i, leaf in enumerate(model.leaves) if leaf.label == label}
    if exact:
        return exact
    return {i for i, leaf in enumerate(model.leaves)
            if leaf.is_total and leaf.parent is not None and leaf.parent.children[0] is leaf
            and match_key(leaf.parent.label).endswith(label)}


def _settle_by_column_totals(rows: list[Segment], plans: dict[int, list[tuple[int, ...]]], model: ColumnModel,
                             step: Decimal, code_kind: str = "function") -> None:
    """Settle ambiguous rows with the table's column totals (`rows[0]` is the total row), from the top of
    the classification down:
    the 类 rows add up to the total row, each 类 row's 款 rows to it, and so on; then the leaf rows
    together to the total row; then a row printed without a code (a 类 or 款 name) can only use a column
    in which the leaf rows hold amounts that add up to its value."""
    if not rows or len(plans[id(rows[0])]) != 1:
        return
    n = len(model.leaves)
    codes = [table_code(s, code_kind) for s in rows]
    parent_of = parents(codes)
    children: dict[int, list[int]] = {}
    for i, p in enumerate(parent_of):
        if i == 0:
            continue
        if p is None and codes[i] and not codes[0]:
            p = 0  # a top-level class row adds up to the total row
        if p is not None:
            children.setdefault(p, []).append(i)
    queue = [0]
    while queue:
        p = queue.pop(0)
        kids = children.get(p, [])
        if len(plans[id(rows[p])]) != 1 or not kids or any(not plans[id(rows[k])] for k in kids):
            continue
        _settle_parts(rows[p], [rows[k] for k in kids], plans, n, step)
        queue.extend(kids)
    leaves = [rows[i] for i in leaf_indexes(codes)]
    if any(len(plans[id(s)]) > 1 for s in leaves) and all(plans[id(s)] for s in leaves):
        total = _row_values(n, plans[id(rows[0])][0], _values(rows[0]))
        solved = resolve(total, [(_values(s), plans[id(s)]) for s in leaves], step)
        if solved is not None:
            for seg, cols in zip(leaves, solved, strict=True):
                plans[id(seg)] = [cols]
    if not leaves or any(len(plans[id(s)]) != 1 for s in leaves):
        return
    by_column: dict[int, list[Decimal]] = {}
    for seg in leaves:
        for v, c in zip(_values(seg), plans[id(seg)][0], strict=True):
            by_column.setdefault(c, []).append(v)
    for i, seg in enumerate(rows):
        if codes[i] or len(plans[id(seg)]) < 2:
            continue
        feasible = [cand for cand in plans[id(seg)]
                    if all(reachable(v, by_column.get(c, []), step) is not False
                           for v, c in zip(_values(seg), cand, strict=True))]
        if feasible:
            plans[id(seg)] = feasible


def _settle_parts(whole: Segment, parts: list[Segment], plans: dict[int, list[tuple[int, ...]]], n: int,
                  step: Decimal) -> None:
    """Settle the ambiguous rows among `parts`, which add up column by column to the settled row `whole`
    (a 类 row's 款 rows, a side's numbered items): a column empty in the whole is empty in its parts, then
    the one combination that makes every column add up, if exactly one does."""
    if all(v >= 0 for v in _values(whole)):
        used = set(plans[id(whole)][0])
        for seg in parts:
            plans[id(seg)] = [c for c in plans[id(seg)] if used.issuperset(c)] or plans[id(seg)]
    if any(len(plans[id(seg)]) > 1 for seg in parts):
        total = _row_values(n, plans[id(whole)][0], _values(whole))
        solved = resolve(total, [(_values(seg), plans[id(seg)]) for seg in parts], step)
        if solved is not None:
            for seg, cols in zip(parts, solved, strict=True):
                plans[id(seg)] = [cols]


def _placed_by_position(model: ColumnModel, segs: list[Segment]) -> bool:
    """Does every amount of the rows stand in a column of the header read from positions (the rows and
    the header share one grid)?"""
    cells = [c for s in segs for c in s.amounts]
    return bool(cells) and all(c.pos is not None and c.pos in model.positions for c in cells)  # type: ignore[operator]


def _printed_width(segs: list[Segment], offset: int | None) -> int:
    """Exact layouts: how many columns the amounts span, from the first amount column to the last one
    any row fills. More than the header's amount columns means a header cell we do not know: placing by
    position would shift every amount after it into the wrong column."""
    ends = [c.pos for s in segs for c in s.amounts if c.pos is not None]
    return max(ends) - offset + 1 if ends and offset is not None else 0


def _offset(segs: list[Segment]) -> int | None:
    """Position of the first amount column in an exact layout: where the total row's first amount is."""
    firsts = [s.amounts[0].pos for s in segs if s.amounts and s.amounts[0].pos is not None]
    return min(firsts) if firsts else None


def _total_column(model: ColumnModel) -> int | None:
    """The column that holds a row's whole amount: the total no other column's identity contains, or the
    only column."""
    parts = {p for i in model.identities for p in i.parts}
    roots = sorted({i.total for i in model.identities} - parts)
    if roots:
        return roots[0]
    return 0 if len(model.leaves) == 1 else None


def _project_row(seg: Segment, cells: list[Cell], facts: list[BudgetFact], cols: tuple[int, ...],
                 total_column: int | None) -> ProjectRow:
    fact = next((f for f, c in zip(facts, cols, strict=True) if c == total_column), None)
    first = facts[0]
    return ProjectRow(tuple(cells), first.function_code, first.economic_code, first.unit_code, first.unit_name,
                      fact.amount if fact else None, fact.printed if fact else None, seg.line)


# ---------------------------------------------------------------------------------- two-sided tables


def _read_two_sided(ctx: Context, header: list[Line], rows: list[Row]) -> None:
    left, right = _side_models(_header_tokens(header), _printed_side_labels(header))
    right_label_pos = 1 + len(left.leaves)
    segs = _without_bad_amounts(ctx, _row_segments(rows, two_sided=True, split_at=right_label_pos,
                                                   code_lines=ctx.code_lines))
    step = _step(segs)
    planned: list[tuple[Segment, str, ColumnModel, list[tuple[int, ...]]]] = []
    for seg in segs:
        if not seg.amounts:
            continue
        ctx.result.data_rows += 1
        label_pos = seg.labels[0].pos if seg.labels and seg.labels[0].pos is not None else None
        if label_pos is not None:
            side = "支出" if label_pos >= right_label_pos else "收入"
            offset = label_pos + 1
        else:
            side = _side_of(seg, segs)
            offset = None
        model = right if side == "支出" else left
        planned.append((seg, side, model, _candidates(seg, model, offset, _allowed(ctx, model), step)))
    plans = {id(seg): found for seg, _, _, found in planned}
    for side, model in (("收入", left), ("支出", right)):
        _settle_side([seg for seg, s, _, _ in planned if s == side], plans, len(model.leaves), step)
    for seg, side, model, _ in planned:
        found = plans[id(seg)]
        if len(found) == 1:
            _emit(ctx, seg, model, found[0], side, "function")
        else:
            _report(ctx, seg, model, found, _allowed(ctx, model))




def _settle_side(segs: list[Segment], plans: dict[int, list[tuple[int, ...]]], n: int, step: Decimal) -> None:
    """Settle the ambiguous items of one side of a 收支总表 by its total: the numbered items (一、… 二、…)
    add up, column by column, to 本年收入/支出合计, or to the 总计 where the year's total is not printed.
    A year's total printed as the first item (一、本年支出) is one of them, and the items numbered afresh
    under it add up to it instead."""
    totals = [s for s in segs if is_total_item(s.label) and len(plans[id(s)]) == 1]
    total = next((s for s in totals if "本年" in s.label), totals[0] if totals else None)
    heading, under = year_heading([match_key(s.label) for s in segs])
    if heading is not None and under and len(plans[id(segs[heading])]) == 1:
        parts_of_heading = [segs[i] for i in under if plans[id(segs[i])]]
        if any(len(plans[id(s)]) > 1 for s in parts_of_heading):
            _settle_parts(segs[heading], parts_of_heading, plans, n, step)
    parts = [s for i, s in enumerate(segs) if TOP_ITEM_RE.match(match_key(s.label)) and plans[id(s)]
             and i not in under]
    if total is not None and parts and any(len(plans[id(s)]) > 1 for s in parts):
        _settle_parts(total, parts, plans, n, step)


def _printed_side_labels(header: list[Line]) -> tuple[list[str], list[str]] | None:
    """The column titles printed right of each side's 项目 cell in an exact header row (项目 | 预算 | 项目 |
    预算), as match keys: the sides' columns where the vocabulary knows none of them."""
    rows, _ = rows_of(header)
    for row in rows:
        keys = [match_key(c.text) for c in row.cells] if row.exact else []
        items = [i for i, k in enumerate(keys) if k == ITEM]
        if len(items) == 2:
            left = [k for k in keys[items[0] + 1:items[1]] if k]
            right = [k for k in keys[items[1] + 1:] if k]
            if left and right:
                return left, right
    return None


def _side_models(tokens: list[str], printed: tuple[list[str], list[str]] | None = None) -> tuple[ColumnModel, ColumnModel]:
    halves: list[list[str]] = [[]]
    for t in tokens:
        if t == ITEM:
            halves.append([])
        else:
            halves[-1].append(t)
    if len(halves) >= 3:
        left = build_columns(halves[1])
        right = build_columns([t for h in halves[2:] for t in h])
    else:
        labels = [t for t in tokens if t != LEVEL_BREAK]
        left = build_columns(labels[:1])
        right = build_columns(labels[1:] or labels[:1])
    if printed and len(printed[0]) > len(left.leaves) and len(printed[1]) > len(right.leaves):
        left, right = build_columns(printed[0]), build_columns(printed[1])  # titles the vocabulary lacks
    if not left.leaves:
        left = build_columns(["预算数"])
    if not right.leaves:
        right = build_columns(["预算数"])
    return left, right


def _side_of(seg: Segment, segs: list[Segment]) -> str:
    """收入 or 支出 for a segment of a collapsed row: its place in its line, else its words."""
    same_line = [s for s in segs if s.line == seg.line]
    if len(same_line) == 2:
        return "收入" if same_line[0] is seg else "支出"
    label = seg.label.replace(" ", "")
    if EXPENDITURE_SIDE_RE.search(label):
        return "支出"
    return "收入" if INCOME_SIDE_RE.search(label) else "支出"
