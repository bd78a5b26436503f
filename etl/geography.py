"""Ward boundaries: read a boundary file, check it is a set of wards, and make it light for maps.

Boundaries arrive as GeoJSON, GeoPackage or shapefile in any CRS (etl/boundary_files.py reads them).
They are reprojected to WGS84, simplified once (in metres, so the tolerance means the same everywhere)
and their coordinates rounded (etl/boundary_shapes.py), so every map afterwards draws small shapes
without further work.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import polars as pl
import shapely

from etl.boundary_files import column_meaning, find_ward_columns, properties_as_text, read_boundary_file, with_crs
from etl.boundary_shapes import prepare_geometries, refuse_unusable_geometries
from etl.contract.columns import WARD_CODE_PATTERN
from etl.errors import BoundaryFileError
from etl.ward_features import wards_feature_collection

WARD_COLUMNS = ("ward_code", "ward_name", "imd_quintile", "area_km2", "centroid_lat", "centroid_lon", "geojson")


@dataclass(frozen=True)
class WardTable:
    """The loaded ward set: one row per ward (see WARD_COLUMNS) and what happened on the way."""

    wards: pl.DataFrame
    source: Path
    source_crs: str
    metric_crs: str
    n_repaired: int = 0
    warnings: tuple[str, ...] = ()
    properties: pl.DataFrame | None = None  # every feature's attributes as text, in file order, for the identifier guard

    @property
    def ward_codes(self) -> list[str]:
        return self.wards["ward_code"].to_list()

    def feature_collection(self) -> dict[str, Any]:
        return wards_feature_collection(self.wards)


def load_wards(
    path: Path, *, tolerance_m: float = 25.0, inspect_properties: Callable[[pl.DataFrame], None] | None = None
) -> WardTable:
    """Read a ward boundary file in any supported format and CRS; refuse it when it is not a ward set.

    `inspect_properties` sees every feature's attributes as text before any check can quote one
    (the identifier guard refuses the file there, so no message ever repeats an identifier).
    """
    path = Path(path)
    frame, label = read_boundary_file(path)
    properties = properties_as_text(frame)
    if inspect_properties is not None:
        inspect_properties(properties)
    code_column, name_column = find_ward_columns([str(c) for c in frame.columns if c != frame.geometry.name], label)
    codes = _ward_codes(frame[code_column], code_column, label)
    names = _ward_names(frame[name_column], name_column, codes, label)
    quintiles = _imd_quintiles(frame, codes, label)
    notes: list[str] = []
    frame = with_crs(frame, label, notes)
    refuse_unusable_geometries(frame.geometry, codes, label)
    prepared = prepare_geometries(frame.geometry, tolerance_m=tolerance_m)
    refuse_unusable_geometries(prepared.geometry, codes, label)
    if prepared.n_repaired:
        notes.append(f"{label}: {prepared.n_repaired} invalid ward geometries were repaired")
    wards = pl.DataFrame(
        {
            "ward_code": codes,
            "ward_name": names,
            "imd_quintile": quintiles,
            "area_km2": prepared.area_km2,
            "centroid_lat": prepared.point_lat,
            "centroid_lon": prepared.point_lon,
            "geojson": shapely.to_geojson(prepared.geometry.to_numpy()),
        },
        schema={
            "ward_code": pl.String,
            "ward_name": pl.String,
            "imd_quintile": pl.Int64,
            "area_km2": pl.Float64,
            "centroid_lat": pl.Float64,
            "centroid_lon": pl.Float64,
            "geojson": pl.String,
        },
    ).sort("ward_code")
    return WardTable(
        wards=wards,
        properties=properties,
        source=path,
        source_crs=frame.crs.to_string(),
        metric_crs=prepared.metric_crs.to_string(),
        n_repaired=prepared.n_repaired,
        warnings=tuple(notes),
    )


def _ward_codes(column: Any, column_name: str, label: str) -> list[str]:
    codes = [_cell_text(value).upper() for value in column]
    not_codes = [code or "(blank)" for code in codes if not re.fullmatch(WARD_CODE_PATTERN, code)]
    if not_codes:
        raise BoundaryFileError(
            f"{label}: column {column_name} should hold ward codes like E05001341; "
            f"{len(not_codes)} do not (e.g. {', '.join(not_codes[:3])})"
        )
    repeated = sorted(code for code, times in Counter(codes).items() if times > 1)
    if repeated:
        raise BoundaryFileError(
            f"{label}: each ward must appear once; {len(repeated)} codes repeat (e.g. {', '.join(repeated[:3])})"
        )
    return codes


def _ward_names(column: Any, column_name: str, codes: list[str], label: str) -> list[str]:
    names = [_cell_text(value) for value in column]
    unnamed = [code for code, name in zip(codes, names, strict=True) if not name]
    if unnamed:
        raise BoundaryFileError(
            f"{label}: column {column_name} is blank for {len(unnamed)} wards (e.g. {', '.join(unnamed[:3])})"
        )
    return names


def _imd_quintiles(frame: gpd.GeoDataFrame, codes: list[str], label: str) -> list[int | None]:
    """Each ward's IMD quintile (1 most deprived to 5 least) when the file carries one; blank is not known."""
    columns = [str(c) for c in frame.columns if c != frame.geometry.name and column_meaning(str(c)) == "imd_quintile"]
    if not columns:
        return [None] * len(codes)
    if len(columns) > 1:
        raise BoundaryFileError(f"{label}: several IMD quintile columns ({', '.join(columns)}); keep only one")
    quintiles: list[int | None] = []
    wrong = []
    for code, value in zip(codes, frame[columns[0]], strict=True):
        text = _cell_text(value)
        if not text:
            quintiles.append(None)
            continue
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if number not in (1, 2, 3, 4, 5):
            wrong.append(f"{code} ({text})")
            quintiles.append(None)
            continue
        quintiles.append(int(number))
    if wrong:
        raise BoundaryFileError(
            f"{label}: column {columns[0]} should hold IMD quintiles 1 (most deprived) to 5 "
            f"(least) or be blank; {len(wrong)} do not (e.g. {', '.join(wrong[:3])})"
        )
    return quintiles


def _cell_text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()
