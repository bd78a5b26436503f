"""ward_funnel on the sample district: the limits sit around the district value `compute` gives, and a ward
beyond them is one `compute` calls significantly different."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics.aggregate import GroupFilters
from metrics.compute import Filters, compute
from metrics.disclosure import DisclosureRule
from metrics.funnel import METHOD_POISSON_FUNNEL, METHOD_WILSON_FUNNEL, proportion_funnel
from metrics.funnel_data import POINT_COLUMNS, FunnelNotAvailable, denominator_label, ward_funnel
from metrics.periods import Period, financial_year
from metrics.registry import all_indicators, get

BOARD = DisclosureRule(threshold=7, rounding_base=5)
YEAR = financial_year(2025)
RATE, PROPORTION, RATIO = "prevalence_incidents_per_1000", "repeat_victimisation_pct", "hidden_need_reporting_ratio"
GREYSTONE_PARK = "E05990019"


def district(con, indicator_id: str, groups: GroupFilters = GroupFilters()) -> dict:
    return compute(con, indicator_id, Filters(YEAR, None, groups), rule=BOARD, with_trend=False).row(0, named=True)


def test_a_rate_funnel_is_centred_on_the_district_and_spans_every_ward(sample_warehouse):
    points, limits = ward_funnel(sample_warehouse, BOARD, RATE, Filters(YEAR))
    assert limits.centre == pytest.approx(district(sample_warehouse, RATE)["value"])
    # the sample's wards vary far beyond chance, so the exact limits are widened for it and say so
    assert limits.method == f"{METHOD_POISSON_FUNNEL}, widened for overdispersion (additive (random effects))"
    assert "vary more than chance allows" in limits.overdispersion
    assert points.columns == list(POINT_COLUMNS)
    assert points.height == 30
    assert limits.denominators.min() < points["denominator"].min()
    assert limits.denominators.max() > points["denominator"].max()


def test_a_ward_beyond_the_limits_is_one_compute_calls_significant(sample_warehouse):
    points, limits = ward_funnel(sample_warehouse, BOARD, RATE, Filters(YEAR))
    for ward in points.iter_rows(named=True):
        # the widened limits at the ward's size (the funnel's and the comparison's dispersion are one, from the wards'
        # counts as shown; the limits are interpolated between the funnel's points)
        at_ward = {
            name: float(np.interp(ward["denominator"], limits.denominators, getattr(limits, name)))
            for name in ("lower95", "upper95", "lower998", "upper998")
        }
        if ward["comparison"] == "higher_998":
            assert ward["value"] > at_ward["upper998"] * 0.99, ward["cut_label"]
        elif ward["comparison"] == "lower_998":
            assert ward["value"] < at_ward["lower998"] * 1.01, ward["cut_label"]
        elif ward["comparison"] == "similar":
            assert at_ward["lower95"] * 0.99 <= ward["value"] <= at_ward["upper95"] * 1.01, ward["cut_label"]
    rising = points.filter(pl.col("cut_value") == GREYSTONE_PARK).row(0, named=True)
    assert rising["comparison"] == "higher_998"


@pytest.mark.parametrize("period", [YEAR, Period(date(2026, 7, 1), date(2026, 9, 30), "2026 Q3")], ids=["year", "quarter"])
def test_the_funnel_is_widened_exactly_when_the_ward_table_is(sample_warehouse, period):
    """Both judge the wards' overdispersion from their counts as shown, so a ward's verdict in the table and its place
    on the funnel come from one dispersion, on every indicator with a funnel."""
    checked = 0
    for indicator in all_indicators():
        if "ward" not in indicator.dimensions:
            continue
        try:
            _points, limits = ward_funnel(sample_warehouse, BOARD, indicator.id, Filters(period))
        except FunnelNotAvailable:
            continue
        table = compute(sample_warehouse, indicator.id, Filters(period, "ward"), rule=BOARD, with_trend=False)
        widened_in_the_table = any("widened" in (text or "") for text in table["comparison_text"])
        assert (limits.overdispersion is not None and "vary more" in limits.overdispersion) is widened_in_the_table, indicator.id
        checked += widened_in_the_table
    assert checked >= 3


def test_a_proportion_takes_wilson_limits_around_the_district_percentage(sample_warehouse):
    _points, limits = ward_funnel(sample_warehouse, BOARD, PROPORTION, Filters(YEAR))
    whole = district(sample_warehouse, PROPORTION)
    assert limits.method == METHOD_WILSON_FUNNEL
    assert limits.centre == pytest.approx(whole["value"])
    expected = proportion_funnel(
        limits.denominators, district_numerator=whole["numerator"], district_denominator=whole["denominator"]
    )
    assert limits.upper95 == pytest.approx(expected.upper95)
    assert (limits.upper998 >= limits.upper95).all() and (limits.lower998 <= limits.lower95).all()


def test_the_reporting_ratio_is_a_count_against_a_fixed_expected_number(sample_warehouse):
    _, limits = ward_funnel(sample_warehouse, BOARD, RATIO, Filters(YEAR))
    assert limits.method.startswith(METHOD_POISSON_FUNNEL)
    assert limits.centre == pytest.approx(district(sample_warehouse, RATIO)["value"])
    assert limits.multiplier == 100


def test_a_ward_filter_is_ignored_and_group_filters_move_the_centre(sample_warehouse):
    everyone, limits = ward_funnel(sample_warehouse, BOARD, RATE, Filters(YEAR))
    one_ward, ward_limits = ward_funnel(
        sample_warehouse, BOARD, RATE, Filters(YEAR, None, GroupFilters(ward_code=GREYSTONE_PARK))
    )
    assert_frame_equal(one_ward, everyone, rel_tol=1e-9)  # sums may differ in the last bit
    assert ward_limits.centre == pytest.approx(limits.centre)
    _, women = ward_funnel(sample_warehouse, BOARD, RATE, Filters(YEAR, None, GroupFilters(sex="female")))
    assert women.centre == pytest.approx(district(sample_warehouse, RATE, GroupFilters(sex="female"))["value"])
    assert women.centre > limits.centre


def test_wards_with_too_few_people_have_no_point(sample_warehouse):
    narrow = GroupFilters(age_band="16-17", ethnicity="mixed")
    points, _ = ward_funnel(sample_warehouse, BOARD, RATE, Filters(YEAR, None, narrow))
    hidden = points.filter(pl.col("value_suppressed"))
    assert hidden.height > 0
    assert hidden["value"].null_count() == hidden.height
    assert hidden["numerator"].null_count() == hidden.height


def test_a_count_has_no_funnel(sample_warehouse):
    with pytest.raises(FunnelNotAvailable, match="is a count"):
        ward_funnel(sample_warehouse, BOARD, "honour_based_abuse_count", Filters(YEAR))


def test_a_period_without_events_has_no_funnel(sample_warehouse):
    empty = Period(date(2010, 4, 1), date(2011, 3, 31), "2010/11")
    with pytest.raises(FunnelNotAvailable, match="no events"):
        ward_funnel(sample_warehouse, BOARD, RATE, Filters(empty))
    with pytest.raises(FunnelNotAvailable, match="no wards with data"):
        ward_funnel(sample_warehouse, BOARD, PROPORTION, Filters(empty))


def test_the_horizontal_axis_says_what_each_value_is_out_of():
    assert denominator_label(get(RATE)) == "residents in the period (person-years)"
    assert denominator_label(get(PROPORTION)) == "number of victims"
    assert denominator_label(get(RATIO)).startswith("expected number")
