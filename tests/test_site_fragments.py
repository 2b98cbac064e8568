"""The parts of a disclosure page written as HTML (pipeline/site/fragments.py) are in the page MkDocs
builds, in their place, whole; a missing or damaged one fails the build naming the page and the file."""

from __future__ import annotations

import re
import shutil

import pytest
from sitebuild import built_site

from pipeline.errors import PipelineError
from pipeline.site import build as site_build
from pipeline.site.fragments import PLACEHOLDER, Fragments, put_into

NANTONG = "nantong-samr-projects-2024"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_site(tmp_path_factory)


def test_the_goals_indicators_are_in_the_page_in_their_place(built):
    markdown = (built.docs / "disclosures" / f"{NANTONG}.md").read_text(encoding="utf-8")
    (sha256,) = re.findall(r'data-sha256="([0-9a-f]{64})"', markdown)
    assert markdown.index("{ #goals data-search-exclude }") < markdown.index(PLACEHOLDER.format(sha256))
    html = (built.site / "disclosures" / NANTONG / "index.html").read_text(encoding="utf-8")
    assert "yusuan-fragment" not in html
    (indicators,) = built.query("select count(*) n from performance_indicators where doc_id = ?", NANTONG)
    goals = html[html.index('id="goals"'):html.index('id="glossary"')]
    (n_goals,) = built.query("select count(*) n from performance_goals where doc_id = ?", NANTONG)
    assert goals.count('<details class="note">') == n_goals["n"] == 4  # a form per project
    assert goals.count("<tr>") - goals.count("<thead>") == indicators["n"]
    # a target as printed, its operator and unit not repeated (=100% with = and %)
    assert "<td>网络安全监测服务</td>\n<td>=100%</td>" in goals and "<td>共享数据质量情况</td>\n<td>≥90%</td>" in goals


def test_a_missing_or_damaged_fragment_fails_naming_page_and_file(tmp_path):
    fragments = Fragments(tmp_path / "fragments")
    placeholder = fragments.put("<p>指标 &lt;1&gt;</p>")
    page = f"<h2 id=\"goals\">目标</h2>{placeholder.strip()}<p>后</p>"
    assert put_into(page, fragments.folder, "disclosures/x.md") == '<h2 id="goals">目标</h2><p>指标 &lt;1&gt;</p><p>后</p>'
    (file,) = fragments.folder.iterdir()
    file.write_text("<p>别的</p>", encoding="utf-8")
    with pytest.raises(PipelineError, match="the part of the page disclosures/x.md kept in this file is damaged") as e:
        put_into(page, fragments.folder, "disclosures/x.md")
    assert e.value.file == str(file)
    file.unlink()
    with pytest.raises(PipelineError, match="holds a part of it that is missing"):
        put_into(page, fragments.folder, "disclosures/x.md")


def test_mkdocs_alone_builds_the_whole_page_from_the_generated_configuration(built, tmp_path):
    """`mkdocs build -f build/mkdocs.yml` (or serve) puts the fragments in too: the hook is in the config."""
    build = tmp_path / "build"
    for name in ("docs", "fragments"):
        shutil.copytree(built.build_dir / name, build / name)
    shutil.copy(built.build_dir / "mkdocs.yml", build / "mkdocs.yml")
    assert "hooks:" in (build / "mkdocs.yml").read_text(encoding="utf-8")
    site_build.run_mkdocs(build / "mkdocs.yml", site_dir=tmp_path / "site")
    html = (tmp_path / "site" / "disclosures" / NANTONG / "index.html").read_text(encoding="utf-8")
    assert "yusuan-fragment" not in html and "<td>网络安全监测服务</td>" in html
