"""Ward boundaries: read a boundary file, check it is a set of wards, and make it light for maps.

Boundaries arrive as GeoJSON, GeoPackage or shapefile in any CRS. They are reprojected to
WGS84, simplified once here (in metres, so the tolerance means the same everywhere) and
their coordinates rounded, so every map afterwards draws small shapes without further work.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import polars as pl
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj import CRS

from etl.contract.columns import WARD_CODE_PATTERN
from etl.contract.extracts import WardBoundary

WGS84 = CRS.from_epsg(4326)
BRITISH_NATIONAL_GRID = CRS.from_epsg(27700)
COORDINATE_GRID_DEGREES = 1e-6  # about 0.1 m: far finer than a simplified boundary needs
BOUNDARY_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip")
EXPECTED_FORMATS = "GeoJSON (.geojson/.json), GeoPackage (.gpkg) or shapefile (.shp, or a folder or .zip holding one)"
EXPECTED_COLUMNS = "a ward code column (ONS WDyyCD of any year, or ward_code) and a name column (WDyyNM or ward_name)"
WARD_COLUMNS = ("ward_code", "ward_name", "area_km2", "centroid_lat", "centroid_lon", "geojson")
_READ_ERRORS = (DataSourceError, DataLayerError, OSError, ValueError, zipfile.BadZipFile)


class BoundaryFileError(ValueError):
    """The file cannot serve as the ward boundaries; the message names the file and the reason."""


@dataclass(frozen=True)
class PreparedGeometries:
    """Boundaries ready for maps: WGS84, simplified and rounded, with area and a label point."""

    geometry: gpd.GeoSeries
    area_km2: np.ndarray
    point_lat: np.ndarray
    point_lon: np.ndarray
    metric_crs: CRS
    n_repaired: int


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


def load_wards(path: Path, *, tolerance_m: float = 25.0,
               inspect_properties: Callable[[pl.DataFrame], None] | None = None) -> WardTable:
    """Read a ward boundary file in any supported format and CRS; refuse it when it is not a ward set.

    `inspect_properties` sees every feature's attributes as text before any check can quote one
    (the identifier guard refuses the file there, so no message ever repeats an identifier).
    """
    path = Path(path)
    frame, label = read_boundary_file(path)
    properties = _properties_as_text(frame)
    if inspect_properties is not None:
        inspect_properties(properties)
    code_column, name_column = find_ward_columns([str(c) for c in frame.columns if c != frame.geometry.name], label)
    codes = _ward_codes(frame[code_column], code_column, label)
    names = _ward_names(frame[name_column], name_column, codes, label)
    notes: list[str] = []
    frame = _with_crs(frame, label, notes)
    _refuse_unusable_geometries(frame.geometry, codes, label)
    prepared = prepare_geometries(frame.geometry, tolerance_m=tolerance_m)
    _refuse_unusable_geometries(prepared.geometry, codes, label)
    if prepared.n_repaired:
        notes.append(f"{label}: {prepared.n_repaired} invalid ward geometries were repaired")
    wards = pl.DataFrame(
        {
            "ward_code": codes,
            "ward_name": names,
            "area_km2": prepared.area_km2,
            "centroid_lat": prepared.point_lat,
            "centroid_lon": prepared.point_lon,
            "geojson": shapely.to_geojson(prepared.geometry.to_numpy()),
        },
        schema={"ward_code": pl.String, "ward_name": pl.String, "area_km2": pl.Float64,
                "centroid_lat": pl.Float64, "centroid_lon": pl.Float64, "geojson": pl.String},
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
        meaning = _column_meaning(column)
        if meaning:
            found[meaning].append(column)
    for meaning, matches in found.items():
        if not matches:
            raise BoundaryFileError(
                f"{label}: expected {EXPECTED_COLUMNS}; no {meaning} column among: {', '.join(columns) or '(none)'}"
            )
        if len(matches) > 1:
            raise BoundaryFileError(f"{label}: several {meaning} columns ({', '.join(matches)}); keep only one")
    return found["ward_code"][0], found["ward_name"][0]


def choose_metric_crs(wgs84_geometry: gpd.GeoSeries) -> CRS:
    """British National Grid for data inside Great Britain, otherwise the local UTM zone."""
    west, south, east, north = wgs84_geometry.total_bounds
    grid = BRITISH_NATIONAL_GRID.area_of_use
    if grid is not None and grid.west <= west and east <= grid.east and grid.south <= south and north <= grid.north:
        return BRITISH_NATIONAL_GRID
    return wgs84_geometry.estimate_utm_crs()


def prepare_geometries(geometry: gpd.GeoSeries, *, tolerance_m: float = 25.0) -> PreparedGeometries:
    """Repair, reproject to WGS84, simplify in metres and round; areas come from the unsimplified shapes."""
    if geometry.crs is None:
        raise BoundaryFileError("geometries have no coordinate reference system; set one before preparing them")
    invalid = ~geometry.is_valid & ~geometry.is_empty
    repaired = geometry.force_2d()
    if invalid.any():
        repaired[invalid] = repaired[invalid].make_valid(method="structure", keep_collapsed=False)
    metric_crs = choose_metric_crs(repaired.to_crs(WGS84))
    metric = repaired.to_crs(metric_crs)
    simplified = metric.simplify(tolerance_m, preserve_topology=True) if tolerance_m > 0 else metric
    unrounded = simplified.to_crs(WGS84)
    rounded = unrounded.set_precision(COORDINATE_GRID_DEGREES)
    # Rounding can collapse a sliver ward to nothing; such a ward keeps its unrounded shape.
    light = rounded.where(~rounded.is_empty, unrounded)
    points = light.representative_point()
    return PreparedGeometries(
        geometry=light,
        area_km2=metric.area.to_numpy() / 1_000_000,
        point_lat=points.y.to_numpy(),
        point_lon=points.x.to_numpy(),
        metric_crs=metric_crs,
        n_repaired=int(invalid.sum()),
    )


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
        if any(_column_meaning(str(field)) == "ward_code" for field in fields):
            return layer
    return spatial[0]


def _column_meaning(column: str) -> str | None:
    lowered = column.strip().lower()
    if lowered in ("ward_code", "ward_name"):
        return lowered
    for pattern, meaning in WardBoundary.column_aliases.items():
        if re.fullmatch(pattern, lowered):
            return meaning
    return None


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
    unnamed = [code for code, name in zip(codes, names) if not name]
    if unnamed:
        raise BoundaryFileError(
            f"{label}: column {column_name} is blank for {len(unnamed)} wards (e.g. {', '.join(unnamed[:3])})"
        )
    return names


def _cell_text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def _with_crs(frame: gpd.GeoDataFrame, label: str, notes: list[str]) -> gpd.GeoDataFrame:
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


def _refuse_unusable_geometries(geometry: gpd.GeoSeries, codes: list[str], label: str) -> None:
    empty = (geometry.isna() | geometry.is_empty).to_numpy()
    if empty.any():
        missing = [code for code, is_empty in zip(codes, empty) if is_empty]
        raise BoundaryFileError(f"{label}: {len(missing)} wards have no geometry (e.g. {', '.join(missing[:3])})")
    not_areas = [code for code, kind in zip(codes, geometry.geom_type) if kind not in ("Polygon", "MultiPolygon")]
    if not_areas:
        raise BoundaryFileError(
            f"{label}: wards must be polygons; {len(not_areas)} are not (e.g. {', '.join(not_areas[:3])})"
        )


def _properties_as_text(frame: gpd.GeoDataFrame) -> pl.DataFrame:
    columns = [column for column in frame.columns if column != frame.geometry.name]
    return pl.DataFrame({str(column): [None if _is_missing(value) else str(value) for value in frame[column]]
                         for column in columns}, schema={str(column): pl.String for column in columns})


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))
