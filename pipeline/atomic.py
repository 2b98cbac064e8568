"""Writing outputs so that a crash, a full disk or a read-only folder never leaves half a file or half a
package: every file is written to a temporary file in its own folder, flushed to disk and renamed over
the target (`write_atomic`); a whole folder is built beside its target and swapped in (`swap_folder`).

Temporary names carry `TMP_TAG` and start with a dot, so they are never taken for outputs; a build that
was killed leaves them behind, and the next build (holding the lock) sweeps them (`sweep`).
An OSError at this boundary becomes a one-line `PipelineError` naming the path (`output_error`).
"""

from __future__ import annotations

import ctypes
import errno
import os
import secrets
import shutil
from pathlib import Path

from .errors import PipelineError

TMP_TAG = ".yusuan-tmp-"  # in every temporary name: `.<name>.yusuan-tmp-<pid>-<token>`
OLD_TAG = ".yusuan-old-"  # a folder swapped out, deleted once the new one is in

_REASONS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied (operation not permitted)",
    errno.EROFS: "read-only file system",
}


class OutputError(PipelineError):
    """An output could not be written (disk full, read-only or not permitted): the previous one stays."""


def output_error(path: Path | str, error: OSError) -> OutputError:
    reason = _REASONS.get(error.errno or 0) or (error.strerror or str(error)).lower()
    return OutputError(str(path), None,
                       f"cannot write: {reason}; the previous outputs are left as they were")


def make_folder(folder: Path) -> Path:
    """`mkdir -p folder`, a fault of which is a one-line OutputError like any other write."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise output_error(folder, e) from None
    return folder


def temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}{TMP_TAG}{os.getpid()}-{secrets.token_hex(4)}")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` by `data` at once: readers see the old bytes or the new, never a part."""
    tmp = temp_name(path)
    try:
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        _discard(tmp)
        raise output_error(path, e) from None


def write_new(path: Path, data: bytes, shown: Path | None = None) -> None:
    """Write a file of a folder that is not published yet (it is swapped in whole): flushed to disk. An
    error names `shown`, the file it is going to be."""
    try:
        with open(path, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        raise output_error(shown or path, e) from None


def fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_folder(new: Path, target: Path) -> None:
    """Put the complete folder `new` (a sibling of `target`) in place of `target`. With RENAME_EXCHANGE
    `target` is at every moment the old folder or the new one; elsewhere there is a moment between two
    renames with the old one under an `OLD_TAG` name, which `sweep` puts back if the build dies there."""
    fsync_folder(new)
    try:
        if not target.exists():
            os.rename(new, target)
        elif _exchange(new, target):
            shutil.rmtree(new)  # it now holds the old folder
        else:
            old = target.with_name(f".{target.name}{OLD_TAG}{os.getpid()}")
            os.rename(target, old)
            os.rename(new, target)
            shutil.rmtree(old)
        fsync_folder(target.parent)
    except OSError as e:
        _discard(new)
        raise output_error(target, e) from None


def new_folder_for(target: Path) -> Path:
    """An empty temporary sibling of `target` to build its next version in."""
    tmp = temp_name(target)
    try:
        tmp.mkdir(parents=False)
    except OSError as e:
        raise output_error(target, e) from None
    return tmp


def sweep(folder: Path) -> None:
    """Remove what a killed build left in `folder` (temporary files and folders) and put back a folder
    that was swapped out but not replaced. Only names with our tags are touched; call it holding the lock."""
    if not folder.is_dir():
        return
    entries = sorted(folder.iterdir())
    for path in entries:
        name = path.name
        if name.startswith(".") and OLD_TAG in name:
            original = path.with_name(name[1:name.index(OLD_TAG)])
            if not original.exists():
                os.rename(path, original)  # the build died between the two renames
            else:
                _discard(path)
    for path in entries:
        if path.name.startswith(".") and TMP_TAG in path.name:
            _discard(path)


def _discard(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass
