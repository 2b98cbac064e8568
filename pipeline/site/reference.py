"""Reference pages generated from the code and the data: 名词解释 (glossary.md), 数据字典 (dictionary.md)
and the check rules (methodology/checks.md).

The dictionary reads `pipeline.fields.RESOURCES` (every field described once, the same descriptions as
the Table Schemas) when that module exists, else the dataclasses of `pipeline/records.py` with their
inline comments. The rules page reads `pipeline.checks.RULES` (id, title, identity, severity, kinds).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import typing
from dataclasses import dataclass, field, fields

from . import glossary as gl
from .data import SiteData
from .escape import front_matter, path
from .figures import kind_name
from .markdown import Datasette, esc, table
from .pages import SEVERITY, title_of

# ------------------------------------------------------------------------------------------ glossary

SOURCES_SHOWN = 5  # the documents listed under a definition; the rest are a link to the database


def glossary_page(data: SiteData, entries: list[gl.Entry], datasette: Datasette) -> str:
    titles = {d["doc_id"]: title_of(d) for d in data.documents}
    # the glossary outranks pages that merely mention a term (Material: search.boost in the front matter)
    out = [front_matter({"search": {"boost": 2}}), "# 名词解释\n", f"各份公开文件的“名词解释”合并在一起：共 {len(entries)} 个名词，来自 "
           f"{len({s for e in entries for s in e.doc_ids})} 份文件，按拼音排序。同一名词在不同文件中的释义不同时并列列出，"
           "并注明出自哪份文件、第几行。\n"]
    out.append("## 按类别索引 { #categories data-search-exclude }\n")  # every term once more: not searched
    for category in gl.CATEGORIES:
        members = [e for e in entries if e.category == category]
        if members:
            out.append(f"**{category}**（{len(members)}）：" + "、".join(f"[{esc(e.term)}](#{e.anchor})" for e in members)
                       + "\n")
    out.append('??? info "类别是怎样划分的"\n')
    rules = [f"{i}. **{name}**：{why}" for i, (name, why, _) in enumerate(gl.CATEGORY_RULES, 1)]
    rules.append(f"{len(rules) + 1}. 其余归入**其他**。")
    out.append("\n".join("    " + r for r in ["按名词本身的文字判断（全角半角统一、去掉空格后），依次套用下列规则，"
                                                "第一条符合的规则决定类别：", ""] + rules) + "\n")
    letter = None
    for e in entries:
        if e.letter != letter:
            letter = e.letter
            out.append(f"\n## {letter} {{ #letter-{letter.lower() if letter != '#' else 'other'} }}\n")
        out.append(entry_markdown(e, titles, datasette))
    return "\n".join(out)


def entry_markdown(e: gl.Entry, titles: dict[str, str], datasette: Datasette) -> str:
    out = [f"### {esc(e.term)} {{ #{e.anchor} }}\n"]
    facts = [f"类别：{e.category}"]
    for code in e.function_codes:
        facts.append("科目编码：" + datasette.link(esc(code), "budget_facts", function_code=code))
    facts.append(f"{len(e.doc_ids)} 份文件")
    out.append(" · ".join(facts) + "\n")
    if len(e.printings) > 1:
        out.append("原文写法：" + "；".join(esc(p) for p in e.printings) + "\n")

    def sources(d: gl.Definition) -> str:
        shown = "；".join(f"[{esc(titles.get(s.doc_id, s.doc_id))}]({path('disclosures', s.doc_id + '.md')}#glossary)"
                         + (f" 第 {s.source_line} 行" if s.source_line else "") for s in d.sources[:SOURCES_SHOWN])
        if len(d.sources) <= SOURCES_SHOWN:
            return shown
        # a definition thousands of documents print: the page lists a few, the database all of them
        every = datasette.link("在 Datasette 中查看全部", "glossary", term__in=json.dumps(e.printings, ensure_ascii=False))
        return f"{shown} 等 {len(d.sources)} 处（{every}）"

    if len(e.definitions) == 1:
        d = e.definitions[0]
        out.append(f"> {esc(d.text)}\n")
        out.append(f"出处：{sources(d)}\n")
    else:
        out.append(f"{len(e.definitions)} 种不同的释义：\n")
        out.append(table(["释义", "出处"], [[esc(d.text), sources(d)] for d in e.definitions]))
    return "\n".join(out)


# ------------------------------------------------------------------------------------ dictionary


@dataclass
class FieldDoc:
    name: str
    title_zh: str = ""
    title_en: str = ""
    type: str = ""
    unit: str = ""
    constraints: str = ""
    description: str = ""


@dataclass
class ResourceDoc:
    name: str
    title_zh: str = ""
    title_en: str = ""
    description: str = ""
    primary_key: list[str] = field(default_factory=list)
    fields: list[FieldDoc] = field(default_factory=list)
    foreign_keys: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = field(default_factory=list)


def _attr(obj: object, *names: str) -> object:
    """The first of `names` that `obj` has and that is not empty (registries are read defensively)."""
    for name in names:
        value = getattr(obj, name, None)
        if value not in (None, "", [], (), {}):
            return value
    return None


def _constraints(value: object) -> str:
    if callable(value):
        value = value()
    if not value:
        return ""
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            if v is True:
                parts.append(str(k))
            elif v not in (None, False):
                parts.append(f"{k}: {' | '.join(map(str, v)) if isinstance(v, list | tuple) else v}")
        return "; ".join(parts)
    return "; ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)


def dictionary_source() -> tuple[str, list[ResourceDoc]]:
    """('pipeline.fields', its RESOURCES) — the descriptions the Table Schemas are rendered from — or,
    where that module does not exist, ('pipeline.records', the record dataclasses and their comments)."""
    try:
        registry = importlib.import_module("pipeline.fields").RESOURCES
    except (ImportError, AttributeError):
        return "pipeline.records", _from_records()
    out = []
    for name, resource in registry.items():
        doc = ResourceDoc(str(_attr(resource, "name") or name), str(_attr(resource, "title_zh") or ""),
                          str(_attr(resource, "title_en") or ""), str(_attr(resource, "description") or ""),
                          list(_attr(resource, "primary_key") or ()))
        for fk in _attr(resource, "foreign_keys") or ():
            doc.foreign_keys.append((tuple(fk.fields), fk.resource, tuple(fk.reference)))
        for f in _attr(resource, "fields") or []:
            doc.fields.append(FieldDoc(
                str(f.name), str(_attr(f, "title_zh") or ""), str(_attr(f, "title_en") or ""),
                str(_attr(f, "type") or ""), str(_attr(f, "unit") or ""),
                _constraints(getattr(f, "constraints", None)), str(_attr(f, "description") or ""),
            ))
        out.append(doc)
    return "pipeline.fields", out


TYPE_NAMES = {"str": "string", "int": "integer", "Decimal": "number", "bool": "boolean"}


def _from_records() -> list[ResourceDoc]:
    from ..output import RESOURCES

    out = []
    for name, cls in RESOURCES.items():
        comments = _inline_comments(cls)
        hints = typing.get_type_hints(cls)
        doc = ResourceDoc(name, description=(inspect.getdoc(cls) or "").strip())
        for f in fields(cls):
            hint = hints[f.name]
            args = typing.get_args(hint) or (hint,)
            base = next((TYPE_NAMES.get(getattr(a, "__name__", ""), "") for a in args if a is not type(None)), "")
            doc.fields.append(FieldDoc(f.name, type=base, constraints="" if type(None) in args else "required",
                                       description=comments.get(f.name, "")))
        out.append(doc)
    return out


def _inline_comments(cls: type) -> dict[str, str]:
    """`name: type  # comment` lines of a dataclass body: the comment of each field."""
    try:
        lines, _ = inspect.getsourcelines(cls)
    except (OSError, TypeError):
        return {}
    found = {}
    for line in lines:
        code, _, comment = line.partition("  # ")
        try:
            node = ast.parse(code.strip())
        except SyntaxError:
            continue
        if comment and node.body and isinstance(node.body[0], ast.AnnAssign) and isinstance(node.body[0].target, ast.Name):
            found[node.body[0].target.id] = comment.strip()
    return found


def dictionary_page(data: SiteData | None = None) -> str:
    source, resources = dictionary_source()
    out = ["# 数据字典\n", "每个数据包、数据库里都有下面这些资源（表），每份文件一组，另有全部文件合并的一组；"
           "列名、类型和说明与数据包的 Table Schema 出自同一份字段描述"
           f"（`{source}`）。金额一律以万元为单位，保存为精确小数；原文印出的数字另存一列。\n"]
    out.append(table(["资源", "中文名", "行数", "说明"], [
        [f"[`{r.name}`](#{r.name})", esc(r.title_zh) or "—",
         data.counts.get(r.name, "") if data is not None else "", esc(_first_sentence(r.description))]
        for r in resources
    ], "llrl"))
    for r in resources:
        heading = " ".join(x for x in (f"`{r.name}`", esc(r.title_zh), esc(r.title_en) and f"({esc(r.title_en)})") if x)
        out.append(f"\n## {heading} {{ #{r.name} }}\n")
        if r.description:
            out.append(esc(r.description) + "\n")
        if r.primary_key:
            out.append("主键：" + "、".join(f"`{k}`" for k in r.primary_key) + "\n")
        for fields_, target, reference in r.foreign_keys:
            out.append(f"外键：{'、'.join(f'`{k}`' for k in fields_)} → [`{target}`](#{target})"
                       f"（{'、'.join(f'`{k}`' for k in reference)}）\n")
        has = {c: any(getattr(f, c) for f in r.fields) for c in ("title_zh", "title_en", "unit", "constraints")}
        headers = ["字段", *(["中文名"] if has["title_zh"] else []), *(["英文名"] if has["title_en"] else []),
                   "类型", *(["单位"] if has["unit"] else []), *(["约束"] if has["constraints"] else []), "说明"]
        rows = []
        for f in r.fields:
            rows.append([f"`{f.name}`", *([esc(f.title_zh)] if has["title_zh"] else []),
                         *([esc(f.title_en)] if has["title_en"] else []), f.type,
                         *([esc(f.unit)] if has["unit"] else []), *([esc(f.constraints)] if has["constraints"] else []),
                         esc(f.description)])
        out.append(table(headers, rows))
    return "\n".join(out)


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    for stop in ("。", ". "):
        if stop in text:
            return text.split(stop, 1)[0] + stop.strip()
    return text


# ---------------------------------------------------------------------------------------- checks

CHECKS_PLACEHOLDER = "校验规则正在编写中：`pipeline.checks` 还没有登记规则（`RULES`），这里暂时没有可列出的规则。"


READS = {"narrative": "情况说明（文字）", "documents": "多份公开文件（部门与所属单位、相邻两年）"}


def rules() -> list[object]:
    """Every check rule: of one document (pipeline.checks), then across documents (pipeline.checks.across)."""
    found: list[object] = []
    for name in ("pipeline.checks", "pipeline.checks.across"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        found.extend(getattr(module, "RULES", None) or [])
    return found


TOLERANCE = ("容差：按文件自身的舍入（`pipeline/identities.py`），每个求和项允许差最后一位印出小数的一个单位——"
             "两位小数为 0.01 万元，整数为 1 万元；以元印出的表按元计（0.01 元 = 0.000001 万元）。"
             "n 项相加的容差是 n 个单位（至少 1 个）。")


def checks_page(data: SiteData) -> str:
    found = rules()
    out = ["# 校验规则\n", "每一份文件都要经过下列校验：它们是预算必须满足的会计恒等式（表内、表间、文字与表格）。"
           "每条规则对每份文件、每张适用的表写一行 `checks`，不论通过与否；未通过的校验照样公开，"
           "印出的数字从不为了“通过”而改动。\n", TOLERANCE + "\n"]
    if not found:
        out.append(f"!!! note \"尚无规则\"\n    {CHECKS_PLACEHOLDER}\n")
        return "\n".join(out)
    results: dict[str, list[dict]] = {}
    for c in data.rows.get("checks", []):
        results.setdefault(c["check"], []).append(c)
    out.append(table(["规则", "名称", "级别", "已校验", "未通过"], [
        [f"[`{_attr(r, 'id')}`](#{_attr(r, 'id')})", esc(_attr(r, "title", "description")),
         SEVERITY.get(str(_attr(r, "severity")), esc(_attr(r, "severity"))), len(results.get(str(_attr(r, "id")), [])),
         sum(not c["passed"] for c in results.get(str(_attr(r, "id")), []))] for r in found
    ], "lllrr"))
    for r in found:
        rid = str(_attr(r, "id"))
        out.append(f"\n## `{rid}` {{ #{rid} }}\n")
        title = _attr(r, "title", "description")
        if title:
            out.append(f"**{esc(title)}**\n")
        rows = [("恒等式", esc(_attr(r, "identity") or "—")),
                ("级别", SEVERITY.get(str(_attr(r, "severity")), esc(_attr(r, "severity"))))]
        kinds = _attr(r, "kinds")
        if kinds:
            rows.append(("适用", "、".join(READS.get(k) or esc(kind_name(k)) for k in kinds)))
        extra = _attr(r, "tolerance")
        if extra:
            rows.append(("容差", esc(extra)))
        description = _attr(r, "description") if _attr(r, "title") else None
        if description:
            rows.append(("说明", esc(description)))
        out.append("\n".join(f"- **{k}**：{v}" for k, v in rows) + "\n")
    return "\n".join(out)

