"""A disclosure's own metadata, read from its text (for files without a catalog entry).

`read_metadata(lines)` returns a dict with the keys of the `documents` resource it can fill:

- `title`: the cover title as printed — the short cover lines right before the first 目录 line (or, with
  no contents, the first lines of the document), markup removed, each line stripped at its ends and the
  lines joined without a separator (`四川省市场监督管理局` + `数据应用中心` + `2025 年单位预算`).
- `fiscal_year`: the year of the title (`2025 年`, `2024年度`), else the first year in the first lines.
- `kind`: 单位预算 | 部门预算 | 项目绩效目标 | 整体绩效目标 (and the 决算 variants), from the title
  (`2025 年单位预算`, `XX 部门预算`, `（部门）预算`, `本级项目预算绩效目标表`), else from the body.
- `supervisor`: the 主管部门 printed in a table cell or as `主管部门：X`, else the parent named in
  `本单位是隶属于X的二级预算单位`.
- `publisher`: for a performance-goal document, the 主管部门; otherwise the name in the title (the title
  without its year and kind), else a `部门名称：` / `单位名称` label, else the 主管部门.
- `units`: the unit names printed as 实施单位 / 单位名称 (in order, once each); else `[publisher]`.
- `region`: the administrative prefix of the publisher (else of the title or supervisor): a province
  (`四川省`, `广西壮族自治区`), a city (`深圳市`, `南通市`, `XX自治州`), a county (`XX区`, `XX县`), or a chain
  of them as printed (`四川省成都市`).
- `admin_level`: from the lowest level of the region: province (省, 自治区, and the municipalities
  北京市/天津市/上海市/重庆市) | city (市, 州, 盟, 地区) | county (区, 县, 旗).
- `title_line`: the line number where the title starts.

Values that are not printed are None. Nothing here knows particular documents: only the phrases that
budget disclosures use everywhere.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter

from pipeline.text.layout import CELL_RE, exact_cells
from pipeline.text.lines import Line, match_key, strip_markup

_HEAD_LINES = 60  # the cover, contents and first paragraphs
_TITLE_CHARS = 60
_CJK = r"\u4e00-\u9fff"

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_DUTY_HEADING = re.compile(r"职责|职能")
_SELF_NAMED = re.compile(rf"^([{_CJK}（）()]{{2,40}}?(?:局|委员会|办公厅|办公室|厅|院|中心|部|处))(?:的)?(?:主要职责|主要职能|属于|是)")
_BUDGET_YEAR = re.compile(r"((?:19|20)\d{2})\s*[（(]?年度")
_YEAR_SUBTITLE = re.compile(r"[（(]?((?:19|20)\d{2})[（(]?年度[）)]*")
# in a title, a year before the kind also without 年: 北京市…委员会 / 2026 部门预算情况的说明
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:年度?|(?=[（(]?(?:部门|单位)?[）)]?(?:预算|决算)))")
_CONTENTS = re.compile(r"^目录$")
_DATE = re.compile(r"^[〇零一二三四五六七八九\d]{4}年[〇零一二三四五六七八九十\d]{1,2}月(?:[〇零一二三四五六七八九十\d]{1,3}日)?$")  # a cover's date
_PART_HEADING = re.compile(r"^第[一二三四五六七八九十\d]+部分")
# Only a table's own markup goes: any other "<…>" in a cell is printed text (a title may read "<img …>").
_TABLE_MARKUP = re.compile(r"</?(?:table|thead|tbody|tr|td|th)\b[^>]*>", re.IGNORECASE)
_LABEL_CELL = re.compile(r"^(主管部门|实施单位|单位名称|部门名称|预算单位|主管单位|编制单位|部门（单位）|部门)(?:\s*[:：]\s*(.*))?$")
_COLUMN_GAP = re.compile(r"\S(?: {3,}|\u3000{2,}|\t)\S")  # columns aligned by spaces: a gap no title has
_UNIT_AFTER = re.compile(r"\s*(?:金额)?单位\s*[:：].*$")  # 部门名称：深圳市信访局 单位：万元
# what an organisation's name ends with (a column header or a number does not)
_ORG_NAME = re.compile(
    rf"^[{_CJK}（）()A-Za-z0-9]{{3,}}(?:局|中心|厅|委员会|委|办公室|办|院|站|所|会|部|处|队|馆|校|社|室|组|府|司|署"
    r"|团|台|场|园|公司|集团|大学|学院|医院|政府|法院|检察院|保障房|基地|库|店)$"
)
_SUBORDINATE = re.compile(rf"隶属于?([{_CJK}（）()]{{2,40}}?)(?:的|，|,|。)")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_AUTONOMOUS_REGIONS = ("内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区")
_PROVINCE = re.compile(rf"^[{_CJK}]{{2,3}}?省")
_CITY = re.compile(rf"^[{_CJK}]{{2,6}}?(?:自治州|地区|市|州|盟)")
_COUNTY = re.compile(rf"^[{_CJK}]{{1,6}}?(?:自治县|自治旗|新区|区|县|旗)")
# words ending in 区/县/市/州 that are not place names
_NOT_PLACE = re.compile(r"(?:社区|小区|园区|景区|街区|校区|营区|辖区|片区|市场|城市|超市|州府)$")
_ORG_PREFIX = re.compile(r"^(?:中国共产党|中共|共青团|中国)")

_KIND_SLUGS = {
    "部门预算": "dept-budget",
    "单位预算": "unit-budget",
    "部门决算": "dept-final",
    "单位决算": "unit-final",
    "项目绩效目标": "project-goals",
    "整体绩效目标": "overall-goals",
}


def _clean(text: str) -> str:
    return strip_markup(text).strip()


def _printed_cells(text: str) -> list[str] | None:
    """The cells of a row whose extractor kept them (tab- or pipe-separated, HTML cells), cleaned, empty
    ones dropped; None for a line that is no such row."""
    parts = exact_cells(text)
    if parts is None and "<t" in text.lower():
        parts = [m.group(3) for m in CELL_RE.finditer(text)] or None
    if parts is None:
        return None
    return [c for c in (_clean(_TABLE_MARKUP.sub("", c)) for c in parts) if c]


def _cells(line: Line) -> list[str]:
    """The cells of a row as any extractor prints it: its printed cells, else its columns (aligned by runs
    of spaces), else its words (a row collapsed to single spaces; a paragraph is one word or a few). A
    stray mark before a name (S 深圳市…, the font's) stays with the name."""
    cells = _printed_cells(line.text)
    if cells is None:
        text = line.text.strip()
        parts = re.split(r"\s{2,}", text) if re.search(r"\S\s{2,}\S", text) else text.split()
        cells = [c for c in (_clean(p) for p in parts) if c]
    out: list[str] = []
    for c in cells:
        if out and re.fullmatch(r"[A-Za-z]{1,2}", out[-1]):
            out[-1] = f"{out[-1]} {c}"
        else:
            out.append(c)
    return out


def _title_text(line: Line) -> str | None:
    """A cover line's text: the line, or the one cell of a row (a cover printed in a one-column table);
    None for a row of several cells or columns (a form's 项目名称 | 信息化管理专项经费 …), which no title is."""
    cells = _printed_cells(line.text)
    if cells is not None:
        return cells[0] if len(cells) == 1 else None if cells else ""
    text = _clean(_TABLE_MARKUP.sub("", line.text))
    return None if _COLUMN_GAP.search(text) else text


def _is_org(name: str) -> bool:
    """An organisation's name, an alias in brackets after it allowed (…研究院（上海市统计数据管理中心）)."""
    return bool(_ORG_NAME.match(re.sub(r"[（(][^（()）]*[)）]$", "", name)))


def _unit_name(text: str) -> str:
    """A publisher's name without the （本级） that marks a department's own body, nor stray punctuation."""
    return re.sub(r"[（(]本级[)）]$", "", text.strip("．.。、，,:： "))


def _name(text: str) -> str:
    """A unit or department name: no whitespace, no stray Latin-letter marks before the name (`S 深圳市…`)."""
    text = re.sub(rf"^[A-Za-z]+\s+(?=[{_CJK}])", "", text.strip())
    text = re.sub(r"\s+", "", text)
    return text.strip("：:，,。;；")


def _is_title_like(line: Line) -> bool:
    text = _title_text(line)
    key = match_key(text or "")
    if not key or len(key) > _TITLE_CHARS:
        return False
    if re.search(r"[。；;：:，,]", key) or _PART_HEADING.match(key) or _CONTENTS.match(key) or _DATE.match(key):
        return False
    return not re.fullmatch(r"[-—–\d\s]+", key)  # a page number


def _title_key(block: list[Line]) -> str:
    return "".join(match_key(_title_text(b) or "") for b in block)


def _joins(block: list[Line], line: Line) -> bool:
    """Whether `line` belongs to the cover lines `block`: once they name the kind and the year, only a
    name (the publisher printed under its title) does; not the form's first label, nor the date."""
    if not _is_title_like(line) or len(block) >= 6:
        return False
    key = _title_key(block)
    name = _title_text(line) or ""
    return not (_has_kind_words(key) and _TITLE_YEAR.search(key)) or (len(name.split()) <= 2 and _is_org(_name(name)))


def _title_lines(lines: list[Line]) -> list[Line]:
    """The cover lines: before the first 目录 that has a cover, else the first lines of the document."""
    for c, line in enumerate(lines):
        if not _CONTENTS.match(match_key(_title_text(line) or "")):
            continue
        block: list[Line] = []
        i = c - 1
        while i >= 0:
            if not lines[i].key:
                i -= 1
                continue
            if not _joins(block, lines[i]):
                break
            block.insert(0, lines[i])
            i -= 1
        if block and _has_kind_words(_title_key(block)):
            return block
    block = []
    for line in lines[:_HEAD_LINES]:
        if not line.key or (not block and _title_text(line) == ""):
            continue  # a blank line, or a table's markup before the cover's first line
        if not _joins(block, line):
            break
        block.append(line)
    if block and _has_kind_words(_title_key(block)):
        return block
    return []


def _has_kind_words(key: str) -> bool:
    return bool(re.search(r"预算|决算|绩效目标", key))


def _kind(key: str) -> str | None:
    """The kind of disclosure named in a (match-key) text."""
    key = _YEAR.sub("", key)  # 四川省教育厅（部门）2025年预算
    if "绩效目标" in key:
        if "整体" in key and "项目" not in key:
            return "整体绩效目标"
        if "项目" in key:
            return "项目绩效目标"
    m = re.search(r"(单位|部门\)?|\(部门\))(预算|决算)", key)
    if m:
        return ("单位" if m.group(1) == "单位" else "部门") + m.group(2)
    return None


def _body_kind(lines: list[Line]) -> str | None:
    counts = Counter()
    for line in lines:
        for m in re.finditer(r"(单位|部门)(预算|决算)", line.key):
            counts[m.group(1) + m.group(2)] += 1
    return counts.most_common(1)[0][0] if counts else None


def _tables_kind(lines: list[Line]) -> str | None:
    """A tables-only file without a cover (预算01表 收支总表 …): 部门预算 where its tables are a department's
    (部门名称, 部门整体支出绩效目标表), 单位预算 where they are a unit's."""
    keys = [line.key for line in lines]
    if any(k.startswith("部门名称") or "部门整体支出绩效目标表" in k for k in keys):
        return "部门预算"
    if any(k.startswith("单位名称") or "单位整体支出绩效目标表" in k for k in keys):
        return "单位预算"
    return None


def _label_values(lines: list[Line]) -> list[tuple[str, str]]:
    """(label, value) of every label cell (主管部门 / 实施单位 / 单位名称 …), in order: the value printed after
    the label in its cell, else the next cell, else "". Read once per document for all the labels."""
    found: list[tuple[str, str]] = []
    for n, line in enumerate(lines):
        if "部" not in line.text and "单" not in line.text:
            continue  # every label holds 部 or 单 (most lines hold neither)
        cells = _cells(line)
        for k, cell in enumerate(cells):
            m = _LABEL_CELL.match(cell)
            if m and (m.group(2) is not None or m.group(1) != "部门"):
                value = m.group(2) or (cells[k + 1] if k + 1 < len(cells) else _next_cell(lines, n))
                found.append((m.group(1), _UNIT_AFTER.sub("", value)))
    return found


def _next_cell(lines: list[Line], n: int) -> str:
    """The value of a label that ends its line: the first cell of the next line that is not blank (one
    cell per line, as PyMuPDF prints a form), unless that is a label too."""
    for line in lines[n + 1:n + 3]:
        cells = _printed_cells(line.text) or [c for c in [_clean(line.text)] if c]
        if cells:
            return "" if _LABEL_CELL.match(cells[0]) else cells[0]
    return ""


def _labels(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Values printed after labels such as 主管部门 / 实施单位 / 单位名称, in order, once each."""
    found: dict[str, list[str]] = {}
    for label, value in pairs:
        if not value:
            continue
        value = _name(value)
        if _is_org(value):
            found.setdefault(label, [])
            if value not in found[label]:
                found[label].append(value)
    return found


def _most_common(pairs: list[tuple[str, str]], label: str) -> str | None:
    counts = Counter()
    for found, value in pairs:
        if found == label:
            value = _name(value)
            if _ORG_NAME.match(value):
                counts[value] += 1
    return counts.most_common(1)[0][0] if counts else None


def _joined_text(lines: list[Line]) -> str:
    """The document's running text, broken lines joined without a separator."""
    return "".join(_clean(line.text) for line in lines if line.key)


def _publisher_from_title(title: str) -> str | None:
    text = re.sub(r"\s+", "", title)
    text = _YEAR.sub("", text)
    cut = max(text.rfind("预算"), text.rfind("决算"))
    if cut < 0:
        return None
    text = text[:cut]
    text = re.sub(r"(?:（部门）|\(部门\)|部门整体|部门|单位|本级)$", "", text)
    text = re.sub(r"(?:19|20)\d{2}$|年$", "", text)
    text = re.sub(r"(?:（部门）|\(部门\)|部门|单位)$", "", text)  # 北京市医疗保障局部门 2026 年度部门预算
    text = _name(text)
    return text if len(text) >= 2 and _is_org(_unit_name(text)) else None


def region_of(name: str | None) -> tuple[str | None, str | None]:
    """(region, admin_level) of the administrative prefix of a unit name."""
    if not name:
        return None, None
    rest = _ORG_PREFIX.sub("", _name(name))
    parts: list[str] = []
    level: str | None = None
    for prefix in _MUNICIPALITIES + _AUTONOMOUS_REGIONS:
        if rest.startswith(prefix):
            parts.append(prefix)
            rest = rest[len(prefix) :]
            level = "province"
            break
    else:
        m = _PROVINCE.match(rest)
        if m:
            parts.append(m.group(0))
            rest = rest[m.end() :]
            level = "province"
        else:  # a municipality named without 市 (北京城市副中心…办公室), or the capital as 首都 (首都绿化委员会)
            short = next((p for p in _MUNICIPALITIES if rest.startswith(p[:-1])), None)
            if short or rest.startswith("首都"):
                parts.append(short or "北京市")
                rest = rest[len(short) - 1 if short else 2 :]
                level = "province"
    if level is None or parts[0] not in _MUNICIPALITIES:
        m = _CITY.match(rest)
        if m and not _NOT_PLACE.search(m.group(0)) and not rest[m.end() :].startswith("场"):
            parts.append(m.group(0))
            rest = rest[m.end() :]
            level = "city"
    m = _COUNTY.match(rest)
    if m and not _NOT_PLACE.search(m.group(0)) and not rest[m.end() :].startswith("域"):
        parts.append(m.group(0))
        level = "county"
    if not parts:
        return None, None
    return "".join(parts), level


# a place name where a name or a clause begins (北京市…局, 中共北京市委, 是北京市…): not the tail of a word
_PLACE_IN_TEXT = re.compile(rf"(?:^|(?<=[，。、：；（(“\"的是为在共]))(?:北京市|天津市|上海市|重庆市|[{_CJK}]{{2,3}}省|[{_CJK}]{{2,3}}市)")


def _most_named_region(lines: list[Line]) -> tuple[str | None, str | None]:
    """The province or city the text names most (北京市 in a narrative whose publisher is 首都绿化委员会办公室),
    when neither the publisher nor the title starts with one; at least three times."""
    counts = Counter(m.group(0) for line in lines[:400] for m in _PLACE_IN_TEXT.finditer(line.key))
    for place, n in counts.most_common(3):
        region, level = region_of(place)
        if n >= 3 and region == place:
            return region, level
    return None, None


def _ends_range(m: re.Match) -> bool:  # 2023-2024年: a span of years, not the budget's
    return m.string[m.start() - 1:m.start()] in ("-", "—", "至", "~")


def _subtitle_year(lines: list[Line]) -> int | None:
    """The year of the lines that are only a budget year (（2026年度）, 2026（年度）: the subtitle of the forms)."""
    counts = Counter(int(m.group(1)) for line in lines if (m := _YEAR_SUBTITLE.fullmatch(line.key)))
    return counts.most_common(1)[0][0] if counts else None


def _self_named(lines: list[Line]) -> str | None:
    """A narrative without a cover names its publisher where it describes its duties: under 本部门职责情况,
    `北京市气象局属于公益性事业单位…`, `北京市人民政府办公厅主要职责包括：…`."""
    for i, line in enumerate(lines[:_HEAD_LINES * 3]):
        if _DUTY_HEADING.search(line.key) and len(line.key) <= 20:
            for below in lines[i + 1:i + 4]:
                m = _SELF_NAMED.match(below.key)
                if m:
                    return m.group(1)
    return None


def _most_named_year(lines: list[Line]) -> int | None:
    """The year a file without a cover names most often: as a budget year (2026年度) if it names one, else
    any year (not the end of a range)."""
    for pattern in (_BUDGET_YEAR, _YEAR):
        counts = Counter(int(m.group(1)) for line in lines for m in pattern.finditer(line.key) if not _ends_range(m))
        if counts:
            return counts.most_common(1)[0][0]
    return None


def read_metadata(lines: list[Line]) -> dict:
    """The document's own metadata (see the module docstring for each key)."""
    head = lines[:_HEAD_LINES]
    title_block = _title_lines(lines)
    title = "".join(_title_text(line) or "" for line in title_block) or None
    title_key = match_key(title or "")

    fiscal_year: int | None = None
    m = _TITLE_YEAR.search(title or "")
    if m:
        fiscal_year = int(m.group(1))
    else:  # a line that is only the year (the forms' subtitle （2026年度）), else the first year named
        fiscal_year = _subtitle_year(lines) or next(
            (int(m.group(1)) for line in head for m in _YEAR.finditer(_clean(line.text)) if not _ends_range(m)), None)

    # without a title: the kind the first lines name first (第一部分 2026 年度部门预算情况说明 before the
    # 项目支出绩效目标 its contents list)
    kind = _kind(title_key) or next((k for line in head if (k := _kind(line.key))), None) \
        or _kind("".join(match_key(line.text) for line in head)) or _body_kind(lines) or _tables_kind(lines)

    pairs = _label_values(lines)
    labels = _labels(pairs)
    supervisor = _most_common(pairs, "主管部门") or _most_common(pairs, "主管单位")
    if supervisor is None and any("隶" in line.text for line in lines):  # no 隶属 to find without 隶
        m = _SUBORDINATE.search(_joined_text(lines))
        if m:
            supervisor = _name(m.group(1))

    publisher: str | None = None
    if kind in ("项目绩效目标", "整体绩效目标") and supervisor:
        publisher = supervisor
    if publisher is None and title:
        # a cover printed twice (2026 年度苏州市审计局部门预算公开 / 苏州市审计局2026年度部门预算公开): its first
        # whole line; else the lines joined (a title broken inside a word: …（本级）部 / 门预算; or inside a
        # name: 2026 年深圳市人民政府国有资产监督 / 管理委员会部门预算, whose second line alone names no publisher)
        whole = [line for i, line in enumerate(title_block)
                 if i == 0 or re.search(r"预算|决算", title_block[i - 1].key)]
        publisher = next((p for line in whole if (p := _publisher_from_title(_title_text(line) or ""))), None) \
            or _publisher_from_title(title)
    if publisher is None:
        for label in ("部门名称", "单位名称", "预算单位", "编制单位", "部门（单位）", "部门", "实施单位"):
            if labels.get(label):
                publisher = labels[label][0]
                break
    if publisher is None:
        publisher = supervisor
    if publisher is None:
        publisher = _self_named(lines)

    units: list[str] = []
    for label in ("实施单位", "单位名称", "预算单位"):
        for value in labels.get(label, []):
            if value not in units:
                units.append(value)
    if not units and publisher:
        units = [publisher]

    if publisher:
        publisher = _unit_name(publisher)
    region, admin_level = region_of(publisher)
    if region is None:
        region, admin_level = region_of(title)
    if region is None:
        region, admin_level = region_of(supervisor)
    if region is None:
        region, admin_level = _most_named_region(lines)
    if fiscal_year is None:
        fiscal_year = _most_named_year(lines)

    return {
        "title": title,
        "publisher": publisher,
        "supervisor": supervisor,
        "region": region,
        "admin_level": admin_level,
        "fiscal_year": fiscal_year,
        "kind": kind,
        "units": units,
        "title_line": title_block[0].number if title_block else None,
    }


def derive_doc_id(meta: dict, sha256: str) -> str:
    """A stable ASCII slug for a document without a catalog entry.

    `{admin_level}-{fiscal_year}-{kind slug}-{hash}-{content}`, e.g.
    `province-2025-unit-budget-1a2b3c-9f8e7d6c`, where the hash is the first 6 hex digits of the SHA-1 of
    `region|publisher|fiscal_year|kind` (NFKC, no whitespace: the same publisher's documents share it) and
    `content` the first 8 of the file's SHA-256. The same file gives the same id on every rebuild, and two
    files never share one, whatever their text says (missing parts read `unknown`).
    """
    level = meta.get("admin_level") or "unknown"
    year = str(meta.get("fiscal_year") or "unknown")
    kind = meta.get("kind")
    kind_slug = _KIND_SLUGS.get(kind or "", "unknown")
    basis = "|".join(
        re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(meta.get(k) or "")))
        for k in ("region", "publisher", "fiscal_year", "kind")
    )
    digest = hashlib.sha1(basis.encode("utf-8")).hexdigest()[:6]
    return f"{level}-{year}-{kind_slug}-{digest}-{sha256[:8]}"
