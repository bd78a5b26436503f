"""The read side of the warehouse for metrics: a read-only connection to the served version."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.warehouse import Warehouse
from oversight.settings import get_settings


def connect(warehouse: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published version (raises WarehouseMissing if none)."""
    return Warehouse(warehouse or get_settings().warehouse).connect_read_only()


def version_name(warehouse: Path | None = None) -> str:
    return Warehouse(warehouse or get_settings().warehouse).current_path().name
