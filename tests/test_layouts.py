"""The same tables give the same facts whatever tool extracted the text.

tests/layouts.py renders the tab-separated sample as other tools would (space-aligned, space-collapsed,
one cell per line, markdown pipe tables, HTML tables); the facts must be identical but for the line
numbers, which the one-cell-per-line layout necessarily changes.
"""

import pytest
from conftest import DISCLOSURES
from layouts import LAYOUTS

from pipeline.read import Timings, read_lines
from pipeline.text.lines import match_key, split_lines

SAMPLE = DISCLOSURES / "sichuan-samr-data-center-2025.txt"
ENTRY = {"doc_id": "sichuan-samr-data-center-2025"}


def facts_of(text: str):
    result = read_lines(split_lines(text), SAMPLE, "-", ENTRY, Timings())
    kinds = {t.table_id: t.kind for t in result.tables}
    facts = sorted(
        (kinds[f.table_id], f.unit_code or "", f.function_code or "", f.economic_code or "", f.side or "",
         match_key(f.item), f.column_path, f.fund or "", str(f.amount), f.printed)
        for f in result.facts
    )
    return facts, result


@pytest.fixture(scope="module")
def tab_facts():
    return facts_of(SAMPLE.read_text(encoding="utf-8"))


# Layouts whose rows lose their empty cells are not all read back yet (see the issue note).
NOT_YET = {"space_aligned", "space_collapsed", "cell_per_line"}


@pytest.mark.parametrize("layout", [
    pytest.param(name, marks=pytest.mark.xfail(reason="collapsed rows not fully placed yet", strict=True))
    if name in NOT_YET else name
    for name in LAYOUTS if name != "tab"
])
def test_every_layout_gives_the_same_facts(layout, tab_facts):
    expected, _ = tab_facts
    got, result = facts_of(LAYOUTS[layout](SAMPLE.read_text(encoding="utf-8")))
    assert len(got) == len(expected)
    assert got == expected
    table_reasons = [u for u in result.unparsed if u.table_id and not u.table_id.startswith("t13")]
    assert table_reasons == []


def test_tab_sample_has_no_unparsed_lines(tab_facts):
    _, result = tab_facts
    assert [(u.source_line, u.reason) for u in result.unparsed] == []
    assert len(tab_facts[0]) == 387
