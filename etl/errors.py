"""Named errors of the refresh. Each carries where the problem is so a person can fix it."""

from __future__ import annotations

from pathlib import Path


class FileRefused(Exception):
    """A whole file is refused: nothing from it loads. The message says where and why."""

    def __init__(self, path: Path | str, reason: str, *, line: int | None = None, column: str | None = None):
        self.path = Path(path)
        self.reason = reason
        self.line = line
        self.column = column
        from etl.pii.values import safe_file_name  # the value patterns load phonenumbers; errors stay light to import

        where = safe_file_name(self.path)
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column}"
        super().__init__(f"{where}: {reason}")


class BoundaryFileError(ValueError):
    """The file cannot serve as the ward boundaries; the message names the file and the reason."""


class RefreshFailed(Exception):
    """The refresh could not complete; the last good warehouse keeps serving."""


class RefreshLocked(RefreshFailed):
    """Another refresh holds the lock on this warehouse."""


class WarehouseMissing(Exception):
    """No warehouse has been published at this location yet."""
