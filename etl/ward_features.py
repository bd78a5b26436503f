"""Stored ward boundaries as GeoJSON for maps: plain JSON, so a reader of the warehouse (a page, the board
pack) need not load the geometry libraries that reading a boundary file takes (etl/geography.py)."""

from __future__ import annotations

import json
from typing import Any

import polars as pl


def wards_feature_collection(wards: pl.DataFrame) -> dict[str, Any]:
    """A GeoJSON FeatureCollection keyed by ward code (feature `id`), as Plotly's choropleth_map wants."""
    with_names = "ward_name" in wards.columns
    features = []
    for row in wards.iter_rows(named=True):
        properties = {"ward_code": row["ward_code"]}
        if with_names:
            properties["ward_name"] = row["ward_name"]
        geometry = json.loads(row["geojson"])
        features.append({"type": "Feature", "id": row["ward_code"], "properties": properties, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}
