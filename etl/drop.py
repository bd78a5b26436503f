"""A drop is one folder of files; each file's name says which extract it holds."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from etl.contract import BY_NAME, Extract
from etl.pii.values import safe_file_name

ACTION_PLAN = "action_plan"
KNOWN_NAMES = tuple(sorted([*BY_NAME, ACTION_PLAN]))
# Reference files load first so that codes in the extracts can be checked against them.
LOAD_ORDER = ("wards", "lsoa_ward_lookup", "population", "services", "prevalence_rates", ACTION_PLAN)


@dataclass(frozen=True)
class DropFile:
    path: Path
    extract_name: str | None
    problem: str | None = None  # why the entry cannot be read at all (a link out of the drop, a folder)

    @property
    def model(self) -> type[Extract] | None:
        return BY_NAME.get(self.extract_name or "")

    @property
    def to_be_read(self) -> bool:
        """Whether loading reads the entry: it is a file (or a ward shapefile folder) inside the drop, named for an
        extract, with no identifier in its name."""
        return self.problem is None and self.extract_name is not None and safe_file_name(self.path) == self.path.name

    @property
    def order(self) -> tuple[int, str]:
        rank = LOAD_ORDER.index(self.extract_name) if self.extract_name in LOAD_ORDER else len(LOAD_ORDER)
        return (rank, self.path.name)


def extract_for(file_name: str) -> str | None:
    """The extract a file name starts with (the longest match), or None."""
    lowered = file_name.lower()
    matches = [name for name in KNOWN_NAMES if lowered.startswith(name)]
    return max(matches, key=len) if matches else None


def list_drop(folder: Path) -> list[DropFile]:
    """Every entry of the drop (hidden files aside), reference files first, then by name.

    Nothing outside the drop is read: a link is followed only when its real path lies inside
    the drop. Links out of it, dangling links, sub-folders and anything that is not a regular
    file are listed with the problem, so each is reported and refused rather than skipped
    without a word. A shapefile's companion files (.shx, .dbf, .prj, .cpg) travel with the
    .shp and are not listed separately; a folder holding a ward shapefile is a boundary file.
    """
    companions = {".shx", ".dbf", ".prj", ".cpg", ".sbn", ".sbx", ".qix", ".xml"}
    root = folder.resolve()
    files = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        extract = extract_for(path.name)
        problem = entry_problem(path, root, extract)
        if problem is None and path.suffix.lower() in companions and path.with_suffix(".shp").exists():
            continue
        files.append(DropFile(path, extract, problem))
    return sorted(files, key=lambda item: item.order)


def entry_problem(path: Path, root: Path, extract: str | None) -> str | None:
    """Why a drop entry cannot be read, or None when it is a regular file (or a ward shapefile folder) inside the drop."""
    if path.is_symlink():
        if not path.exists():
            return "a link to something that does not exist; put the file itself in the drop"
        if not path.resolve().is_relative_to(root):
            return "a link to a file outside the drop, which is never read; put the file itself in the drop"
    if path.is_dir():
        if extract == "wards":
            return None
        return "a folder; files in sub-folders are not read, put them in the drop itself"
    if not path.is_file():
        return "not a regular file (a pipe, socket or device); put the file itself in the drop"
    return None


def file_sha256(path: Path) -> str:
    """The SHA-256 of a drop entry: a file's bytes, or for a ward shapefile folder each of its files' names and
    bytes, in name order."""
    digest = hashlib.sha256()
    members = sorted(member for member in path.iterdir() if member.is_file()) if path.is_dir() else [path]
    for member in members:
        if member is not path:
            digest.update(member.name.encode("utf-8") + b"\0")
        with member.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


class Fingerprints:
    """Each drop entry's SHA-256, worked out once a refresh: whether the drop was loaded before and each file's
    load both ask for it.

    `ahead` works them out in a thread of its own, in load order, while the files before each one load: hashing
    reads every byte, and DuckDB leaves a core partly idle as it loads a file.
    """

    def __init__(self) -> None:
        self._futures: dict[Path, Future[str]] = {}

    def of(self, path: Path) -> str:
        future = self._futures.get(path)
        if future is None or future.cancelled():
            future = self._futures[path] = Future()
            future.set_result(file_sha256(path))
        return future.result()

    @contextmanager
    def ahead(self, files: Sequence[DropFile]) -> Iterator[Fingerprints]:
        """Start the fingerprints of the entries loading reads; those not yet begun are dropped on leaving."""
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fingerprint")
        try:
            for drop_file in files:
                if drop_file.to_be_read and drop_file.path not in self._futures:
                    self._futures[drop_file.path] = pool.submit(file_sha256, drop_file.path)
            yield self
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
