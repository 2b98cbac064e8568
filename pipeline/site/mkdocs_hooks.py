"""MkDocs hooks of the generated site: build/mkdocs.yml lists this file (site/build.py `write_config`), so
that `mkdocs build` and `mkdocs serve -f build/mkdocs.yml` make whole pages, as `yusuan build` does.

MkDocs loads a hook file as a module of its own, not as part of the package: imports are absolute.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.site.fragments import fragments_folder, put_into

# what a hook puts into a page is named by the page's Markdown (a fragment's sha256): the page cache
# (pagecache.py), keyed by the Markdown, stays right with it
changes_no_page = True


def on_page_content(html, page, config, files):
    """The parts of the page written as HTML (fragments.py), from beside the docs folder."""
    return put_into(html, fragments_folder(Path(config.docs_dir)), page.file.src_uri)
