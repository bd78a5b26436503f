"""The sample district's drop as if it had been extracted on an earlier day."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import polars as pl

# A later step's date and the value it records: unknown together until the step happens.
RECORDED_WITH = {
    "charge_decision_at": "charge_decision",
    "outcome_at": "outcome_code",
    "court_outcome_at": "court_outcome",
    "ended_at": "end_reason",
    "decided_at": "decision",
}


def cut_drop(source: Path, target: Path, cut: datetime) -> None:
    """The sample drop as if extracted at `cut`: rows first dated at or after it are not there yet, and
    later steps (an outcome, a court result) that came after it have not happened yet."""
    shutil.copytree(source, target)
    for path in target.glob("*.parquet"):
        frame = pl.read_parquet(path)
        dates = [name for name, dtype in frame.schema.items() if dtype.is_temporal()]
        if dates:
            first, *later = dates
            frame = frame.filter(pl.col(first) < cut).with_columns(
                [pl.when(pl.col(name) < cut).then(pl.col(name)).otherwise(None).alias(name) for name in later]
                + [
                    pl.when(pl.col(name) < cut).then(pl.col(RECORDED_WITH[name])).otherwise(None).alias(RECORDED_WITH[name])
                    for name in later
                    if RECORDED_WITH.get(name) in frame.columns
                ]
            )
            frame.write_parquet(path)
    marac = pl.read_csv(target / "marac_cases.csv", infer_schema_length=0)
    marac.filter(pl.col("heard_on") < cut.date().isoformat()).write_csv(target / "marac_cases.csv")


def cut_sample_warehouse(root: Path, cut: datetime):
    """A read-only connection to the sample district refreshed from a drop cut at `cut`."""
    from etl.warehouse import Warehouse
    from oversight.settings import Settings
    from pipeline.nightly import refresh

    settings = Settings(warehouse=root / "warehouse")
    cut_drop(settings.sample_drop, root / "drop", cut)
    refresh(root / "drop", warehouse=settings.warehouse, settings=settings)
    return Warehouse(settings.warehouse).connect_read_only()
