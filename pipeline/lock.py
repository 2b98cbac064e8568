"""One build at a time: `yusuan build` holds an exclusive lock on its build folder (the file
`<build>/.lock`, which also records the holder's pid) and on its packages folder (the folder itself, so no file
is added to the published folder). A second build on either exits at once naming the running one's pid;
the kernel releases the locks when a build ends, however it ends (kill -9 included)."""

from __future__ import annotations

import fcntl
import os
from contextlib import ExitStack, contextmanager
from pathlib import Path

from .atomic import output_error
from .errors import PipelineError

LOCK_FILE = ".lock"


class BuildRunning(PipelineError):
    """Another yusuan build holds the lock of this build or packages folder."""


def _holder(fd: int) -> str:
    """The pid holding a flock on the file of `fd`, from /proc/locks (Linux), else "unknown"."""
    st = os.fstat(fd)
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        lines = Path("/proc/locks").read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError):
        return "unknown"
    for line in lines:
        parts = line.split()
        if len(parts) > 5 and parts[1] == "FLOCK" and parts[5] == device:
            return parts[4]
    return "unknown"


def _flock(fd: int, folder: Path) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = _holder(fd)
        os.close(fd)
        raise BuildRunning(str(folder), None,
                           f"another yusuan build is running (pid {pid}) on {folder}; "
                           "wait for it to finish, then build again") from None


@contextmanager
def build_lock(build_dir: Path, packages_dir: Path | None):
    """Hold the locks of both folders for the duration of the block (both folders must exist); of the
    build folder alone without `packages_dir` (a shard, which writes only into the cache)."""
    lock_file = build_dir / LOCK_FILE
    with ExitStack() as stack:
        try:
            fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise output_error(lock_file, e) from None
        _flock(fd, build_dir)
        stack.callback(os.close, fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        if packages_dir is not None:
            folder_fd = os.open(packages_dir, os.O_RDONLY | os.O_DIRECTORY)
            _flock(folder_fd, packages_dir)
            stack.callback(os.close, folder_fd)
        yield
