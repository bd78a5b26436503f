"""Spiegelhalter's overdispersion adjustment, worked by hand on small sets of units."""

from __future__ import annotations

import numpy as np
import pytest

from metrics import overdispersion
from metrics.funnel import rate_funnel, widened_for_overdispersion
from metrics.overdispersion import Adjustment

SIZES = [1000] * 10  # target 0.1 a person: each unit's standard error at the target is sqrt(0.1 / 1000) = 0.01


def test_units_within_chance_are_not_adjusted():
    # z = -3, -1, 0, 1, 3 and five 0s; winsorised at the 10th and 90th percentiles (-1.2, 1.2):
    # phi = (1.44 + 1 + 1 + 1.44) / 10 = 0.488, and 10 x 0.488 is far below chi-square(9)'s 95% point 16.92
    dispersion = overdispersion.estimate([70, 90, 100, 110, 130, 100, 100, 100, 100, 100], SIZES, target=0.1, proportion=False)
    assert dispersion.phi == pytest.approx(0.488)
    assert dispersion.adjustment is Adjustment.NONE
    assert dispersion.standard_error(0.01) == pytest.approx(0.01)


def test_overdispersed_units_get_the_additive_adjustment():
    # z = +/-5 for every unit: phi = 25; tau^2 = (10 x 25 - 9) / (100,000 - 10^9 / 100,000) = 241 / 90,000
    dispersion = overdispersion.estimate([50, 150] * 5, SIZES, target=0.1, proportion=False)
    assert dispersion.phi == pytest.approx(25)
    assert dispersion.adjustment is Adjustment.ADDITIVE
    assert dispersion.tau2 == pytest.approx(241 / 90_000)
    assert float(dispersion.standard_error(0.01)) == pytest.approx(np.sqrt(1e-4 + 241 / 90_000))
    multiplicative = overdispersion.estimate([50, 150] * 5, SIZES, target=0.1, proportion=False, additive=False)
    assert float(multiplicative.standard_error(0.01)) == pytest.approx(0.05)


def test_a_proportion_uses_the_binomial_standard_error():
    # p0 = 0.5, n = 100: s = 0.05; 0.3 and 0.7 are z = -4 and +4 (phi 16 over 10 units, 160 > 16.92)
    dispersion = overdispersion.estimate([30, 70] * 5, [100] * 10, target=0.5, proportion=True)
    assert dispersion.phi == pytest.approx(16)
    assert dispersion.is_overdispersed


def test_too_few_units_or_no_events_cannot_show_overdispersion():
    assert overdispersion.estimate([1, 50], [100, 100], target=0.2, proportion=False).adjustment is Adjustment.NONE
    # one ward far off among three would set the spread by itself: fewer than ten units are not adjusted
    assert overdispersion.estimate([12, 34, 34], [40, 40, 40], target=0.67, proportion=True).adjustment is Adjustment.NONE
    assert overdispersion.estimate([0, 0, 0], [100, 100, 100], target=0.0, proportion=False).adjustment is Adjustment.NONE


def test_widened_funnel_limits_and_their_words():
    limits = rate_funnel([1000.0], district_count=1000, district_denominator=10_000, multiplier=1000)
    dispersion = overdispersion.estimate([50, 150] * 5, SIZES, target=0.1, proportion=False)
    widened = widened_for_overdispersion(limits, dispersion, proportion=False)
    spread = np.sqrt(1e-4 + 241 / 90_000)
    assert widened.upper998[0] == pytest.approx((0.1 + 3.090232306 * spread) * 1000)
    assert widened.lower95[0] == pytest.approx(max(0.1 - 1.959963985 * spread, 0) * 1000)
    assert "overdispersion" in widened.method and "dispersion 25.0" in widened.overdispersion
    calm = overdispersion.estimate([100] * 10, SIZES, target=0.1, proportion=False)
    assert widened_for_overdispersion(limits, calm, proportion=False) is limits


def test_chance_flags_and_the_sentence():
    assert overdispersion.chance_flags(1089, 0.998) == pytest.approx(2.178)
    assert overdispersion.comparisons_sentence(30, 2, 1) == (
        "This view makes 30 comparisons. Chance alone would put about 1.5 beyond the 95% limits and 0.06 beyond "
        "the 99.8% limits; 2 are beyond 95% and 1 beyond 99.8%."
    )


def test_wards_on_the_sample_are_overdispersed_and_only_greystone_park_stays_out(sample_warehouse):
    import polars as pl

    from metrics.compute import Filters, compute
    from metrics.disclosure import DisclosureRule

    wards = compute(
        sample_warehouse, "prevalence_incidents_per_1000", Filters(by="ward"), rule=DisclosureRule(7, 5), with_trend=False
    )
    beyond_998 = wards.filter(pl.col("comparison").str.ends_with("_998"))["cut_label"].to_list()
    assert beyond_998 == ["Greystone Park"]
    assert wards.filter(pl.col("comparison") != "similar").height <= 5  # a handful, where 19 were beyond 99.8% before
    assert all("widened" in text for text in wards["comparison_text"])


def test_comparisons_are_counted_once_for_a_page_from_its_result_frames():
    import polars as pl

    wards = pl.DataFrame({"comparison": ["similar", "higher", "higher_998", "not_compared", None]})
    tiles = pl.DataFrame({"comparison": ["worse", "similar"]})
    no_judgement = pl.DataFrame({"value": [1.0]})
    counted = overdispersion.count_comparisons(wards, tiles, no_judgement, pl.DataFrame())
    assert counted == overdispersion.ComparisonCount(comparisons=5, flagged_95=3, flagged_998=1)
    assert counted.chance_flags(0.998) == pytest.approx(0.01)
    assert counted.sentence() == (
        "This page makes 5 comparisons. Chance alone would put about 0.3 beyond the 95% "
        "limits and 0.01 beyond the 99.8% limits; 3 are beyond 95% and 1 beyond 99.8%."
    )
    assert overdispersion.count_comparisons().sentence() == "No comparisons are made on this page."


def test_one_ward_picked_by_the_filters_is_judged_as_in_the_result_by_ward(sample_warehouse):
    """The ward tile (a ward filter) and the ward funnel (by ward) say the same of a ward: both widen the limits for
    the wards' overdispersion, which one ward alone cannot show."""
    from metrics.aggregate import GroupFilters
    from metrics.compute import Filters, compute
    from metrics.disclosure import DisclosureRule
    from metrics.periods import quarter

    rule, period = DisclosureRule(7, 5), quarter(2026, 3)
    # overdispersed across wards in the sample's 2026 Q3 (a rate, a ratio, a rate of people), and not (a proportion)
    for indicator_id, widened in (
        ("prevalence_incidents_per_1000", True),
        ("hidden_need_reporting_ratio", True),
        ("people_reached_per_1000", True),
        ("school_notified_next_day_pct", False),
    ):
        wards = compute(sample_warehouse, indicator_id, Filters(period, "ward"), rule=rule, with_trend=False)
        assert any("widened" in text for text in wards["comparison_text"]) is widened
        compared = 0
        for ward in wards.iter_rows(named=True):
            alone = compute(
                sample_warehouse,
                indicator_id,
                Filters(period, groups=GroupFilters(ward_code=ward["cut_value"])),
                rule=rule,
                with_trend=False,
            ).row(0, named=True)
            if alone["value_suppressed"]:  # hidden as a second cell of the ward's quarters, so not compared at all
                continue
            compared += 1
            assert (alone["comparison"], alone["comparison_text"]) == (ward["comparison"], ward["comparison_text"]), ward[
                "cut_label"
            ]
        assert compared >= 20
