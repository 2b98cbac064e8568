"""A build spread over machines (issue 15, "beyond one machine"): `yusuan build --shard I/N` reads its share
of the files into its own cache; the caches put together, a plain build publishes everything from them.

Real processes, real folders: the bundled samples, a Beijing disclosure printed as two PDFs (its narrative
and its tables fall in different shards) and a damaged PDF.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import DISCLOSURES, ROOT
from published import all_files, yusuan

from pipeline.shard import parse_shard, shard_of

PAIR = ("beijing-a625fbbabe.pdf", "beijing-8bc0e59b2f.pdf")  # 情况说明 and 报表 of one disclosure


def test_a_shard_is_i_of_n():
    assert parse_shard("2/8") == (2, 8) and parse_shard(" 1 / 1 ") == (1, 1)
    for bad in ("0/3", "4/3", "3", "a/b", "1/0", ""):
        with pytest.raises(ValueError, match="give I/N with 1 <= I <= N"):
            parse_shard(bad)


def test_every_file_is_in_one_shard_by_its_name_alone():
    names = [f"doc-{i}.pdf" for i in range(400)]
    shards = [shard_of(n, 4) for n in names]
    assert set(shards) == {1, 2, 3, 4} and all(60 < shards.count(s) < 140 for s in range(1, 5))
    assert [shard_of(n, 4) for n in reversed(names)] == shards[::-1]  # not the folder's order
    assert [shard_of(n, 3) for n in PAIR] == [3, 1]  # the pair this test splits


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("shards")
    source = root / "in"
    shutil.copytree(DISCLOSURES, source)
    for name in PAIR:
        shutil.copyfile(ROOT / "tests" / "corpus" / name, source / name)
    (source / "broken.pdf").write_bytes((ROOT / "tests" / "corpus" / PAIR[0]).read_bytes()[:5000])
    return root


def test_three_shards_then_one_assembling_build_publish_what_one_build_does(folder: Path):
    source, whole = folder / "in", folder / "whole"
    done = yusuan("build", "--input", str(source), "--packages", str(whole / "pkgs"), "--build-dir",
                  str(whole / "build"), "--no-site", cwd=folder)
    assert done.returncode == 2, done.stdout + done.stderr  # broken.pdf
    merged = folder / "merged" / "build"
    (merged / "cache").mkdir(parents=True)
    for shard in (1, 2, 3):
        build_dir = folder / f"shard{shard}"
        done = yusuan("build", "--input", str(source), "--build-dir", str(build_dir), "--shard", f"{shard}/3",
                      cwd=folder)
        output = done.stdout + done.stderr
        assert "Traceback" not in output
        assert not (build_dir / "site").exists() and not (build_dir / "yusuan.db").exists()
        if shard == 3:  # broken.pdf is in shard 3
            assert done.returncode == 2 and "FAILED" in output and "broken.pdf" in output, output
            assert "shard 3/3: 3 files, 2 read, 0 already cached, 1 failed" in output
        else:
            assert done.returncode == 0, output
        again = yusuan("build", "--input", str(source), "--build-dir", str(build_dir), "--shard", f"{shard}/3",
                       cwd=folder)
        assert " 0 read, " in again.stdout  # a shard reads each file once
        shutil.copytree(build_dir / "cache", merged / "cache", dirs_exist_ok=True)  # the caches put together

    done = yusuan("build", "--input", str(source), "--packages", str(folder / "merged" / "pkgs"),
                  "--build-dir", str(merged), "--no-site", cwd=folder)
    output = done.stdout + done.stderr
    assert done.returncode == 2 and "broken.pdf: damaged PDF: the file ends too early (truncated?)" in output, output
    assert "0 rebuilt, 6 reused" in output  # 5 samples + the pair, joined although read in two shards
    assert "joined from beijing-8bc0e59b2f.pdf + beijing-a625fbbabe.pdf" in output or \
        "joined from beijing-a625fbbabe.pdf + beijing-8bc0e59b2f.pdf" in output
    assert all_files(folder / "merged" / "pkgs") == all_files(whole / "pkgs")
    index = json.loads((merged / "cache" / "documents" / "index.json").read_text(encoding="utf-8"))
    assert sorted(index) == sorted(p.name for p in source.iterdir() if p.name not in ("catalog.yml", "broken.pdf"))


def test_a_shard_needs_the_cache_and_a_valid_shard(folder: Path):
    for args, message in ((["--shard", "4/3"], "'4/3' is no shard"),
                          (["--shard", "1/3", "--no-cache"], "a shard writes into the cache")):
        done = yusuan("build", "--input", str(folder / "in"), "--build-dir", str(folder / "x"), *args, cwd=folder)
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
        assert not (folder / "x").exists()
