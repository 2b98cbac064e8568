"""Material's search reads only the sections of a disclosure page it indexes.

The search plugin parses the whole HTML of every page (html.parser, then jieba over the text) and only
then drops the sections whose heading says `data-search-exclude`. On a disclosure page those are most of
the page (its figures, goal and indicator tables, checks, the tables it read): a third of the site's
build. `SearchedSections` hands the plugin the page without them, and gives the page its whole HTML back
before the theme renders it, so the site and its search index are byte for byte what they were.

A section begins at a heading that has an id and runs to the next one, as the plugin's parser has it
(`material/plugins/search/plugin.py`, `Parser.handle_starttag`). Cutting at those headings is exact only
where no heading is nested in another element; that holds for the generated disclosure pages, whose
headings are all Markdown headings (their printed text is escaped, so a document cannot add one), and
the plugin touches no other page.
"""

from __future__ import annotations

import re

from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

PAGES = re.compile(r"disclosures/(?!index\.md$)[^/]+\.md")  # the generated disclosure pages (pages.py)
HEADING = re.compile(r"<h[1-6]\b[^>]*\bid=")  # where the search plugin begins a section
EXCLUDED = re.compile(r"<h[1-6]\b[^>]*\bdata-search-exclude\b")
SEARCH_ATTRIBUTE = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")  # what the search plugin strips after indexing


def searched_part(html: str) -> str:
    """`html` without the sections whose heading is excluded from search."""
    starts = [m.start() for m in HEADING.finditer(html)]
    if not starts:
        return html
    bounds = [0, *starts, len(html)]
    return "".join(html[a:b] for a, b in zip(bounds, bounds[1:], strict=False)
                   if not EXCLUDED.match(html, a))


class SearchedSections(BasePlugin):
    changes_no_page = True  # the pages are written as without it: the page cache (pagecache.py) may be used

    def __init__(self) -> None:
        self.whole: dict[str, str] = {}  # src_uri → the page's HTML, while the search plugin reads the rest
        self.cut = 0  # pages search read a part of

    @event_priority(50)  # after the page cache notes where this page's search entries begin, before search
    def _hand_to_search(self, context, *, page, config, nav):
        if PAGES.fullmatch(page.file.src_uri) and page.content:
            self.whole[page.file.src_uri] = page.content
            page.content = searched_part(page.content)
            self.cut += 1
        return context

    @event_priority(-50)  # after search, before the theme renders the page
    def _give_back(self, context, *, page, config, nav):
        whole = self.whole.pop(page.file.src_uri, None)
        if whole is not None:
            page.content = SEARCH_ATTRIBUTE.sub("", whole)  # as the search plugin leaves a page it read
        return context

    on_page_context = CombinedEvent(_hand_to_search, _give_back)
