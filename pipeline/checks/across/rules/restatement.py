"""The previous year's figures a disclosure prints (a 2025 年 row of its 三公 table, 上年预算数 columns)
equal that year's own disclosure of the same publisher and kind, where both are present; where they
differ, last year's budget was restated. A warning: a restatement can be legitimate (an adjusted
budget), but it must be visible. The check is the later document's; its message names the earlier
document's line."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from ....headline import headline_figures
from ....records import Check, DocumentResult, HeadlineFigure
from ..base import AcrossRule, compare, where
from .department_units import name_key


def previous_year(result: DocumentResult) -> list[HeadlineFigure]:
    """The headline figures a document prints for the year before its own: the same rule (`headline`),
    over its facts of that year only, as if the document were of that year."""
    year = result.document.fiscal_year
    facts = [f for f in result.facts if f.fiscal_year == year - 1]
    if not facts:
        return []
    seq = {id(f): n for n, f in enumerate(result.facts, start=1)}
    view = replace(result, document=replace(result.document, fiscal_year=year - 1), facts=facts, statements=[])
    return [replace(h, fact_seq=seq[id(facts[h.fact_seq - 1])]) for h in headline_figures(view) if h.fact_seq]


def run(results: Sequence[DocumentResult]) -> list[Check]:
    by_year: dict[tuple[str, str, int], list[DocumentResult]] = defaultdict(list)
    for r in results:
        doc = r.document
        if doc.publisher and doc.kind and doc.fiscal_year:
            by_year[(name_key(doc.publisher), doc.kind, doc.fiscal_year)].append(r)
    out: list[Check] = []
    for (publisher, kind, year), later in by_year.items():
        earlier = by_year.get((publisher, kind, year - 1), [])
        if len(later) != 1 or len(earlier) != 1:
            continue  # no earlier disclosure, or two of a year: which one was restated is unknown
        own = {h.measure: h for h in earlier[0].headline}
        for restated in previous_year(later[0]):
            figure = own.get(restated.measure)
            if figure is None or figure.fund != restated.fund:
                continue
            out.append(compare(RULE, restated, [figure],
                               f"{where(restated)} {restated.measure} of {year - 1} as printed in the {year} "
                               f"disclosure = the {year - 1} disclosure's own ({where(figure)})"))
    return out


RULE = AcrossRule(
    id="restatement-mismatch",
    title="上年数字与上年公开文件不符 / last year's figures differ from last year's own disclosure",
    identity="本年文件印出的上年数（上年预算数、2025 年行）= 同一单位上年公开文件的同一数字",
    severity="warning",
    run=run,
)
