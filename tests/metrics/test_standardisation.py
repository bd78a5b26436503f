"""Age-standardised rates by ward (ESP 2013, Dobson limits) beside the crude rates."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from metrics.disclosure import DisclosureRule
from metrics.periods import rolling_12_months
from metrics.registry import get
from metrics.standardisation import ESP_2013, NotStandardisable, standardised_by_ward
from metrics.stats import dsr_ci

PERIOD = rolling_12_months(date(2026, 9, 30))


def test_the_standard_population_on_the_contract_s_bands():
    assert sum(ESP_2013.values()) == 100_000
    assert sum(weight for band, weight in ESP_2013.items() if band not in ("0-4", "5-10", "11-15")) == 82_900
    assert (ESP_2013["16-17"], ESP_2013["25-34"], ESP_2013["75+"]) == (2200, 12500, 9000)


def test_each_ward_s_standardised_rate_is_the_dsr_of_its_age_bands(sample_warehouse):
    from metrics.aggregate import aggregate

    indicator = get("prevalence_incidents_per_1000")
    frame = standardised_by_ward(sample_warehouse, indicator, PERIOD)
    bands = aggregate(sample_warehouse, indicator, PERIOD, dims=("ward", "age_band"))
    ward = bands.filter((pl.col("ward") == "E05990001") & pl.col("age_band").is_in(list(ESP_2013)))
    expected = dsr_ci(
        ward["numerator"].to_list(),
        populations=ward["denominator"].to_list(),
        standard_populations=[ESP_2013[band] for band in ward["age_band"]],
        multiplier=1000,
    )
    row = frame.filter(pl.col("ward_code") == "E05990001").row(0, named=True)
    assert (row["standardised"], row["standardised_lower_95"], row["standardised_upper_95"]) == pytest.approx(
        (expected.value, expected.lower, expected.upper)
    )
    unknown = bands.filter((pl.col("ward") == "E05990001") & (pl.col("age_band") == "unknown"))["numerator"].sum()
    assert row["events_of_unknown_age"] == unknown
    assert frame.height == 31 and frame["ward_code"][0] == "district"


def test_wards_are_compared_on_the_standardised_rate_and_greystone_park_stands_out(sample_warehouse):
    frame = standardised_by_ward(sample_warehouse, get("prevalence_incidents_per_1000"), PERIOD)
    flagged = frame.filter(~pl.col("comparison").is_in(["similar", "not_compared"]))
    assert flagged["ward_name"].to_list() == ["Greystone Park"]
    assert frame["overdispersion"][0].startswith("the 30 wards vary more than chance allows")


def test_protected_audiences_get_rates_from_protected_counts(sample_warehouse):
    frame = standardised_by_ward(sample_warehouse, get("prevalence_incidents_per_1000"), PERIOD, rule=DisclosureRule(7, 5))
    assert frame["events"].is_null().all() and frame["crude"].is_null().all()  # on the page already, from `compute`
    hidden = frame.filter(pl.col("value_suppressed"))
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
