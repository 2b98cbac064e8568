"""One page per disclosure (disclosures/<doc_id>.md); the lists of them are browse.py's.

Every amount on a page is a printed fact, shown with its table and line (see `figures` for which fact
stands for 收入总计, 基本支出, 三公经费 …); nothing is summed or recomputed by the site.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import browse
from . import figures as fg
from .charts import ChartCache, bar_chart_svg
from .data import SiteData, key
from .downloads import DownloadFile
from .escape import code, front_matter, path, safe_url, text
from .escape import title as title_text
from .fragments import Fragments
from .markdown import AMOUNT_HEADER, DOC_STATUS, Datasette, amount, esc, html_table, share, size, table
from .places import place_of
from .printed import Places
from .series import series_section

STATUS = {"parsed": "已读出", "empty": "无数据（文件注明）", "missing": "缺失（目录列出、正文没有）",
          "unparsed": "未能读出"}
SEVERITY = {"error": "错误", "warning": "警告"}
RESOURCE_TITLES = {
    "budget_facts": "预算数字", "budget_tables": "表格", "projects": "项目", "performance_goals": "绩效目标",
    "performance_indicators": "绩效指标", "glossary": "名词解释", "checks": "校验", "unparsed_lines": "未能读出的行",
    "units": "单位", "documents": "文件",
}
TOP_PROJECTS = 10


@dataclass
class Context:
    """What pages link to, shared by all generated pages."""

    datasette: Datasette
    downloads: dict[str, list[DownloadFile]] = field(default_factory=dict)
    glossary_anchors: dict[str, str] = field(default_factory=dict)  # term key → anchor on glossary.md
    rule_ids: set[str] = field(default_factory=set)  # checks documented on methodology/checks.md
    charts: ChartCache | None = None  # where rendered charts are kept (charts.bar_chart_svg)
    places: Places | None = None  # where each figure is printed: the 查看原文 links (printed.py)
    series: dict = field(default_factory=dict)  # each publisher's disclosures by year (series.series_of)
    fragments: Fragments | None = None  # where big link-free parts of a page are kept (fragments.py)

    def html_part(self, html: str) -> str:
        """A part of a page written as HTML (no heading, no link, text escaped): as a fragment put into the
        page after Markdown (its placeholder), or, without a place for fragments, as a raw HTML block."""
        return self.fragments.put(html) if self.fragments is not None else "\n" + html + "\n"

    def original(self, doc_id: str, record: dict | None, label: str, up: str = "../") -> str:
        """The 查看原文 link of `record` (a fact, check, project …), or "" where it cannot be shown."""
        return self.places.link(doc_id, record, label, up) if self.places is not None else ""


def title_of(document: dict) -> str:
    return document.get("title") or document.get("publisher") or document["doc_id"]


def short_title(document: dict) -> str:
    """Publisher and year (for narrow table columns)."""
    name = document.get("publisher") or document.get("title") or document["doc_id"]
    return f"{name} {document['fiscal_year']}" if document.get("fiscal_year") else name


def source_of(doc: fg.Document, table_id: str | None) -> str:
    t = doc.table(table_id)
    if t is None:
        return esc(table_id) if table_id else "情况说明"
    return esc(f"{t.get('number') or t['table_id']} {fg.kind_name(t['kind'])}".strip())


def figure_rows(doc: fg.Document, figs: list[fg.Figure], ctx: Context) -> list[list[str]]:
    return [[esc(f.label), amount(f.amount, f.places), source_of(doc, f.table_id), f.source_line or "",
             ctx.original(doc.doc_id, f.record, f"{f.label} {amount(f.amount, f.places)} 万元")] for f in figs]


def chart_block(bars: list[fg.Figure], title: str, caption: str, cached_in: ChartCache | None = None) -> str:
    """An inline SVG bar chart of the non-zero figures (the table below it lists them all)."""
    shown = [(f.label, f.amount, amount(f.amount, f.places)) for f in bars if f.amount > 0]
    if not shown:
        return ""
    svg = bar_chart_svg(shown, title, cached_in=cached_in)
    return f'<figure class="chart" markdown="0">\n{svg}\n<figcaption>{esc(caption)}</figcaption>\n</figure>\n'


def disclosure_page(data: SiteData, doc_id: str, ctx: Context) -> str:
    doc = fg.Document(data, doc_id)
    d = doc.document
    title = title_of(d)
    # the front matter title is what Material shows in <title>, the header and the navigation (unescaped)
    out = [front_matter({"title": title_text(title)}), f"# {esc(title)}\n"]
    url = safe_url(d.get("source_url"))
    about = [
        ("发布单位", esc(d.get("publisher"))), ("主管部门", esc(d.get("supervisor"))), ("地区", _place_link(d)),
        ("年度", d.get("fiscal_year") or ""), ("类型", esc(d.get("kind"))),
        ("读取状态", DOC_STATUS.get(d.get("status") or "", esc(d.get("status")))),
        ("标准表", f"找到 {d.get('tables_found') or 0} 张，缺失 {d.get('tables_missing') or 0} 张"),
        ("经校验确认的数字", share(d.get("facts_confirmed_share"))),
        ("来源文件", code(d.get("source_file") or "") + (f"（[原文]({url})）" if url else "")),  # http(s) only
        ("文件标识", code(doc_id)),
    ]
    out.append("\n".join(f"- **{k}**：{v}" for k, v in about if v) + "\n")
    head = fg.headline(doc)
    out.append("\n## 主要数字 { #headline data-search-exclude }\n")
    if any(head.values()):
        rows = []
        for label, f in head.items():
            if f is None:
                rows.append([label, "—", "本文件未列出或未能读出", "", ""])
            else:
                rows.append([label + (f"（{esc(f.note)}）" if f.note else ""), amount(f.amount, f.places),
                             source_of(doc, f.table_id), f.source_line or "",
                             ctx.original(doc_id, f.record, f"{label} {amount(f.amount, f.places)} 万元")])
        out.append(table(["项目", AMOUNT_HEADER, "出处", "行", "原文"], rows, "lrlll"))
    else:
        out.append("本文件没有收支总表、支出总表或“三公”经费表（例如只公开绩效目标），没有可列出的主要数字。\n")

    income_total, spending_total = head["收入总计"], head["支出总计"]
    income = fg.income_sources(doc, _path_of(doc, income_total))
    out.append("\n## 收入来源 { #income data-search-exclude }\n")
    if income:
        out.append(chart_block(income, f"{title} 收入来源", "收入来源（万元，不含为零的项）", ctx.charts))
        out.append(table(["收入来源", AMOUNT_HEADER, "出处", "行", "原文"], figure_rows(doc, income, ctx), "lrlll"))
    else:
        out.append("本文件没有列出收入来源。\n")
    classes = fg.function_classes(doc, _path_of(doc, spending_total))
    out.append("\n## 支出（按功能分类，类） { #expenditure data-search-exclude }\n")
    if classes:
        out.append(chart_block(classes, f"{title} 支出功能分类（类）", "按功能分类（类）的支出（万元，不含为零的项）",
                                   ctx.charts))
        out.append(table(["功能分类（类）", AMOUNT_HEADER, "出处", "行", "原文"], figure_rows(doc, classes, ctx), "lrlll"))
    else:
        out.append("本文件没有按功能分类列出支出。\n")

    out.append(projects_section(doc, ctx))
    out.append(three_public_section(doc, ctx))
    out.append(series_section(data, d, ctx.series, ctx.datasette))
    out.append(performance_section(doc, ctx))
    out.append(glossary_section(doc, ctx))
    out.append(checks_section(doc, ctx))
    out.append(tables_section(doc, ctx))
    out.append(downloads_section(doc, ctx))
    return "\n".join(out)


def _place_link(d: dict) -> str:
    """The region as printed, and the way to the other disclosures of its city (browse.py)."""
    place = place_of(d.get("region"))
    where = " › ".join(dict.fromkeys((place.province, browse.city_label(place.province, place.city))))
    return f"{esc(d.get('region') or '未识别')}（[{esc(where)}的全部公开文件]({path('..', *browse.city_page(place).split('/'))})）"


def _path_of(doc: fg.Document, f: fg.Figure | None) -> str | None:
    if f is None:
        return None
    for fact in doc.facts_by_table.get(f.table_id or "", []):
        if fact["source_line"] == f.source_line and fact["amount"] == f.amount:
            return fact.get("column_path")
    return None


def projects_section(doc: fg.Document, ctx: Context) -> str:
    out = ["\n## 项目支出 { #projects }\n"]
    top = fg.largest_projects(doc, TOP_PROJECTS)
    if not top:
        out.append("本文件没有项目支出表，或表中没有项目。\n")
        return "\n".join(out)
    n = len(doc.projects)
    more = ctx.datasette.link("在 Datasette 中查看全部项目", "projects", doc_id=doc.doc_id)
    out.append(f"共 {n} 个项目，以下是金额最大的 {len(top)} 个（{more}）。\n")
    shown = [(p, amount(p["amount"], fg.places_of(p["amount"], p.get("printed")))) for p in top]
    out.append(table(["项目", "功能分类编码", AMOUNT_HEADER, "出处", "行", "原文"], [
        [esc(p["name"]), esc(p.get("function_code")) or "—", figure, source_of(doc, p.get("table_id")), p["source_line"],
         ctx.original(doc.doc_id, p, f"{p['name']} {figure} 万元")] for p, figure in shown
    ], "llrlll"))
    return "\n".join(out)


def three_public_section(doc: fg.Document, ctx: Context) -> str:
    out = ["\n## “三公”经费 { #three-public data-search-exclude }\n"]
    table_row, rows = fg.three_public_rows(doc)
    kinds = [t for t in doc.tables if t["kind"] == "three_public"]
    if not rows:
        if kinds:
            t = kinds[0]
            out.append(f"本文件的“三公”经费表（{esc(t.get('number') or t['table_id'])}，第 {t.get('line_start')}–"
                       f"{t.get('line_end')} 行）{STATUS.get(t['status'], esc(t['status']))}。\n")
        else:
            out.append("本文件没有“三公”经费表。\n")
        return "\n".join(out)
    total = fg.headline(doc).get("三公经费")
    if total is not None:
        out.append(f"本年的“三公”经费合计见下表第 {total.source_line} 行（{esc(key(total.item)) or '—'}）的合计列，"
                   "也列在上面的主要数字中。\n")
    columns: list[str] = []
    for row in rows:
        for f in row:
            path = f.get("column_path") or f["measure"]
            if path not in columns:
                columns.append(path)
    body = []
    for row in rows:
        cells = {f.get("column_path") or f["measure"]: f for f in row}
        label = row[0]["item"] or row[0].get("unit_name") or "—"
        first = min(row, key=lambda f: f["source_line"])  # the row's line; its first cell outlined
        body.append([esc(label)] + [
            amount(cells[c]["amount"], fg.places_of(cells[c]["amount"], cells[c].get("printed"))) if c in cells else ""
            for c in columns
        ] + [first["source_line"], ctx.original(doc.doc_id, first, f"“三公”经费表 {label}")])
    headers = ["行标题"] + [esc(c.replace("/", " / ")) + "（万元）" for c in columns] + ["行", "原文"]
    out.append(f"{source_of(doc, table_row['table_id'])}：\n")
    out.append(table(headers, body, "l" + "r" * len(columns) + "ll"))
    return "\n".join(out)


def performance_section(doc: fg.Document, ctx: Context) -> str:
    out = ["\n## 绩效目标 { #performance }\n"]
    if not doc.goals:
        out.append("本文件没有绩效目标表。\n")
        return "\n".join(out)
    indicators: dict[str, list[dict]] = {}
    for i in doc.indicators:
        indicators.setdefault(i["goal_id"], []).append(i)
    out.append(f"共 {len(doc.goals)} 个绩效目标、{len(doc.indicators)} 个绩效指标。\n")
    out.append(table(["项目", "单位", AMOUNT_HEADER, "指标数", "行", "原文"], [
        [esc(g.get("project") or "单位整体支出"), esc(g.get("unit_name")) or "—", amount(g.get("amount")),
         len(indicators.get(g["goal_id"], [])), g["source_line"],
         ctx.original(doc.doc_id, g, f"绩效目标 {g.get('project') or '单位整体支出'}")] for g in doc.goals
    ], "llrrll"))
    out.append("\n### 各目标的年度目标与指标 { #goals data-search-exclude }\n")
    # HTML, as pymdownx.details and the tables extension would make it: hundreds of indicator rows with no
    # link in them, which took Markdown most of a page's rendering time (a fragment: ctx.html_part)
    blocks = []
    for g in doc.goals:
        name = g.get("project") or "单位整体支出"
        body = ['<details class="note">', f"<summary>{text(name)}（第 {g['source_line']} 行）</summary>",
                f"<p><strong>年度目标</strong>：{text(g.get('annual_goal')) or '—'}</p>"]
        if g.get("medium_term_goal") and key(g["medium_term_goal"]) != key(g.get("annual_goal")):
            body.append(f"<p><strong>中期目标</strong>：{text(g['medium_term_goal'])}</p>")
        rows = indicators.get(g["goal_id"], [])
        if rows:
            body.append(html_table(["一级指标", "二级指标", "三级指标", "指标值", "权重", "方向", "行"], [
                [text(i.get("level1")), text(i.get("level2")), text(i["name"]),
                 text(target_shown(i)),
                 amount(i["weight"]) if i.get("weight") is not None else "", text(i.get("direction")),
                 i["source_line"]] for i in rows
            ]))
        blocks.append("\n".join(body) + "\n</details>")
    out.append(ctx.html_part("\n".join(blocks)))
    return "\n".join(out)


def target_shown(indicator: dict) -> str:
    """An indicator's 指标值 as printed (=100%, ≥90%, 充分), with its operator and unit where the printed
    target does not already hold them (90 with ≥ and %: ≥ 90 %)."""
    target = indicator.get("target") or ""
    operator = indicator.get("operator") if indicator.get("operator") not in (None, "", "定性") else ""
    unit = indicator.get("target_unit") or ""
    key = target.replace(" ", "")
    return " ".join(x for x in (operator if not key.startswith(operator) else "", target,
                                unit if not key.endswith(unit) else "") if x)


def glossary_section(doc: fg.Document, ctx: Context) -> str:
    out = ["\n## 名词解释 { #glossary }\n"]
    if not doc.glossary:
        out.append("本文件没有名词解释。\n")
        return "\n".join(out)
    links = []
    for g in doc.glossary:
        anchor = ctx.glossary_anchors.get(key(g["term"]))
        links.append(f"[{esc(g['term'])}](../glossary.md#{anchor})" if anchor else esc(g["term"]))
    out.append(f"本文件解释了 {len(links)} 个名词（释义见[名词解释](../glossary.md)）：" + "、".join(links) + "\n")
    return "\n".join(out)


def checks_section(doc: fg.Document, ctx: Context) -> str:
    out = ["\n## 校验 { #checks data-search-exclude }\n"]
    if not doc.checks:
        out.append("本文件还没有校验结果。\n")
        return "\n".join(out)
    failed = [c for c in doc.checks if not c["passed"]]
    out.append(f"共 {len(doc.checks)} 项校验，{len(failed)} 项未通过；经校验确认的数字占 "
               f"{share(doc.document.get('facts_confirmed_share'))}。规则见[校验规则](../methodology/checks.md)。\n")
    if failed:
        out.append(checks_list(failed, ctx, "../methodology/checks.md", doc, up="../"))
    return "\n".join(out)


def checks_list(rows: list[dict], ctx: Context, rules_page: str, doc: fg.Document | None = None,
                doc_titles: dict[str, str] | None = None, up: str = "") -> str:
    """Failed checks as a list (readable on a phone): rule, level, table, line, expected / actual /
    difference, 查看原文 (links relative to a page `up` from the site's root), and the check's own
    message saying what was compared."""
    items = []
    for c in rows:
        rule = f"[`{c['check']}`]({rules_page}#{c['check']})" if c["check"] in ctx.rule_ids else f"`{c['check']}`"
        parts = [rule, SEVERITY.get(c.get("severity") or "", esc(c.get("severity")))]
        if doc_titles is not None:
            parts.insert(0, f"[{esc(doc_titles.get(c['doc_id'], c['doc_id']))}]({up}{path('disclosures', c['doc_id'] + '.md')}#checks)")
        if c.get("table_id"):
            parts.append(source_of(doc, c["table_id"]) if doc is not None else esc(c["table_id"]))
        if c.get("source_line"):
            parts.append(f"第 {c['source_line']} 行")
        if c.get("expected") is not None or c.get("actual") is not None:
            parts.append(f"应为 {amount(c.get('expected'))}，实为 {amount(c.get('actual'))}，"
                         f"差额 {amount(c.get('difference'))}")
        original = ctx.original(c["doc_id"], c, f"未通过的校验 {c['check']}（第 {c.get('source_line')} 行）", up)
        if original:
            parts.append(original)
        items.append("- " + " · ".join(parts) + (f"<br>\n  <small>{esc(c['message'])}</small>" if c.get("message") else ""))
    return "\n".join(items) + "\n"


def tables_section(doc: fg.Document, ctx: Context) -> str:
    out = ["\n## 表格与读取情况 { #tables data-search-exclude }\n"]
    if doc.tables:
        out.append(table(["表", "编号", "标题（原文）", "类型", "状态", "行范围"], [
            [esc(t["table_id"]), esc(t.get("number")) or "—", esc(t.get("title")), esc(fg.kind_name(t["kind"])),
             STATUS.get(t["status"], esc(t["status"])),
             f"{t.get('line_start')}–{t.get('line_end')}" if t.get("line_start") else "—"] for t in doc.tables
        ]))
    else:
        out.append("本文件没有找到标准表。\n")
    if doc.unparsed:  # HTML, like the goals' (performance_section): no link in it
        out.append(ctx.html_part(
            f'<details class="warning">\n<summary>未能读出的行（{len(doc.unparsed)} 行）</summary>\n'
            + html_table(["行", "表", "原文", "原因"], [
                [u["source_line"], text(u.get("table_id")) or "—", text(u.get("text")), text(u.get("reason"))]
                for u in doc.unparsed]) + "\n</details>"))
    return "\n".join(out)


def downloads_section(doc: fg.Document, ctx: Context) -> str:
    out = ["\n## 下载与查询 { #downloads data-search-exclude }\n"]
    files = ctx.downloads.get(doc.doc_id, [])
    if files:
        out.append(table(["文件", "格式", "大小", "行数"], [
            [f"[{esc(f.name)}](../{path(*f.path.split('/'))})", esc(f.format), size(f.size), f.rows if f.rows is not None else ""]
            for f in files
        ], "lllr"))
    else:
        out.append("本文件的数据包还没有生成。\n")
    links = [ctx.datasette.link(RESOURCE_TITLES.get(r, r), r, doc_id=doc.doc_id)
             for r in ("budget_facts", "budget_tables", "projects", "performance_goals", "performance_indicators",
                       "glossary", "checks", "unparsed_lines")]
    out.append("\n在 Datasette 中查询本文件的：" + " · ".join(links) + "。\n")
    return "\n".join(out)

