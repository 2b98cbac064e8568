"""Lines of a table region → rows of cells, whatever tool extracted the text.

Layouts and what survives of a table's cells in each:

- tab-separated rows, markdown pipe tables, HTML ``<table>`` blocks: cell positions are reliable
  (`Row.exact`), empty cells included;
- space-aligned or space-collapsed rows (pdftotext with or without ``-layout``, pypdf): cells are
  whitespace-separated tokens; empty cells vanished, so positions mean nothing;
- one cell per line (PyMuPDF): a row's cells follow each other on separate lines.

Non-exact rows are later placed into columns by the table's own arithmetic (`tables.placement`).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ..amounts import is_amount
from .lines import Line, match_key, strip_markup

PIPE_SEPARATOR_RE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
TR_RE = re.compile(r"<tr\b[^>]*>(.*?)</tr\s*>", re.IGNORECASE | re.DOTALL)
CELL_RE = re.compile(r"<t([dh])\b([^>]*)>(.*?)</t[dh]\s*>", re.IGNORECASE | re.DOTALL)
COLSPAN_RE = re.compile(r"colspan\s*=\s*[\"']?(\d+)", re.IGNORECASE)
ROWSPAN_RE = re.compile(r"rowspan\s*=\s*[\"']?(\d+)", re.IGNORECASE)
ANY_TAG_RE = re.compile(r"<[^>]+>")
# A number glued to a unit or a date word is text, not an amount: "2025 年", "15 楼", "30 TB".
NUMBER_IN_TEXT_RE = re.compile(r"^(?:年|月|日|楼|层|号|个|次|期|人|万|元|TB|GB|G|M|%|％)")
# Page numbers an extraction leaves between rows and paragraphs: -32-, — 5 —, _3_, 第 3 页 共 9 页, 3/9 …
PAGE_MARK_RE = re.compile(r"^(?:[-—–_]+\d{1,4}[-—–_]+|第\d{1,4}页(?:[,，/]?共\d{1,4}页)?|\d{1,4}/\d{1,4})$")
BARE_PAGE_RE = re.compile(r"^\d{1,4}$")
WRAPPED_NUMBER_RE = re.compile(r"[-−]?\d[\d,]*\.\d+(?: \d+)+")
TABLE_TAGS_RE = re.compile(r"\s*(</?(table|tbody|thead)[^>]*>\s*)+")
_SPACE_RE = re.compile(r"\s+")
_PIPE_SPLIT_RE = re.compile(r"(?<!\\)\|")


@dataclass
class Cell:
    text: str
    line: int  # 1-based source line
    pos: int | None = None  # column position, for exact layouts
    from_above: bool = False  # HTML: the text of a cell merged down (rowspan) from the row above


@dataclass
class Row:
    cells: list[Cell]
    exact: bool
    lines: list[int] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.lines[0] if self.lines else self.cells[0].line

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@lru_cache(maxsize=16384)  # asked of the same lines by several readers (tables, glossary, performance)
def is_page_number(text: str, bare: bool = True) -> bool:
    """Is the line a page number? `bare`: a lone number counts too (not where a lone number is data, as in
    a performance table's 序号 or weight column). Matched on the text without whitespace and markdown
    emphasis, but not through strip_markup, which would take `- 12 -` for a list item."""
    raw = _SPACE_RE.sub("", unicodedata.normalize("NFKC", text)).replace("*", "")
    for key in (raw, match_key(text)):
        if PAGE_MARK_RE.match(key) or (bare and BARE_PAGE_RE.match(key)):
            return True
    return False


_TR_START_RE = re.compile(r"<tr\b", re.IGNORECASE)


def one_row_per_line(lines: list[Line]) -> list[Line]:
    """Lines holding a whole HTML table (MinerU writes one ``<table>…</table>`` per line), cut into one line
    per ``<tr>`` row, each keeping the line's number: the readers then meet the rows as they meet a table
    written one row per line (its source_line is still the line the row is printed on)."""
    if not any(len(_TR_START_RE.findall(line.text)) > 1 for line in lines):
        return lines
    out: list[Line] = []
    for line in lines:
        starts = [m.start() for m in _TR_START_RE.finditer(line.text)]
        if len(starts) < 2:
            out.append(line)
            continue
        cuts = [0, *starts, len(line.text)] if starts[0] > 0 else [*starts, len(line.text)]
        ends = [m.end() for m in TR_RE.finditer(line.text)]
        if ends and ends[-1] < len(line.text):
            cuts.insert(-1, ends[-1])  # the table's closing tags after its last row
        out.extend(Line(line.number, piece) for a, b in zip(cuts, cuts[1:], strict=False)
                   if (piece := line.text[a:b]).strip())
    return out


def rows_of(lines: list[Line]) -> tuple[list[Row], list[int]]:
    """Rows of a region's lines, and the line numbers consumed as pure markup (table tags, separators)."""
    if any("<tr" in line.text.lower() for line in lines):
        return _html_rows(lines)
    rows: list[Row] = []
    markup: list[int] = []
    for line in lines:
        text = line.text
        stripped = text.strip()
        if not stripped:
            continue
        if is_pipe_separator(stripped):
            markup.append(line.number)
            continue
        parts = exact_cells(text)
        if parts is not None:
            rows.append(_exact_row(line.number, parts))
        else:
            cells = [Cell(t, line.number) for t in tokens(text)]
            if cells:
                rows.append(Row(cells, exact=False, lines=[line.number]))
    return _without_margins(rows), markup


def _without_margins(rows: list[Row]) -> list[Row]:
    """Exact rows without the leading columns that are empty in every row of their block (consecutive rows
    with the same number of cells: one page of a table). A PDF page may rule an empty margin column the
    next page does not: the same column must have the same position on every page."""
    out: list[Row] = []
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j].exact and len(rows[j].cells) == len(rows[i].cells):
            j += 1
        if j == i:  # a row that is not exact
            out.append(rows[i])
            i += 1
            continue
        block = rows[i:j]
        lead = min(_leading_empty(r) for r in block)
        if lead == 0:
            out.extend(block)
        else:
            out.extend(Row([Cell(c.text, c.line, c.pos - lead, c.from_above) for c in r.cells[lead:]], True, r.lines)
                       for r in block)
        i = j
    return out


def _leading_empty(row: Row) -> int:
    n = 0
    while n < len(row.cells) - 1 and not row.cells[n].text:
        n += 1
    return n


def is_pipe_separator(stripped: str) -> bool:
    """The |---|---| line under a markdown table's header: markup, no row."""
    return stripped.startswith("|") and stripped.count("|") >= 2 and bool(PIPE_SEPARATOR_RE.match(stripped))


def exact_cells(text: str) -> list[str] | None:
    """The cells of a row whose extractor kept the columns (a markdown pipe row, escaped pipes kept as text;
    a tab-separated row), as printed; None for a collapsed row."""
    stripped = text.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
        return [p.replace("\\|", "|") for p in _PIPE_SPLIT_RE.split(inner)]
    return text.split("\t") if "\t" in text else None


def _exact_row(number: int, parts: list[str]) -> Row:
    cells = [Cell(unwrapped(strip_markup(p).strip()), number, i) for i, p in enumerate(parts)]
    return Row(cells, exact=True, lines=[number])


def unwrapped(text: str) -> str:
    """A number its cell wrapped after the decimal point (3800.0 | 0, 1,343.48698 | 8), which the extraction
    joined with a space: one number, as printed on the page. One cell of an exact layout holds one value."""
    return text.replace(" ", "") if WRAPPED_NUMBER_RE.fullmatch(text) else text


def tokens(text: str) -> list[str]:
    """Whitespace tokens of a collapsed row, with numbers that belong to words kept in the words."""
    return list(_tokens(text))  # a fresh list: callers may change it


@lru_cache(maxsize=16384)  # a region's lines are tokenised several times (layout tests, header split, rows)
def _tokens(text: str) -> tuple[str, ...]:
    raw = strip_markup(text).split()
    out: list[str] = []
    for tok in raw:
        if out and is_amount(out[-1]) and NUMBER_IN_TEXT_RE.match(tok) and "," not in out[-1]:
            out[-1] = f"{out[-1]} {tok}"
        else:
            out.append(tok)
    return tuple(out)


def _html_rows(lines: list[Line]) -> tuple[list[Row], list[int]]:
    text = "\n".join(line.text for line in lines)
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line.text) + 1)

    def line_at(offset: int) -> int:
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lines[lo].number

    rows: list[Row] = []
    covered: set[int] = set()
    # column position → (rows still covered by a rowspan from above, its text)
    spanned: dict[int, tuple[int, str]] = {}
    for tr in TR_RE.finditer(text):
        number = line_at(tr.start())
        cells: list[Cell] = []
        for cell in CELL_RE.finditer(tr.group(1)):
            _fill_spanned(cells, spanned, number)
            content = html.unescape(ANY_TAG_RE.sub("", cell.group(3))).strip()
            colspan = COLSPAN_RE.search(cell.group(2))
            rowspan = ROWSPAN_RE.search(cell.group(2))
            for i in range(int(colspan.group(1)) if colspan else 1):
                if rowspan and int(rowspan.group(1)) > 1:
                    spanned[len(cells)] = (int(rowspan.group(1)) - 1, content if i == 0 else "")
                cells.append(Cell(content if i == 0 else "", number, len(cells)))
        _fill_spanned(cells, spanned, number)
        rows.append(Row(cells, exact=True, lines=[number]))
        covered.update(range(number, line_at(tr.end()) + 1))
    markup = []
    # Lines outside any <tr> (text around the table) are read as ordinary lines.
    outside = [line for line in lines if line.number not in covered]
    for line in outside:
        if ANY_TAG_RE.fullmatch(line.text.strip() or "x") or TABLE_TAGS_RE.fullmatch(line.text):
            markup.append(line.number)
    plain = [line for line in outside if line.number not in markup]
    more, more_markup = rows_of(plain) if plain else ([], [])
    rows = sorted(rows + more, key=lambda r: r.line)
    return rows, markup + more_markup


def _fill_spanned(cells: list[Cell], spanned: dict[int, tuple[int, str]], number: int) -> None:
    """Add the cells that rowspans from the rows above cover at the row's next positions. A cell merged
    down holds, in each row it covers, what it printed (201 for every row of its 类); a header reads it
    once, in its own row (`from_above`)."""
    while spanned.get(len(cells), (0, ""))[0] > 0:
        left, content = spanned[len(cells)]
        spanned[len(cells)] = (left - 1, content)
        cells.append(Cell(content, number, len(cells), from_above=True))
