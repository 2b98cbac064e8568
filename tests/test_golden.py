"""The reader against expectations written by hand from the text (tests/golden/<doc_id>/)."""

import csv
from decimal import Decimal

import pytest
import yaml
from conftest import GOLDEN, SAMPLES

from pipeline.text.lines import match_key

FACT_KINDS = {"income_expenditure_summary", "expenditure_summary", "general_budget_basic",
              "general_budget_projects", "three_public"}

# Lines the reader may report as ambiguous instead of guessing (None: not counted). The collapsed
# gov-office tables print 合计 and one part with the same value; the 类/款 hierarchy, the basic and project
# tables' totals (公开表2-1) and the basic table's 30217 line (公开表3-3) now settle every one of them.
REPORTED_AMBIGUOUS = {
    "sichuan-samr-data-center-2025": 0,
    "sichuan-gov-office-it-center-2025": 0,
    "shenzhen-public-credit-center-2022": 0,
    "nantong-samr-projects-2024": 0,
}


def golden_facts(doc_id):
    with open(GOLDEN / doc_id / "facts.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def key(kind, line, side, item, measure, printed):
    return (kind, int(line), side or "", match_key(item or ""), match_key(measure), printed)


@pytest.mark.parametrize("doc_id", SAMPLES)
def test_facts_match_hand_checked_expectations(doc_id, read_sample):
    result = read_sample(doc_id)
    kinds = {t.table_id: t.kind for t in result.tables}
    got = {key(kinds[f.table_id], f.source_line, f.side, f.item, f.measure, f.printed)
           for f in result.facts if kinds[f.table_id] in FACT_KINDS}
    expected_rows = golden_facts(doc_id)
    unparsed_lines = {u.source_line for u in result.unparsed}
    missing = []
    for row in expected_rows:
        if row["measure"] == "?":  # the text alone cannot tell: must be reported, not guessed
            assert int(row["source_line"]) in unparsed_lines, row
            continue
        k = key(row["kind"], row["source_line"], row["side"], row["item"], row["measure"], row["printed"])
        if k not in got:
            missing.append(k)
    # Every expected fact is published, or its line is reported as unparsed with a reason.
    not_reported = [k for k in missing if k[1] not in unparsed_lines]
    assert not_reported == []
    # Nothing is published that the hand-checked expectation does not have (no guessed columns).
    expected = {key(r["kind"], r["source_line"], r["side"], r["item"], r["measure"], r["printed"])
                for r in expected_rows if r["measure"] != "?"}
    assert sorted(got - expected) == []
    if REPORTED_AMBIGUOUS[doc_id] == 0:
        assert missing == []


def test_gov_office_ambiguity_is_settled_by_other_tables(read_sample):
    result = read_sample("sichuan-gov-office-it-center-2025")
    assert result.unparsed == []
    # 公开表2-1 line 293: 上年结转 1,702.15 fits 基本支出 and 项目支出 in its own arithmetic; the 基本支出表
    # total (537.38 = 当年 基本支出 alone) puts it under 项目支出
    row = {f.column_path: f.printed for f in result.facts if f.source_line == 293}
    assert row["上年结转安排/一般公共预算拨款/项目支出"] == "1,702.15"
    assert not any(p.startswith("上年结转安排/") and p.endswith("基本支出") for p in row)
    assert len(row) == 8
    # its 支出总表 is settled by the column totals: 基本支出 537.38 is the sum of every row but 201 03 99
    facts = {(f.source_line, f.measure): f.printed for f in result.facts}
    assert facts[(195, "项目支出")] == "21,212.28"
    assert facts[(193, "基本支出")] == "385.31"


@pytest.mark.parametrize("doc_id", SAMPLES)
def test_table_statuses(doc_id, read_sample):
    with open(GOLDEN / doc_id / "tables.csv", encoding="utf-8") as f:
        expected = sorted((r["kind"], r["status"]) for r in csv.DictReader(f))
    result = read_sample(doc_id)
    got = sorted((t.kind, t.status if t.status != "unparsed" else "parsed") for t in result.tables)
    assert got == expected


@pytest.mark.parametrize("doc_id", SAMPLES)
def test_table_numbers(doc_id, read_sample):
    with open(GOLDEN / doc_id / "tables.csv", encoding="utf-8") as f:
        expected = sorted((r["kind"], r["number"]) for r in csv.DictReader(f))
    got = sorted((t.kind, match_key(t.number or "")) for t in read_sample(doc_id).tables)
    assert got == expected


@pytest.mark.parametrize("doc_id", SAMPLES)
def test_glossary(doc_id, read_sample):
    expected = yaml.safe_load((GOLDEN / doc_id / "glossary.yml").read_text(encoding="utf-8"))
    terms = read_sample(doc_id).glossary
    assert len(terms) == expected["count"]
    by_seq = {t.seq: t for t in terms}
    for e in expected["terms"]:
        t = by_seq[e["seq"]]
        assert (t.term, t.definition, t.source_line) == (e["term"], e["definition"], e["source_line"])


def _rendered(target):
    """LaTeX from the extraction tool is published as the characters the PDF prints: $\\geq 95\\%$ → ≥95%."""
    if target is None:
        return None
    for latex, char in ((r"\geq", "≥"), (r"\leq", "≤"), (r"\%", "%"), ("$", ""), (" ", "")):
        target = target.replace(latex, char)
    return target


def _text(value):
    return None if value is None else str(value)


@pytest.mark.parametrize("doc_id", SAMPLES)
def test_performance_goals_and_indicators(doc_id, read_sample):
    expected = yaml.safe_load((GOLDEN / doc_id / "performance.yml").read_text(encoding="utf-8"))
    result = read_sample(doc_id)
    assert len(result.goals) == expected["goals"]
    assert len(result.indicators) == expected["indicators"]
    goals = {g.goal_id: g for g in result.goals}
    by_line = {i.source_line: i for i in result.indicators}
    for e in expected["examples"]:
        ind = by_line[e["source_line"]]
        goal = goals[ind.goal_id]
        assert match_key(goal.project or "") == match_key(e["project"] or "")
        assert goal.amount == Decimal(e["amount"].replace(",", ""))
        got = (ind.level1, ind.level2, match_key(ind.name), ind.operator, _rendered(ind.target),
               _text(ind.target_value), ind.target_unit, _text(ind.weight), ind.direction, ind.half_year_target)
        want = (e["level1"], e["level2"], match_key(e["name"]), e["operator"], _rendered(e["target"]),
                _text(e["target_value"]), e["target_unit"], _text(e["weight"]), e["direction"],
                e["half_year_target"])
        assert got == want
