"""The refresh the CLI runs each night: the drop loaded and the marts built (pipeline/refresh.py), then the
precomputed sums (pipeline/precompute.py) built into the same new version, published together or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from etl.changes import MartChanges
from oversight.settings import Settings
from pipeline import attrition_sums, by_person, precompute, precompute_pages
from pipeline.refresh import RefreshReport
from pipeline.refresh import refresh as refresh_marts
from pipeline.stale import Staleness


def refresh(incoming: Path, *, warehouse: Path, settings: Settings, **options: Any) -> RefreshReport:
    """The nightly refresh with the precomputed sums built into the new version before it is published."""
    return refresh_marts(incoming, warehouse=warehouse, settings=settings, after_marts=build_sums, **options)


def build_sums(con: duckdb.DuckDBPyConnection, changes: MartChanges | None = None) -> None:
    """Every precomputed table, in the version being built (after the marts): each indicator's events summed
    ahead, then the pages' sums made from them, then the Justice page's monthly sums. Given the refresh's
    changes, only the sums they reach are made again (pipeline/stale.py); None, or a full refresh, makes all."""
    # one transaction: hundreds of small statements, each committed alone, would each write the journal
    con.execute("begin transaction")
    try:
        stale = Staleness(con, changes)
        precompute.build(con, stale)
        precompute_pages.build(con, stale)
        attrition_sums.build(con, stale)
        by_person.forget(con, stale)
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
