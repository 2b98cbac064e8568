"""A department's 部门预算 totals equal the sum of its units' 单位预算 (its own 本级 unit included):
收入总计, 支出总计, 基本支出 and 项目支出, where the department's disclosure lists its units and a 单位预算 of
the same year of every one of them is present. A department that lists no unit is not checked: a
泉州市公安局（本级）单位预算 beside the 泉州市公安局部门预算 is one of its units, not all of them. The check is
the department's; its message names every unit's document and line."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ....narrative import OWN_LEVEL_RE
from ....records import Check, DocumentResult
from ....text.lines import match_key
from ..base import AcrossRule, compare, where

MEASURES = ("收入总计", "支出总计", "基本支出", "项目支出")
DEPARTMENT, UNIT = "部门预算", "单位预算"


def name_key(name: str | None) -> str:
    """A unit's name as matched across documents: without spaces, brackets and a trailing 本级."""
    return OWN_LEVEL_RE.sub("", match_key(name or "")).replace("(", "").replace(")", "")


def run(results: Sequence[DocumentResult]) -> list[Check]:
    units_by_name: dict[tuple[str, int], list[DocumentResult]] = defaultdict(list)
    for r in results:
        if r.document.kind == UNIT and r.document.fiscal_year:
            units_by_name[(name_key(r.document.publisher), r.document.fiscal_year)].append(r)
    out: list[Check] = []
    for department in results:
        doc = department.document
        if doc.kind != DEPARTMENT or not doc.fiscal_year:
            continue
        names = list(dict.fromkeys(name_key(u.unit_name) for u in department.units if u.unit_name))
        found = [units_by_name.get((n, doc.fiscal_year), []) for n in names]
        if not names or any(len(f) != 1 for f in found):
            continue  # a unit's 单位预算 missing (or two of them): the sum is not all of the department
        units = [f[0] for f in found]
        own = {h.measure: h for h in department.headline}
        for measure in MEASURES:
            parts = [next((h for h in u.headline if h.measure == measure), None) for u in units]
            figure = own.get(measure)
            if figure is None or any(p is None for p in parts) or any(p.fund != figure.fund for p in parts):
                continue  # not printed by all, or of another scope
            out.append(compare(RULE, figure, parts,
                               f"{where(figure)} {measure} of the 部门预算 = the sum of its {len(parts)} units' "
                               f"单位预算 ({'; '.join(where(p) for p in parts)})"))
    return out


RULE = AcrossRule(
    id="department-units-mismatch",
    title="部门预算与所属单位预算之和不符 / a department's totals differ from the sum of its units'",
    identity="部门预算 收入总计, 支出总计, 基本支出, 项目支出 = Σ 所属单位（含本级）单位预算的同一数字",
    severity="error",
    run=run,
)
