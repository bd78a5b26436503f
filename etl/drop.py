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
    """Every file in the drop (hidden files aside), reference files first, then by name.

    A shapefile's companion files (.shx, .dbf, .prj, .cpg) travel with the .shp and are not
    listed separately.
    """
    companions = {".shx", ".dbf", ".prj", ".cpg", ".sbn", ".sbx", ".qix", ".xml"}
    files = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.suffix.lower() in companions and path.with_suffix(".shp").exists():
            continue
        files.append(DropFile(path, extract_for(path.name)))
    return sorted(files, key=lambda item: item.order)
