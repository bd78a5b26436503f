"""The attrition funnel, days between stages and charge hot-spots, against hand-computed rows.

The justice drop (tests/drops.py), financial year 2025/26:
- incidents J01-J04 Northfield, J05-J08 Eastgate, J09 Southmoor; all but J04 and J08 flagged as crimes;
- crimes recorded in the year: CR01-CR03 Northfield (charged; convicted, discontinued, acquitted),
  CR05-CR07 Eastgate (no further action; charged awaiting court, no arrest; decision pending),
  CR09 Southmoor (outcome 15, never arrested), CR11 Southmoor (no incident id; victim V01, arrested);
- CR10 was recorded in March 2025, so it is outside the year's cohort.
"""

from __future__ import annotations

import polars as pl
import pytest

from etl.warehouse import Warehouse
from metrics.aggregate import GroupFilters, UnsupportedCut
from metrics.attrition import attrition_funnel
from metrics.attrition_days import STEPS, days_between_stages
from metrics.attrition_hotspots import attrition_hotspots
from metrics.disclosure import NOT_SHOWN, DisclosureRule
from metrics.periods import financial_year
from metrics.stats import wilson_ci
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import write_justice_drop, write_reference_drop

YEAR = financial_year(2025)
OPEN = DisclosureRule.unsuppressed()
BOARD = DisclosureRule(threshold=7, rounding_base=5)
COLUMNS = ("stage", "unit", "count", "conversion_numerator", "conversion_denominator", "awaiting", "share_of_crimes_pct")


def _warehouse(tmp_path_factory, name, write_drop):
    root = tmp_path_factory.mktemp(name)
    settings = Settings(warehouse=root / "warehouse")
    refresh(write_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    return Warehouse(settings.warehouse).connect_read_only()


@pytest.fixture(scope="module")
def justice(tmp_path_factory):
    con = _warehouse(tmp_path_factory, "justice", write_justice_drop)
    yield con
    con.close()


def stage_rows(frame, cut_value):
    return [
        tuple(row[column] for column in COLUMNS) for row in frame.filter(frame["cut_value"] == cut_value).iter_rows(named=True)
    ]


def test_district_funnel_counts_each_stage_and_its_conversion(justice):
    frame = attrition_funnel(justice, YEAR, rule=OPEN)
    assert stage_rows(frame, "district") == [
        ("incident", "incidents", 9, None, None, None, None),
        ("crime", "crimes", 8, 7, 9, None, 100.0),
        ("arrest", "crimes", 6, 6, 8, None, 75.0),
        ("cps_referral", "crimes", 6, 5, 6, None, 75.0),  # CR06 was referred without an arrest
        ("charged", "crimes", 4, 4, 5, 1, 50.0),  # CR07's decision is pending
        ("prosecution_completed", "crimes", 3, 3, 4, 1, 37.5),  # CR06 awaits court
        ("convicted", "crimes", 1, 1, 3, None, 12.5),
    ]
    assert frame["cut"].unique().to_list() == ["district"]
    assert frame["period"].unique().to_list() == ["2025/26"]


def test_conversions_carry_wilson_limits(justice):
    frame = attrition_funnel(justice, YEAR, rule=OPEN)
    charged = frame.filter(frame["stage"] == "charged").row(0, named=True)
    expected = wilson_ci(4, 5)
    assert (charged["conversion_pct"], charged["conversion_lower_95"], charged["conversion_upper_95"]) == pytest.approx(
        (80.0, expected.lower, expected.upper)
    )
    assert charged["conversion_of"] == "of referred crimes with a charging decision"
    incident = frame.filter(frame["stage"] == "incident").row(0, named=True)
    assert incident["conversion_pct"] is None and incident["conversion_lower_95"] is None


def test_funnel_by_ward_has_the_district_and_each_ward(justice):
    frame = attrition_funnel(justice, YEAR, rule=OPEN, by="ward")
    assert frame["cut_value"].unique(maintain_order=True).to_list() == ["district", "E05990001", "E05990002", "E05990003"]
    assert frame.filter(frame["cut_value"] == "E05990001")["cut_label"][0] == "Northfield"
    assert stage_rows(frame, "E05990002") == [
        ("incident", "incidents", 4, None, None, None, None),
        ("crime", "crimes", 3, 3, 4, None, 100.0),
        ("arrest", "crimes", 2, 2, 3, None, pytest.approx(200 / 3)),
        ("cps_referral", "crimes", 3, 2, 2, None, 100.0),
        ("charged", "crimes", 1, 1, 2, 1, pytest.approx(100 / 3)),
        ("prosecution_completed", "crimes", 0, 0, 1, 1, 0.0),
        ("convicted", "crimes", 0, 0, 0, None, 0.0),
    ]
    southmoor = frame.filter(frame["cut_value"] == "E05990003")
    assert southmoor["count"].to_list() == [1, 2, 1, 0, 0, 0, 0]  # CR11 counts in its own ward, not its victim's
    assert southmoor.filter(southmoor["stage"] == "charged")["conversion_pct"][0] is None  # nothing referred


def test_crime_without_its_incident_takes_the_victims_group(justice):
    by_age = attrition_funnel(justice, YEAR, rule=OPEN, by="age_band")
    crimes = {row["cut_value"]: row["count"] for row in by_age.filter(by_age["stage"] == "crime").iter_rows(named=True)}
    assert crimes == {"district": 8, "20-24": 1, "25-34": 4, "35-44": 2, "45-54": 1}  # CR11 with V01's 25-34
    placed = justice.sql(
        "select victim_sex, victim_age_band, victim_ethnicity from mart_crimes where crime_id = 'CR11'"
    ).fetchall()
    assert placed == [("female", "25-34", "white")]


def test_a_group_cut_within_a_ward_totals_to_the_ward(justice):
    frame = attrition_funnel(justice, YEAR, rule=OPEN, by="sex", groups=GroupFilters(ward_code="E05990002"))
    assert frame["cut_value"].unique(maintain_order=True).to_list() == ["E05990002", "female", "male"]
    assert frame.filter(frame["cut_value"] == "female")["count"].to_list() == [3, 2, 1, 2, 1, 0, 0]
    assert frame.filter(frame["cut_value"] == "male")["count"].to_list() == [1, 1, 1, 1, 0, 0, 0]


def test_small_counts_are_hidden_with_a_second_cell_so_totals_give_nothing_away(justice):
    frame = attrition_funnel(justice, YEAR, rule=DisclosureRule(threshold=2, rounding_base=1), by="ward")
    # the district is protected as the wards are: its counts of 1 and 2 hidden, the others as they are (base 1)
    exact_district = stage_rows(attrition_funnel(justice, YEAR, rule=OPEN), "district")
    for shown, exact in zip(stage_rows(frame, "district"), exact_district, strict=True):
        for value, true in zip(shown[2:6], exact[2:6], strict=True):
            assert value is None if true in (1, 2) else value in (None, true), (shown, exact)
    # the one conviction hidden, and the prosecutions completed with it so that it is not one stage less the next
    assert [row[2] for row in stage_rows(frame, "district")] == [9, 8, 6, 6, 4, None, None]
    wards = frame.filter(~frame["is_total"])
    district_hidden = {row[0] for row in stage_rows(frame, "district") if row[2] is None}
    for stage in wards["stage"].unique().to_list():
        hidden = wards.filter(wards["stage"] == stage)["count_suppressed"].sum()
        assert hidden != 1 or stage in district_hidden, stage  # one hidden ward is the total less the others, if shown
    incidents = wards.filter(wards["stage"] == "incident")
    assert incidents["count"].to_list() == [None, 4, None]  # Southmoor's 1, and Northfield's 4 with it
    hidden_share = wards.filter(wards["count_suppressed"] & (wards["unit"] == "crimes"))
    assert hidden_share["share_of_crimes_pct"].is_null().all()
    assert frame["disclosure_rule"][0].startswith("Counts from 1 to 2")


def split_flags(frame) -> list[tuple[str, str, tuple[bool, bool, bool]]]:
    """Per cut, whether each of (whole, decided, awaiting) is hidden, for the two stages whose crimes split so."""
    flags = []
    for (cut_value, _), rows in frame.group_by("cut_value", "is_total", maintain_order=True):
        stage = {row["stage"]: row for row in rows.iter_rows(named=True)}
        referred = (
            stage["cps_referral"]["count_suppressed"],
            stage["charged"]["conversion_denominator_suppressed"],
            stage["charged"]["awaiting_suppressed"],
        )
        charged = (
            stage["charged"]["count_suppressed"],
            stage["prosecution_completed"]["count_suppressed"],
            stage["prosecution_completed"]["awaiting_suppressed"],
        )
        flags += [(cut_value, "referred", referred), (cut_value, "charged", charged)]
    return flags


@pytest.mark.parametrize("by", ["ward", "sex", "age_band", "ethnicity"])
def test_no_hidden_count_is_the_difference_of_two_shown(sample_warehouse, by):
    # charged crimes are those completed and those awaiting court; with a rate beside each rounded count the
    # counts shown are known exactly, so a lone hidden one of the three would be their difference
    frame = attrition_funnel(sample_warehouse, YEAR, rule=BOARD, by=by)
    flags = split_flags(frame)
    assert not [(cut, split) for cut, split, hidden in flags if sum(hidden) == 1]
    assert any(any(hidden) for _, _, hidden in flags), "the sample hides some of these counts"


def test_board_rule_hides_every_small_ward_count(justice):
    frame = attrition_funnel(justice, YEAR, rule=BOARD, by="ward")
    wards = frame.filter(~frame["is_total"])
    assert set(wards["count"].drop_nulls().to_list()) <= {0}
    assert wards.filter(wards["count"].is_null())["conversion_pct"].is_null().all()


def test_days_between_stages_median_and_90th_percentile(justice):
    frame = days_between_stages(justice, YEAR, rule=OPEN, min_cases=3)
    rows = [(row["step"], row["cases"], row["median_days"], row["p90_days"]) for row in frame.iter_rows(named=True)]
    assert rows == [
        ("days_incident_to_recorded", 7, 1.0, pytest.approx(4.6)),  # 0,1,1,1,1,1,10
        ("days_recorded_to_arrest", 6, 1.0, pytest.approx(3.0)),  # 0,0,1,1,2,4
        ("days_arrest_to_cps", 5, 10.0, pytest.approx(18.0)),  # 10,10,10,15,20
        ("days_cps_to_charge_decision", 5, 10.0, pytest.approx(10.0)),  # 6,8,10,10,10 (CR07 pending)
        ("days_charge_to_court_outcome", 3, 120.0, pytest.approx(144.0)),  # 60,120,150 (CR06 pending)
        ("days_recorded_to_court_outcome", 3, 138.0, pytest.approx(164.4)),  # 88,138,171
    ]
    assert frame["note"].is_null().all()


def test_days_need_enough_cases(justice):
    frame = days_between_stages(justice, YEAR, rule=OPEN)
    assert frame["median_days"].is_null().all() and frame["p90_days"].is_null().all()
    assert frame["cases"].to_list() == [7, 6, 5, 5, 3, 3]
    assert set(frame["note"]) == {"fewer than 10 cases: days not calculated"}
    six = days_between_stages(justice, YEAR, rule=OPEN, min_cases=6)
    assert six["median_days"].to_list() == [1.0, 1.0, None, None, None, None]


def test_days_hide_with_their_count(justice):
    frame = days_between_stages(justice, YEAR, rule=DisclosureRule(threshold=2, rounding_base=1), by="ward", min_cases=1)
    southmoor = frame.filter(frame["cut_value"] == "E05990003").row(0, named=True)  # CR09 alone: 10 days
    assert (southmoor["cases"], southmoor["median_days"], southmoor["p90_days"]) == (None, None, None)
    assert southmoor["note"] == NOT_SHOWN
    district = frame.filter(frame["is_total"]).row(0, named=True)
    assert (district["cases"], district["median_days"]) == (7, 1.0)


def test_protected_days_are_whole_and_their_gate_is_the_published_count(justice):
    # threshold 2, base 5: the incidents' 7 cases are published as 5 and the arrests' 6 as 5, below a gate of 6, though
    # 6 and 7 exact cases would pass it; the 8 cases a step needs at a gate of 10 are published as 10 and pass
    protected = DisclosureRule(threshold=2, rounding_base=5)
    frame = days_between_stages(justice, YEAR, rule=protected, min_cases=6)
    assert frame["median_days"].to_list()[:2] == [None, None]
    # the incidents' 90th percentile, 4.6 days (0,1,1,1,1,1,10), is published as 5 when its count passes the gate
    frame = days_between_stages(justice, YEAR, rule=protected, min_cases=5)
    assert (frame["cases"][0], frame["median_days"][0], frame["p90_days"][0]) == (5, 1.0, 5.0)


def test_protected_days_on_the_sample_carry_no_fractions(sample_warehouse):
    # a median ending .5 says its cases are even in number, a 90th percentile's tenths their last digit
    frame = days_between_stages(sample_warehouse, YEAR, rule=DisclosureRule(7, 5), by="ward")
    days = frame.select("median_days", "p90_days").drop_nulls()
    assert days.height >= 30
    assert (days["median_days"] % 1 == 0).all() and (days["p90_days"] % 1 == 0).all()
    exact = days_between_stages(sample_warehouse, YEAR, rule=OPEN, by="ward").select("p90_days").drop_nulls()
    assert (exact["p90_days"] % 1 != 0).any()  # else the test above could not fail


# the stage a step's later end must really have reached for its days to count (metrics/sql/_attrition_days.sql)
REACHED = {
    "days_cps_to_charge_decision": "is_charge_decided",
    "days_charge_to_court_outcome": "is_prosecution_completed",
    "days_recorded_to_court_outcome": "is_prosecution_completed",
}


def polars_percentiles(crimes: pl.DataFrame, cut: pl.Expr) -> dict[tuple[str | None, str], tuple[int, float, float]]:
    """(cases, median, 90th percentile) by (cut value, step), as Polars works them out from the cases."""
    found = {}
    for step, _ in STEPS:
        reached = crimes.filter(pl.col(REACHED[step])) if step in REACHED else crimes
        cases = reached.select(cut_value=cut, days=pl.col(step)).drop_nulls("days")
        for (cut_value,), group in cases.group_by("cut_value"):
            found[(cut_value, step)] = (group.height, group["days"].median(), group["days"].quantile(0.9, interpolation="linear"))
    return found


@pytest.mark.parametrize(
    ("by", "groups"),
    [
        (None, GroupFilters()),
        ("ward", GroupFilters()),
        ("sex", GroupFilters(ward_code="E05990025")),
        ("age_band", GroupFilters(sex="female")),
    ],
)
def test_days_are_polars_linear_percentiles_of_each_steps_cases(sample_warehouse, by, groups):
    # the warehouse works the percentiles out from cases counted by day; they match Polars' to the last bit
    crimes = sample_warehouse.sql(
        "select ward_code as ward, victim_sex as sex, victim_age_band as age_band, victim_ethnicity as ethnicity, * "
        "from mart_crimes where recorded_on between $start and $end",
        params={"start": YEAR.start, "end": YEAR.end},
    ).pl()
    for dimension, value in groups.applied().items():
        crimes = crimes.filter(pl.col(dimension) == value)
    expected = {(True, None, step): days for (_, step), days in polars_percentiles(crimes, pl.lit(None, pl.String)).items()}
    if by:
        expected |= {
            (False, value, step): days
            for (value, step), days in polars_percentiles(crimes, pl.col(by)).items()
            if value is not None
        }
    frame = days_between_stages(sample_warehouse, YEAR, rule=OPEN, by=by, groups=groups, min_cases=1)
    shown = {
        (row["is_total"], None if row["is_total"] else row["cut_value"], row["step"]): (
            row["cases"],
            row["median_days"],
            row["p90_days"],
        )
        for row in frame.iter_rows(named=True)
        if row["cases"]
    }
    assert shown == expected
    assert len(shown) >= len(STEPS)


def test_cuts_other_than_people_are_refused(justice):
    with pytest.raises(UnsupportedCut):
        attrition_funnel(justice, YEAR, rule=OPEN, by="month")
    with pytest.raises(UnsupportedCut):
        days_between_stages(justice, YEAR, rule=OPEN, by="quarter")


def write_hotspot_drop(folder):
    """40 charging decisions a ward in May 2025: Northfield charges 12, Eastgate and Southmoor 34 each."""
    write_reference_drop(folder)
    header = "crime_id,victim_id,ward_code,recorded_at,cps_referred_at,charge_decision,charge_decision_at"
    rows = [
        f"H{ward[-1]}{number:02d},VH{ward[-1]}{number:02d},{ward},2025-05-01T10:00,2025-05-02T10:00,"
        f"{'charged' if number < charged else 'no_further_action'},2025-05-10T10:00"
        for ward, charged in (("E05990001", 12), ("E05990002", 34), ("E05990003", 34))
        for number in range(40)
    ]
    (folder / "crime_outcomes_2025-06-01.csv").write_text("\n".join([header, *rows]) + "\n")
    return folder


@pytest.fixture(scope="module")
def hotspot(tmp_path_factory):
    con = _warehouse(tmp_path_factory, "hotspot", write_hotspot_drop)
    yield con
    con.close()


def test_the_ward_that_loses_cases_at_charge_stands_out(hotspot):
    frame = attrition_hotspots(hotspot, YEAR, BOARD)
    worst = frame.row(0, named=True)
    assert (worst["cut_value"], worst["cut_label"]) == ("E05990001", "Northfield")
    assert worst["value"] == pytest.approx(25.0)  # 12 of 40, shown to a board as 10 of 40
    assert worst["comparator_value"] == pytest.approx(80 / 120 * 100)
    assert worst["comparison"] == "worse_998"
    assert worst["is_hotspot"]
    assert frame["is_hotspot"].to_list() == [True, False, False]
    assert frame["comparison"].to_list()[1:] == ["better", "better"]  # 85% against 66.7%


def test_hotspots_need_an_attrition_indicator_with_a_direction(hotspot):
    with pytest.raises(UnsupportedCut):
        attrition_hotspots(hotspot, YEAR, BOARD, indicator_id="prevalence_incidents_per_1000")
