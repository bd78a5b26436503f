"""A drop is one folder of files; each file's name says which extract it holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from etl.contract import BY_NAME, Extract

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
