"""Where a disclosure is from, for browsing: province → city (or prefecture) → district or county.

A document's `region` is printed as its text names it: a chain (四川省成都市, 深圳市福田区) or a city alone
(深圳市, whose province the text need not print). `place_of` splits it against China's provinces and
prefecture-level divisions (places.tsv, from the official division codes), so 深圳市 is filed under 广东省.
A region the table does not know keeps what it printed: a province it names, else its own name as the
city under 地区未识别. The split is for browsing only; the published `region` stays as printed.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pypinyin import lazy_pinyin

TABLE = Path(__file__).with_name("places.tsv")
UNKNOWN = "地区未识别"
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


@dataclass(frozen=True)
class Place:
    province: str
    city: str  # the municipality itself for 北京市 …; the region as printed when unknown
    county: str | None = None  # 福田区, 长安县 …: the rest of the chain, as printed


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[str, ...], dict[str, str], dict[str, str]]:
    """(provinces, prefecture → its province, name → file name of its page).

    A page's file name is the place's pinyin (深圳市 → shenzhen), with its division code where two places
    of one folder share it (山西省 shanxi-14, 陕西省 shanxi-61)."""
    provinces, prefectures, codes = [], {}, {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        code, province, name = line.split("\t")
        if name:
            prefectures[name], codes[name] = province, code[:4]
        else:
            provinces.append(province)
            codes[province] = code[:2]
    folders = {p: "" for p in provinces} | prefectures  # the folder a place's page is in
    stems = {n: _pinyin(re.sub(r"(省|市|自治区|自治州|地区|盟|特别行政区)$", "", n)) for n in folders}
    shared = Counter((folders[n], stems[n]) for n in folders)
    slugs = {n: stems[n] + (f"-{codes[n]}" if shared[folders[n], stems[n]] > 1 else "") for n in folders}
    slugs[UNKNOWN] = "unknown"
    return tuple(provinces), prefectures, slugs


def _pinyin(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", "".join(lazy_pinyin(text)).lower())


def place_of(region: str | None) -> Place:
    provinces, prefectures, _ = _table()
    text = re.sub(r"\s+", "", region or "")
    if not text:
        return Place(UNKNOWN, UNKNOWN)
    province = next((p for p in provinces if text.startswith(p)), None)
    rest = text[len(province):] if province else text
    if province in MUNICIPALITIES:
        return Place(province, province, rest or None)
    city = max((c for c in prefectures if rest.startswith(c)), key=len, default=None)
    if city is None and province is None:
        return Place(UNKNOWN, text)
    if city is None:  # a province's own department, or a city the table does not know
        return Place(province, rest or province) if rest else Place(province, province)
    return Place(province or prefectures[city], city, rest[len(city):] or None)


def slug(name: str) -> str:
    """The file name of a place's page: its pinyin where it is a known place (`_table`), else the pinyin of
    the name as printed (ASCII letters and digits only) and a hash of it."""
    known = _table()[2].get(name)
    if known:
        return known
    text = _pinyin(name)[:24]
    return (text + "-" if text else "") + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
