"""Age-standardised rates by ward (ESP 2013, Dobson limits) beside the crude rates."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from metrics.aggregate import GroupFilters
from metrics.disclosure import DisclosureRule
from metrics.periods import rolling_12_months
from metrics.registry import get
from metrics.standardisation import (
    ESP_2013,
    ESP_2013_BROAD,
    STANDARD_BANDS,
    NotStandardisable,
    broad_bands,
    standardised_by_ward,
)
from metrics.stats import dsr_ci

PERIOD = rolling_12_months(date(2026, 9, 30))


def test_the_standard_population_on_the_contract_s_bands():
    assert sum(ESP_2013.values()) == 100_000
    assert sum(weight for band, weight in ESP_2013.items() if band not in ("0-4", "5-10", "11-15")) == 82_900
    assert (ESP_2013["16-17"], ESP_2013["25-34"], ESP_2013["75+"]) == (2200, 12500, 9000)


def test_the_broad_bands_sum_the_standard_population():
    # 0-15, 16-24, 25-34, 35-44, 45-54, 55+: the five-year weights summed, 82,900 aged 16 and over as before
    assert ESP_2013_BROAD == {"0-15": 17100, "16-24": 10400, "25-34": 12500, "35-44": 14000, "45-54": 14000, "55+": 32000}
    assert set(STANDARD_BANDS) == set(ESP_2013)


def test_counts_and_residents_are_summed_into_the_broad_bands():
    by_band = pl.DataFrame(
        {
            "ward": ["A"] * 5,
            "age_band": ["16-17", "18-19", "20-24", "75+", "unknown"],
            "numerator": [3.0, 4.0, 6.0, 2.0, 5.0],
            "denominator": [100.0, 120.0, 300.0, 400.0, 0.0],
        }
    )
    summed = {row["age_band"]: (row["numerator"], row["denominator"]) for row in broad_bands(by_band).iter_rows(named=True)}
    assert summed == {"16-24": (13.0, 520.0), "55+": (2.0, 400.0), "unknown": (5.0, 0.0)}


def test_a_hand_worked_standardised_rate_on_the_broad_bands():
    # 1,000 residents in each broad band; events 0, 20, 30, 25, 15, 10: rates per 1,000 of 0, 20, 30, 25, 15, 10.
    # DSR = (20 x 10,400 + 30 x 12,500 + 25 x 14,000 + 15 x 14,000 + 10 x 32,000) / 100,000 = 14.63 per 1,000.
    # var = sum(w^2 x c / n^2) / W^2 x 1,000^2 = 24,930.7 / 1e10 x 1e6 = 2.49307; Byar's limits on 100 events are
    # 81.363 and 121.628, so Dobson's are 14.63 + (81.363 - 100) x sqrt(2.49307 / 100) = 11.687 and
    # 14.63 + 21.628 x 0.157894 = 18.045.
    interval = dsr_ci(
        [0, 20, 30, 25, 15, 10],
        populations=[1000] * 6,
        standard_populations=list(ESP_2013_BROAD.values()),
        multiplier=1000,
    )
    assert interval.value == pytest.approx(14.63)
    assert (interval.lower, interval.upper) == pytest.approx((11.687, 18.045), abs=0.002)


def test_each_ward_s_standardised_rate_is_the_dsr_of_its_broad_age_bands(sample_warehouse):
    from metrics.aggregate import aggregate

    indicator = get("prevalence_incidents_per_1000")
    frame = standardised_by_ward(sample_warehouse, indicator, PERIOD)
    bands = broad_bands(aggregate(sample_warehouse, indicator, PERIOD, dims=("ward", "age_band")))
    ward = bands.filter((pl.col("ward") == "E05990001") & pl.col("age_band").is_in(list(ESP_2013_BROAD)))
    expected = dsr_ci(
        ward["numerator"].to_list(),
        populations=ward["denominator"].to_list(),
        standard_populations=[ESP_2013_BROAD[band] for band in ward["age_band"]],
        multiplier=1000,
    )
    row = frame.filter(pl.col("ward_code") == "E05990001").row(0, named=True)
    assert (row["standardised"], row["standardised_lower_95"], row["standardised_upper_95"]) == pytest.approx(
        (expected.value, expected.lower, expected.upper)
    )
    unknown = bands.filter((pl.col("ward") == "E05990001") & (pl.col("age_band") == "unknown"))["numerator"].sum()
    assert row["events_of_unknown_age"] == unknown
    assert frame.height == 31 and frame["ward_code"][0] == "district"


def test_under_the_rule_the_rate_comes_from_broad_band_counts_the_rule_would_publish(sample_warehouse):
    from metrics.aggregate import aggregate

    indicator, rule = get("prevalence_incidents_per_1000"), DisclosureRule(7, 5)
    frame = standardised_by_ward(sample_warehouse, indicator, PERIOD, rule=rule)
    assert frame.filter(pl.col("ward_code") != "district")["standardised"].is_not_null().all()  # every ward shown
    bands = broad_bands(aggregate(sample_warehouse, indicator, PERIOD, dims=("ward", "age_band")))
    ward = bands.filter((pl.col("ward") == "E05990001") & pl.col("age_band").is_in(list(ESP_2013_BROAD)))
    protected = [0.0 if count == 0 else 5.0 * round(count / 5) for count in ward["numerator"]]
    assert all(count == 0 or count > rule.threshold for count in ward["numerator"])
    expected = dsr_ci(
        protected,
        populations=ward["denominator"].to_list(),  # published population estimates stay exact
        standard_populations=[ESP_2013_BROAD[band] for band in ward["age_band"]],
        multiplier=1000,
    )
    row = frame.filter(pl.col("ward_code") == "E05990001").row(0, named=True)
    assert row["standardised"] == pytest.approx(expected.value)


def test_a_ward_with_a_small_count_in_a_broad_band_has_no_standardised_rate(sample_warehouse):
    from metrics.aggregate import aggregate

    indicator, rule, men = get("prevalence_incidents_per_1000"), DisclosureRule(7, 5), GroupFilters(sex="male")
    frame = standardised_by_ward(sample_warehouse, indicator, PERIOD, men, rule=rule)
    bands = broad_bands(aggregate(sample_warehouse, indicator, PERIOD, dims=("ward", "age_band"), filters=men))
    small = bands.filter(pl.col("age_band").is_in(list(ESP_2013_BROAD)) & pl.col("numerator").is_between(1, rule.threshold))[
        "ward"
    ]
    hidden = frame.filter(pl.col("value_suppressed"))["ward_code"]
    assert 0 < hidden.len() < 30 and set(hidden) == set(small)
    assert frame.filter(pl.col("value_suppressed"))["standardised"].is_null().all()


def test_wards_are_compared_on_the_standardised_rate_and_greystone_park_stands_out(sample_warehouse):
    frame = standardised_by_ward(sample_warehouse, get("prevalence_incidents_per_1000"), PERIOD)
    flagged = frame.filter(~pl.col("comparison").is_in(["similar", "not_compared"]))
    assert flagged["ward_name"].to_list() == ["Greystone Park"]
    assert frame["overdispersion"][0].startswith("the 30 wards vary more than chance allows")


def test_protected_audiences_get_rates_from_protected_counts(sample_warehouse):
    frame = standardised_by_ward(sample_warehouse, get("prevalence_incidents_per_1000"), PERIOD, rule=DisclosureRule(7, 5))
    assert frame["events"].is_null().all() and frame["crude"].is_null().all()  # on the page already, from `compute`
    # a ward with a hidden broad band (see the men-only test below) is not compared
    men = standardised_by_ward(
        sample_warehouse, get("prevalence_incidents_per_1000"), PERIOD, GroupFilters(sex="male"), rule=DisclosureRule(7, 5)
    )
    hidden = men.filter(pl.col("value_suppressed"))
    assert hidden.height > 0 and hidden["standardised"].is_null().all()
    assert hidden["comparison"].unique().to_list() == ["not_compared"]


def test_only_rates_over_residents_by_age_are_standardised(sample_warehouse):
    with pytest.raises(NotStandardisable):
        standardised_by_ward(sample_warehouse, get("outcome16_pct"), PERIOD)


def test_the_standardised_funnel_places_each_ward_by_its_equivalent_size():
    import polars as pl
    import pytest

    from metrics.registry import get
    from metrics.standardisation import standardised_funnel
    from metrics.stats import z_for

    indicator = get("prevalence_incidents_per_1000")
    z = z_for(0.95)
    # district 20 per 1,000; ward A 30 (s = 2), ward B 18 (s = 1), ward C hidden
    frame = pl.DataFrame(
        {
            "ward_code": ["district", "A", "B", "C"],
            "ward_name": ["District", "A", "B", "C"],
            "standardised": [20.0, 30.0, 18.0, None],
            "standardised_lower_95": [19.0, 30 - 2 * z, 18 - z, None],
            "standardised_upper_95": [21.0, 30 + 2 * z, 18 + z, None],
            "standardised_lower_998": [18.0, 20.0, 15.0, None],
            "standardised_upper_998": [22.0, 40.0, 21.0, None],
            "comparison": ["not_compared", "higher_998", "similar", "not_compared"],
            "value_suppressed": [False, False, False, True],
            "overdispersion": [None] * 4,
        }
    )
    points, limits = standardised_funnel(frame, indicator)
    assert points["cut_value"].to_list() == ["A", "B"]  # the hidden ward has no point
    # n = DSR x 1,000 / s^2: the person-years a crude rate would need for the same precision
    assert points["denominator"].to_list() == pytest.approx([30 * 1000 / 4, 18 * 1000 / 1])
    assert points["comparison"].to_list() == ["higher_998", "similar"]
    assert points["comparator"][0] == "district (age-standardised)" and limits.centre == pytest.approx(20.0)
    assert "age-standardised" in limits.method


def test_the_standardised_funnel_is_widened_on_the_rate_s_own_scale(sample_warehouse):
    from metrics.standardisation import standardised_funnel

    indicator = get("prevalence_incidents_per_1000")
    frame = standardised_by_ward(sample_warehouse, indicator, PERIOD, rule=DisclosureRule(7, 5))
    points, limits = standardised_funnel(frame, indicator)
    assert limits.overdispersion.startswith("the 30 wards vary more than chance allows")
    # the widened 99.8% limits are the district's rate +/- z sqrt(s^2 + tau^2), with the between-ward variance
    # tau^2 in the rate's units (per 1,000 squared): about the wards' spread, not a thousand times it
    assert limits.centre * 0.2 < limits.upper998.max() - limits.centre < limits.centre * 1.5
    flagged = points.filter(pl.col("comparison").str.ends_with("_998"))["cut_label"].to_list()
    assert flagged == ["Greystone Park"]
    greystone = points.filter(pl.col("cut_label") == "Greystone Park").row(0, named=True)
    upper = float(np.interp(greystone["denominator"], limits.denominators, limits.upper998))
    assert greystone["value"] > upper  # outside the funnel's widened 99.8% limits, as its comparison says
