"""The standard set of budget tables: the one place to add a table kind.

A kind is recognised by key words of its title (matched on the whitespace-free, NFKC key of a line),
never by an exact title: titles vary by region and year (部门/单位, 预算表/支出表, 收支预算总表/财务收支预算总表 …).
`KINDS` is ordered most specific first; the first kind whose `title` matches and whose `exclude` does not
wins. `shape` tells the reader how rows are laid out:

- ``columns``: a label (with classification and unit codes) and amount columns under a header tree;
- ``two_sided``: 收入 on the left, 支出 on the right (收支总表, 财政拨款收支总表);
- ``performance``: one row per indicator or one form per project (read by `pipeline.performance`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class TableKind:
    kind: str
    name: str  # the usual Chinese title
    title: re.Pattern[str]
    exclude: re.Pattern[str] | None = None
    shape: str = "columns"
    code_kind: str = "function"  # which classification its 科目编码 column holds: function | economic
    fund: str | None = None  # the fund a one-fund table covers (an empty one says this fund has no money)


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


KINDS: tuple[TableKind, ...] = (
    TableKind("gov_fund_three_public", "政府性基金预算“三公”经费支出预算表", _re(r"政府性基金.*三公"),
              fund="政府性基金预算"),
    TableKind("three_public", "一般公共预算“三公”经费支出表", _re(r"三公.*(经费|表)"), code_kind="economic"),
    TableKind("overall_performance", "整体支出绩效目标表", _re(r"整体(支出)?绩效目标"), shape="performance"),
    TableKind("project_performance", "项目支出绩效目标表", _re(r"项目.*绩效目标(表|申报表)"), shape="performance"),
    TableKind("fiscal_grant_by_economic", "财政拨款支出预算表（部门经济分类科目）",
              _re(r"(财政拨款支出.*经济分类|经济分类.*(预算|支出)表)"), exclude=_re(r"基本支出"),
              code_kind="economic"),
    TableKind("fiscal_grant_summary", "财政拨款收支总表", _re(r"(财政拨款|政府预算拨款)收支.*总表"), shape="two_sided"),
    TableKind("income_expenditure_summary", "收支总表", _re(r"收支(预算)?总(公开)?表"), shape="two_sided"),
    TableKind("income_summary", "收入总表", _re(r"收入(预算)?总表")),
    TableKind("general_budget_basic", "一般公共预算基本支出表", _re(r"基本支出(预算)?(总)?表|基本支出.*经济分类.*表"),
              code_kind="economic",
              fund="一般公共预算"),
    TableKind("general_budget_projects", "一般公共预算项目支出表", _re(r"项目支出(预算)?(总)?表"),
              exclude=_re(r"绩效"), fund="一般公共预算"),
    TableKind("expenditure_summary", "支出总表", _re(r"支出(预算)?总表")),
    TableKind("gov_fund_expenditure", "政府性基金预算支出表", _re(r"政府性基金.*支出.*表"), fund="政府性基金预算"),
    TableKind("soe_capital_expenditure", "国有资本经营预算支出表", _re(r"国有资本经营预算.*支出.*表"),
              fund="国有资本经营预算"),
    TableKind("general_budget_expenditure", "一般公共预算支出表", _re(r"(一般公共预算支出(预算)?表|功能分类(预算|支出)表)"),
              fund="一般公共预算"),
)

BY_NAME = {k.kind: k for k in KINDS}


def kind_of(name: str) -> TableKind:
    """The registered kind called `name`; an unknown name fails loudly, naming the known ones."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown table kind {name!r}; known kinds: {', '.join(BY_NAME)}") from None


def match_kind(key: str) -> TableKind | None:
    """The kind whose title key words `key` (a match key, see `text.lines.match_key`) carries."""
    for kind in KINDS:
        if kind.title.search(key) and not (kind.exclude and kind.exclude.search(key)):
            return kind
    return None
