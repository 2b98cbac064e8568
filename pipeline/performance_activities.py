"""An overall-performance form laid out by activity (北京's 部门整体支出绩效目标表, 2026):

    部门名称 | X
    总体资金情况（万元） | 预算支出总额 | 财政拨款 (合计 基本支出 项目支出) | 其他资金 (…)
    | 1,063,371.776545 | 820,087.414755 | …
    整体绩效目标 | 整体绩效目标 | <the goal in words>
    活动 | 绩效指标 | 指标性质 | 指标值 | 度量单位
    思想政治和权益维护 | 产出指标数量指标举办“最美退役军人”发布仪式 | ＝ | 1 | 场

The 绩效指标 cell prints 一级, 二级 and 三级指标 run together; they are told apart by the level words
(产出指标 …, then the first …指标). One goal for the department (its amount the 预算支出总额, its goal the
整体绩效目标 text); each row an indicator of it. The 活动 a row belongs to is not a field of the data model
and is left out of the published indicator (it is in the source line).
"""

from __future__ import annotations

import re
from dataclasses import replace

from .amounts import is_amount, parse_amount

# the parser of the other layouts: its operators and its form titles (printed again on each page)
from .performance import _TITLE as TITLE_RE
from .performance import LEVEL2, operator_of
from .privacy import mask_optional, mask_personal_data
from .records import PerformanceGoal, PerformanceIndicator, UnparsedLine
from .text.lines import Line, match_key

HEADER = ("活动", "绩效指标", "指标性质", "指标值", "度量单位")
JOINED_LEVELS_RE = re.compile(r"^(产出指标|效益指标|满意度指标|成本指标)([\u4e00-\u9fff]{1,10}?指标)(.+)$")
# …or a 二级指标 printed without its 指标 (满意度指标服务对象满意度强制检定申请人…满意率)
SHORT_LEVEL2_RE = re.compile(r"^(产出指标|效益指标|满意度指标|成本指标)(" + "|".join(
    sorted((w for w in LEVEL2 if not w.endswith("指标")), key=len, reverse=True)) + r")(.+)$")
LEVEL1_RE = re.compile(r"(产出指标|效益指标|满意度指标|成本指标)")
WRAP_MAX = 4  # characters of a 绩效指标 cell that the row's height cut off and the extractor gave the next row
GOAL_LABEL = "整体绩效目标"
NOTE_LABEL = "其他说明"  # a remark on the form, printed but not published
FUNDS_LABEL_RE = re.compile(r"^总体资金情况")
# rows of the form that name what follows, with nothing to publish themselves
LABEL_ROWS_RE = re.compile(r"^(?:部门名称|预算支出总额|财政拨款|其他资金|合计|基本支出|项目支出|\(?\d{4}\(?年度\)?)$")


def _cells(line: Line) -> list[str]:
    return [c.strip() for c in line.text.split("\t") if c.strip()] if "\t" in line.text else []


def is_activity_form(lines: list[Line]) -> bool:
    """Does the region print the header 活动 | 绩效指标 | 指标性质 | 指标值 | 度量单位?"""
    return any(tuple(match_key(c) for c in _cells(line)) == HEADER for line in lines)


def parse_activity_form(doc_id: str, table_id: str, lines: list[Line]
                        ) -> tuple[list[PerformanceGoal], list[PerformanceIndicator], list[UnparsedLine]]:
    goal_id = f"{table_id}-g01"
    unit = amount = annual = None
    first_line = None
    indicators: list[PerformanceIndicator] = []
    unparsed: list[UnparsedLine] = []
    in_funds = in_indicators = False
    for line in lines:
        cells = _cells(line)
        keys = [match_key(c) for c in cells]
        if not cells:
            continue  # the title, its year, page numbers and notes: no cells of the form
        first_line = first_line or line.number
        if tuple(keys) == HEADER:
            in_indicators, in_funds = True, False
            continue
        if keys[0] == "部门名称" and len(cells) == 2:
            unit = cells[1]
            continue
        if FUNDS_LABEL_RE.match(keys[0]):
            in_funds = True
            continue
        if in_funds and all(is_amount(c) for c in cells):
            amount = parse_amount(cells[0]) if amount is None else amount  # 预算支出总额, then its parts
            continue
        if keys[0] == GOAL_LABEL:
            annual = cells[-1] if len(cells) > 1 and match_key(cells[-1]) != GOAL_LABEL else annual
            in_funds = False
            continue
        if all(LABEL_ROWS_RE.match(k) for k in keys) or TITLE_RE.search("".join(keys)):
            continue
        if keys[0] == NOTE_LABEL:
            continue
        op = operator_of(cells[2]) if in_indicators and len(cells) >= 3 else None
        if op is None:
            unparsed.append(UnparsedLine(doc_id, table_id, line.number, mask_personal_data(line.text),
                                         "row of an activity form that is no indicator (活动 | 绩效指标 | 指标性质 | "
                                         "指标值 | 度量单位)"))
            continue
        text = cells[1]
        wrapped = LEVEL1_RE.search(text)
        if wrapped and 0 < wrapped.start() <= WRAP_MAX and indicators and not LEVEL1_RE.search(text[:wrapped.start()]):
            # 量产出指标数量指标…: the last characters of the row above's cell, cut off by its height
            indicators[-1] = replace(indicators[-1], name=indicators[-1].name + text[:wrapped.start()])
            text = text[wrapped.start():]
        level1 = level2 = None
        name = text  # a row printed without its level words: its levels are not known
        m = JOINED_LEVELS_RE.match(match_key(text)) or SHORT_LEVEL2_RE.match(match_key(text))
        if m is not None:
            level1, level2 = m.group(1), m.group(2)
            at = text.find(level2)
            name = text[at + len(level2):] if at >= 0 else m.group(3)  # as printed, after its two levels
        target = cells[3] if len(cells) > 3 else None
        value = parse_amount(target) if target and op != "定性" else None
        indicators.append(PerformanceIndicator(
            doc_id=doc_id, goal_id=goal_id, seq=len(indicators) + 1, level1=level1, level2=level2,
            name=mask_personal_data(name.strip()), operator=op, target=mask_optional(target), target_value=value,
            target_unit=cells[4] if len(cells) > 4 else None, weight=None, direction=None, half_year_target=None,
            source_line=line.number,
        ))
    if first_line is None:
        return [], [], unparsed
    goal = PerformanceGoal(doc_id=doc_id, goal_id=goal_id, table_id=table_id, unit_name=mask_optional(unit),
                           project=None, amount=amount, annual_goal=mask_optional(annual), medium_term_goal=None,
                           source_line=first_line)
    return [goal], indicators, unparsed
