"""Ward boundary loading: formats, CRSs, column names, refusals, and the real Bradford files."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon, box

from etl.boundary_shapes import BRITISH_NATIONAL_GRID, prepare_geometries
from etl.errors import BoundaryFileError
from etl.geography import load_wards, wards_feature_collection

REALWORLD = Path(__file__).resolve().parents[2] / ".." / "shared" / "realworld"
BRADFORD_CODES = [f"E05{number:06d}" for number in range(1341, 1371)]
BRADFORD_LON = (-2.07, -1.64)
BRADFORD_LAT = (53.72, 53.97)
# Three 1 km squares side by side in British National Grid, in central Bradford.
BNG_SQUARES = [box(415000 + 1000 * i, 433000, 416000 + 1000 * i, 434000) for i in range(3)]
CODES = ["E05001341", "E05001342", "E05001343"]
NAMES = ["Baildon", "Bingley", "Bingley Rural"]


def lonlat_square(west: float, south: float, size: float = 0.01) -> list[list[list[float]]]:
    return [[[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]]


def write_geojson(path: Path, rows: list[dict], *, geometries: list | None = None) -> Path:
    geometries = geometries or [
        {"type": "Polygon", "coordinates": lonlat_square(-1.80 + 0.01 * i, 53.79)} for i in range(len(rows))
    ]
    features = [
        {"type": "Feature", "properties": row, "geometry": geometry} for row, geometry in zip(rows, geometries, strict=True)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def ward_rows(code_column: str = "ward_code", name_column: str = "ward_name") -> list[dict]:
    return [{code_column: code, name_column: name} for code, name in zip(CODES, NAMES, strict=True)]


def bng_frame(code_column: str = "WD22CD", name_column: str = "WD22NM") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({code_column: CODES, name_column: NAMES}, geometry=BNG_SQUARES, crs=27700)


def decimals(geojson: str) -> int:
    return max(len(fraction) for fraction in re.findall(r"\.(\d+)", geojson))


def test_geojson_in_wgs84_with_contract_column_names(tmp_path):
    table = load_wards(write_geojson(tmp_path / "wards.geojson", ward_rows()))
    assert table.ward_codes == CODES
    assert table.wards.columns == [
        "ward_code",
        "ward_name",
        "imd_quintile",
        "area_km2",
        "centroid_lat",
        "centroid_lon",
        "geojson",
    ]
    assert table.wards["imd_quintile"].null_count() == len(CODES)  # the file gives none
    assert table.wards["ward_name"].to_list() == NAMES
    assert table.source_crs in ("EPSG:4326", "OGC:CRS84")
    assert table.metric_crs == "EPSG:27700"
    assert table.n_repaired == 0 and table.warnings == ()
    for row in table.wards.iter_rows(named=True):
        shape = shapely.from_geojson(row["geojson"])
        assert shape.contains(shapely.Point(row["centroid_lon"], row["centroid_lat"]))
        assert 0.6 < row["area_km2"] < 0.8  # 0.01 degrees square at 53.8 N
        assert decimals(row["geojson"]) <= 6


def test_geopackage_in_british_national_grid_with_ons_column_names(tmp_path):
    path = tmp_path / "wards.gpkg"
    gpd.GeoDataFrame({"note": ["not wards"]}, geometry=[box(0, 0, 1, 1)], crs=27700).to_file(path, layer="a_notes")
    bng_frame("wd22cd", "Wd22Nm").to_file(path, layer="wards")
    table = load_wards(path)
    assert table.ward_codes == CODES
    assert table.source_crs == "EPSG:27700"
    assert table.wards["area_km2"].to_list() == pytest.approx([1.0, 1.0, 1.0], rel=1e-6)
    west, south, east, north = gpd.GeoSeries(shapely.from_geojson(table.wards["geojson"].to_list())).total_bounds
    assert BRADFORD_LON[0] < west < east < BRADFORD_LON[1]
    assert BRADFORD_LAT[0] < south < north < BRADFORD_LAT[1]


@pytest.mark.parametrize("given", ["shp", "folder", "zip"])
def test_shapefile_by_path_folder_or_zip(tmp_path, given):
    folder = tmp_path / "boundaries"
    folder.mkdir()
    bng_frame("WD13CD", "WD13NM").to_file(folder / "wards.shp")
    archive = tmp_path / "wards.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for part in folder.iterdir():
            bundle.write(part, f"inner/{part.name}")
    path = {"shp": folder / "wards.shp", "folder": folder, "zip": archive}[given]
    assert load_wards(path).ward_codes == CODES


def test_any_ons_year_is_recognised(tmp_path):
    table = load_wards(write_geojson(tmp_path / "w.geojson", ward_rows("WD25CD", "WD25NM")))
    assert table.ward_codes == CODES


def test_missing_columns_are_refused_naming_the_file_and_the_columns_found(tmp_path):
    rows = [{"LSOA11CD": "E01010577", "LSOA11NM": "Bradford 001A"}]
    with pytest.raises(BoundaryFileError, match=r"lsoas\.geojson.*ward_code.*LSOA11CD, LSOA11NM"):
        load_wards(write_geojson(tmp_path / "lsoas.geojson", rows))


def test_two_code_columns_are_ambiguous(tmp_path):
    rows = [{**row, "WD23CD": row["WD22CD"]} for row in ward_rows("WD22CD", "WD22NM")]
    with pytest.raises(BoundaryFileError, match="several ward_code columns"):
        load_wards(write_geojson(tmp_path / "w.geojson", rows))


def test_duplicate_codes_are_refused(tmp_path):
    rows = ward_rows()
    rows[2]["ward_code"] = rows[0]["ward_code"]
    with pytest.raises(BoundaryFileError, match=r"repeat.*E05001341"):
        load_wards(write_geojson(tmp_path / "w.geojson", rows))


@pytest.mark.parametrize("bad_code", ["E01010577", "", "X05001341"])
def test_codes_that_are_not_ward_codes_are_refused(tmp_path, bad_code):
    rows = ward_rows()
    rows[1]["ward_code"] = bad_code
    with pytest.raises(BoundaryFileError, match="should hold ward codes"):
        load_wards(write_geojson(tmp_path / "w.geojson", rows))


def test_blank_names_are_refused(tmp_path):
    rows = ward_rows()
    rows[0]["ward_name"] = " "
    with pytest.raises(BoundaryFileError, match=r"blank for 1 wards.*E05001341"):
        load_wards(write_geojson(tmp_path / "w.geojson", rows))


def test_empty_geometry_is_refused(tmp_path):
    geometries = [{"type": "Polygon", "coordinates": lonlat_square(-1.8, 53.8)}, None, None]
    with pytest.raises(BoundaryFileError, match=r"2 wards have no geometry.*E05001342"):
        load_wards(write_geojson(tmp_path / "w.geojson", ward_rows(), geometries=geometries))


def test_points_are_not_wards(tmp_path):
    geometries = [{"type": "Point", "coordinates": [-1.8, 53.8]}] * 3
    with pytest.raises(BoundaryFileError, match="must be polygons"):
        load_wards(write_geojson(tmp_path / "w.geojson", ward_rows(), geometries=geometries))


def test_invalid_geometry_is_repaired_and_counted(tmp_path):
    bow_tie = [[[-1.80, 53.80], [-1.79, 53.81], [-1.79, 53.80], [-1.80, 53.81], [-1.80, 53.80]]]
    geometries = [
        {"type": "Polygon", "coordinates": coordinates}
        for coordinates in (bow_tie, lonlat_square(-1.7, 53.8), lonlat_square(-1.6, 53.8))
    ]
    table = load_wards(write_geojson(tmp_path / "w.geojson", ward_rows(), geometries=geometries))
    assert table.n_repaired == 1
    assert any("1 invalid" in warning for warning in table.warnings)
    repaired = shapely.from_geojson(table.wards["geojson"][0])
    assert repaired.is_valid and repaired.geom_type == "MultiPolygon"
    assert table.wards["area_km2"][0] == pytest.approx(table.wards["area_km2"][1] / 2, rel=0.01)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_file_without_crs_in_lon_lat_is_assumed_wgs84_with_a_warning(tmp_path):
    frame = gpd.GeoDataFrame(
        {"ward_code": CODES, "ward_name": NAMES}, geometry=[Polygon(lonlat_square(-1.8 + 0.01 * i, 53.8)[0]) for i in range(3)]
    )
    frame.to_file(tmp_path / "wards.shp")
    table = load_wards(tmp_path / "wards.shp")
    assert table.source_crs == "EPSG:4326"
    assert "no coordinate reference system" in table.warnings[0] and "EPSG:4326" in table.warnings[0]


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_file_without_crs_in_metres_is_refused(tmp_path):
    gpd.GeoDataFrame({"ward_code": CODES, "ward_name": NAMES}, geometry=BNG_SQUARES).to_file(tmp_path / "wards.shp")
    with pytest.raises(BoundaryFileError, match=r"wards\.shp: no coordinate reference system.*not longitude/latitude"):
        load_wards(tmp_path / "wards.shp")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("wards.geojson", "this is not json", "cannot be read"),
        ("wards.csv", "ward_code,ward_name\n", "unsupported file type .csv"),
        ("wards.zip", "not a zip", "cannot be read"),
    ],
)
def test_unreadable_or_unsupported_files_are_refused(tmp_path, name, content, message):
    (tmp_path / name).write_text(content)
    with pytest.raises(BoundaryFileError, match=message):
        load_wards(tmp_path / name)


def test_missing_file_and_folder_without_shapefile_are_refused(tmp_path):
    with pytest.raises(BoundaryFileError, match="no such file"):
        load_wards(tmp_path / "absent.geojson")
    with pytest.raises(BoundaryFileError, match="exactly one shapefile"):
        load_wards(tmp_path)


def test_feature_collection_is_keyed_by_ward_code(tmp_path):
    table = load_wards(write_geojson(tmp_path / "wards.geojson", ward_rows()))
    collection = wards_feature_collection(table.wards)
    assert collection["type"] == "FeatureCollection"
    assert [feature["id"] for feature in collection["features"]] == CODES
    assert collection["features"][0]["properties"] == {"ward_code": CODES[0], "ward_name": NAMES[0]}
    assert collection["features"][0]["geometry"]["type"] == "Polygon"
    assert table.feature_collection() == collection


def test_simplification_keeps_area_and_drops_vertices():
    wiggle = shapely.Polygon(
        [(415000 + x, 433000 + (3 if x % 20 else 0)) for x in range(0, 2001, 10)] + [(417000, 435000), (415000, 435000)]
    )
    prepared = prepare_geometries(gpd.GeoSeries([wiggle], crs=27700), tolerance_m=25)
    assert prepared.metric_crs == BRITISH_NATIONAL_GRID
    assert shapely.get_num_coordinates(prepared.geometry.iloc[0]) < 10
    assert prepared.area_km2[0] == pytest.approx(wiggle.area / 1e6)


# Real ONS boundaries for Bradford (../shared/realworld beside the repository).


@pytest.fixture
def boundaries() -> Path:
    folder = REALWORLD / "boundaries"
    if not folder.is_dir():
        pytest.skip(f"real-world files not present at {REALWORLD}")
    return folder


def simplified_area_km2(table) -> float:
    shapes = gpd.GeoSeries(shapely.from_geojson(table.wards["geojson"].to_list()), crs=4326)
    return shapes.to_crs(27700).area.sum() / 1e6


@pytest.mark.realworld
@pytest.mark.parametrize(
    "file_name",
    [
        "bradford_wards_2022_drkane.geojson",
        "bradford_wards_2025_drkane.geojson",
        "bradford_wards_2013_martinjc.geojson",
        "bradford_wards_2024_oi.geojson",
    ],
)
def test_real_bradford_ward_files_give_the_same_30_wards(boundaries, file_name):
    path = boundaries / file_name
    table = load_wards(path)
    assert table.ward_codes == BRADFORD_CODES
    assert "Worth Valley" in table.wards["ward_name"].to_list()
    assert table.metric_crs == "EPSG:27700"
    assert sum(len(shape) for shape in table.wards["geojson"]) < path.stat().st_size / 2
    assert simplified_area_km2(table) == pytest.approx(table.wards["area_km2"].sum(), rel=0.01)
    assert 360 < table.wards["area_km2"].sum() < 372  # Bradford district is about 366 km2
    assert table.wards["centroid_lon"].is_between(*BRADFORD_LON).all()
    assert table.wards["centroid_lat"].is_between(*BRADFORD_LAT).all()


@pytest.mark.realworld
def test_real_lsoa_shapefile_is_refused_as_having_no_ward_codes(boundaries):
    with pytest.raises(BoundaryFileError) as refused:
        load_wards(boundaries / "bradford_lsoa_2011_bng_shp")
    message = str(refused.value)
    assert "LSOA_Bradford.shp" in message and "ward code column" in message and "LSOA11CD" in message


@pytest.mark.realworld
def test_real_british_national_grid_shapefile_reprojects_into_bradford(boundaries):
    source = gpd.read_file(boundaries / "bradford_lsoa_2011_bng_shp" / "LSOA_Bradford.shp")
    assert source.crs == BRITISH_NATIONAL_GRID
    prepared = prepare_geometries(source.geometry)
    west, south, east, north = prepared.geometry.total_bounds
    assert BRADFORD_LON[0] < west < east < BRADFORD_LON[1]
    assert BRADFORD_LAT[0] < south < north < BRADFORD_LAT[1]
    vertices_before = shapely.get_num_coordinates(source.geometry.to_numpy()).sum()
    vertices_after = shapely.get_num_coordinates(prepared.geometry.to_numpy()).sum()
    assert vertices_after < vertices_before / 5
    simplified_area = prepared.geometry.to_crs(27700).area.sum() / 1e6
    assert simplified_area == pytest.approx(source.area.sum() / 1e6, rel=0.01)
    assert prepared.area_km2.sum() == pytest.approx(source.area.sum() / 1e6)


def test_a_ward_file_may_carry_each_wards_imd_quintile(tmp_path):
    rows = [{**row, "IMD19_quintile": quintile} for row, quintile in zip(ward_rows(), (1, 5, None), strict=True)]
    table = load_wards(write_geojson(tmp_path / "wards.geojson", rows))
    assert table.wards["imd_quintile"].to_list() == [1, 5, None]


def test_an_imd_quintile_outside_1_to_5_is_refused_naming_the_ward(tmp_path):
    rows = [{**row, "imd_quintile": quintile} for row, quintile in zip(ward_rows(), (1, 6, 2), strict=True)]
    with pytest.raises(BoundaryFileError, match=r"IMD quintiles 1 \(most deprived\) to 5.*E05001342 \(6\)"):
        load_wards(write_geojson(tmp_path / "wards.geojson", rows))
