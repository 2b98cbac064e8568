"""名词解释 of all disclosures merged: one entry per term, ordered by pinyin, with a category index.

Terms match after NFKC and with all whitespace removed (“三公”经费 and "三公" 经费 are one entry); the
text shown is the first printing (documents in doc_id order, terms in printed order); other printings
are listed. Definitions that differ (compared the same way) are shown side by side, each with the
documents that print it.

Categories come from simple keyword rules on the matching key, the first rule that matches wins
(`CATEGORY_RULES`, printed on the glossary page):
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .data import SiteData, key

# 支出功能分类 类 names (the 类 level of the government expenditure classification, 201–233)
FUNCTION_CLASSES = {
    "一般公共服务支出": "201", "外交支出": "202", "国防支出": "203", "公共安全支出": "204", "教育支出": "205",
    "科学技术支出": "206", "文化旅游体育与传媒支出": "207", "社会保障和就业支出": "208",
    "社会保险基金支出": "209", "卫生健康支出": "210", "节能环保支出": "211", "城乡社区支出": "212",
    "农林水支出": "213", "交通运输支出": "214", "资源勘探工业信息等支出": "215", "商业服务业等支出": "216",
    "金融支出": "217", "援助其他地区支出": "219", "自然资源海洋气象等支出": "220", "住房保障支出": "221",
    "粮油物资储备支出": "222", "灾害防治及应急管理支出": "224", "预备费": "227", "其他支出": "229",
    "转移性支出": "230", "债务还本支出": "231", "债务付息支出": "232", "债务发行费用支出": "233",
}

CATEGORIES = ("收入", "支出", "科目", "经费", "绩效", "其他")
CATEGORY_RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("科目", "名称含（类）（款）（项），或是支出功能分类的类名，或已解析出科目编码",
     re.compile(r"\((类|款|项)\)|^(" + "|".join(FUNCTION_CLASSES) + r")$")),
    ("经费", "含“三公”或以“经费”结尾（三公经费、机关运行经费）", re.compile(r"三公|经费$")),
    ("绩效", "含“绩效”“指标”或“目标”", re.compile(r"绩效|指标|目标")),
    ("收入", "含“收入”，或以“上年结转”“上年结余”开头", re.compile(r"收入|^上年结(转|余)")),
    ("支出", "含“支出”“结转”或“结余”", re.compile(r"支出|结转|结余")),
)


@dataclass
class Source:
    doc_id: str
    seq: int
    source_line: int | None


@dataclass
class Definition:
    text: str  # as first printed
    sources: list[Source] = field(default_factory=list)


@dataclass
class Entry:
    key: str
    term: str  # as first printed
    printings: list[str] = field(default_factory=list)  # every distinct printing, first one first
    definitions: list[Definition] = field(default_factory=list)
    function_codes: list[str] = field(default_factory=list)
    category: str = "其他"
    anchor: str = ""
    pinyin: tuple[str, ...] = ()

    @property
    def doc_ids(self) -> list[str]:
        return list(dict.fromkeys(s.doc_id for d in self.definitions for s in d.sources))

    @property
    def letter(self) -> str:
        first = self.pinyin[0][:1].upper() if self.pinyin else ""
        return first if "A" <= first <= "Z" else "#"


def category_of(term_key: str, function_code: str | None = None) -> str:
    if function_code:
        return "科目"
    for name, _, pattern in CATEGORY_RULES:
        if pattern.search(term_key):
            return name
    return "其他"


def sort_key(text: str) -> tuple[str, ...]:
    """Pinyin syllables of the Han characters and letters/digits of `text` (punctuation ignored)."""
    from pypinyin import Style, lazy_pinyin  # imported when used: it takes half a second

    core = re.sub(r"[^\w]", "", key(text))
    return tuple(s.lower() for s in lazy_pinyin(core, style=Style.NORMAL, errors="default"))


def anchor_of(entry_key: str, taken: set[str]) -> str:
    base = "-".join(s for s in sort_key(entry_key) if re.fullmatch(r"[a-z0-9]+", s))[:80].strip("-") or "term"
    anchor, n = base, 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    taken.add(anchor)
    return anchor


def merge(data: SiteData) -> list[Entry]:
    """One entry per term of every document's glossary, ordered by pinyin (then by the term itself)."""
    entries: dict[str, Entry] = {}
    for row in data.rows["glossary"]:
        term = (row.get("term") or "").strip()
        k = key(term)
        if not k:
            continue
        entry = entries.setdefault(k, Entry(key=k, term=term))
        if term not in entry.printings:
            entry.printings.append(term)
        definition = (row.get("definition") or "").strip()
        dk = key(definition)
        found = next((d for d in entry.definitions if key(d.text) == dk), None)
        if found is None:
            found = Definition(definition)
            entry.definitions.append(found)
        found.sources.append(Source(row["doc_id"], row.get("seq") or 0, row.get("source_line")))
        code = row.get("function_code")
        if code and str(code) not in entry.function_codes:
            entry.function_codes.append(str(code))
    ordered = sorted(entries.values(), key=lambda e: (sort_key(e.key), e.key))
    taken: set[str] = set()
    for entry in ordered:
        entry.pinyin = sort_key(entry.key)
        entry.anchor = anchor_of(entry.key, taken)
        entry.category = category_of(entry.key, entry.function_codes[0] if entry.function_codes else None)
    return ordered
