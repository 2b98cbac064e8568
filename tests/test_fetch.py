"""`yusuan fetch` against a local HTTP server on loopback serving the real PDF (never the internet).

Paths the server answers: /shanghai.pdf (the PDF), /slow.pdf (answers after 3 s), /missing.pdf (404),
/flaky.pdf (503 twice, then the PDF), /page.pdf (an HTML page), /big.pdf (more than the size limit),
/to-file (a redirect to a file: URL).
"""

from __future__ import annotations

import csv
import hashlib
import http.server
import threading
import time
from pathlib import Path

import pytest
import yaml
from conftest import DISCLOSURES
from localserver import serving
from test_cli import yusuan

from pipeline.fetch import FetchSettings, download, fetch_all, fetch_one

PDF = DISCLOSURES / "shanghai-finance-bureau-2025.pdf"
PDF_BYTES = PDF.read_bytes()
PDF_SHA256 = hashlib.sha256(PDF_BYTES).hexdigest()
NAME = "shanghai-finance-bureau-2025.pdf"
FAST = FetchSettings(timeout=5, retries=2, backoff=0.01)


class Handler(http.server.BaseHTTPRequestHandler):
    counts: dict[str, int] = {}
    lock = threading.Lock()

    def do_GET(self):  # noqa: N802 (http.server's name)
        with self.lock:
            n = self.counts[self.path] = self.counts.get(self.path, 0) + 1
        if self.path == "/shanghai.pdf" or (self.path == "/flaky.pdf" and n > 2):
            self.send_body(200, PDF_BYTES, "application/pdf")
        elif self.path == "/flaky.pdf":
            self.send_body(503, b"busy", "text/plain")
        elif self.path == "/slow.pdf":
            time.sleep(3)
            self.send_body(200, PDF_BYTES, "application/pdf")
        elif self.path == "/page.pdf":
            self.send_body(200, b"<!doctype html><html><body>Not Found</body></html>", "text/html")
        elif self.path == "/big.pdf":
            self.send_body(200, b"%PDF-1.4\n" + b"0" * 300_000, "application/pdf")
        elif self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_body(404, b"not found", "text/plain")

    def send_body(self, code: int, body: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture(scope="module")
def server():
    with serving(Handler) as url:
        yield url


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def folder_with(tmp_path: Path, url: str, sha256: str | None = PDF_SHA256, existing: bytes | None = None) -> Path:
    folder = tmp_path / "disclosures"
    folder.mkdir()
    entry = {"file": NAME, "doc_id": "shanghai-finance-bureau-2025", "source_url": url}
    if sha256:
        entry["sha256"] = sha256
    (folder / "catalog.yml").write_text(yaml.safe_dump({"disclosures": [entry]}, allow_unicode=True), encoding="utf-8")
    if existing is not None:
        (folder / NAME).write_bytes(existing)
    return folder


def requests_to(path: str) -> int:
    return Handler.counts.get(path, 0)


def test_fetches_a_missing_pdf_then_finds_it_unchanged(server, tmp_path):
    folder = folder_with(tmp_path, f"{server}/shanghai.pdf")
    said: list[str] = []
    (result,) = fetch_all(folder, FAST, say=said.append)
    assert result.status == "fetched", result.describe()
    assert (folder / NAME).read_bytes() == PDF_BYTES
    assert said == [result.describe()] and said[0].startswith(f"fetched   {NAME} (263,213 bytes, sha256 {PDF_SHA256})")
    before = requests_to("/shanghai.pdf")
    (result,) = fetch_all(folder, FAST, say=lambda _: None)
    assert result.status == "unchanged"
    assert requests_to("/shanghai.pdf") == before  # pinned by the catalog's sha256: not downloaded again
    assert sorted(p.name for p in folder.iterdir()) == ["catalog.yml", NAME]  # no temporary file left


def test_without_a_pinned_sha256_the_same_bytes_are_unchanged(server, tmp_path):
    folder = folder_with(tmp_path, f"{server}/shanghai.pdf", sha256=None, existing=PDF_BYTES)
    (result,) = fetch_all(folder, FAST, say=lambda _: None)
    assert result.status == "unchanged" and result.sha256 == PDF_SHA256


def test_a_new_version_replaces_the_old_file(server, tmp_path):
    old = b"%PDF-1.4 an older version"
    folder = folder_with(tmp_path, f"{server}/shanghai.pdf", sha256=None, existing=old)
    (result,) = fetch_all(folder, FAST, say=lambda _: None)
    assert result.status == "updated"
    assert "add this one to pin the version" in result.detail
    assert (folder / NAME).read_bytes() == PDF_BYTES


def test_a_wrong_checksum_keeps_the_last_good_version(server, tmp_path):
    good = PDF_BYTES
    folder = folder_with(tmp_path, f"{server}/shanghai.pdf", sha256="0" * 64, existing=good)
    (result,) = fetch_all(folder, FAST, say=lambda _: None)
    assert result.failed
    assert f"checksum mismatch: the catalog says sha256 {'0' * 64}, the download has {PDF_SHA256}" in result.detail
    assert "the last good version is kept" in result.describe()
    assert (folder / NAME).read_bytes() == good


def test_a_404_fails_at_once_without_retrying(server, tmp_path):
    folder = folder_with(tmp_path, f"{server}/missing.pdf")
    before = requests_to("/missing.pdf")
    (result,) = fetch_all(folder, FAST, say=lambda _: None)
    assert result.failed and "HTTP 404" in result.detail
    assert "there is no local copy yet" in result.detail
    assert requests_to("/missing.pdf") == before + 1
    assert not (folder / NAME).exists()


def test_a_timeout_fails_after_the_retries(server, tmp_path):
    folder = folder_with(tmp_path, f"{server}/slow.pdf", existing=PDF_BYTES[:100])
    before = requests_to("/slow.pdf")
    t0 = time.perf_counter()
    (result,) = fetch_all(folder, FetchSettings(timeout=0.3, retries=1, backoff=0.01), say=lambda _: None)
    assert time.perf_counter() - t0 < 2.5
    assert result.failed and "timed out after 0.3 s (after 2 attempts)" in result.detail, result.detail
    assert requests_to("/slow.pdf") == before + 2
    assert (folder / NAME).read_bytes() == PDF_BYTES[:100]


def test_transient_errors_are_retried_with_backoff(server):
    slept: list[float] = []
    data = download(f"{server}/flaky.pdf", FetchSettings(timeout=5, retries=3, backoff=0.5), sleep=slept.append)
    assert data == PDF_BYTES
    assert slept == [0.5, 1.0]  # two 503 answers, exponential backoff


def test_a_page_that_is_not_a_pdf_never_replaces_the_pdf(server, tmp_path):
    folder = folder_with(tmp_path, f"{server}/page.pdf", sha256=None, existing=PDF_BYTES)
    (result,) = fetch_all(folder, FAST, say=lambda _: None)
    assert result.failed and "not a readable disclosure: not a PDF" in result.detail
    assert (folder / NAME).read_bytes() == PDF_BYTES
    assert sorted(p.name for p in folder.iterdir()) == ["catalog.yml", NAME]


def test_the_size_limit(server, tmp_path):
    folder = folder_with(tmp_path, f"{server}/big.pdf", sha256=None)
    (result,) = fetch_all(folder, FetchSettings(timeout=5, retries=0, max_bytes=100_000), say=lambda _: None)
    assert result.failed and "over the limit of 100,000" in result.detail


@pytest.mark.parametrize("url, reason", [
    ("file:///etc/passwd", "only http and https URLs are fetched"),
    ("ftp://example.org/a.pdf", "only http and https URLs are fetched"),
    ("{server}/to-file", "Redirection to url 'file:///etc/passwd' is not allowed"),
])
def test_only_http_and_https(server, tmp_path, url, reason):
    # fetch_one itself: a catalog with such a URL is refused before (tests/test_hostile_catalog.py)
    result = fetch_one(tmp_path, {"file": NAME, "source_url": url.format(server=server)}, FAST)
    assert result.failed and reason in result.detail, result.detail


@pytest.fixture(scope="module")
def fetched_and_built(server, tmp_path_factory):
    """`yusuan fetch` then `yusuan build`, as the publish workflow runs them, on an empty folder."""
    root = tmp_path_factory.mktemp("served")
    folder = root / "disclosures"
    folder.mkdir()
    catalog = yaml.safe_load((DISCLOSURES / "catalog.yml").read_text(encoding="utf-8"))
    (entry,) = [e for e in catalog["disclosures"] if e["file"] == NAME]
    entry["source_url"] = f"{server}/shanghai.pdf"
    broken = {"file": "broken.pdf", "doc_id": "broken", "source_url": f"{server}/missing.pdf"}
    (folder / "catalog.yml").write_text(yaml.safe_dump({"disclosures": [entry, broken]}, allow_unicode=True),
                                        encoding="utf-8")
    fetch = yusuan("fetch", "--input", str(folder), "--timeout", "5", "--retries", "0", cwd=root)
    args = ("build", "--input", str(folder), "--packages", str(root / "packages"),
            "--build-dir", str(root / "build"), "--no-site")
    first = yusuan(*args, cwd=root)
    second = yusuan(*args, cwd=root)
    return root, fetch, first, second


def test_fetch_reports_each_source_and_exits_2_when_one_failed(fetched_and_built):
    root, fetch, _, _ = fetched_and_built
    assert fetch.returncode == 2, fetch.stdout + fetch.stderr
    assert f"fetched   {NAME} (263,213 bytes, sha256 {PDF_SHA256})" in fetch.stdout
    assert "FAILED broken.pdf: " in fetch.stdout and "HTTP 404" in fetch.stdout
    assert "1 fetched, 0 updated, 0 unchanged, 1 failed" in fetch.stdout
    assert "Traceback" not in fetch.stdout + fetch.stderr
    assert (root / "disclosures" / NAME).read_bytes() == PDF_BYTES


def test_the_served_pdf_builds_into_facts_with_pages(fetched_and_built):
    root, _, first, _ = fetched_and_built
    assert first.returncode == 0, first.stdout + first.stderr
    assert "built  shanghai-finance-bureau-2025: " in first.stdout
    with open(root / "packages" / "shanghai-finance-bureau-2025" / "budget_facts.csv", encoding="utf-8") as f:
        facts = list(csv.DictReader(f))
    assert len(facts) > 100
    total = [r for r in facts if r["printed"] == "171,915,169" and r["item"] == "合计"]
    assert total and all(r["amount"] == "17191.5169" for r in total)
    assert "9" in {r["source_page"] for r in total}  # the 收入预算总表's 合计 row, on its second page
    extracted = (root / "build" / "extracted" / "shanghai-finance-bureau-2025.txt").read_text(encoding="utf-8")
    lines = extracted.split("\n")
    for r in facts:  # each fact cites the line and the page it is printed on
        line = int(r["source_line"])
        assert r["printed"] in lines[line - 1].split("\t"), r
        assert int(r["source_page"]) == 1 + lines[:line].count("\f"), r


def test_the_second_build_reuses_the_pdf(fetched_and_built):
    _, _, _, second = fetched_and_built
    assert second.returncode == 0, second.stdout + second.stderr
    assert "reused shanghai-finance-bureau-2025: " in second.stdout
    assert "built  " not in second.stdout
    assert "0 rebuilt, 1 reused" in second.stdout
