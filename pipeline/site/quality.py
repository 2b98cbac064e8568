"""数据质量 (quality.md) and 数据下载 (downloads.md).

The completeness scorecard shows, per disclosure, the status of each standard table (budget_tables.kind:
parsed / empty / missing / unparsed, or absent) and whether its 情况说明, 名词解释 and 绩效目标 were read.
名词解释 and 绩效目标 are there when the document has glossary / performance_goals rows; the 情况说明
counts as read when a check of the narrative (a rule whose `kinds` include "narrative") ran on it.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from ..ocr_guard import LOW_CONFIDENCE
from ..tables.kinds import KINDS
from .browse import Area
from .data import SiteData
from .downloads import DownloadFile
from .escape import anchor, attr, code, front_matter, path
from .escape import title as title_text
from .figures import kind_name
from .markdown import Datasette, esc, share, size, table
from .pages import Context, checks_list, short_title, title_of
from .reference import _attr, rules

# the data model's order of the standard tables (data-model.md), then any kind registered later
KIND_ORDER = ("income_expenditure_summary", "income_summary", "expenditure_summary", "fiscal_grant_summary",
              "fiscal_grant_by_economic", "general_budget_expenditure", "general_budget_basic",
              "general_budget_projects", "three_public", "gov_fund_expenditure", "gov_fund_three_public",
              "soe_capital_expenditure", "project_performance", "overall_performance")
SHORT = {  # column headings of the scorecard (the full name shows on hover)
    "income_expenditure_summary": "收支总表", "income_summary": "收入总表", "expenditure_summary": "支出总表",
    "fiscal_grant_summary": "财政拨款收支总表", "fiscal_grant_by_economic": "财政拨款（经济分类）",
    "general_budget_expenditure": "一般公共预算支出", "general_budget_basic": "基本支出",
    "general_budget_projects": "项目支出", "three_public": "三公经费", "gov_fund_expenditure": "政府性基金",
    "gov_fund_three_public": "政府性基金三公经费", "soe_capital_expenditure": "国有资本经营",
    "project_performance": "项目绩效目标", "overall_performance": "整体绩效目标",
}
MARK = {"parsed": "✅", "empty": "⭕", "missing": "❌", "unparsed": "⚠️"}
LEGEND = "✅ 已读出　⭕ 无数据（文件注明本表无内容）　❌ 缺失（目录列出、正文没有）　⚠️ 未能读出　· 文件没有这张表"


def kinds() -> list[str]:
    registered = [k.kind for k in KINDS]
    return [k for k in KIND_ORDER if k in registered] + [k for k in registered if k not in KIND_ORDER]


def narrative_rule_ids() -> set[str]:
    return {str(_attr(r, "id")) for r in rules() if "narrative" in (_attr(r, "kinds") or ())}


def quality_page(data: SiteData, places: list[Area]) -> str:
    """数据质量: the totals, and each city's counts with a link to its page (`area_quality_page`): the page
    stays as long as the list of cities, whatever the number of documents."""
    docs = data.documents
    out = ["# 数据质量\n", "这里汇总每份文件读得怎样：哪些表读出了、哪些校验没有通过、多少数字经过校验确认。"
           "未通过的校验照样公开；印出的数字从不为了“通过”而改动。发现错误请按[报告错误](methodology/report-errors.md)"
           "告诉我们。每个城市（地区）一页，列出其中每份文件的确认比例、未通过的校验、OCR 存疑的数字和各表的读取情况。\n"]
    facts = data.rows.get("budget_facts", [])
    confirmed = sum(d.get("facts_confirmed") or 0 for d in docs)
    out.append(f"共 {len(docs)} 份文件，{len(facts)} 个数字，其中 {confirmed} 个经校验确认"
               f"（{share(Decimal(confirmed) / len(facts)) if facts else '—'}）。\n")
    out.append("## 未通过的校验 { #failed-checks }\n")
    failed = [c for c in data.rows.get("checks", []) if not c["passed"]]
    if failed:
        by_rule = Counter(c["check"] for c in failed)
        out.append(f"共 {len(failed)} 项：" + "，".join(f"`{r}` {n} 项" for r, n in sorted(by_rule.items())) + "。\n")
    elif data.rows.get("checks"):
        out.append("所有校验都通过了。\n")
    else:
        out.append("还没有校验结果。\n")
    read = [f for f in facts if f.get("ocr_confidence") is not None]
    out.append("## OCR 识别存疑的数字 { #ocr-uncertain }\n")
    out.append(f"扫描件上的数字由 OCR 识别；置信度低于 {LOW_CONFIDENCE} 或参与了未通过的校验的，标为“存疑”，照识别结果公开。"
               f"经 OCR 读出 {len(read)} 个数字，其中 {sum(1 for f in read if f.get('ocr_uncertain'))} 个存疑，"
               "逐个列在下面各城市（地区）的页面上，附查看原文。\n" if read else "目前没有经 OCR 读出的数字。\n")
    out.append("## 按地区 { #areas }\n")
    rows = []
    for area in places:
        ids = area.doc_ids
        n_facts = sum(len(data.of("budget_facts", i)) for i in ids)
        n_confirmed = sum(d.get("facts_confirmed") or 0 for d in area.documents)
        checks = [c for i in ids for c in data.of("checks", i)]
        rows.append([f"[{esc(area.label)}]({path(*area.page('quality').split('/'))})", len(ids), n_facts, n_confirmed,
                     share(Decimal(n_confirmed) / n_facts) if n_facts else "—", len(checks),
                     sum(not c["passed"] for c in checks),
                     sum(1 for i in ids for f in data.of("budget_facts", i) if f.get("ocr_uncertain")),
                     sum(len(data.of("unparsed_lines", i)) for i in ids)])
    out.append(table(["城市（地区）", "文件", "数字", "已确认", "占比", "校验", "未通过", "OCR 存疑", "未能读出的行"], rows,
                     "lrrrrrrrr"))
    return "\n".join(out)


def area_quality_page(data: SiteData, area: Area, ctx: Context) -> str:
    """One city's 数据质量 (its documents only): what quality.md listed for every document."""
    up = area.up
    docs = area.documents
    ids = set(area.doc_ids)
    out = [front_matter({"title": title_text(f"数据质量 {area.label}")}), f"# 数据质量：{esc(area.label)}\n",
           f"[数据质量]({up}quality.md) › {esc(area.label)} · [本地区的公开文件]({path('..', area.stem + '.md')}) · "
           f"[本地区的数据下载](downloads.md)\n"]
    out.append("## 经校验确认的数字 { #confirmed }\n")
    out.append("“确认”指这个数字参与了至少一项通过的校验（例如合计等于各项之和）。\n")
    out.append(table(["文件", "数字", "已确认", "占比", "校验", "未通过", "未能读出的行"], [
        [f"[{esc(short_title(d))}]({up}{path('disclosures', d['doc_id'] + '.md')})", len(data.of("budget_facts", d["doc_id"])),
         d.get("facts_confirmed") or 0, share(d.get("facts_confirmed_share")), len(data.of("checks", d["doc_id"])),
         sum(not c["passed"] for c in data.of("checks", d["doc_id"])), len(data.of("unparsed_lines", d["doc_id"]))]
        for d in docs
    ], "lrrrrrr"))

    out.append("\n## 未通过的校验 { #failed-checks }\n")
    checks = [c for d in docs for c in data.of("checks", d["doc_id"])]
    failed = [c for c in checks if not c["passed"]]
    if failed:
        by_rule = Counter(c["check"] for c in failed)
        out.append(f"共 {len(failed)} 项：" + "，".join(f"`{r}` {n} 项" for r, n in sorted(by_rule.items())) + "。\n")
        titles = {d["doc_id"]: title_of(d) for d in docs}
        out.append(checks_list(failed, ctx, f"{up}methodology/checks.md", doc_titles=titles, up=up))
    elif checks:
        out.append("所有校验都通过了。\n")
    else:
        out.append("还没有校验结果。\n")

    out.append(ocr_section(data, ctx, ids, up))

    out.append("\n## 完整性 { #completeness }\n")
    out.append("每份文件的每张标准表的状态，以及情况说明、名词解释和绩效目标是否读出。\n")
    out.append(LEGEND + "\n")
    kind_list = kinds()
    narrative = narrative_rule_ids()
    rows = []
    for d in docs:
        doc_id = d["doc_id"]
        status = {}
        for t in data.of("budget_tables", doc_id):
            status.setdefault(t["kind"], t["status"])
        checks = data.of("checks", doc_id)
        if not narrative:
            statement = "未检查"
        else:
            statement = "✅" if any(c["check"] in narrative for c in checks) else "—"
        glossary = len(data.of("glossary", doc_id))
        goals = len(data.of("performance_goals", doc_id))
        rows.append([f"[{esc(short_title(d))}]({up}{path('disclosures', doc_id + '.md')})"]
                    + [MARK.get(status[k], esc(status[k])) if k in status else "·" for k in kind_list]
                    + [statement, f"✅ {glossary}" if glossary else "—", f"✅ {goals}" if goals else "—"])
    headers = [f'<abbr title="{attr(kind_name(k))}">{SHORT[k]}</abbr>' if k in SHORT else esc(kind_name(k))
               for k in kind_list]
    out.append(table(["文件", *headers, "情况说明", "名词解释", "绩效目标"], rows))
    out.append("\n情况说明“✅”表示有针对情况说明中数字的校验运行过；“未检查”表示还没有登记这类校验。\n")
    return "\n".join(out)


def ocr_section(data: SiteData, ctx: Context | None = None, doc_ids: set[str] | None = None, up: str = "") -> str:
    """The amounts read by OCR that may be misread (budget_facts.ocr_uncertain): published as read, listed
    here with why they are doubtful and 查看原文 (the scanned page, the cell outlined)."""
    out = ["\n## OCR 识别存疑的数字 { #ocr-uncertain }\n",
           f"扫描件（没有文字层的 PDF 页面）上的数字由 OCR 识别。识别置信度低于 {LOW_CONFIDENCE} 的数字，或参与了"
           "未通过的校验的数字，标为“存疑”（`ocr_uncertain`），照识别结果公开，从不猜测改正；若改动其中恰好一位数字就"
           "能让它参与的校验全部成立，该校验的说明会写出这一改法。请以原文为准。\n"]
    read = [f for f in data.rows.get("budget_facts", []) if f.get("ocr_confidence") is not None
            and (doc_ids is None or f["doc_id"] in doc_ids)]
    flagged = [f for f in read if f.get("ocr_uncertain")]
    if not read:
        out.append("目前没有经 OCR 读出的数字。\n")
        return "\n".join(out)
    if not flagged:
        out.append(f"经 OCR 读出的 {len(read)} 个数字都没有存疑。\n")
        return "\n".join(out)
    titles = {d["doc_id"]: short_title(d) for d in data.documents}
    out.append(f"经 OCR 读出的 {len(read)} 个数字中，{len(flagged)} 个存疑：\n")
    out.append(table(["文件", "表", "页", "行", "项目", "栏目", "识别的数字", "置信度", "原因", "原文"], [
        [f"[{esc(titles.get(f['doc_id'], f['doc_id']))}]({up}{path('disclosures', f['doc_id'] + '.md')})",
         esc(f.get("table_id")), f.get("source_page") or "—", f.get("source_line"), esc(f.get("item")) or "—",
         esc(f.get("measure")), esc(f.get("printed")), f"{f['ocr_confidence']:.3f}",
         "置信度低" if f["ocr_confidence"] < LOW_CONFIDENCE else "参与未通过的校验",
         ctx.original(f["doc_id"], f, f"OCR 存疑 {f.get('item') or ''} {f.get('printed') or ''}", up=up)
         if ctx is not None else ""]
        for f in flagged
    ], "lllrlllrll"))
    return "\n".join(out)


def downloads_page(data: SiteData, downloads: dict[str, list[DownloadFile]], datasette: Datasette,
                   database_size: int, places: list[Area]) -> str:
    """数据下载: the database, the combined package, and each city's counts with a link to the page of its
    documents' packages (`area_downloads_page`): as long as the list of cities, whatever the number of documents."""
    out = ["# 数据下载\n", "所有数据都可以自由下载。每份公开文件一个数据包（Frictionless Data Package），"
           "另有全部文件合并的数据包和 SQLite 数据库。金额一律以万元为单位；字段含义见[数据字典](dictionary.md)。\n"]
    out.append("## 数据库 { #database }\n")
    out.append(f"[yusuan.db](yusuan.db)（SQLite，{size(database_size)}）：每个资源一张表，全部文件合并。"
               + datasette.link("在 Datasette 中打开", "budget_facts") + "。\n")
    out.append(table(["表", "行数"], [[f"[`{name}`](dictionary.md#{name})", n] for name, n in data.counts.items()],
                     "lr"))
    out.append("\n## 数据包 { #packages }\n")
    if not downloads:
        out.append("还没有生成数据包。\n")
        return "\n".join(out)
    titles = {d["doc_id"]: title_of(d) for d in data.documents}
    if "all" in downloads:
        out.append(_package_section("all", downloads["all"], titles, ""))
    out.append("\n### 按地区 { #areas }\n")
    out.append("每份公开文件的数据包按城市（地区）列出，也可在各文件页面的“下载与查询”中下载。\n")
    rows = []
    for area in places:
        files = [f for i in area.doc_ids for f in downloads.get(i, [])]
        rows.append([f"[{esc(area.label)}]({path(*area.page('downloads').split('/'))})",
                     sum(1 for i in area.doc_ids if i in downloads), len(files), size(sum(f.size for f in files))])
    out.append(table(["城市（地区）", "数据包", "文件", "大小"], rows, "lrrr"))
    others = sorted(set(downloads) - {"all"} - set(titles))  # a package folder of no disclosure in the database
    for package in others:
        out.append(_package_section(package, downloads[package], titles, ""))
    return "\n".join(out)


def area_downloads_page(data: SiteData, area: Area, downloads: dict[str, list[DownloadFile]]) -> str:
    """One city's 数据下载: the package of each of its documents, file by file."""
    up = area.up
    titles = {d["doc_id"]: title_of(d) for d in area.documents}
    out = [front_matter({"title": title_text(f"数据下载 {area.label}")}), f"# 数据下载：{esc(area.label)}\n",
           f"[数据下载]({up}downloads.md) › {esc(area.label)} · [本地区的公开文件]({path('..', area.stem + '.md')}) · "
           f"[本地区的数据质量](quality.md)\n"]
    packages = [i for i in area.doc_ids if i in downloads]
    if not packages:
        out.append("本地区的文件还没有生成数据包。\n")
    for package in packages:
        out.append(_package_section(package, downloads[package], titles, up, "##"))
    return "\n".join(out)


def _package_section(package: str, files: list[DownloadFile], titles: dict[str, str], up: str, level: str = "###") -> str:
    name = "全部文件合并" if package == "all" else titles.get(package, package)
    link = f"[{esc(name)}]({up}{path('disclosures', package + '.md')})" if package in titles else esc(name)
    total = sum(f.size for f in files)
    return "\n".join([
        f"\n{level} {esc(name)} {{ #{anchor(package)} }}\n",
        f"{link}，{code(package + '/')}，{len(files)} 个文件，共 {size(total)}。\n",
        table(["文件", "格式", "大小", "行数"], [
            [f"[{esc(f.name)}]({up}{path(*f.path.split('/'))})", esc(f.format), size(f.size), f.rows if f.rows is not None else ""]
            for f in files
        ], "lllr")])
