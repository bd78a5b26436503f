"""The warehouse on disk: versioned DuckDB files and a pointer to the one being served.

    <warehouse>/CURRENT                  name of the version readers open
    <warehouse>/versions/<name>.duckdb   published versions (the newest few are kept)
    <warehouse>/versions/<name>.building a refresh in progress (never opened by readers)
    <warehouse>/refresh.lock             held by the one refresh allowed at a time
    <warehouse>/runs.jsonl               one line when a refresh starts and one when it ends, failed ones included

Record-level data lives here, so it is private: folders 0750, files 0640 (the refresh and the
dashboard set the umask 027), group-readable only by the group named in the settings.

A DuckDB file open for writing cannot be opened by another process, so a refresh builds a
new version beside the served one and switches the pointer with an atomic rename: readers
see the old version or the new one, never a half-built one, whatever happens mid-way.
"""

from __future__ import annotations

import errno
import fcntl
import grp
import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from etl.errors import RefreshFailed, RefreshLocked, WarehouseMissing

POINTER = "CURRENT"
VERSIONS = "versions"
LOCK = "refresh.lock"
RUN_LOG = "runs.jsonl"
BUILDING_SUFFIX = ".building"
STARTED = "started"
NEVER_FINISHED = "started, never finished"
PRIVATE_UMASK = 0o027
FOLDER_MODE = 0o750
FILE_MODE = 0o640


def one_value(con: duckdb.DuckDBPyConnection, sql: str, parameters: object = None) -> Any:
    """The first value of a query that always returns a row, such as `select count(*) ...`."""
    row = con.execute(sql, parameters).fetchone()
    if row is None:
        raise LookupError(f"expected one row from: {sql}")
    return row[0]


def drop_temp_tables(con: duckdb.DuckDBPyConnection, prefix: str) -> None:
    """Drop every temporary table of the connection whose name starts with `prefix`."""
    for (name,) in con.execute(
        "select table_name from duckdb_tables() where temporary and starts_with(table_name, ?)", [prefix]
    ).fetchall():
        con.execute(f'drop table if exists "{name}"')


def private_umask() -> int:
    """New files 0640 and folders 0750 from here on: no one outside the owner and group reads them."""
    return os.umask(PRIVATE_UMASK)


class WarehouseGroupError(RefreshFailed):
    """The group named for the warehouse does not exist."""


@dataclass(frozen=True)
class Warehouse:
    root: Path
    group: str = ""  # group given the folder and its files; empty keeps the owner's group

    @property
    def pointer(self) -> Path:
        return self.root / POINTER

    @property
    def versions(self) -> Path:
        return self.root / VERSIONS

    @property
    def run_log(self) -> Path:
        return self.root / RUN_LOG

    def exists(self) -> bool:
        try:
            self.current_path()
        except WarehouseMissing:
            return False
        return True

    def current_path(self) -> Path:
        """The published version readers should open."""
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError as error:
            raise WarehouseMissing(f"no warehouse has been published in {self.root}; run `oversight refresh` first") from error
        path = self.versions / name
        if not name or not path.is_file():
            raise WarehouseMissing(f"the warehouse pointer in {self.root} names {name!r}, which does not exist")
        return path

    def connect_read_only(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.current_path()), read_only=True)

    def new_version_name(self) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        return f"oversight-{stamp}-{os.getpid()}.duckdb"

    def publish(self, building: Path) -> Path:
        """Make a finished build the served version: rename it into place, then switch the pointer."""
        final = building.with_suffix("")  # drop ".building"
        _fsync_file(building)
        os.replace(building, final)
        temporary = self.root / f".{POINTER}.{os.getpid()}.tmp"
        try:
            temporary.write_text(final.name + "\n", encoding="utf-8")
            _fsync_file(temporary)
            os.replace(temporary, self.pointer)
        except BaseException:
            # The pointer still names the old version; a version nobody points at must not linger.
            temporary.unlink(missing_ok=True)
            final.unlink(missing_ok=True)
            raise
        _fsync_directory(self.root)
        self.make_private()
        return final

    def make_private(self) -> None:
        """Folders 0750 and files 0640, in the warehouse's group when one is set; whatever the umask was."""
        gid = _group_id(self.group) if self.group else -1
        paths = [self.root, self.versions, *self.root.iterdir(), *(self.versions.iterdir() if self.versions.is_dir() else [])]
        for path in paths:
            try:
                info = path.lstat()
                if stat.S_ISLNK(info.st_mode):
                    continue
                os.chmod(path, FOLDER_MODE if stat.S_ISDIR(info.st_mode) else FILE_MODE)
                if gid != -1 and info.st_gid != gid:
                    os.chown(path, -1, gid)
            except FileNotFoundError:
                continue  # pruned by the time we reached it

    def due_to_go(self, keep: int, adding: int = 0) -> list[Path]:
        """The published versions, oldest first, beyond the newest `keep` once `adding` more are published; never the
        served one."""
        current = self.current_path() if self.exists() else None
        published = sorted(self.versions.glob("*.duckdb"))
        return [path for path in published[: max(0, len(published) + adding - keep)] if path != current]

    @staticmethod
    def remove_version(path: Path) -> None:
        """Delete a published version and its write-ahead log (a reader that has it open keeps reading it)."""
        path.unlink(missing_ok=True)
        Path(f"{path}.wal").unlink(missing_ok=True)

    def prune(self, keep: int) -> list[Path]:
        """Delete unfinished builds and all but the newest `keep` versions. Call under the lock."""
        removed = []
        for path in self.versions.glob(f"*{BUILDING_SUFFIX}*"):
            path.unlink(missing_ok=True)
            removed.append(path)
        for path in self.due_to_go(keep):
            self.remove_version(path)
            removed.append(path)
        return removed

    @contextmanager
    def refresh_lock(self) -> Iterator[None]:
        """Only one refresh at a time. The kernel drops the lock if the process dies."""
        self.versions.mkdir(parents=True, exist_ok=True)
        self.make_private()
        handle = (self.root / LOCK).open("a+")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as error:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                raise RefreshLocked(f"another refresh is running on {self.root} (process {holder})") from error
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            handle.close()

    def log_run(self, record: dict) -> bool:
        """Append one attempt to the run log that survives failed refreshes.

        Returns False when the log cannot be written (a full disk, say): the refresh's own
        outcome, and the error that explains it, matter more than the log line.
        """
        try:
            self.root.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
            descriptor = os.open(self.run_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
            with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(record, default=str) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:
            return False
        return True

    def read_run_log(self) -> list[dict]:
        """One record per attempt, its latest line winning. An attempt whose only line is its start,
        and which no running refresh holds, was killed: it reads "started, never finished"."""
        if not self.run_log.exists():
            return []
        records: dict[str, dict] = {}
        anonymous = []
        for line in self.run_log.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a crash mid-write
            if record.get("run_id"):
                records[record["run_id"]] = record
            else:
                anonymous.append(record)
        running = self._refresh_running()
        unfinished = [record for record in records.values() if record.get("outcome") == STARTED]
        for record in unfinished[:-1] if running else unfinished:
            record["outcome"] = NEVER_FINISHED
            record["error"] = "the refresh stopped before it finished (killed, or the machine went down); nothing was published"
        return anonymous + list(records.values())

    def _refresh_running(self) -> bool:
        lock = self.root / LOCK
        if not lock.exists():
            return False
        try:
            with lock.open("r") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
                except BlockingIOError:
                    return True
                fcntl.flock(handle, fcntl.LOCK_UN)
        except OSError:
            return False
        return False


def _group_id(group: str) -> int:
    if group.isdigit():
        return int(group)
    try:
        return grp.getgrnam(group).gr_gid
    except KeyError as error:
        raise WarehouseGroupError(
            f"the warehouse group {group!r} does not exist on this machine; "
            "set OVERSIGHT_WAREHOUSE_GROUP to an existing group or leave it empty"
        ) from error


NO_SPACE_CODES = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
UNWRITABLE_CODES = {errno.EACCES, errno.EPERM, errno.EROFS, errno.EISDIR, errno.ENOTDIR, errno.EEXIST}
NO_SPACE_WORDS = ("no space left on device", "disk quota exceeded", "file too large")
UNWRITABLE_WORDS = (
    "permission denied",
    "read-only file system",
    "is a directory",
    "not a directory",
    "operation not permitted",
    "cannot open file",
    "could not open file",
    "could not create",
)


def storage_failure(error: BaseException, folder: Path) -> RefreshFailed | None:
    """A clear RefreshFailed when `error` means the warehouse folder cannot take a new version.

    Python reports these as OSError with an errno; DuckDB as its own IOException whose text
    carries the operating system's words, so both are recognised.
    """
    code = error.errno if isinstance(error, OSError) else None
    text = str(error).lower()
    still_serving = "the last good warehouse is still serving"
    if code in NO_SPACE_CODES or any(words in text for words in NO_SPACE_WORDS):
        return RefreshFailed(
            f"no space left on the device holding the warehouse ({folder}); "
            f"free some space and run the refresh again; {still_serving}"
        )
    if code in UNWRITABLE_CODES or (isinstance(error, duckdb.IOException) and any(words in text for words in UNWRITABLE_WORDS)):
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error).splitlines()[0]
        return RefreshFailed(
            f"cannot write to {folder} ({reason}); check the folder exists and the refresh may write there; {still_serving}"
        )
    return None


def _fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
