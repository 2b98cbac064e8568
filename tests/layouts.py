"""Render a TAB-separated disclosure text the way other PDF extraction tools would.

The reference form of a disclosure (``disclosures/*.txt``) writes every table row
as one line whose cells are separated by TAB characters.  The functions here
re-render such a text in the shapes other extractors produce, so tests can
check that the reader gets the same facts from every layout:

* ``to_space_aligned``  -- ``pdftotext -layout`` / pdfplumber layout text
* ``to_space_collapsed`` -- plain ``pdftotext`` / pypdf text
* ``to_cell_per_line``  -- PyMuPDF ``get_text()``
* ``to_markdown``       -- marker / docling markdown pipe tables
* ``to_html``           -- MinerU HTML tables
* ``to_html_inline``    -- MinerU HTML, one whole ``<table>…</table>`` per line
* ``to_markdown_br``    -- pymupdf4llm markdown: cells broken with ``<br>``, the header row repeated
* ``to_layout_wide``    -- ``pdftotext -layout`` with wide gaps between columns

Rules shared by all converters:

* A *block* is a maximal run of consecutive lines that contain a TAB; a line
  without a TAB (heading, narrative, blank line) ends the block and is copied
  unchanged.
* Cells are the pieces of ``line.split("\\t")``; a cell is *empty* when it is
  empty or whitespace only.
* Inline markup inside cells (``<b>6,908.95</b>``, ``<p>...</p>``) is kept
  verbatim in every layout, HTML included (cell text is not HTML-escaped).
* Lines are split on ``"\\n"`` only, so the trailing newline (or its absence)
  is preserved exactly.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

__all__ = [
    "LAYOUTS",
    "display_width",
    "to_cell_per_line",
    "to_html",
    "to_html_inline",
    "to_layout_wide",
    "to_markdown",
    "to_markdown_br",
    "to_space_aligned",
    "to_space_collapsed",
]

COLUMN_GAP = "  "

Rows = list[list[str]]


def display_width(s: str) -> int:
    """Terminal display width: East Asian Wide/Fullwidth count 2, combining marks 0."""
    width = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _is_empty(cell: str) -> bool:
    return not cell.strip()


def _convert(text: str, render_block: Callable[[Rows], list[str]]) -> str:
    """Apply ``render_block`` to every block of tab lines; copy other lines."""
    out: list[str] = []
    block: Rows = []
    for line in text.split("\n"):
        if "\t" in line:
            block.append(line.split("\t"))
            continue
        if block:
            out.extend(render_block(block))
            block = []
        out.append(line)
    if block:  # only possible when the text does not end with a newline
        out.extend(render_block(block))
    return "\n".join(out)


# --- plain text layouts -------------------------------------------------------


def _aligned_block(rows: Rows) -> list[str]:
    ncols = max(len(r) for r in rows)
    widths = [0] * ncols
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], display_width(cell))
    lines = []
    for row in rows:
        if all(_is_empty(c) for c in row):
            continue  # a row without text leaves no line in extracted text
        parts = [cell + " " * (widths[i] - display_width(cell)) for i, cell in enumerate(row)]
        lines.append(COLUMN_GAP.join(parts).rstrip())
    return lines


def to_space_aligned(text: str) -> str:
    """Fixed-width columns like ``pdftotext -layout``.

    Each column is padded to the widest cell of that column within the block
    (CJK counts as width 2), columns are separated by two spaces, empty cells
    become blanks so column positions are kept; trailing blanks are stripped.
    Rows whose cells are all empty are dropped.
    """
    return _convert(text, _aligned_block)


def _collapsed_block(rows: Rows) -> list[str]:
    lines = []
    for row in rows:
        cells = [c for c in row if not _is_empty(c)]
        if cells:
            lines.append(" ".join(cells))
    return lines


def to_space_collapsed(text: str) -> str:
    """Non-empty cells joined by one space, like pdftotext without ``-layout``.

    Empty cells vanish; rows whose cells are all empty are dropped.
    """
    return _convert(text, _collapsed_block)


def _cell_per_line_block(rows: Rows) -> list[str]:
    return [c for row in rows for c in row if not _is_empty(c)]


def to_cell_per_line(text: str) -> str:
    """Every non-empty cell on its own line, row after row, like PyMuPDF."""
    return _convert(text, _cell_per_line_block)


# --- markup layouts -----------------------------------------------------------


def _markdown_block(rows: Rows) -> list[str]:
    ncols = max(len(r) for r in rows)
    lines = []
    for n, row in enumerate(rows):
        cells = [c.replace("|", "\\|") for c in row] + [""] * (ncols - len(row))
        lines.append("| " + " | ".join(cells) + " |")
        if n == 0:
            lines.append("|" + "|".join(["---"] * ncols) + "|")
    return lines


def to_markdown(text: str) -> str:
    """Each block becomes a markdown pipe table, like marker / docling.

    The first row is followed by a ``|---|---|`` separator; every row is padded
    with empty cells to the block's widest row; ``|`` in cells is escaped as
    ``\\|``.
    """
    return _convert(text, _markdown_block)


def _html_block(rows: Rows) -> list[str]:
    lines = ["<table>"]
    for row in rows:
        lines.append("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    lines.append("</table>")
    return lines


def to_html(text: str) -> str:
    """Each block becomes one ``<table>``, like MinerU.

    ``<table>`` and ``</table>`` stand on their own lines, each row is one
    ``<tr>`` line with one ``<td>`` per source cell (empty cells as
    ``<td></td>``, no colspan).  Cell text is copied verbatim, not escaped.
    """
    return _convert(text, _html_block)


def _html_inline_block(rows: Rows) -> list[str]:
    return ["<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows) + "</table>"]


def to_html_inline(text: str) -> str:
    """Each block becomes one whole ``<table>…</table>`` on a single line, as MinerU writes it."""
    return _convert(text, _html_inline_block)


def _broken(cell: str) -> str:
    """A long text cell broken over two lines inside its box: ``行政事业<br>单位医疗``."""
    text = cell.strip()
    if len(text) < 6 or any(ch.isdigit() for ch in text) or "<" in text:
        return cell
    half = len(text) // 2
    return f"{text[:half]}<br>{text[half:]}"


def _is_number(cell: str) -> bool:
    return cell.strip().replace(",", "").replace(".", "", 1).lstrip("-").isdigit()


def _markdown_br_block(rows: Rows) -> list[str]:
    indicators = any(word in c for row in rows for c in row for word in ("指标", "项目名称", "绩效"))
    if indicators or sum(sum(_is_number(c) for c in row) >= 2 for row in rows) < 3:
        return _markdown_block(rows)  # a performance form or a note, not a budget table: as marker writes it
    lines = _markdown_block([[_broken(c) for c in row] for row in rows])
    if len(rows) > 6 and not any(_is_number(c) for c in rows[0]):  # the header again after a page break
        lines.insert(2 + (len(rows) - 1) // 2, lines[0])
    return lines


def to_markdown_br(text: str) -> str:
    """Markdown pipe tables as pymupdf4llm writes them: in budget tables (blocks with rows of amounts) a
    cell's wrapped lines joined with ``<br>`` and the first row (the header) repeated in the middle of a
    long table, as after a page break; other blocks as ``to_markdown``."""
    return _convert(text, _markdown_br_block)


def _wide_block(rows: Rows) -> list[str]:
    return [line.replace(COLUMN_GAP, " " * 7) for line in _aligned_block(rows)]


def to_layout_wide(text: str) -> str:
    """``pdftotext -layout`` of a wide page: columns further apart (seven spaces between them)."""
    return _convert(text, _wide_block)


LAYOUTS: dict[str, Callable[[str], str]] = {
    "tab": lambda t: t,
    "space_aligned": to_space_aligned,
    "space_collapsed": to_space_collapsed,
    "cell_per_line": to_cell_per_line,
    "markdown": to_markdown,
    "html": to_html,
    "html_inline": to_html_inline,
    "markdown_br": to_markdown_br,
    "layout_wide": to_layout_wide,
}
