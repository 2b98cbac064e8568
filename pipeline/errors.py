"""One error family for the pipeline: every failure names the file, the line and the reason.

The library raises these; only the CLI turns them into messages and exit codes.
"""

from __future__ import annotations


class PipelineError(Exception):
    """A failure that names where it happened (file, 1-based line or None) and why."""

    def __init__(self, file: str, line: int | None, reason: str):
        self.file = file
        self.line = line
        self.reason = reason
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.reason}"

    def __reduce__(self):
        # pickled whole (a worker process returns it to the build), whatever a subclass's __init__ takes
        return _rebuilt, (type(self), self.__dict__.copy())


def _rebuilt(cls: type[PipelineError], state: dict) -> PipelineError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, error.describe())
    return error


class UnreadableInput(PipelineError):
    """The input file cannot be read as text at all (empty, binary, truncated, absurd lines)."""
