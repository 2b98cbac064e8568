"""What kind of department publishes a disclosure (信访, 统计, 气象 …), read from its name.

Departments of the same kind are named differently from city to city (发展和改革委员会 / 发展改革局,
人力资源和社会保障局 / 人社局, 市场监督管理局 / 市场监管局, 经济和信息化局 / 工业和信息化局): one short
type for each makes them comparable across cities. A unit's name often says its department's field (…公安局
交通管理局, …数据局); a name that says none has no type (None), never a guess.
"""

from __future__ import annotations

import re

from .text.lines import match_key

# (type, words of the name), most specific first: 公安局交通管理局 is 公安, 统计和大数据研究院 is 统计
TYPES: tuple[tuple[str, str], ...] = (
    ("口岸", r"口岸"),
    ("信访", r"信访"),
    ("统计", r"统计"),
    ("气象", r"气象"),
    ("审计", r"审计"),
    ("财政", r"财政|财务会计"),
    ("公安", r"公安|刑事科学"),
    ("司法", r"司法|戒毒"),
    ("发展改革", r"发展和?改革|发改"),
    ("人力资源社会保障", r"人力资源和?社会保障|人社|职业能力"),
    ("医疗保障", r"医疗保障|医保|医疗保险"),
    ("卫生健康", r"卫生健康|卫健|中医|疾病预防"),
    ("市场监管", r"市场监督管理|市场监管"),
    ("生态环境", r"生态环境|环境保护|减污降碳"),
    ("规划和自然资源", r"自然资源|规划"),
    ("住房城乡建设", r"住房和?(城乡)?建设|住建"),
    ("建筑工务", r"工务"),
    ("交通运输", r"交通运输|交通"),
    ("水务", r"水务|海洋"),
    ("水利", r"水利"),
    ("应急管理", r"应急管理"),
    ("退役军人事务", r"退役军人"),
    ("民政", r"(?<!人)民政|福利彩票"),  # not the 民政 of 人民政府
    ("教育", r"教育|学校|大学|学院"),
    ("商务", r"商务"),
    ("文化旅游", r"文化|旅游|广电"),
    ("文物", r"文物"),
    ("工业和信息化", r"工业和信息化|经济和信息化|工信|经信"),
    ("科技", r"科技|科学技术"),
    ("政务服务和数据管理", r"政务服务|数据(管理)?局|大数据"),
    ("国有资产监管", r"国有资产监督管理|国资"),
    ("城市管理", r"城市管理|城管"),
    ("宣传", r"宣传部"),
    ("政府办公厅", r"人民政府办公[厅室]|政府办公[厅室]"),
    ("园林绿化", r"园林|绿化"),
    ("军民融合", r"军民融合"),
    ("城市副中心建设", r"城市副中心"),
    ("重大项目建设", r"重大项目建设"),
)
_COMPILED = tuple((name, re.compile(words)) for name, words in TYPES)


def department_type(publisher: str | None) -> str | None:
    """The type of department a publisher's name says, or None when it says none of the known ones."""
    if not publisher:
        return None
    key = match_key(publisher)
    for name, words in _COMPILED:
        if words.search(key):
            return name
    return None
