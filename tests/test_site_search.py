"""Search reads only the indexed sections of a disclosure page (pipeline/site/searched.py), and the site it
builds, its search index included, is byte for byte the site MkDocs and Material build without it."""

from __future__ import annotations

import json
import shutil

from sitebuild import built_site
from test_site_incremental import differences

from pipeline.site import build as site_build
from pipeline.site.searched import SearchedSections, searched_part

PAGE = "disclosures/sichuan-samr-data-center-2025"


def test_the_excluded_sections_are_cut_at_their_headings():
    html = ('<h1 id="t">题</h1>\n<ul><li>发布单位</li></ul>\n<h2 data-search-exclude id="headline">主要数字</h2>\n'
            '<table><tr><td>1,234.00</td></tr></table>\n<h2 id="projects">项目支出</h2>\n<p>网络运维</p>\n'
            '<h3 data-search-exclude id="goals">各目标</h3>\n<details class="note"><p>指标</p></details>\n'
            '<h2 id="glossary">名词解释</h2>\n<p>三公经费</p>\n')
    assert searched_part(html) == ('<h1 id="t">题</h1>\n<ul><li>发布单位</li></ul>\n<h2 id="projects">项目支出</h2>\n'
                                   '<p>网络运维</p>\n<h2 id="glossary">名词解释</h2>\n<p>三公经费</p>\n')
    assert searched_part("<p>没有标题</p>") == "<p>没有标题</p>"
    # a heading without an id begins no section (as in Material's parser): it stays with the one before
    assert searched_part('<h2 data-search-exclude id="a">x</h2><h4>y</h4><h2 id="b">z</h2>') == '<h2 id="b">z</h2>'


def test_the_site_and_its_search_index_are_those_material_builds_alone(tmp_path_factory, tmp_path):
    built = built_site(tmp_path_factory)
    build = tmp_path / "build"
    site_build.build_site(built.database, built.packages, build, say=lambda _: None, reuse=False,
                          sources=built.sources)
    shutil.rmtree(build / "site")
    alone, searched = tmp_path / "alone", tmp_path / "searched"
    site_build.run_mkdocs(build / "mkdocs.yml", site_dir=alone)
    plugin = SearchedSections()
    site_build.run_mkdocs(build / "mkdocs.yml", site_dir=searched, plugins=[("searched", plugin)])
    assert differences(alone, searched) == []
    assert plugin.cut == 5 and plugin.whole == {}  # the five disclosure pages, each given back
    index = json.loads((searched / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"] for d in index["docs"]}
    assert f"{PAGE}/#projects" in locations and f"{PAGE}/#glossary" in locations
    assert f"{PAGE}/#headline" not in locations and f"{PAGE}/#tables" not in locations
    html = (searched / PAGE / "index.html").read_text(encoding="utf-8")
    assert 'id="headline"' in html and 'id="tables"' in html  # the page keeps what search did not read
