"""What the served warehouse holds at a glance: when it was refreshed, its wards and their boundaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import polars as pl

from etl.ward_features import wards_feature_collection
from metrics import completeness
from metrics.aggregate import query_sql


@dataclass(frozen=True)
class WarehouseStatus:
    version: str
    refreshed_at: datetime | None
    wards: int
    latest_incident_on: date | None
    earliest_incident_on: date | None
    coverage: completeness.Coverage | None = None  # each source's months covered whole


def status(con: duckdb.DuckDBPyConnection, version: str) -> WarehouseStatus:
    """The served version `version`: its refresh time, ward count, span of incidents and source coverage."""
    refreshed_at, ward_count, earliest, latest = con.sql(query_sql("served_status")).fetchall()[0]
    return WarehouseStatus(version, refreshed_at, ward_count, latest, earliest, completeness.read(con))


def wards(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, dict]:
    """Ward codes, names, centroids and residents (no geometry), and the wards as a GeoJSON FeatureCollection."""
    frame = con.sql(query_sql("served_wards")).pl()
    return frame.drop("geojson"), wards_feature_collection(frame)
