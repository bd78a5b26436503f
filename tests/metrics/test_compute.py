"""compute on a drop with five whole financial years: trend markers per cut."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from etl.warehouse import Warehouse
from metrics.aggregate import GroupFilters
from metrics.compute import Filters, compute
from metrics.disclosure import DisclosureRule
from metrics.periods import between, financial_year
from metrics.registry import get
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import INCIDENTS_HEADER, write_reference_drop

# Northfield's incidents rise steeply each year; Eastgate's stay flat.
NORTHFIELD_PER_YEAR = [10, 20, 40, 80, 160]
EASTGATE_PER_YEAR = [30, 30, 30, 30, 30]


def incident_rows() -> list[str]:
    lines = []
    for ward, per_year in (("E05990001", NORTHFIELD_PER_YEAR), ("E05990002", EASTGATE_PER_YEAR)):
        for offset, count in enumerate(per_year):
            start = financial_year(2020 + offset).start
            for number in range(count):
                day = start + timedelta(days=(number * 360) // count)
                lines.append(
                    f"{ward}-{offset}-{number},{day}T10:00:00,{ward},,V{ward}{offset}{number},female,25-34,white,"
                    "standard,2,0,,no,"
                )
    return lines


@pytest.fixture(scope="module")
def five_years(tmp_path_factory):
    root = tmp_path_factory.mktemp("five")
    drop = write_reference_drop(root / "drop")
    (drop / "police_incidents.csv").write_text("\n".join([INCIDENTS_HEADER, *incident_rows()]) + "\n")
    settings = Settings(warehouse=root / "warehouse")
    refresh(drop, warehouse=settings.warehouse, settings=settings)
    with Warehouse(settings.warehouse).connect_read_only() as con:
        yield con


def test_trend_markers_per_ward_over_complete_financial_years(five_years):
    frame = compute(
        five_years,
        "prevalence_incidents_per_1000",
        Filters(period=financial_year(2024), by="ward"),
        rule=DisclosureRule.unsuppressed(),
    )
    trends = dict(zip(frame["cut_value"], frame["trend"], strict=True))
    assert trends["E05990001"] == "increasing"
    assert trends["E05990002"] == "no significant change"


def test_district_trend(five_years):
    frame = compute(
        five_years, "prevalence_incidents_per_1000", Filters(period=financial_year(2024)), rule=DisclosureRule.unsuppressed()
    )
    assert frame["trend"][0] == "increasing"
    assert frame["period_start"][0] == date(2024, 4, 1)


def test_yearly_cut_gives_one_row_per_financial_year(five_years):
    span = Filters(period=between(date(2020, 4, 1), date(2025, 3, 31)), by="year")
    frame = compute(five_years, "prevalence_incidents_per_1000", span, rule=DisclosureRule.unsuppressed())
    assert frame["cut_value"].to_list() == ["2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]
    assert frame["numerator"].to_list() == [40, 50, 70, 110, 190]
    assert frame["trend"].to_list() == [None] * 5


def test_trend_cannot_be_calculated_without_five_complete_years(five_years, tiny_warehouse):
    five = compute(
        five_years, "prevalence_incidents_per_1000", Filters(period=financial_year(2024)), rule=DisclosureRule.unsuppressed()
    )
    assert five["trend"][0] == "increasing"
    tiny = compute(
        tiny_warehouse, "prevalence_incidents_per_1000", Filters(period=financial_year(2025)), rule=DisclosureRule.unsuppressed()
    )
    assert (tiny["trend"][0], tiny["trend_reason"][0]) == ("cannot be calculated", "no complete financial year of data")


@pytest.mark.parametrize(
    "indicator_id", ["prevalence_incidents_per_1000", "children_present_pct", "dash_high_risk_pct", "child_spoken_to_pct"]
)
@pytest.mark.parametrize(
    ("by", "ward"),
    [("ward", None), ("sex", "E05990025"), ("age_band", None), ("age_band", "E05990025"), ("ethnicity", "E05990025")],
)
def test_a_cut_never_hides_a_count_alone_beside_its_published_total(sample_warehouse, indicator_id, by, ward):
    # the cut's total is shown beside it (a tile, the comparator) and each rate beside its rounded count gives
    # the count away, so a count hidden alone would be the total less the counts shown
    period = between(date(2025, 10, 1), date(2026, 9, 30))
    frame = compute(
        sample_warehouse,
        indicator_id,
        Filters(period, by, GroupFilters(ward_code=ward)),
        rule=DisclosureRule(threshold=7, rounding_base=5),
        with_trend=False,
    )
    for column in ("numerator", "denominator"):
        if f"{column}_suppressed" in frame.columns:
            assert frame[f"{column}_suppressed"].sum() != 1, column


def test_canal_wharfs_victims_of_unknown_sex_are_hidden_with_another_sex(sample_warehouse):
    period = between(date(2025, 10, 1), date(2026, 9, 30))
    frame = compute(
        sample_warehouse,
        "prevalence_incidents_per_1000",
        Filters(period, "sex", GroupFilters("E05990025")),
        rule=DisclosureRule(threshold=7, rounding_base=5),
        with_trend=False,
    )
    hidden = frame.filter(pl.col("numerator_suppressed"))
    assert hidden["cut_value"].to_list() == ["male", "unknown"]  # unknown is small; male, the smaller of the others
    assert hidden["value"].is_null().all() and hidden["lower_95"].is_null().all()


def test_every_benchmark_carries_its_source_and_date_and_is_shown_with_them():
    from metrics.registry import all_indicators

    for indicator in all_indicators():
        for benchmark in indicator.benchmarks:
            assert benchmark.source and benchmark.label.startswith(benchmark.name + " (")
    outcome16 = get("outcome16_pct").benchmarks[0]
    assert outcome16.label == "England and Wales (year ending March 2020)" and outcome16.value == 54.8
    assert get("prevalence_incidents_per_1000").benchmarks[0].label == "England and Wales (year ending March 2017)"


@pytest.mark.parametrize(
    "groups",
    [GroupFilters(sex="male"), GroupFilters(age_band="75+"), GroupFilters(ethnicity="asian", sex="female")],
    ids=["men", "aged 75+", "asian women"],
)
def test_one_group_across_the_district_is_not_set_against_an_all_people_benchmark(sample_warehouse, groups):
    """The published benchmarks are for all people: men's rate against it would be called 'significantly lower'
    for being men. The group is compared with the district's same group where a ward or a cut gives one."""
    board = DisclosureRule(threshold=7, rounding_base=5)
    for indicator_id in ("prevalence_incidents_per_1000", "charge_rate_pct"):
        row = compute(sample_warehouse, indicator_id, Filters(financial_year(2025), None, groups), rule=board).row(0, named=True)
        assert (row["comparator"], row["comparison"]) == (None, "not_compared"), indicator_id
    everyone = compute(sample_warehouse, "prevalence_incidents_per_1000", Filters(financial_year(2025)), rule=board)
    assert everyone["comparator"][0] == get("prevalence_incidents_per_1000").benchmarks[0].label
