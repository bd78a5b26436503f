"""The fictional district: an irregular outline tiled by 30 wards, their LSOAs and character.

Wards are a Voronoi tessellation of relaxed seed points, clipped to the outline; the shared
linework is then bent by a smooth warp so boundaries wander like real ones while neighbours
still share every vertex. Geometry is built on the British National Grid (metres) and
stored in WGS84.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Point, Polygon

from etl.sample.params import SampleParameters

WARD_CODE_BASE = 5990000  # E05990001...: a range no real ward uses
LSOA_CODE_BASE = 1990000  # E01990001...
ETHNIC_GROUPS = ("asian", "black", "mixed", "white", "other")

NORTH_NAMES = (
    "Hallowmoor",
    "Oakenrigg",
    "Kestrel Edge",
    "Foxclough",
    "Harkerside",
    "Gorsedale",
    "High Thwaite",
    "Scarbottom",
    "Wether Fold",
)
INNER_NAMES = (
    "Brackenfold Central",
    "Lanterngate",
    "Cinderhill",
    "Millbeck",
    "Tanner's Bank",
    "Carrow Green",
    "Eastfold",
    "Westgate Rise",
    "Kiln Row",
    "Spinners Hill",
    "Canal Wharf",
    "St Aidan's",
)
OUTER_NAMES = (
    "Alderbrook",
    "Coldwell",
    "Elmsworth",
    "Greystone Park",
    "Hebble Vale",
    "Kirkwith",
    "Marlow Fold",
    "Netherfold",
    "Ashby Clough",
)
# Share of each ethnic group (asian, black, mixed, other) drawn per zone; white is the rest.
ZONE_ETHNICITY = {
    "north": ((0.01, 0.03), (0.003, 0.01), (0.01, 0.015), (0.003, 0.008)),
    "inner": ((0.12, 0.30), (0.03, 0.07), (0.03, 0.045), (0.02, 0.04)),
    "outer": ((0.04, 0.15), (0.015, 0.03), (0.02, 0.03), (0.01, 0.02)),
}
ZONE_DEPRIVATION = {"north": (6.0, 15.0), "inner": (34.0, 55.0), "outer": (15.0, 34.0)}
ZONE_DENSITY = {"north": 0.75, "inner": 1.15, "outer": 1.0}
# Lower bounds of the IMD score of national quintiles 1 (most deprived) to 4, about where the IMD 2019 LSOA
# scores divide England into fifths; a ward's IMD-style score below the last is quintile 5.
IMD_QUINTILE_FLOORS = (34.2, 21.4, 13.8, 8.5)


@dataclass(frozen=True)
class District:
    codes: list[str]
    names: list[str]
    zones: list[str]
    shapes: list[Polygon]  # WGS84 longitude/latitude
    points: np.ndarray  # (n_wards, 2) longitude, latitude of a point inside each ward
    deprivation: np.ndarray  # IMD-style average score; higher is more deprived
    ethnic_shares: np.ndarray  # (n_wards, 5) in ETHNIC_GROUPS order
    population_share: np.ndarray
    lsoa_codes: list[str]
    lsoa_ward: np.ndarray  # ward index of each LSOA
    lsoa_share: np.ndarray  # each LSOA's share of its ward's residents
    under_reporting_wards: list[int]
    attrition_ward: int
    rising_ward: int
    northern_wards: list[int]

    @property
    def n_wards(self) -> int:
        return len(self.codes)

    @property
    def imd_quintiles(self) -> list[int]:
        """Each ward's national IMD quintile (1 most deprived to 5 least), from its IMD-style score."""
        return [imd_quintile(score) for score in self.deprivation]

    def wards_in(self, zones: tuple[str, ...]) -> list[int]:
        return [index for index, zone in enumerate(self.zones) if zone in zones]


def imd_quintile(score: float) -> int:
    """The national IMD quintile an IMD score falls in: 1 most deprived to 5 least."""
    return next((quintile for quintile, floor in enumerate(IMD_QUINTILE_FLOORS, start=1) if score >= floor), 5)


def build_district(rng: np.random.Generator, params: SampleParameters) -> District:
    outline = _outline(rng, params)
    seeds = _relaxed_seeds(rng, outline, params.n_wards)
    cells = _warped_cells(rng, outline, seeds)
    centroids = np.array([[cell.centroid.x, cell.centroid.y] for cell in cells])
    order = np.argsort(-centroids[:, 1], kind="stable")  # codes run from north to south
    cells = [cells[i] for i in order]
    centroids = centroids[order]
    zones = _zones(centroids, params)
    names = _names(zones)
    deprivation = np.array([rng.uniform(*ZONE_DEPRIVATION[zone]) for zone in zones])
    shares = _ethnic_shares(rng, zones, deprivation)
    density = np.array([ZONE_DENSITY[zone] for zone in zones]) * rng.uniform(0.85, 1.15, len(zones))
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    shapes = [_rounded(shapely.transform(cell, to_wgs84.transform, interleaved=False)) for cell in cells]
    inside = [cell.point_on_surface() for cell in cells]
    points = np.array([to_wgs84.transform(point.x, point.y) for point in inside]).round(5)
    lsoa_ward, lsoa_share = _lsoas(rng, len(cells), params.lsoas_per_ward)
    district_codes = [f"E0{WARD_CODE_BASE + index + 1}" for index in range(len(cells))]
    return District(
        codes=district_codes,
        names=names,
        zones=zones,
        shapes=shapes,
        points=points,
        deprivation=deprivation.round(1),
        ethnic_shares=shares,
        population_share=density / density.sum(),
        lsoa_codes=[f"E0{LSOA_CODE_BASE + index + 1}" for index in range(lsoa_ward.size)],
        lsoa_ward=lsoa_ward,
        lsoa_share=lsoa_share,
        **_signal_wards(zones, deprivation, shares, params),
    )


def _outline(rng: np.random.Generator, params: SampleParameters) -> Polygon:
    angles = np.linspace(0, 2 * np.pi, 160, endpoint=False)
    phases = rng.uniform(0, 2 * np.pi, 3)
    radius = params.radius_m * (
        1
        + 0.16 * np.sin(2 * angles + phases[0])
        + 0.09 * np.sin(3 * angles + phases[1])
        + 0.05 * np.sin(5 * angles + phases[2])
        + 0.025 * np.sin(9 * angles + phases[0] * 2)
    )
    x = params.centre_easting + radius * np.cos(angles)
    y = params.centre_northing + 0.9 * radius * np.sin(angles)
    return Polygon(np.column_stack([x, y]))


def _relaxed_seeds(rng: np.random.Generator, outline: Polygon, n_points: int) -> np.ndarray:
    """Random points inside the outline, spread evenly by a few rounds of Lloyd relaxation."""
    minx, miny, maxx, maxy = outline.bounds
    found: list[tuple[float, float]] = []
    while len(found) < n_points:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if outline.contains(Point(x, y)):
            found.append((x, y))
    seeds = np.array(found)
    for _ in range(6):
        cells = _voronoi(outline, seeds)
        seeds = np.array([[cell.centroid.x, cell.centroid.y] for cell in cells])
    # Pull seeds towards the middle so town-centre wards come out smaller than moorland ones.
    middle = np.array([outline.centroid.x, outline.centroid.y])
    offset = seeds - middle
    distance = np.hypot(*offset.T)[:, None]
    reach = distance.max()
    return middle + offset * (distance / reach) ** 0.35


def _voronoi(outline: Polygon, seeds: np.ndarray) -> list[Polygon]:
    diagram = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=outline.buffer(5_000), ordered=True)
    return [shapely.intersection(cell, outline) for cell in diagram.geoms]


def _warped_cells(rng: np.random.Generator, outline: Polygon, seeds: np.ndarray) -> list[Polygon]:
    cells = _voronoi(outline, seeds)
    linework = shapely.unary_union([cell.boundary for cell in cells])
    waves = [(rng.uniform(0, 2 * np.pi), rng.uniform(3_000, 6_000), rng.uniform(0, 2 * np.pi)) for _ in range(6)]

    def warp(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dx, dy = np.zeros_like(x), np.zeros_like(y)
        for index, (direction, wavelength, phase) in enumerate(waves):
            along = (x * np.cos(direction) + y * np.sin(direction)) * 2 * np.pi / wavelength + phase
            if index % 2:
                dx += 110 * np.sin(along)
            else:
                dy += 110 * np.sin(along)
        return x + dx, y + dy

    bent = shapely.transform(shapely.segmentize(linework, 180.0), warp, interleaved=False)
    faces = list(shapely.polygonize(list(shapely.get_parts(shapely.line_merge(bent)))).geoms)
    bent_seeds = [Point(*warp(np.array([x]), np.array([y]))) for x, y in seeds]
    matched = []
    for seed in bent_seeds:
        matched.append(max(faces, key=lambda face: -face.distance(seed)))
    if len({id(face) for face in matched}) != len(seeds):
        raise RuntimeError("the ward warp merged two wards; use a gentler warp")
    return matched


def _rounded(polygon: Polygon) -> Polygon:
    return shapely.set_precision(polygon, 1e-5)


def _zones(centroids: np.ndarray, params: SampleParameters) -> list[str]:
    zones = ["outer"] * len(centroids)
    for index in range(params.northern_wards):  # centroids are already sorted north first
        zones[index] = "north"
    rest = np.arange(params.northern_wards, len(centroids))
    middle = centroids.mean(axis=0)
    distance = np.hypot(*(centroids[rest] - middle).T)
    for index in rest[np.argsort(distance, kind="stable")[: len(INNER_NAMES)]]:
        zones[index] = "inner"
    return zones


def _names(zones: list[str]) -> list[str]:
    pools = {"north": list(NORTH_NAMES), "inner": list(INNER_NAMES), "outer": list(OUTER_NAMES)}
    return [pools[zone].pop(0) for zone in zones]


def _ethnic_shares(rng: np.random.Generator, zones: list[str], deprivation: np.ndarray) -> np.ndarray:
    shares = np.zeros((len(zones), len(ETHNIC_GROUPS)))
    for index, zone in enumerate(zones):
        asian, black, mixed, other = (rng.uniform(*bounds) for bounds in ZONE_ETHNICITY[zone])
        shares[index] = [asian, black, mixed, 0.0, other]
    inner = [index for index, zone in enumerate(zones) if zone == "inner"]
    # The most deprived inner wards hold the district's large South Asian communities.
    for index in sorted(inner, key=lambda i: -deprivation[i])[:5]:
        shares[index, 0] = rng.uniform(0.40, 0.60)
    shares[:, 3] = 1 - shares.sum(axis=1)
    return shares


def _lsoas(rng: np.random.Generator, n_wards: int, typical: int) -> tuple[np.ndarray, np.ndarray]:
    per_ward = rng.integers(typical - 1, typical + 2, size=n_wards)
    ward = np.repeat(np.arange(n_wards), per_ward)
    raw = rng.gamma(8.0, size=ward.size)
    totals = np.bincount(ward, weights=raw)
    return ward, raw / totals[ward]


def _signal_wards(zones: list[str], deprivation: np.ndarray, shares: np.ndarray, params: SampleParameters) -> dict:
    by_asian_share = [int(i) for i in np.argsort(-shares[:, 0], kind="stable")]
    under_reporting = sorted(by_asian_share[: params.under_reporting_wards])
    inner_by_deprivation = [i for i in np.argsort(-deprivation, kind="stable") if zones[i] == "inner"]
    attrition = next(int(i) for i in inner_by_deprivation if i not in under_reporting)
    outer_by_deprivation = [i for i in np.argsort(-deprivation, kind="stable") if zones[i] == "outer"]
    rising = int(outer_by_deprivation[0])
    northern = [index for index, zone in enumerate(zones) if zone == "north"]
    return {
        "under_reporting_wards": under_reporting,
        "attrition_ward": attrition,
        "rising_ward": rising,
        "northern_wards": northern,
    }
