"""Reading a ward boundary file: GeoJSON, GeoPackage or shapefile (alone, in a folder or in a .zip),
which of its columns hold the ward code and name, and its coordinate reference system."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import polars as pl
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj import CRS

from etl.contract.extracts import WardBoundary
from etl.errors import BoundaryFileError

WGS84 = CRS.from_epsg(4326)
BOUNDARY_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip")
EXPECTED_FORMATS = "GeoJSON (.geojson/.json), GeoPackage (.gpkg) or shapefile (.shp, or a folder or .zip holding one)"
EXPECTED_COLUMNS = "a ward code column (ONS WDyyCD of any year, or ward_code) and a name column (WDyyNM or ward_name)"
_READ_ERRORS = (DataSourceError, DataLayerError, OSError, ValueError, zipfile.BadZipFile)


def read_boundary_file(path: Path) -> tuple[gpd.GeoDataFrame, str]:
    """The file's features and a label naming it; a GeoPackage gives the layer holding ward codes."""
    if not path.exists():
        raise BoundaryFileError(f"{path}: no such file or folder; expected {EXPECTED_FORMATS}")
    try:
        dataset, label = _dataset(path)
        layer = _ward_layer(dataset, label) if path.suffix.lower() == ".gpkg" else None
        frame = pyogrio.read_dataframe(dataset, layer=layer)
    except _READ_ERRORS as error:
        raise BoundaryFileError(f"{path.name}: cannot be read as {EXPECTED_FORMATS} ({error})") from error
    return frame, label


def find_ward_columns(columns: list[str], label: str) -> tuple[str, str]:
    """The (code, name) columns, matched case-insensitively as ONS names them or as the contract does."""
    found: dict[str, list[str]] = {"ward_code": [], "ward_name": []}
    for column in columns:
        meaning = column_meaning(column)
        if meaning in found:
            found[meaning].append(column)
    for meaning, matches in found.items():
        if not matches:
            raise BoundaryFileError(
                f"{label}: expected {EXPECTED_COLUMNS}; no {meaning} column among: {', '.join(columns) or '(none)'}"
            )
        if len(matches) > 1:
            raise BoundaryFileError(f"{label}: several {meaning} columns ({', '.join(matches)}); keep only one")
    return found["ward_code"][0], found["ward_name"][0]


def _dataset(path: Path) -> tuple[str, str]:
    """What GDAL should open for this path, and a label for messages."""
    if path.is_dir():
        return _single_shapefile(path, sorted(str(p.relative_to(path)) for p in path.rglob("*.shp")), str(path))
    suffix = path.suffix.lower()
    if suffix not in BOUNDARY_SUFFIXES:
        raise BoundaryFileError(f"{path.name}: unsupported file type {suffix or '(none)'}; expected {EXPECTED_FORMATS}")
    if suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [name for name in archive.namelist() if name.lower().endswith(".shp") and "__MACOSX" not in name]
        return _single_shapefile(path, sorted(members), f"/vsizip/{path.resolve()}")
    return str(path), path.name


def _single_shapefile(container: Path, members: list[str], root: str) -> tuple[str, str]:
    if len(members) != 1:
        found = ", ".join(members) if members else "none"
        raise BoundaryFileError(f"{container.name}: expected exactly one shapefile (.shp) inside; found {found}")
    return f"{root}/{members[0]}", f"{container.name}/{members[0]}"


def _ward_layer(dataset: str, label: str) -> str:
    """The first layer holding a ward code column, or else the first layer with geometries."""
    spatial = [str(name) for name, geometry_type in pyogrio.list_layers(dataset) if geometry_type]
    if not spatial:
        raise BoundaryFileError(f"{label}: the GeoPackage has no layer with geometries")
    for layer in spatial:
        fields = pyogrio.read_info(dataset, layer=layer)["fields"]
        if any(column_meaning(str(field)) == "ward_code" for field in fields):
            return layer
    return spatial[0]


def column_meaning(column: str) -> str | None:
    lowered = column.strip().lower()
    if lowered in ("ward_code", "ward_name"):
        return lowered
    for pattern, meaning in WardBoundary.column_aliases.items():
        if re.fullmatch(pattern, lowered):
            return meaning
    return None


def with_crs(frame: gpd.GeoDataFrame, label: str, notes: list[str]) -> gpd.GeoDataFrame:
    """Keep the declared CRS; without one, only coordinates that are plainly lon/lat are accepted."""
    if frame.crs is not None:
        return frame
    west, south, east, north = frame.total_bounds
    if np.isfinite([west, south, east, north]).all() and -180 <= west <= east <= 180 and -90 <= south <= north <= 90:
        notes.append(
            f"{label}: no coordinate reference system declared; the coordinates look like longitude/latitude, "
            "so WGS84 (EPSG:4326) was assumed"
        )
        return frame.set_crs(WGS84)
    raise BoundaryFileError(
        f"{label}: no coordinate reference system declared and the coordinates are not longitude/latitude; "
        "supply the CRS (for a shapefile, its .prj file)"
    )


def properties_as_text(frame: gpd.GeoDataFrame) -> pl.DataFrame:
    columns = [column for column in frame.columns if column != frame.geometry.name]
    return pl.DataFrame(
        {str(column): [None if _is_missing(value) else str(value) for value in frame[column]] for column in columns},
        schema={str(column): pl.String for column in columns},
    )


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))
