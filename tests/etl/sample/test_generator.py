"""The sample district generator: repeatable, valid against the contract, realistic, and carrying its planted signals.

Rates and signals are checked on the committed sample (data/sample/drop); determinism and
scale on small fresh drops, so the suite stays fast.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
import shapely
from shapely.geometry import shape

from etl.contract.extracts import BY_NAME
from etl.pii.scan import find_direct_identifiers
from etl.sample import generate_sample

START, END = date(2020, 9, 30), date(2026, 9, 30)
CONTEXT = {"as_of": datetime(2026, 11, 26), "earliest": date(2000, 1, 1)}
TABLES = (
    "police_incidents.parquet",
    "crime_outcomes.parquet",
    "marac_cases.csv",
    "service_referrals.parquet",
    "mash_contacts.parquet",
    "school_notifications.parquet",
    "population.csv",
    "lsoa_ward_lookup.csv",
    "prevalence_rates.csv",
    "services.xlsx",
)
ADULT = ~pl.col("age_band").is_in(["0-4", "5-10", "11-15"])


# ---- repeatable --------------------------------------------------------------------------------


def test_the_same_seed_writes_the_same_bytes(small, tmp_path: Path) -> None:
    folder, summary, _ = small
    again = generate_sample(tmp_path, scale=0.05)
    assert again.rows == summary.rows
    for path in sorted(folder.iterdir()):
        assert path.read_bytes() == (tmp_path / path.name).read_bytes(), path.name


def test_another_seed_writes_other_data(small, tmp_path: Path, read_frame) -> None:
    folder, _, _ = small
    generate_sample(tmp_path, seed=7, scale=0.05)
    assert not read_frame(folder, "police_incidents.parquet").equals(read_frame(tmp_path, "police_incidents.parquet"))


def test_the_committed_sample_is_what_the_defaults_generate(tmp_path: Path, committed: Path, planted) -> None:
    summary = generate_sample(tmp_path)
    for name in summary.rows:
        assert (committed / name).read_bytes() == (tmp_path / name).read_bytes(), f"regenerate data/sample/drop ({name})"
    assert summary.signals["under_reporting"]["wards"] == planted["under_reporting_wards"]
    assert summary.signals["charge_attrition"]["ward"] == planted["attrition_ward"]
    assert summary.signals["rising_ward"]["ward"] == planted["rising_ward"]
    assert summary.signals["service_gap"]["wards"] == planted["northern_wards"]
    assert summary.signals["off_trajectory_target"] == planted["off_trajectory_target"]


def test_scale_shrinks_every_volume_in_proportion(small, drop) -> None:
    _, summary, seconds = small
    assert seconds < 15
    for name in ("police_incidents.parquet", "crime_outcomes.parquet", "marac_cases.csv", "school_notifications.parquet"):
        assert summary.rows[name] == pytest.approx(drop[name.split(".")[0]].height * 0.05, rel=0.3), name
    assert summary.rows["wards.geojson"] == 30


# ---- valid against the contract -----------------------------------------------------------------


@pytest.mark.parametrize("file_name", TABLES)
def test_every_file_matches_its_model(file_name: str, read_frame, committed: Path) -> None:
    model = BY_NAME[file_name.split(".")[0]]
    frame = read_frame(committed, file_name, as_text=True)
    assert frame.columns == list(model.model_fields)
    with duckdb.connect() as con:  # the refresh's own guard: no value may look like a person's identifier
        con.register("staged", frame.with_row_index("_line", offset=2))
        assert find_direct_identifiers(con, "staged", allowed_columns=frame.columns) == []
    # Small files are checked whole; the large extracts through an even spread of rows.
    rows = frame if frame.height <= 6_000 else frame.gather_every(frame.height // 1_500)
    # A contract's end date lies ahead by nature, so the register is not held to "not in the future".
    context = {"earliest": CONTEXT["earliest"]} if file_name == "services.xlsx" else CONTEXT
    for row in rows.iter_rows(named=True):
        cells = {
            key: "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
            for key, value in row.items()
        }
        model.model_validate(cells, context=context)


def test_wards_tile_a_district_in_england(committed: Path) -> None:
    path = committed / "wards.geojson"
    assert path.stat().st_size < 300_000
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    codes = [feature["properties"]["ward_code"] for feature in features]
    assert codes == [f"E0599{n:04d}" for n in range(1, 31)]
    assert len({feature["properties"]["ward_name"] for feature in features}) == 30
    shapes = [shape(feature["geometry"]) for feature in features]
    assert all(item.is_valid and item.geom_type == "Polygon" for item in shapes)
    district = shapely.unary_union(shapes)
    assert district.geom_type == "Polygon"
    assert sum(item.area for item in shapes) == pytest.approx(district.area, rel=1e-6)
    west, south, east, north = district.bounds
    assert -6 < west < east < 2 and 50 < south < north < 55.8


def test_every_date_falls_in_the_window(drop) -> None:
    moments = {
        "police_incidents": ["reported_at"],
        "crime_outcomes": ["recorded_at", "court_outcome_at", "outcome_at"],
        "service_referrals": ["referred_at", "ended_at"],
        "mash_contacts": ["received_at", "decided_at"],
        "school_notifications": ["notified_at"],
        "marac_cases": ["heard_on"],
    }
    for name, columns in moments.items():
        for column in columns:
            values = drop[name][column].drop_nulls()
            assert values.min() >= datetime(2020, 9, 30) if values.dtype != pl.Date else values.min() >= START
            assert values.max() < datetime(2026, 9, 30) if values.dtype != pl.Date else values.max() <= END


def test_a_crime_never_goes_back_in_time(drop) -> None:
    path = ["recorded_at", "arrested_at", "cps_referred_at", "charge_decision_at", "court_outcome_at"]
    crimes = drop["crime_outcomes"]
    for position, later in enumerate(path[1:], start=1):
        for earlier in path[:position]:
            assert crimes.filter(pl.col(later) < pl.col(earlier)).is_empty(), f"{later} before {earlier}"
    assert crimes.filter(pl.col("outcome_at") < pl.col("recorded_at")).is_empty()
    assert set(crimes["crime_id"]) == set(drop["police_incidents"]["crime_id"].drop_nulls())


# ---- realistic rates ---------------------------------------------------------------------------


def test_police_rates_look_like_a_large_english_district(drop) -> None:
    incidents, population = drop["police_incidents"], drop["population"]
    residents = population.filter(pl.col("year").is_between(2021, 2026)).group_by("year").agg(pl.col("population").sum())
    assert 20 <= incidents.height / 6 / residents["population"].mean() * 1000 <= 26
    assert 0.46 <= incidents["is_crime"].mean() <= 0.50
    risk = incidents["dash_risk"].value_counts(normalize=True)
    share = dict(zip(risk["dash_risk"], risk["proportion"], strict=True))
    assert share["standard"] == pytest.approx(0.60, abs=0.04) and share["medium"] == pytest.approx(0.25, abs=0.03)
    assert share["high"] == pytest.approx(0.11, abs=0.02) and share["not_assessed"] == pytest.approx(0.03, abs=0.01)
    bands = incidents.group_by("dash_risk").agg(pl.col("dash_score").min().alias("low"), pl.col("dash_score").max().alias("high"))
    assert {row[0]: row[1:] for row in bands.iter_rows()} == {
        "standard": (0, 9),
        "medium": (10, 13),
        "high": (14, 24),
        "not_assessed": (None, None),
    }
    with_children = incidents.filter(pl.col("n_children_present") > 0)
    assert 0.35 <= with_children.height / incidents.height <= 0.45
    assert 0.70 <= with_children["is_child_spoken_to"].mean() <= 0.85
    assert (
        incidents.filter(pl.col("n_children_present") == 0)["is_child_spoken_to"].null_count()
        == incidents.height - with_children.height
    )
    assert 33 <= incidents.filter(pl.col("is_crime"))["is_arrest"].mean() * 100 <= 46
    assert 0.75 <= (incidents["victim_sex"] == "female").mean() <= 0.80
    assert 0.08 <= incidents["ward_code"].is_null().mean() <= 0.12
    assert incidents.filter(pl.col("dash_risk") == "high")["is_referred_to_marac"].mean() > 0.5


def test_repeat_victims(drop) -> None:
    gap = pl.col("reported_at") - pl.col("reported_at").shift(1).over("victim_id")
    gap_two = pl.col("reported_at") - pl.col("reported_at").shift(2).over("victim_id")
    ordered = drop["police_incidents"].sort("victim_id", "reported_at")
    victims = ordered.group_by("victim_id").agg(
        (gap <= pl.duration(days=365)).any().alias("two"), (gap_two <= pl.duration(days=365)).any().alias("three")
    )
    assert 0.20 <= victims["two"].mean() <= 0.35
    assert 0.04 <= victims["three"].mean() <= 0.12


def test_justice_rates_are_near_national(drop) -> None:
    crimes = drop["crime_outcomes"]
    closed = crimes.filter(pl.col("outcome_code").is_not_null())
    assert 0.40 <= (crimes["outcome_code"] == 16).sum() / crimes.height <= 0.55
    assert {15, 16} <= set(closed["outcome_code"])
    decided = crimes.filter(pl.col("charge_decision").is_in(["charged", "no_further_action", "out_of_court"]))
    assert 0.72 <= (decided["charge_decision"] == "charged").mean() <= 0.78
    tried = crimes.filter(pl.col("court_outcome").is_in(["convicted", "acquitted", "discontinued", "dismissed"]))
    assert 0.76 <= (tried["court_outcome"] == "convicted").mean() <= 0.78
    assert crimes.filter(pl.col("charge_decision") == "pending").height > 0


def test_marac_volume_repeats_and_referrers(drop) -> None:
    cases, population = drop["marac_cases"], drop["population"]
    women = population.filter(ADULT, pl.col("sex") == "female", pl.col("year").is_between(2021, 2026))
    per_year = women.group_by("year").agg(pl.col("population").sum())["population"].mean()
    assert 40 <= cases.height / 6 / per_year * 10_000 <= 47
    previous = pl.col("heard_on").shift(1).over("victim_id")
    repeats = cases.sort("heard_on", "case_id").select(((pl.col("heard_on") - previous).dt.total_days() <= 365).fill_null(False))
    assert repeats.to_series().mean() == pytest.approx(0.30, abs=0.04)
    assert (cases["referral_agency"] != "police").mean() == pytest.approx(0.36, abs=0.03)


def test_front_door_and_schools(drop) -> None:
    contacts = drop["mash_contacts"]
    within_day = (contacts["decided_at"] - contacts["received_at"]) <= timedelta(hours=24)
    assert 0.70 <= within_day.mean() <= 0.90
    notices = drop["school_notifications"].join(
        drop["police_incidents"].select("incident_id", "reported_at", "n_children_present"), on="incident_id"
    )
    assert notices.height == drop["school_notifications"].height and notices["n_children_present"].min() > 0
    weekday = pl.col("reported_at").dt.weekday()
    ahead = pl.when(weekday == 5).then(3).when(weekday == 6).then(2).otherwise(1)
    deadline = pl.col("reported_at").dt.truncate("1d") + pl.duration(days=ahead) + pl.duration(hours=9)
    on_time = notices.select(pl.col("notified_at") <= deadline).to_series()
    assert 0.80 <= on_time.mean() <= 0.95
    assert notices["school_id"].str.contains(r"^SCH\d{4}$").all()
