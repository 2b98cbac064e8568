"""Download the disclosures the catalog names a `source_url` for, keeping the originals in the folder.

For each catalog entry with a `source_url` (http or https only):

- when the file is present and matches the entry's `sha256`, it is up to date: nothing is downloaded
  (the catalog pins the version; change the sha256, or remove it, to take a new one);
- otherwise the URL is downloaded (timeout, retries with exponential backoff on network errors and
  5xx/408/429 answers, a size limit), checked against the `sha256` when the entry gives one, checked to
  be a readable PDF or text, and only then moved over the previous file (written to a temporary file in
  the same folder and renamed), so a failed fetch always leaves the last good version in place.

Every source is reported: ``fetched`` (new), ``updated``, ``unchanged`` or ``FAILED`` with the reason.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import __version__
from .catalog import load_catalog
from .errors import PipelineError

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_TIMEOUT = 60.0  # seconds, per connection attempt and per read
DEFAULT_RETRIES = 3  # attempts after the first one
DEFAULT_BACKOFF = 2.0  # seconds before the first retry, doubled each time
DEFAULT_MAX_BYTES = 100 * 1024 * 1024  # a budget disclosure is a few MB; more is not one
RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
CHUNK = 64 * 1024
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
USER_AGENT = f"yusuan/{__version__} (open budget data; python urllib)"


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
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    max_bytes: int = DEFAULT_MAX_BYTES
    force: bool = False  # download even when the file matches the catalog's sha256


def fetch_all(folder: Path, settings: FetchSettings | None = None, say: Callable[[str], None] = print,
              only: list[str] | None = None) -> list[FetchResult]:
    """Fetch every catalogued source of `folder` that has a `source_url` (or only the files named)."""
    settings = settings or FetchSettings()
    catalog = load_catalog(folder)
    results = []
    for name, entry in catalog.items():
        if not entry.get("source_url") or (only and name not in only):
            continue
        result = fetch_one(folder, entry, settings)
        say(result.describe())
        results.append(result)
    return results


def fetch_one(folder: Path, entry: dict, settings: FetchSettings) -> FetchResult:
    name = str(entry["file"])
    url = str(entry["source_url"])
    expected = str(entry["sha256"]).strip().lower() if entry.get("sha256") else None
    target = folder / name
    keep = "; the last good version is kept" if target.exists() else "; there is no local copy yet"

    def failed(reason: str) -> FetchResult:
        return FetchResult(name, url, "failed", reason + keep)

    if Path(name).name != name or name.startswith("."):
        return failed(f"the catalog's file name {name!r} is not a plain file name")
    if urlsplit(url).scheme.lower() not in ALLOWED_SCHEMES:
        return failed(f"only {' and '.join(ALLOWED_SCHEMES)} URLs are fetched")
    if expected is not None and not SHA256_RE.match(expected):
        return failed(f"the catalog's sha256 {entry['sha256']!r} is not 64 hexadecimal digits")

    current = _sha256_file(target) if target.exists() else None
    if expected and current == expected and not settings.force:
        return FetchResult(name, url, "unchanged", "(matches the catalog)", current, target.stat().st_size)

    try:
        data = download(url, settings)
    except FetchError as e:
        return failed(e.reason)
    got = hashlib.sha256(data).hexdigest()
    if expected and got != expected:
        return failed(f"checksum mismatch: the catalog says sha256 {expected}, the download has {got}")
    if got == current:
        return FetchResult(name, url, "unchanged", "", got, len(data))
    try:
        _replace(target, data)
    except PipelineError as e:
        return failed(f"the download is not a readable disclosure: {e.reason}")
    detail = "" if expected else "(no sha256 in the catalog: add this one to pin the version)"
    return FetchResult(name, url, "updated" if current else "fetched", detail, got, len(data))


def download(url: str, settings: FetchSettings, sleep: Callable[[float], None] = time.sleep) -> bytes:
    """The body of `url`, retried on transient failures. Raises `FetchError`."""
    attempts = settings.retries + 1
    for attempt in range(attempts):
        try:
            return _get(url, settings)
        except FetchError as e:
            if not e.retry or attempt == attempts - 1:
                if attempt:
                    raise FetchError(f"{e.reason} (after {attempt + 1} attempts)") from None
                raise
            sleep(settings.backoff * 2**attempt)
    raise AssertionError("unreachable")


def _get(url: str, settings: FetchSettings) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    opener = urllib.request.build_opener(_SameSchemeRedirects())
    try:
        with opener.open(request, timeout=settings.timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > settings.max_bytes:
                raise FetchError(f"the file is {int(length):,} bytes, over the limit of {settings.max_bytes:,}")
            chunks = []
            size = 0
            while True:
                chunk = response.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > settings.max_bytes:
                    raise FetchError(f"the download passed the limit of {settings.max_bytes:,} bytes")
                chunks.append(chunk)
            if length and length.isdigit() and size != int(length):
                raise FetchError(f"the download stopped at {size:,} of {int(length):,} bytes", retry=True)
            return b"".join(chunks)
    except FetchError:
        raise
    except urllib.error.HTTPError as e:
        raise FetchError(f"HTTP {e.code} {e.reason}", retry=e.code in RETRY_STATUS) from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, TimeoutError):
            raise FetchError(f"timed out after {settings.timeout:g} s", retry=True) from None
        raise FetchError(f"cannot connect: {reason}", retry=True) from None
    except TimeoutError:
        raise FetchError(f"timed out after {settings.timeout:g} s", retry=True) from None
    except OSError as e:
        raise FetchError(f"connection failed: {e}", retry=True) from None


class _SameSchemeRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http/https URLs (never file: or ftp:)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in ALLOWED_SCHEMES:
            raise urllib.error.HTTPError(newurl, code, f"Redirection to url '{newurl}' is not allowed (only http "
                                         "and https)", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _replace(target: Path, data: bytes) -> None:
    """Write `data` next to `target`, check it reads, then rename it over `target` (atomic)."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".part{target.suffix}", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        _check_readable(tmp, target.suffix.lower())
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


def _sha256_file(path: Path) -> str:
    from .cache import file_sha256

    return file_sha256(path)
