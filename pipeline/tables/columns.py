"""Amount columns of a table, read from its header.

Headers are printed over several rows with merged cells, and extraction loses the merges (and, in
collapsed layouts, even the row breaks). We therefore read the header as a stream of known column labels
(matched on the whitespace-free key), in reading order, and rebuild the column tree breadth first:
every group's children form a run that starts with a total (合计/小计), so

    总计 | 当年财政拨款安排 上年结转安排 | 合计 一般公共预算拨款 … 合计 一般公共预算拨款 | 小计 基本支出 项目支出 …

becomes 总计, 当年财政拨款安排(合计, 一般公共预算拨款(小计, 基本支出, 项目支出) …), 上年结转安排(…).
The leaves, depth first, are the amount columns; every group gives an identity total = sum of parts.

Add a new column label to `LABELS`. Labels that can head a group are in `GROUP_RE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from ..identities import Identity
from ..vocabulary import FUNDS
from ..vocabulary import TOTAL_COLUMN_RE as TOTAL_RE

# Column labels, longest alternatives first. Each is matched against the header's whitespace-free text.
LABELS = [
    r"其中[:：]面向中小企业政府采购项目",
    r"其中[:：]面向小型、?微型企业政府采购项目",
    r"\d{4}年政府采购项目",
    r"(省级?|市级?|县级?|区级?|本级)?当年财政拨款(预算)?安排",
    r"中央提前通知专项转移支付等",
    r"上年应退还额度结转",
    r"上年结转(安排|结余)?",
    r"上年结余",
    r"本年政府性基金预算支出",
    r"本年国有资本经营预算支出",
    r"一般公共预算拨款收入",
    r"政府性基金预算拨款收入",
    r"国有资本经营预算拨款收入",
    r"财政拨款收入",
    r"财政专户管理资金收入",
    r"事业单位经营收入",
    r"附属单位上缴收入",
    r"上级补助收入",
    r"用事业基金弥补收支差额",
    r"事业收入",
    r"其他收入",
    r"一般公共预算拨款",
    r"一般公共预算",
    r"政府性基金(预算)?安排",
    r"政府性基金预算",
    r"国有资本经营预算安排",
    r"国有资本经营预算",
    r"财政拨款",
    r"[“\"]?三公[”\"]?经费(?:预算数|预算安排)?",
    r"因公出国[(（]境[)）]费用?",
    r"公务用车购置及运行(维护)?费",
    r"公务用车购置费",
    r"公务用车运行(维护)?费",
    r"公务接待费",
    r"人员经费",
    r"公用经费",
    r"基本支出",
    r"项目支出",
    r"支出总计",
    r"机关运行经费(?:预算数)?",
    r"\d{4}年预算数",
    r"预算数",
    r"金额",
    r"合计",
    r"总计",
    r"小计",
    r"购置费",
    r"运行(?:维护)?费",
]
LABEL_RE = re.compile("|".join(f"(?:{p})" for p in LABELS))
# Between the labels of two header lines of an exact layout (tab, pipe, HTML: one line = one level of the
# header), a group's run of columns ends.
LEVEL_BREAK = "⏎"

# Labels that head a group of columns when a run of columns starting with a total follows them.
GROUP_RE = re.compile(
    r"安排$|^中央提前通知|^本年.*支出$|^一般公共预算拨款$|^政府性基金(预算)?安排$|^国有资本经营预算安排$"
    r"|^公务用车购置及运行|^基本支出$|政府采购项目$|^(\d{4}年)?预算数$|三公"
)
# A group printed without a total column of its own (基本支出 over 人员经费 | 公用经费): its run is the
# labels that belong to it, and they end the run of the group's siblings.
HEADLESS_CHILD = ((re.compile(r"^基本支出$"), re.compile(r"^(人员经费|公用经费)$")),)
# A group takes a run of columns only if the run holds what such a group holds.
GROUP_CHILD = (
    (re.compile(r"^基本支出$"), re.compile(r"人员经费|公用经费")),
    (re.compile(r"政府采购项目$"), re.compile(r"政府采购")),
    (re.compile(r"^公务用车购置及运行"), re.compile(r"公务用车|^购置费$|^运行(维护)?费$")),
    (re.compile(r"^(一般公共预算拨款|政府性基金|国有资本经营)"), re.compile(r"基本支出|项目支出")),
)
# Columns that are a memo ("of which"), not a part of their siblings' total.
# (其中：基本支出 beside 项目支出 under a 小计 is a part: the 其中 opens the breakdown, not a memo)
MEMO_RE = re.compile(r"^其中(?![:：]?(?:基本支出|项目支出|人员(?:经费|支出)|(?:日常)?公用(?:经费|支出))$)|政府采购项目$|^扣除")



@dataclass
class Column:
    label: str
    children: list[Column] = field(default_factory=list)
    parent: Column | None = None

    @property
    def is_total(self) -> bool:
        return bool(TOTAL_RE.match(self.label))

    @cached_property  # a column's ancestors are set when it is made and never change
    def path(self) -> str:
        parts = []
        node: Column | None = self
        while node is not None and node.parent is not None:
            parts.append(node.label)
            node = node.parent
        return "/".join(reversed(parts))

    @cached_property
    def fund(self) -> str | None:
        path = self.path
        for name, pattern in FUNDS:
            if pattern.search(path):
                return name
        return None


@dataclass
class ColumnModel:
    leaves: list[Column]
    identities: list[Identity]
    # the grid position of each leaf's cells, where the header was read from positions (header.py)
    positions: dict[int, int] | None = None

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.leaves]


# The item column's title, where the two sides of a two-sided header begin. Matched after the labels, so
# that 项目 inside a label (项目支出, 2022年政府采购项目) is no item column.
ITEM = "项目"
# Titles of the columns that hold no amounts: a label glued to one of them (项目支出科目编码) still ends there.
TITLE_WORDS = [
    ITEM, r"(功能|经济)?(分类)?科目(编码|名称)(\(科目\))?", r"单位(代码|名称)(\(科目\))?", r"预算单位", r"项目名称",
    r"部门名称", r"备注", r"[类款项]",
]
LABEL_OR_WORD_RE = re.compile(f"({LABEL_RE.pattern})|" + "|".join(f"(?:{w})" for w in TITLE_WORDS))
WORD_RE = re.compile("|".join(f"(?:{w})" for w in TITLE_WORDS))
_EACH_RE = [(re.compile(p), True) for p in LABELS] + [(re.compile(w), False) for w in TITLE_WORDS]


def header_labels(pieces: tuple[str, ...]) -> list[str]:
    """Known column labels in reading order from a header's whitespace-free pieces (the tokens of a
    collapsed header, where a space may end a cell or sit inside one: 合 计), with `ITEM` where an item
    column's title stands.

    A label may span pieces but not cut one: 项目 | 支出预算 is the item column and a title, not 项目支出;
    一般公共预算支出 and 一般公共预算基本支出 title a group and hold no column. A label may end inside a piece
    only where the title of a column without amounts begins (项目支出科目编码: cells printed without a
    space)."""
    return list(_header_labels(tuple(pieces)))


@lru_cache(maxsize=4096)
def _header_labels(pieces: tuple[str, ...]) -> tuple[str, ...]:
    text = "".join(pieces)
    bounds = {0}
    for piece in pieces:
        bounds.add(max(bounds) + len(piece))
    out: list[str] = []
    pos = last_end = 0
    while (m := LABEL_OR_WORD_RE.search(text, pos)) is not None:
        start = m.start()
        found = None
        if start in bounds or start == last_end:
            matches = ((r.match(text, start), is_label) for r, is_label in _EACH_RE)
            for match, is_label in sorted((x for x in matches if x[0]), key=lambda x: -x[0].end()):
                end = match.end()
                if end in bounds or WORD_RE.match(text, end):
                    found = (match.group(0), is_label)
                    break
        if found is None:
            pos = start + 1
            continue
        word, is_label = found
        if is_label or word == ITEM:
            out.append(word)
        pos = last_end = start + len(word)
    return tuple(out)


def cell_labels(cell_text: str, key_of) -> list[str]:
    """The labels of one header cell of an exact layout: the cell is a label (一般公共 预算 too), or
    labels separated by spaces (合计 一般公共预算拨款, two cells an extraction merged); a cell with other
    words (一般公共预算支出, 一般公共预算基本支出, 支出预算) titles a group and is no column."""
    key = key_of(cell_text)
    if LABEL_RE.fullmatch(key):
        return [key]
    parts = [key_of(p) for p in cell_text.split()]
    return parts if len(parts) > 1 and all(LABEL_RE.fullmatch(p) for p in parts) else []


def build_columns(labels: list[str]) -> ColumnModel:
    root = Column("")
    stream = list(labels)
    queue = [root]
    while queue and any(x != LEVEL_BREAK for x in stream):
        group = queue.pop(0)
        while stream and stream[0] == LEVEL_BREAK:
            stream.pop(0)
        if group is not root and not group.is_total and _headless(group.label, stream):
            size = 0
            while size < len(stream) and _headless(group.label, stream[size:]):
                size += 1
        else:
            if group is not root and (group.is_total or not GROUP_RE.search(group.label)
                                      or not _starts_run(stream)):
                continue
            size = 1
            while (size < len(stream) and not TOTAL_RE.match(stream[size]) and stream[size] != LEVEL_BREAK
                   and not any(_headless(label, stream[size:]) for label in stream[:size])):
                size += 1  # a run ends at a total, a header row's end, or the children of a run member
            if group is not root and not _accepts(group.label, stream[:size]):
                continue
        run, stream = stream[:size], stream[size:]
        for label in run:
            child = Column(label, parent=group)
            group.children.append(child)
            queue.append(child)
    leaves = list(_leaves(root))
    return ColumnModel(leaves, identities_of(root, leaves))


def _headless(label: str, stream: list[str]) -> bool:
    for group_re, child_re in HEADLESS_CHILD:
        if group_re.search(label):
            return bool(stream) and bool(child_re.search(stream[0]))
    return False


def _accepts(label: str, run: list[str]) -> bool:
    for group_re, child_re in GROUP_CHILD:
        if group_re.search(label):
            return any(child_re.search(c) for c in run)
    return True


def _starts_run(stream: list[str]) -> bool:
    return bool(stream) and bool(TOTAL_RE.match(stream[0]))


def _leaves(node: Column):
    for child in node.children:
        if child.children:
            yield from _leaves(child)
        else:
            yield child


def _total_leaf(node: Column) -> Column:
    """The leaf column that carries a node's amount: itself, or its group's total."""
    while node.children:
        node = node.children[0]
    return node


def _amount_leaves(node: Column) -> list[Column]:
    """The leaf columns whose sum is a node's amount: its total leaf, or every leaf of a group printed
    without a total (基本支出 = 人员经费 + 公用经费)."""
    if node.children and not node.children[0].is_total:
        return [leaf for k in node.children if not MEMO_RE.search(k.label) for leaf in _amount_leaves(k)]
    return [_total_leaf(node)]


def _split_leaves(node: Column) -> list[Column]:
    """The leaves a column is split into when it is printed per fund (or per any other split without a
    total of its own): its leaf children, or those of its total; [] for a leaf or a summed group."""
    if not node.children:
        return []
    if all(not k.children for k in node.children) and not node.children[0].is_total:
        return node.children
    return _split_leaves(node.children[0]) if node.children[0].is_total else []


def _split_by(node: Column) -> tuple[str, ...]:
    return tuple(k.label for k in _split_leaves(node))


def identities_of(root: Column, leaves: list[Column]) -> list[Identity]:
    """Every group's identity: its total column = the sum of its other columns (memo columns excepted)."""
    index = {id(c): i for i, c in enumerate(leaves)}
    out: list[Identity] = []

    def visit(node: Column) -> None:
        kids = node.children
        if len(kids) >= 2 and kids[0].is_total:
            parts = [k for k in kids[1:] if not MEMO_RE.search(k.label)]
            split = _split_by(kids[0])
            if parts and split and all(_split_by(k) == split for k in parts):
                # every column split alike (总计 | 因公出国费 …, each by 一般公共预算 | 政府性基金预算 | …):
                # one identity per split
                for n in range(len(split)):
                    out.append(Identity(index[id(_split_leaves(kids[0])[n])],
                                        tuple(index[id(_split_leaves(k)[n])] for k in parts)))
            elif parts:
                out.append(Identity(index[id(_total_leaf(kids[0]))],
                                    tuple(index[id(leaf)] for k in parts for leaf in _amount_leaves(k))))
        for k in kids:
            visit(k)

    visit(root)
    return out
