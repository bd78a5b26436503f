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


def test_rounded_counts_carry_their_rounding_in_the_standard_error():
    # counts 5 and 15 of 100 against 0.1: s^2 = 0.1 / 100 = 0.001, and rounding to 5 adds (5^2 - 1) / 12 = 2 a count,
    # 2 / 100^2 = 0.0002: z = +/-0.05 / sqrt(0.0012), phi = 0.0025 / 0.0012 (2.5 had the rounding been ignored)
    rounded = overdispersion.estimate([5, 15] * 5, [100] * 10, target=0.1, proportion=False, rounded_to=5)
    assert rounded.phi == pytest.approx(0.0025 / 0.0012)
    assert overdispersion.estimate([5, 15] * 5, [100] * 10, target=0.1, proportion=False).phi == pytest.approx(2.5)
    # a proportion's rounded denominator adds target^2 x 2 / n^2 more: s^2 = 0.09 / 100 + (2 + 0.01 x 2) / 100^2
    proportion = overdispersion.estimate([5, 15] * 5, [100] * 10, target=0.1, proportion=True, rounded_to=5)
    assert proportion.phi == pytest.approx(0.0025 / (0.0009 + 2.02 / 10_000))


def test_a_hidden_count_is_read_as_the_middle_of_the_hidden_range():
    # a hidden count is 1 to 7: taken as 4 with variance (7^2 - 1) / 12 = 4; nine units at the target have z = 0
    counts = [None, *[10] * 9]
    kept = overdispersion.estimate(counts, [100] * 10, target=0.1, proportion=False, rounded_to=5, hidden_up_to=7)
    z_hidden = (0.04 - 0.1) / np.sqrt(0.001 + 4 / 100**2)
    winsorised = np.percentile([z_hidden, *[0.0] * 9], 10)  # the 10th percentile lies a tenth of the way to 0
    assert kept.units == 10
    assert kept.phi == pytest.approx(winsorised**2 / 10)
    assert overdispersion.estimate(counts, [100] * 10, target=0.1, proportion=False).units == 9  # left out


@pytest.mark.parametrize("proportion", [False, True])
def test_counts_as_published_do_not_pass_for_overdispersion(proportion):
    """Wards that vary by chance alone, their counts published by the rule (1 to 7 hidden, the rest rounded to 5):
    read for what they say, they are called overdispersed no more often than the test's 5%; with the hidden wards
    left out and the rounding ignored, the wards left (those with more events) were called so far more often."""
    rng = np.random.default_rng(20261206)
    replicates, read_as_published, hidden_left_out = 300, 0, 0
    for _ in range(replicates):
        sizes = rng.integers(15, 40, 30).astype(float) if proportion else np.full(30, 100.0)
        target = 0.7 if proportion else 0.08
        counts = rng.binomial(sizes.astype(int), target) if proportion else rng.poisson(sizes * target)
        published = [None if 1 <= count <= 7 else float(5 * np.floor(count / 5 + 0.5)) for count in counts]
        sizes_published = [float(5 * np.floor(size / 5 + 0.5)) for size in sizes] if proportion else list(sizes)
        read_as_published += overdispersion.estimate(
            published, sizes_published, target=target, proportion=proportion, rounded_to=5, hidden_up_to=7
        ).is_overdispersed
        hidden_left_out += overdispersion.estimate(
            published, sizes_published, target=target, proportion=proportion
        ).is_overdispersed
    assert read_as_published / replicates <= 0.08
    assert hidden_left_out / replicates >= 0.10


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
    # overdispersed across wards in the sample's 2026 Q3 (a rate, a rate of children), and not (a ratio, a proportion)
    for indicator_id, widened in (
        ("prevalence_incidents_per_1000", True),
        ("children_exposed_per_1000_children", True),
        ("hidden_need_reporting_ratio", False),
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
