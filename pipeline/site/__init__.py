"""The documentation site: hand-written pages (site/) and pages generated from the database, built
with MkDocs Material into build/site/ (see `build.build_site`)."""

from __future__ import annotations

from .build import build_site

__all__ = ["build_site"]
