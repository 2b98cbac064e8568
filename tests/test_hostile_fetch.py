"""`yusuan fetch` against hostile and broken servers on 127.0.0.1 (never the internet).

Each case is a path of one local threaded server: web pages answered with 200, truncated and oversized
bodies, a server that trickles one byte a second, resets, wrong lengths, broken status lines and chunks,
redirects to other schemes and in a loop. Every case ends within its time bound, without a traceback, and
leaves the last good file byte for byte.
"""

from __future__ import annotations

import http.server
import io
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest
import yaml
from conftest import DISCLOSURES
from localserver import serving
from test_cli import yusuan

from pipeline.errors import PipelineError
from pipeline.fetch import DEFAULT_MAX_BYTES, FetchSettings, fetch_all, fetch_one
from pipeline.read import read_document

PDF_NAME = "shanghai-finance-bureau-2025.pdf"
PDF_BYTES = (DISCLOSURES / PDF_NAME).read_bytes()
TXT_NAME = "sichuan-samr-data-center-2025.txt"
TXT_BYTES = (DISCLOSURES / TXT_NAME).read_bytes()
NO_TABLES_TXT = "部门预算情况说明\n本单位2025年预算安排严格执行过紧日子要求。\n没有任何表格。\n".encode()
FAST = FetchSettings(timeout=5, retries=1, backoff=0.01)


def first_page_pdf() -> bytes:
    """A valid PDF with text (the disclosure's cover) and no table: readable, but reads to 0 tables."""
    import pypdfium2

    source = pypdfium2.PdfDocument(PDF_BYTES)
    one = pypdfium2.PdfDocument.new()
    one.import_pages(source, [0])
    buffer = io.BytesIO()
    one.save(buffer)
    return buffer.getvalue()


COVER_PDF = first_page_pdf()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    counts: dict[str, int] = {}
    sent: dict[str, int] = {}  # body bytes the server managed to write, per path
    lock = threading.Lock()

    def do_GET(self):  # noqa: N802 (http.server's name)
        with self.lock:
            self.counts[self.path] = self.counts.get(self.path, 0) + 1
        route = ROUTES.get(self.path)
        try:
            if route is None:
                self.body(404, b"not found", "text/plain")
            else:
                route(self)
        except OSError:  # a broken pipe, a reset, a TLS EOF: the client gave up, as a limit or a deadline does
            pass
        self.close_connection = True

    def body(self, code: int, data: bytes, content_type: str, length: int | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def stream(self, total: int, length: int | None) -> None:
        """`total` zero bytes in 64 KB writes (never held in memory), counting what was written."""
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        chunk = b"0" * 65536
        while self.sent.get(self.path, 0) < total:
            self.wfile.write(chunk)
            self.sent[self.path] = self.sent.get(self.path, 0) + len(chunk)

    def trickle(self, data: bytes, limit: int = 30) -> None:
        """Headers at once, then one byte a second (at most `limit` bytes: the server thread ends too)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.flush()
        for byte in data[:limit]:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(1)

    def trickle_status(self) -> None:
        for byte in b"HTTP/1.1 200 OK\r\n"[:12]:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.5)

    def reset(self) -> None:
        """Half the announced body, then a TCP reset (SO_LINGER 0)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(PDF_BYTES)))
        self.end_headers()
        self.wfile.write(PDF_BYTES[:100_000])
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def raw(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def log_message(self, *args):  # quiet
        pass


ROUTES = {
    "/good.pdf": lambda h: h.body(200, PDF_BYTES, "application/pdf"),
    "/good.txt": lambda h: h.body(200, TXT_BYTES + "\n附注：本表数据已更新。\n".encode(), "text/plain"),
    "/denied.pdf": lambda h: h.body(200, b"<html>Access denied</html>", "text/html"),
    "/denied.txt": lambda h: h.body(200, b"\n  <!DOCTYPE html><html><body>Access denied</body></html>", "text/plain"),
    "/typed-html.pdf": lambda h: h.body(200, PDF_BYTES, "text/html; charset=utf-8"),
    "/short.pdf": lambda h: h.body(200, PDF_BYTES[:60], "application/pdf"),
    "/cut-by-length.pdf": lambda h: h.body(200, PDF_BYTES, "application/pdf", length=60),
    "/short-body.pdf": lambda h: h.body(200, PDF_BYTES[:1000], "application/pdf", length=len(PDF_BYTES)),
    "/cover.pdf": lambda h: h.body(200, COVER_PDF, "application/pdf"),
    "/no-tables.txt": lambda h: h.body(200, NO_TABLES_TXT, "text/plain"),
    "/broken-reader.pdf": lambda h: h.body(200, b"%PDF-1.4\n1 0 obj garbage\n%%EOF\n", "application/pdf"),
    "/stream.log": lambda h: h.stream(64 * 1024 * 1024, None),
    "/huge.log": lambda h: h.stream(85 * 1024 * 1024, 85 * 1024 * 1024),
    "/trickle.pdf": lambda h: h.trickle(PDF_BYTES),
    "/trickle-status": lambda h: h.trickle_status(),
    "/reset.pdf": lambda h: h.reset(),
    "/garbage-status": lambda h: h.raw(b"HELLO THERE\r\n\r\n"),
    "/bad-chunks": lambda h: h.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n"),
    "/bad-length": lambda h: h.raw(b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\nConnection: close\r\n\r\nabc"),
    "/to-javascript": lambda h: h.redirect("javascript:alert(document.domain)//"),
    "/to-ftp": lambda h: h.redirect("ftp://127.0.0.1/a.pdf"),
    "/to-data": lambda h: h.redirect("data:application/pdf;base64,JVBERi0="),
    "/loop": lambda h: h.redirect("/loop"),
    "/to-good": lambda h: h.redirect("/good.pdf"),
    "/catalog": lambda h: h.body(200, b"disclosures: []\n", "text/plain"),
}


@pytest.fixture(scope="module")
def server():
    with serving(Handler) as url:
        yield url


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """The same routes over TLS, with a certificate for 127.0.0.1 made by openssl; yields the URL and the
    client context that trusts it."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=30)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}", ssl.create_default_context(cafile=str(cert))
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def folder_with(tmp_path: Path, name: str, url: str, existing: bytes | None = None, **entry) -> Path:
    folder = tmp_path / "disclosures"
    folder.mkdir(parents=True)
    entry = {"file": name, "source_url": url, **entry}
    (folder / "catalog.yml").write_text(yaml.safe_dump({"disclosures": [entry]}), encoding="utf-8")
    if existing is not None:
        (folder / name).write_bytes(existing)
    return folder


def fetch_once(folder: Path, settings: FetchSettings = FAST):
    (result,) = fetch_all(folder, settings, say=lambda _: None)
    return result


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())  # a temporary file left behind would show here


def yusuan_fetch(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return yusuan("fetch", *args, cwd=cwd)  # NO_PROXY from the fixture reaches the process


# ---------------------------------------------------------------------------------------------------
# Not a disclosure: refused before anything is replaced


@pytest.mark.parametrize("name, path, existing, reason", [
    (PDF_NAME, "/denied.pdf", PDF_BYTES,
     "not a readable disclosure: not a PDF: the server sent a web page (Content-Type text/html), not the disclosure"),
    (TXT_NAME, "/denied.txt", TXT_BYTES,
     "not a readable disclosure: not extracted text: the server sent a web page (Content-Type text/plain), not the "
     "disclosure"),
    (PDF_NAME, "/typed-html.pdf", b"%PDF-1.4 old",
     "not a PDF: the server sent a web page (Content-Type text/html), not the disclosure"),
    (PDF_NAME, "/short.pdf", PDF_BYTES, "the PDF is cut off: 60 bytes without %%EOF at the end (a truncated download?)"),
    (PDF_NAME, "/cut-by-length.pdf", PDF_BYTES, "the PDF is cut off: 60 bytes without %%EOF"),
    (PDF_NAME, "/broken-reader.pdf", PDF_BYTES, "not a readable disclosure: "),
])
def test_what_is_no_readable_disclosure_never_replaces_the_file(server, tmp_path, name, path, existing, reason):
    folder = folder_with(tmp_path, name, server + path, existing)
    result = fetch_once(folder)
    assert result.failed and reason in result.detail, result.detail
    assert result.detail.endswith("; the last good version is kept")
    assert result.describe().startswith(f"FAILED {name}: {server}{path}: ")
    assert (folder / name).read_bytes() == existing
    assert files(folder) == ["catalog.yml", name]


def test_a_web_page_is_refused_on_a_first_fetch_too(server, tmp_path):
    folder = folder_with(tmp_path, PDF_NAME, f"{server}/denied.pdf")
    result = fetch_once(folder)
    assert result.failed and "the server sent a web page" in result.detail
    assert result.detail.endswith("; there is no local copy yet")
    assert files(folder) == ["catalog.yml"]


# ---------------------------------------------------------------------------------------------------
# Never good for worse


def parsed_tables(path: Path) -> int:
    return sum(t.status == "parsed" for t in read_document(path).tables)


def test_a_text_that_reads_to_no_table_keeps_the_current_file(server, tmp_path):
    folder = folder_with(tmp_path, TXT_NAME, f"{server}/no-tables.txt", TXT_BYTES)
    had = parsed_tables(folder / TXT_NAME)
    assert had > 0
    result = fetch_once(folder)
    assert result.failed
    assert result.detail == f"the new version reads to 0 tables where the current one has {had}: kept the current file"
    assert (folder / TXT_NAME).read_bytes() == TXT_BYTES
    assert files(folder) == ["catalog.yml", TXT_NAME]


def test_a_pdf_that_reads_to_no_table_keeps_the_current_pdf(server, tmp_path):
    folder = folder_with(tmp_path, PDF_NAME, f"{server}/cover.pdf", PDF_BYTES)
    result = fetch_once(folder)
    assert result.failed and "the new version reads to 0 tables where the current one has 7: kept the current file" \
        in result.detail, result.detail
    assert (folder / PDF_NAME).read_bytes() == PDF_BYTES


def test_a_new_version_that_reads_to_tables_replaces_the_file(server, tmp_path):
    folder = folder_with(tmp_path, TXT_NAME, f"{server}/good.txt", TXT_BYTES)
    result = fetch_once(folder)
    assert result.status == "updated", result.describe()
    assert (folder / TXT_NAME).read_bytes().endswith("附注：本表数据已更新。\n".encode())
    folder = folder_with(tmp_path / "pdf", PDF_NAME, f"{server}/to-good", COVER_PDF)  # and through a redirect
    result = fetch_once(folder)
    assert result.status == "updated", result.describe()
    assert (folder / PDF_NAME).read_bytes() == PDF_BYTES


# ---------------------------------------------------------------------------------------------------
# Sizes and time


def test_the_size_limit_holds_while_the_body_streams(server, tmp_path):
    folder = folder_with(tmp_path, "big.txt", f"{server}/stream.log")  # no Content-Length: only streaming tells
    t0 = time.perf_counter()
    result = fetch_once(folder, FetchSettings(timeout=10, retries=0, max_bytes=1024 * 1024))
    assert time.perf_counter() - t0 < 5
    assert result.failed and "the download passed the limit of 1,048,576 bytes" in result.detail, result.detail
    time.sleep(0.2)  # the server's write fails once the client has closed
    assert Handler.sent["/stream.log"] < 16 * 1024 * 1024  # of 64 MB: the client stopped reading
    assert files(folder) == ["catalog.yml"]


def test_the_default_limit_refuses_85_mb_from_its_length_alone(server, tmp_path):
    assert DEFAULT_MAX_BYTES == 50 * 1024 * 1024
    folder = folder_with(tmp_path, TXT_NAME, f"{server}/huge.log", TXT_BYTES)
    t0 = time.perf_counter()
    result = fetch_once(folder, FetchSettings(retries=0))
    assert time.perf_counter() - t0 < 3
    assert result.failed
    assert "the file is 89,128,960 bytes, over the limit of 52,428,800" in result.detail, result.detail
    time.sleep(0.2)
    assert Handler.sent["/huge.log"] < 16 * 1024 * 1024
    assert (folder / TXT_NAME).read_bytes() == TXT_BYTES


def test_a_trickle_ends_at_the_timeout_in_the_cli(server, tmp_path):
    folder = folder_with(tmp_path, PDF_NAME, f"{server}/trickle.pdf", b"%PDF-1.4 the last good one")
    t0 = time.perf_counter()
    run = yusuan_fetch("--input", str(folder), "--timeout", "3", cwd=tmp_path)
    elapsed = time.perf_counter() - t0
    out = run.stdout + run.stderr
    assert elapsed < 10, (elapsed, out)
    assert run.returncode == 2, out
    assert "Traceback" not in out
    assert f"FAILED {PDF_NAME}: {server}/trickle.pdf: timed out after 3 s: only " in run.stdout, out
    assert " of 263,213 bytes had arrived (a server too slow, or one that trickles); the last good version is kept" \
        in run.stdout
    assert "0 fetched, 0 updated, 0 unchanged, 1 failed" in run.stdout
    assert Handler.counts["/trickle.pdf"] == 1  # a body too slow is not tried again at the same speed
    assert (folder / PDF_NAME).read_bytes() == b"%PDF-1.4 the last good one"


def test_the_timeout_holds_over_tls_too(tls_server, tmp_path, monkeypatch):
    url, trusted = tls_server
    monkeypatch.setattr(ssl, "_create_default_https_context", lambda: trusted)  # what urllib verifies with
    result = fetch_once(folder_with(tmp_path / "good", PDF_NAME, f"{url}/good.pdf"))
    assert result.status == "fetched", result.describe()
    t0 = time.perf_counter()
    result = fetch_once(folder_with(tmp_path / "slow", PDF_NAME, f"{url}/trickle.pdf"), FetchSettings(timeout=2))
    assert time.perf_counter() - t0 < 4
    assert result.failed and "timed out after 2 s: only " in result.detail, result.detail


def test_retries_stop_at_the_deadline(server, tmp_path):
    """A status line trickled in: each attempt times out, and the retries end at the source's deadline."""
    folder = folder_with(tmp_path, PDF_NAME, f"{server}/trickle-status")
    t0 = time.perf_counter()
    result = fetch_once(folder, FetchSettings(timeout=1, retries=10, backoff=0.2))
    elapsed = time.perf_counter() - t0
    assert 2.5 < elapsed < 4.5, elapsed
    assert result.failed and "the deadline of 3 s for this source passed (after " in result.detail, result.detail
    t0 = time.perf_counter()
    result = fetch_once(folder_with(tmp_path / "d", PDF_NAME, f"{server}/trickle-status"),
                        FetchSettings(timeout=1, retries=10, backoff=0.05, deadline=1.5))
    assert time.perf_counter() - t0 < 2.5
    assert result.failed and "deadline of 1.5 s" in result.detail, result.detail


# ---------------------------------------------------------------------------------------------------
# Broken servers and redirects: a reason, never a traceback


@pytest.mark.parametrize("path, reason", [
    ("/reset.pdf", "Connection reset by peer (after 2 attempts)"),
    ("/short-body.pdf", "the download stopped at 1,000 of 263,213 bytes (after 2 attempts)"),
    ("/garbage-status", "the server's answer is not HTTP (it starts 'HELLO THERE')"),
    ("/bad-chunks", "the body was cut off after 0 bytes (after 2 attempts)"),
    ("/bad-length", "not a readable disclosure: not a PDF (the file does not start with %PDF-)"),
    ("/to-javascript", "Redirection to url 'javascript:alert(document.domain)//' is not allowed"),
    ("/to-ftp", "Redirection to url 'ftp://127.0.0.1/a.pdf' is not allowed (only http and https)"),
    ("/to-data", "Redirection to url 'data:application/pdf;base64,JVBERi0=' is not allowed"),
    ("/loop", "HTTP 302 The HTTP server returned a redirect error that would lead to an infinite loop."),
])
def test_broken_servers_fail_with_a_reason(server, tmp_path, path, reason):
    folder = folder_with(tmp_path, PDF_NAME, server + path, b"%PDF-1.4 old")
    t0 = time.perf_counter()
    result = fetch_once(folder)
    assert time.perf_counter() - t0 < 5
    assert result.failed and reason in result.detail, result.detail
    assert "\n" not in result.describe()
    assert (folder / PDF_NAME).read_bytes() == b"%PDF-1.4 old"
    assert files(folder) == ["catalog.yml", PDF_NAME]


# ---------------------------------------------------------------------------------------------------
# Where a download may be written


def test_a_catalog_entry_for_the_catalog_never_replaces_it(server, tmp_path):
    folder = folder_with(tmp_path, "catalog.yml", f"{server}/catalog")
    catalog = (folder / "catalog.yml").read_bytes()
    try:
        result = fetch_once(folder)
    except PipelineError as e:  # the catalog's own validation refused the entry first
        message = e.describe()
    else:
        assert result.failed
        message = result.describe()
    assert "catalog.yml" in message and ("catalog itself" in message or "file" in message), message
    assert (folder / "catalog.yml").read_bytes() == catalog
    assert Handler.counts.get("/catalog", 0) == 0  # not even downloaded
    run = yusuan_fetch("--input", str(folder), cwd=tmp_path)
    assert run.returncode != 0 and "Traceback" not in run.stdout + run.stderr
    assert "catalog.yml" in run.stdout + run.stderr
    assert (folder / "catalog.yml").read_bytes() == catalog


@pytest.mark.parametrize("name, reason", [
    ("catalog.yml", "is the catalog itself: a download never replaces it"),
    ("CATALOG.YML", "is the catalog itself"),
    ("../outside.pdf", "is not a plain file name"),
    ("sub/inside.pdf", "is not a plain file name"),
    (".hidden.pdf", "is not a plain file name"),
    ("run.sh", "is not a disclosure (.txt, .md, .pdf)"),
    ("link.pdf", "is not a regular file (a link or a folder)"),
    ("folder.pdf", "is not a regular file (a link or a folder)"),
    (["a.pdf"], "is not a plain file name"),
])
def test_the_target_must_be_a_disclosure_in_the_folder(server, tmp_path, name, reason):
    """fetch.py's own defence, whatever the catalog's validation let through."""
    folder = tmp_path / "disclosures"
    folder.mkdir()
    (folder / "catalog.yml").write_bytes(b"disclosures: []\n")
    (tmp_path / "victim.pdf").write_bytes(b"victim")
    (folder / "link.pdf").symlink_to(tmp_path / "victim.pdf")
    (folder / "folder.pdf").mkdir()
    before = Handler.counts.get("/good.pdf", 0)
    result = fetch_one(folder, {"file": name, "source_url": f"{server}/good.pdf"}, FAST)
    assert result.failed and reason in result.detail, result.detail
    assert result.detail.endswith("; nothing was downloaded or written")
    assert Handler.counts.get("/good.pdf", 0) == before
    assert (folder / "catalog.yml").read_bytes() == b"disclosures: []\n"
    assert (tmp_path / "victim.pdf").read_bytes() == b"victim"
    assert not (tmp_path / "outside.pdf").exists()
    assert files(folder) == ["catalog.yml", "folder.pdf", "link.pdf"]
