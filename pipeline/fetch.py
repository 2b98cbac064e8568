"""Download the disclosures the catalog names a `source_url` for, keeping the originals in the folder.

For each catalog entry with a `source_url` (http or https only, redirects too):

- when the file is present and matches the entry's `sha256`, it is up to date: nothing is downloaded
  (the catalog pins the version; change the sha256, or remove it, to take a new one);
- otherwise the URL is downloaded: each attempt (connection, answer and the whole body) must end within
  the timeout, and one source within its deadline (all attempts and the waits between them, three
  timeouts unless given); network errors and 5xx/408/429 answers are retried with exponential backoff;
  the size limit is enforced while the body streams in;
- the download is checked against the `sha256` when the entry gives one, checked to be a readable
  disclosure (a PDF that starts with %PDF-, ends with %%EOF and opens with pages and text; text that
  decodes and is not a web page), and, when the current file reads to parsed tables, read itself: one
  that reads to none does not replace it. Only then is it moved over the previous file (written to a
  temporary file in the same folder and renamed), so a failed fetch always leaves the last good version.

The file an entry names must be a plain name in the folder with a disclosure suffix (.txt, .md, .pdf),
never the catalog itself (defence in depth: pipeline/catalog.py validates entries too).

Every source is reported: ``fetched`` (new), ``updated``, ``unchanged`` or ``FAILED`` with the reason.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import __version__
from .catalog import INPUT_SUFFIXES, load_catalog
from .errors import PipelineError
from .pdf import NOT_A_PDF

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_TIMEOUT = 60.0  # seconds: the most one attempt may take, connection, answer and whole body
DEADLINE_TIMEOUTS = 3  # one source's default deadline, all attempts and waits: this many timeouts
DEFAULT_RETRIES = 3  # attempts after the first one
DEFAULT_BACKOFF = 2.0  # seconds before the first retry, doubled each time
DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # a budget disclosure is a few MB; more is not one
RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
CHUNK = 64 * 1024
PDF_EOF_WINDOW = 2048  # %%EOF must be within this many bytes of the end (trailing blanks, a last newline)
WEB_PAGE_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
USER_AGENT = f"yusuan/{__version__} (open budget data; python urllib)"
CATALOG = "catalog.yml"


class FetchError(Exception):
    """A source could not be downloaded; `retry` says whether trying again may help."""

    def __init__(self, reason: str, retry: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


@dataclass
class FetchResult:
    file: str
    url: str
    status: str  # fetched | updated | unchanged | failed
    detail: str = ""
    sha256: str | None = None
    size: int | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def describe(self) -> str:
        if self.failed:
            return f"FAILED {self.file}: {self.url}: {self.detail}"
        size = f"{self.size:,} bytes, " if self.size is not None else ""
        return f"{self.status:<9} {self.file} ({size}sha256 {self.sha256}){' ' + self.detail if self.detail else ''}"


@dataclass
class FetchSettings:
    timeout: float = DEFAULT_TIMEOUT  # one attempt, start to end
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    max_bytes: int = DEFAULT_MAX_BYTES
    force: bool = False  # download even when the file matches the catalog's sha256
    deadline: float | None = None  # one source, all attempts and waits; None: DEADLINE_TIMEOUTS timeouts

    @property
    def source_deadline(self) -> float:
        return self.deadline if self.deadline is not None else DEADLINE_TIMEOUTS * self.timeout


@dataclass
class Answer:
    data: bytes
    content_type: str  # the media type only, lower case ("" when the server sent none)


def fetch_all(folder: Path, settings: FetchSettings | None = None, say: Callable[[str], None] = print,
              only: list[str] | None = None) -> list[FetchResult]:
    """Fetch every catalogued source of `folder` that has a `source_url` (or only the files named)."""
    settings = settings or FetchSettings()
    catalog = load_catalog(folder)
    results = []
    for name, entry in catalog.items():
        if not entry.get("source_url") or entry.get("files") or (only and name not in only):
            continue  # an entry of several files has the disclosure's page as source_url, not a file
        result = fetch_one(folder, entry, settings)
        say(result.describe())
        results.append(result)
    return results


def fetch_one(folder: Path, entry: dict, settings: FetchSettings) -> FetchResult:
    name = str(entry["file"])
    url = str(entry["source_url"])
    expected = str(entry["sha256"]).strip().lower() if entry.get("sha256") else None
    unsafe = _unsafe_target(folder, entry["file"])
    target = folder / name
    keep = "; the last good version is kept" if not unsafe and target.is_file() else "; there is no local copy yet"

    def failed(reason: str) -> FetchResult:
        return FetchResult(name, url, "failed", reason + keep)

    if unsafe:
        return FetchResult(name, url, "failed", unsafe + "; nothing was downloaded or written")
    if urlsplit(url).scheme.lower() not in ALLOWED_SCHEMES:
        return failed(f"only {' and '.join(ALLOWED_SCHEMES)} URLs are fetched")
    if expected is not None and not SHA256_RE.match(expected):
        return failed(f"the catalog's sha256 {entry['sha256']!r} is not 64 hexadecimal digits")

    current = _sha256_file(target) if target.exists() else None
    if expected and current == expected and not settings.force:
        return FetchResult(name, url, "unchanged", "(matches the catalog)", current, target.stat().st_size)

    try:
        answer = fetch_url(url, settings)
    except FetchError as e:
        return failed(e.reason)
    data = answer.data
    got = hashlib.sha256(data).hexdigest()
    if expected and got != expected:
        return failed(f"checksum mismatch: the catalog says sha256 {expected}, the download has {got}")
    if got == current:
        return FetchResult(name, url, "unchanged", "", got, len(data))
    try:
        _check_content(target.suffix.lower(), answer)
        _replace(target, data, entry)
    except PipelineError as e:
        return failed(f"the download is not a readable disclosure: {e.reason}")
    except ReadsWorse as e:  # its reason ends with "kept the current file"
        return FetchResult(name, url, "failed", str(e))
    detail = "" if expected else "(no sha256 in the catalog: add this one to pin the version)"
    return FetchResult(name, url, "updated" if current else "fetched", detail, got, len(data))


def _unsafe_target(folder: Path, name: object) -> str | None:
    """Why the catalog's file name may not be written by a download, or None."""
    if not isinstance(name, str) or not name or Path(name).name != name or name.startswith(".") \
            or any(ord(c) < 32 for c in name):
        return f"the catalog's file name {name!r} is not a plain file name"
    if name.lower() == CATALOG:
        return f"the catalog's file name {name!r} is the catalog itself: a download never replaces it"
    if Path(name).suffix.lower() not in INPUT_SUFFIXES:
        return f"the catalog's file name {name!r} is not a disclosure ({', '.join(INPUT_SUFFIXES)})"
    target = folder / name
    if target.is_symlink() or (target.exists() and not target.is_file()):
        return f"{target} is not a regular file (a link or a folder): a download never replaces it"
    if target.resolve().parent != folder.resolve():
        return f"{target} is outside the folder {folder}"
    return None


# ---------------------------------------------------------------------------------------------------
# Downloading


def download(url: str, settings: FetchSettings, sleep: Callable[[float], None] = time.sleep) -> bytes:
    """The body of `url`, retried on transient failures. Raises `FetchError`."""
    return fetch_url(url, settings, sleep).data


def fetch_url(url: str, settings: FetchSettings, sleep: Callable[[float], None] = time.sleep,
              clock: Callable[[], float] = time.monotonic) -> Answer:
    """The answer of `url`, retried on transient failures within the source's deadline. Raises `FetchError`."""
    deadline = settings.source_deadline
    start = clock()
    attempts = settings.retries + 1
    for attempt in range(attempts):
        left = deadline - (clock() - start)
        limit = min(settings.timeout, left)
        cut = limit < settings.timeout  # the deadline, not the timeout, ends this attempt
        try:
            return _get(url, settings, limit, cut)
        except FetchError as e:
            tried = f"after {attempt + 1} attempts" if attempt else "after 1 attempt"
            if not e.retry or cut or attempt == attempts - 1:
                raise FetchError(f"{e.reason} ({tried})" if attempt else e.reason) from None
            wait = settings.backoff * 2**attempt
            if clock() - start + wait >= deadline:
                raise FetchError(f"{e.reason} ({tried}; the deadline of {deadline:g} s for this source "
                                 "leaves no time for another)") from None
            sleep(wait)
    raise AssertionError("unreachable")


def _get(url: str, settings: FetchSettings, limit: float, cut: bool) -> Answer:
    """One attempt, ended by a watchdog after `limit` seconds whatever the server does (a trickle too)."""
    timed_out = (f"the deadline of {settings.source_deadline:g} s for this source passed" if cut
                 else f"timed out after {settings.timeout:g} s")
    if limit <= 0:
        raise FetchError(timed_out)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    watchdog = _Watchdog(limit)
    opener = urllib.request.build_opener(_SameSchemeRedirects(), _WatchedHTTP(watchdog), _WatchedHTTPS(watchdog))
    size = 0
    try:
        with watchdog, opener.open(request, timeout=limit) as response:
            length = response.headers.get("Content-Length", "").strip()
            length = int(length) if length.isdigit() else None
            if length is not None and length > settings.max_bytes:
                raise FetchError(f"the file is {length:,} bytes, over the limit of {settings.max_bytes:,}")
            content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
            chunks = []
            while not watchdog.expired:
                chunk = response.read1(CHUNK)  # at most one read: the watchdog and the limit act between reads
                if not chunk:
                    break
                size += len(chunk)
                if size > settings.max_bytes:
                    raise FetchError(f"the download passed the limit of {settings.max_bytes:,} bytes")
                chunks.append(chunk)
            if watchdog.expired:  # the answer came, the body too slowly: another attempt would be as slow
                of = f" of {length:,}" if length is not None else ""
                raise FetchError(f"{timed_out}: only {size:,}{of} bytes had arrived (a server too slow, "
                                 "or one that trickles)")
            if length is not None and size != length:
                raise FetchError(f"the download stopped at {size:,} of {length:,} bytes", retry=True)
            return Answer(b"".join(chunks), content_type)
    except FetchError:
        raise
    except urllib.error.HTTPError as e:
        if watchdog.expired:
            raise FetchError(timed_out, retry=True) from None
        raise FetchError(f"HTTP {e.code} {_one_line(e.reason)}", retry=e.code in RETRY_STATUS) from None
    except (OSError, http.client.HTTPException, ValueError) as e:
        # URLError, timeouts, resets, a broken status line or chunk, a bad redirect URL
        if watchdog.expired or isinstance(e, TimeoutError) or isinstance(getattr(e, "reason", None), TimeoutError):
            raise FetchError(timed_out, retry=True) from None
        if isinstance(e, urllib.error.URLError):
            raise FetchError(f"cannot connect: {_one_line(e.reason)}", retry=True) from None
        if isinstance(e, ValueError):
            raise FetchError(f"the server's answer cannot be followed: {_one_line(e)}") from None
        if isinstance(e, http.client.RemoteDisconnected):
            raise FetchError("the server closed the connection without an answer", retry=True) from None
        if isinstance(e, http.client.BadStatusLine):
            raise FetchError(f"the server's answer is not HTTP (it starts {_one_line(e)[:80]!r})") from None
        if isinstance(e, http.client.IncompleteRead):
            raise FetchError(f"the body was cut off after {size:,} bytes", retry=True) from None
        if isinstance(e, http.client.HTTPException):
            raise FetchError(f"the server's answer is broken ({type(e).__name__}: {_one_line(e)[:200]})") from None
        raise FetchError(f"connection failed after {size:,} bytes: {_one_line(e)}", retry=True) from None


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


class _Watchdog:
    """Shuts down every socket of one attempt when its time is up, so no read can outlast it."""

    def __init__(self, seconds: float):
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def connection(self, base: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
        watchdog = self

        class Watched(base):  # type: ignore[valid-type,misc]
            def connect(self) -> None:
                super().connect()
                watchdog.watch(self.sock)

        return Watched


def _shut(sock: socket.socket) -> None:
    try:  # the plain socket's shutdown, also under TLS: a blocked read returns at once
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


class _WatchedHTTP(urllib.request.HTTPHandler):
    def __init__(self, watchdog: _Watchdog):
        super().__init__()
        self.watchdog = watchdog

    def http_open(self, req):
        return self.do_open(self.watchdog.connection(http.client.HTTPConnection), req)


class _WatchedHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: _Watchdog):
        super().__init__()
        self.watchdog = watchdog

    def https_open(self, req):
        return self.do_open(self.watchdog.connection(http.client.HTTPSConnection), req, context=self._context)


class _SameSchemeRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http/https URLs (never file:, ftp: or javascript:), with a short body."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in ALLOWED_SCHEMES:
            raise urllib.error.HTTPError(newurl, code, f"Redirection to url '{newurl}' is not allowed (only http "
                                         "and https)", headers, fp)
        fp.read(CHUNK)  # urllib reads a redirect's whole body: bound it first
        if fp.read(1):
            raise urllib.error.HTTPError(newurl, code, f"a redirect to '{newurl}' with a body of more than "
                                         f"{CHUNK:,} bytes is not followed", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


# ---------------------------------------------------------------------------------------------------
# Checking what came


class ReadsWorse(Exception):
    """The download is a readable disclosure but reads to no table where the current file has some."""


def _check_content(suffix: str, answer: Answer) -> None:
    """What the bytes alone tell: a web page, a PDF that is not one or is cut off. Raises `PipelineError`."""
    data = answer.data
    head = data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    web_page = head.startswith(WEB_PAGE_STARTS) or (suffix == ".pdf" and answer.content_type == "text/html")
    kind = "not a PDF" if suffix == ".pdf" else "not extracted text"
    if web_page:
        sent = f" (Content-Type {answer.content_type})" if answer.content_type else ""
        raise PipelineError("", None, f"{kind}: the server sent a web page{sent}, not the disclosure")
    if suffix != ".pdf":
        return
    if not data.startswith(b"%PDF-"):
        raise PipelineError("", None, NOT_A_PDF)
    if b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
        raise PipelineError("", None, f"the PDF is cut off: {len(data):,} bytes without %%EOF at the end "
                            "(a truncated download?)")


def _replace(target: Path, data: bytes, entry: dict) -> None:
    """Write `data` next to `target`, check it reads (no worse than `target`), then rename it over `target`."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".part{target.suffix}", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        _check_readable(tmp, target.suffix.lower())
        _check_not_worse(tmp, target, entry)
        os.chmod(tmp, 0o644)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def _check_readable(path: Path, suffix: str) -> None:
    if suffix == ".pdf":
        from .pdf import check_pdf

        check_pdf(path)
    else:
        from .text.decode import read_text

        read_text(path)


def _check_not_worse(new: Path, current: Path, entry: dict) -> None:
    """Read the download as the build does when the current file reads to parsed tables; refuse none."""
    if not current.is_file():
        return
    try:
        had = _parsed_tables(current, entry)
    except Exception:  # noqa: BLE001 (the current file does not read: anything readable is better)
        return
    if had == 0:
        return
    try:
        has = _parsed_tables(new, entry)
    except PipelineError as e:
        raise ReadsWorse(f"the new version cannot be read ({e.reason}) where the current one reads to {had} "
                         "parsed tables: kept the current file") from None
    except Exception as e:  # noqa: BLE001 (a download that breaks the reader never replaces a good file)
        raise ReadsWorse(f"the new version breaks the reader ({type(e).__name__}: {_one_line(e)}) where the "
                         f"current one reads to {had} parsed tables: kept the current file") from None
    if has == 0:
        raise ReadsWorse(f"the new version reads to 0 tables where the current one has {had}: kept the current "
                         "file")


def _parsed_tables(path: Path, entry: dict) -> int:
    """Parsed tables of a disclosure, read as `yusuan build` reads it (a PDF extracted, not cached)."""
    from .read import Timings
    from .sources import read_source

    result, _ = read_source(path, entry, Timings())
    return sum(t.status == "parsed" for t in result.tables)


def _sha256_file(path: Path) -> str:
    from .cache import file_sha256

    return file_sha256(path)
