"""Making ward boundaries light for maps: repaired, reprojected to WGS84, simplified once in metres
(so the tolerance means the same everywhere) and their coordinates rounded."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
from pyproj import CRS

from etl.boundary_files import WGS84
from etl.errors import BoundaryFileError

BRITISH_NATIONAL_GRID = CRS.from_epsg(27700)
COORDINATE_GRID_DEGREES = 1e-6  # about 0.1 m: far finer than a simplified boundary needs


@dataclass(frozen=True)
class PreparedGeometries:
    """Boundaries ready for maps: WGS84, simplified and rounded, with area and a label point."""

    geometry: gpd.GeoSeries
    area_km2: np.ndarray
    point_lat: np.ndarray
    point_lon: np.ndarray
    metric_crs: CRS
    n_repaired: int


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


def refuse_unusable_geometries(geometry: gpd.GeoSeries, codes: list[str], label: str) -> None:
    empty = (geometry.isna() | geometry.is_empty).to_numpy()
    if empty.any():
        missing = [code for code, is_empty in zip(codes, empty, strict=True) if is_empty]
        raise BoundaryFileError(f"{label}: {len(missing)} wards have no geometry (e.g. {', '.join(missing[:3])})")
    not_areas = [code for code, kind in zip(codes, geometry.geom_type, strict=True) if kind not in ("Polygon", "MultiPolygon")]
    if not_areas:
        raise BoundaryFileError(f"{label}: wards must be polygons; {len(not_areas)} are not (e.g. {', '.join(not_areas[:3])})")
