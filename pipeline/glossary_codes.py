"""The classification code a glossary term names: 一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）
行政运行（项） → 2010301, resolved from the document's own tables (their coded rows), never guessed.

A term is resolved when exactly one code of the named level is printed in the document's tables under
that name, and its 类 (and 款, where a row names it) agree; otherwise it keeps no code.
"""

from __future__ import annotations

import re
from collections import defaultdict

from .records import DocumentResult
from .text.lines import match_key

LEVEL_RE = re.compile(r"(.+?)[（(](类|款|项)[)）]")
LENGTH = {"类": 3, "款": 5, "项": 7}


def resolve_codes(result: DocumentResult) -> None:
    names: dict[str, set[str]] = defaultdict(set)  # printed row name → function codes
    for f in result.facts:
        if f.function_code:
            names[match_key(re.sub(r"^\d+\s*", "", f.item))].add(f.function_code)
    if not names:
        return
    for term in result.glossary:
        levels = LEVEL_RE.findall(term.term)
        if not levels:
            continue
        candidates: set[str] | None = None
        for name, level in levels:
            codes = {c for c in names.get(match_key(name), set()) if len(c) == LENGTH[level]}
            if not codes:
                continue  # a 类/款 the tables print without a row of its own
            if candidates is None:
                candidates = codes
            else:  # keep the deeper codes under the shallower ones
                candidates = {c for c in codes if any(c.startswith(p) for p in candidates)} or (
                    {c for c in candidates if any(p.startswith(c) for p in codes)})
        deepest = LENGTH[levels[-1][1]]
        found = {c for c in candidates or set() if len(c) == deepest}
        if len(found) == 1:
            term.function_code = found.pop()
