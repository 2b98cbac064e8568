"""Unit tests of the layout converter in tests/layouts.py (not of the reader)."""

from pathlib import Path

import pytest
from layouts import (
    LAYOUTS,
    display_width,
    to_cell_per_line,
    to_html,
    to_markdown,
    to_space_aligned,
    to_space_collapsed,
)

SAMPLE = Path(__file__).resolve().parent.parent / "disclosures" / "sichuan-samr-data-center-2025.txt"

# a 3-row table with empty cells, between a heading and a narrative line
TABLE = "Title\na\tbb\tc\nddd\t\te\nf\t1.00\t\n\nafter\n"


def test_space_aligned_three_rows():
    assert to_space_aligned(TABLE) == "\n".join(
        [
            "Title",
            "a    bb    c",
            "ddd        e",
            "f    1.00",
            "",
            "after",
            "",
        ]
    )


def test_space_collapsed_three_rows():
    assert to_space_collapsed(TABLE) == "Title\na bb c\nddd e\nf 1.00\n\nafter\n"


def test_cell_per_line_three_rows():
    assert to_cell_per_line(TABLE) == "Title\na\nbb\nc\nddd\ne\nf\n1.00\n\nafter\n"


def test_markdown_three_rows():
    assert to_markdown(TABLE) == "\n".join(
        [
            "Title",
            "| a | bb | c |",
            "|---|---|---|",
            "| ddd |  | e |",
            "| f | 1.00 |  |",
            "",
            "after",
            "",
        ]
    )


def test_html_three_rows():
    assert to_html(TABLE) == (
        "Title\n"
        "<table>\n"
        "<tr><td>a</td><td>bb</td><td>c</td></tr>\n"
        "<tr><td>ddd</td><td></td><td>e</td></tr>\n"
        "<tr><td>f</td><td>1.00</td><td></td></tr>\n"
        "</table>\n"
        "\n"
        "after\n"
    )


def test_display_width():
    assert display_width("abc") == 3
    assert display_width("项目") == 4
    assert display_width("（一）") == 6  # fullwidth parentheses
    assert display_width("6,138.20") == 8


def test_space_aligned_cjk_width():
    text = "项目\t预算数\n一般公共预算拨款收入\t6,138.20\n合计\t<b>7,052.28</b>\n"
    out = to_space_aligned(text)
    assert out == "\n".join(
        [
            "项目" + " " * 18 + "预算数",
            "一般公共预算拨款收入  6,138.20",
            "合计" + " " * 18 + "<b>7,052.28</b>",
            "",
        ]
    )
    # the second column starts at display column 22 on every row
    for line, cell in zip(out.splitlines(), ["预算数", "6,138.20", "<b>7,052.28</b>"], strict=True):
        assert display_width(line[: line.index(cell)]) == 22


def test_space_aligned_keeps_positions_of_leading_empty_cells():
    assert to_space_aligned("\t\tx\na\tb\tc\n") == "      x\na  b  c\n"


def test_rows_without_text():
    text = "a\tb\n\t\nc\td\n"
    assert to_space_aligned(text) == "a  b\nc  d\n"
    assert to_space_collapsed(text) == "a b\nc d\n"
    assert to_cell_per_line(text) == "a\nb\nc\nd\n"
    assert to_markdown(text) == "| a | b |\n|---|---|\n|  |  |\n| c | d |\n"
    assert to_html(text) == (
        "<table>\n<tr><td>a</td><td>b</td></tr>\n<tr><td></td><td></td></tr>\n<tr><td>c</td><td>d</td></tr>\n</table>\n"
    )


def test_markdown_escapes_pipes_and_pads_rows():
    text = "a|b\tc\tx\nd\te\n"
    assert to_markdown(text) == "| a\\|b | c | x |\n|---|---|---|\n| d | e |  |\n"


def test_html_one_table_per_block():
    text = "# 表一\nA\tB\n1\t2\n\n# 表二\nC\t\n<b>3</b>\t4"
    assert to_html(text) == (
        "# 表一\n"
        "<table>\n"
        "<tr><td>A</td><td>B</td></tr>\n"
        "<tr><td>1</td><td>2</td></tr>\n"
        "</table>\n"
        "\n"
        "# 表二\n"
        "<table>\n"
        "<tr><td>C</td><td></td></tr>\n"
        "<tr><td><b>3</b></td><td>4</td></tr>\n"
        "</table>"
    )


def test_inline_markup_kept():
    text = "<b>合计</b>\t\t<b>6,908.95</b>\n"
    assert to_space_collapsed(text) == "<b>合计</b> <b>6,908.95</b>\n"
    assert to_cell_per_line(text) == "<b>合计</b>\n<b>6,908.95</b>\n"
    assert to_markdown(text) == "| <b>合计</b> |  | <b>6,908.95</b> |\n|---|---|---|\n"


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_non_tab_lines_unchanged(name):
    text = "四川省市场监督管理局  \n数据应用中心  \n2025 年单位预算\n\n# 目录\n  缩进的说明文字。"
    assert LAYOUTS[name](text) == text


def test_layout_names():
    assert list(LAYOUTS) == ["tab", "space_aligned", "space_collapsed", "cell_per_line", "markdown", "html",
                            "html_inline", "markdown_br", "layout_wide"]
    assert LAYOUTS["tab"]("a\tb\n") == "a\tb\n"


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample disclosure missing")
@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_sample_non_tab_lines_kept_in_order(name):
    text = SAMPLE.read_text(encoding="utf-8")
    out = LAYOUTS[name](text).split("\n")
    it = iter(out)
    for line in text.split("\n"):
        if "\t" not in line:
            assert any(o == line for o in it), line
    if name != "tab":
        assert "\t" not in "".join(out)


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample disclosure missing")
def test_sample_cell_per_line_lists_every_cell():
    text = SAMPLE.read_text(encoding="utf-8")
    expected = []
    for line in text.split("\n"):
        if "\t" in line:
            expected.extend(cell for cell in line.split("\t") if cell.strip())
        else:
            expected.append(line)
    assert to_cell_per_line(text).split("\n") == expected
