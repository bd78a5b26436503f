"""Fixtures for the sample generator tests: the committed drop (loaded once) and a small fresh drop."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
import yaml

from etl.sample import generate_sample

COMMITTED = Path(__file__).resolve().parents[3] / "data" / "sample" / "drop"
LOCATED = ("police_incidents", "crime_outcomes", "marac_cases", "service_referrals", "mash_contacts")


def _read(folder: Path, name: str, *, as_text: bool = False) -> pl.DataFrame:
    path = folder / name
    if name.endswith(".parquet"):
        frame = pl.read_parquet(path)
        return frame.select(pl.all().cast(pl.String)) if as_text else frame
    if name.endswith(".xlsx"):
        return pl.read_excel(path)
    return pl.read_csv(path, infer_schema=not as_text, try_parse_dates=not as_text)


def _with_ward(frame: pl.DataFrame, lookup: pl.DataFrame) -> pl.DataFrame:
    """Rows that give only an LSOA take their ward from the lookup, as the warehouse does."""
    mapped = frame.join(lookup.rename({"ward_code": "lookup_ward"}), on="lsoa_code", how="left")
    return mapped.with_columns(ward=pl.coalesce("ward_code", "lookup_ward")).drop("lookup_ward")


@pytest.fixture(scope="session")
def committed() -> Path:
    return COMMITTED


@pytest.fixture(scope="session")
def read_frame() -> Callable[..., pl.DataFrame]:
    """Read a drop file; `as_text=True` gives every cell as the text an agency would send."""
    return _read


@pytest.fixture(scope="session")
def planted() -> dict[str, object]:
    """Where data/sample/README.md says each planted signal lives."""
    return {
        "under_reporting_wards": ["E05990018", "E05990020", "E05990023"],
        "attrition_ward": "E05990025",
        "rising_ward": "E05990019",
        "northern_wards": [f"E059900{n:02d}" for n in range(1, 10)],
        "off_trajectory_target": "PROT-04",
    }


@pytest.fixture(scope="session")
def drop() -> dict[str, object]:
    """Every file of the committed sample by extract name, located extracts with a `ward` column."""
    lookup = _read(COMMITTED, "lsoa_ward_lookup.csv")
    frames: dict[str, object] = {}
    for path in sorted(COMMITTED.iterdir()):
        if path.suffix in (".csv", ".parquet", ".xlsx"):
            frame = _read(COMMITTED, path.name)
            frames[path.stem] = _with_ward(frame, lookup) if path.stem in LOCATED else frame
    frames["action_plan"] = yaml.safe_load((COMMITTED / "action_plan.yaml").read_text(encoding="utf-8"))
    return frames


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    """A drop at 5% scale, with how long it took to write."""
    folder = tmp_path_factory.mktemp("small")
    started = time.perf_counter()
    summary = generate_sample(folder, scale=0.05)
    return folder, summary, time.perf_counter() - started
