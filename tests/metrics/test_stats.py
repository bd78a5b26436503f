"""Confidence intervals against PHEindicatormethods golden values, hand arithmetic and scipy."""

import math

import pytest
from scipy import stats as scipy_stats

from metrics.stats import (
    Interval,
    StatisticsInputError,
    byars_limits,
    dsr_ci,
    exact_poisson_limits,
    rate_ci,
    wilson_ci,
    z_for,
)

GOLDEN = 1e-9


def test_z_comes_from_the_inverse_normal():
    assert z_for(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_for(0.998) == pytest.approx(3.090232, abs=1e-6)


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (65, (50.163187710459454, 82.849138545939837)),
        (1045, (982.59320180733255, 1110.3312129856499)),
    ],
)
def test_byars_limits_match_phe_golden_values(count, expected):
    assert byars_limits(count, 0.95) == pytest.approx(expected, rel=GOLDEN)


def test_wilson_matches_phe_golden_value():
    interval = wilson_ci(65, 100, multiplier=1)
    assert (interval.lower, interval.upper) == pytest.approx((0.55254443296887967, 0.73635751756902468), rel=GOLDEN)
    assert interval.value == pytest.approx(0.65)
    assert interval.method == "wilson"


def test_rate_below_ten_events_uses_exact_limits():
    interval = rate_ci(1, 100, multiplier=100)
    assert interval.method == "exact"
    assert (interval.lower, interval.upper) == pytest.approx((0.025317807984289897, 5.571643390938898), rel=GOLDEN)
    assert interval.value == pytest.approx(1.0)


def test_rate_from_ten_events_uses_byars_limits():
    interval = rate_ci(20, 100, multiplier=100)
    assert interval.method == "byars"
    assert (interval.lower, interval.upper) == pytest.approx((12.211428834875937, 30.889880369197066), rel=GOLDEN)


def test_method_switches_exactly_at_ten_events():
    assert rate_ci(9, 1000).method == "exact"
    assert rate_ci(10, 1000).method == "byars"


def test_zero_events_have_a_zero_lower_limit():
    interval = rate_ci(0, 7000)
    assert interval.lower == 0
    # exact upper limit for 0 events is -ln(0.025) = 3.6889 events, per 1,000 of 7,000 people
    assert interval.upper == pytest.approx(-math.log(0.025) / 7000 * 1000, rel=GOLDEN)
    assert byars_limits(0, 0.95)[0] == 0
    assert wilson_ci(0, 50).lower == pytest.approx(0, abs=1e-12)


def test_rate_carries_its_count_denominator_and_confidence():
    interval = rate_ci(30, 7000, multiplier=1000, confidence=0.998)
    assert isinstance(interval, Interval)
    assert (interval.count, interval.denominator, interval.confidence) == (30, 7000, 0.998)
    assert interval.is_shown


def test_exact_limits_at_998_agree_with_scipy_gamma():
    # chi2.ppf(q, 2x)/2 is the gamma(x) quantile: an independent route to the same exact limits.
    for count in (1, 4, 9):
        lower, upper = exact_poisson_limits(count, 0.998)
        assert lower == pytest.approx(scipy_stats.gamma.ppf(0.001, count), rel=GOLDEN)
        assert upper == pytest.approx(scipy_stats.gamma.ppf(0.999, count + 1), rel=GOLDEN)


def test_byars_limits_at_998_follow_the_formula_and_approach_exact_limits():
    z = scipy_stats.norm.isf(0.001)
    count = 65
    expected_lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    expected_upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * math.sqrt(count + 1))) ** 3
    lower, upper = byars_limits(count, 0.998)
    assert (lower, upper) == pytest.approx((expected_lower, expected_upper), rel=GOLDEN)
    # Byar's is an approximation to the exact limits, close at 65 events
    assert (lower, upper) == pytest.approx(exact_poisson_limits(count, 0.998), rel=2e-3)


def test_wilson_at_998_agrees_with_scipy_binomtest():
    expected = scipy_stats.binomtest(65, 100).proportion_ci(confidence_level=0.998, method="wilson")
    interval = wilson_ci(65, 100, confidence=0.998, multiplier=1)
    assert (interval.lower, interval.upper) == pytest.approx((expected.low, expected.high), rel=GOLDEN)


def test_wilson_defaults_to_a_percentage():
    interval = wilson_ci(65, 100)
    assert interval.value == pytest.approx(65)
    assert interval.lower == pytest.approx(55.254443296887967, rel=GOLDEN)


def test_dobson_by_hand():
    # Two age bands: 20 events in 1,000 people and 30 events in 2,000; standard weights 1,000 each.
    # DSR = (1000 * 20/1000 + 1000 * 30/2000) / 2000 * 1000 = (20 + 15) / 2 = 17.5 per 1,000.
    # var(DSR) = (1000^2 * 20/1000^2 + 1000^2 * 30/2000^2) / 2000^2 * 1000^2 = 20 + 7.5 = 27.5 / 4 = 6.875
    # O = 50 events; sqrt(var / O) = sqrt(0.1375) = 0.37080992435478316
    # Byar's limits on 50 events at 95% (z = 1.959963984540054):
    #   lower = 50 * (1 - 1/450 - z / (3 sqrt 50))^3 = 37.10810040903417
    #   upper = 51 * (1 - 1/459 + z / (3 sqrt 51))^3 = 65.92015669395772
    # lower DSR = 17.5 + 0.37080992435 * (37.10810040903 - 50) = 12.719555687884...
    # upper DSR = 17.5 + 0.37080992435 * (65.92015669396 - 50) = 23.403352099402...
    interval = dsr_ci([20, 30], populations=[1000, 2000], standard_populations=[1000, 1000], multiplier=1000)
    assert interval.method == "dobson"
    assert interval.value == pytest.approx(17.5, rel=GOLDEN)
    per_event = math.sqrt(6.875 / 50)
    assert per_event == pytest.approx(0.37080992435478316, rel=GOLDEN)
    assert interval.lower == pytest.approx(17.5 + per_event * (37.10810040903417 - 50), rel=GOLDEN)
    assert interval.upper == pytest.approx(17.5 + per_event * (65.92015669395772 - 50), rel=GOLDEN)
    assert (interval.lower, interval.upper) == pytest.approx((12.719555687884, 23.403352099402), rel=1e-11)
    assert interval.count == 50


def test_dobson_is_not_shown_below_ten_events():
    interval = dsr_ci([4, 5], populations=[1000, 2000], standard_populations=[1000, 1000])
    assert not interval.is_shown
    assert (interval.value, interval.lower, interval.upper) == (None, None, None)
    assert interval.method == "dobson"
    assert "fewer than 10" in interval.note


@pytest.mark.parametrize(
    "call",
    [
        lambda: rate_ci(-1, 100),
        lambda: rate_ci(5, 0),
        lambda: rate_ci(5, 100, confidence=95),
        lambda: wilson_ci(11, 10),
        lambda: wilson_ci(1, 0),
        lambda: z_for(1.0),
        lambda: byars_limits(float("nan"), 0.95),
        lambda: dsr_ci([1, 2], populations=[10], standard_populations=[1, 1]),
        lambda: dsr_ci([10, 2], populations=[10, 0], standard_populations=[1, 1]),
        lambda: dsr_ci([10, 2], populations=[10, 10], standard_populations=[0, 0]),
    ],
)
def test_impossible_inputs_raise_a_named_error(call):
    with pytest.raises(StatisticsInputError):
        call()
