"""Funnel limits checked by hand, and checked to agree with each ward's own confidence interval."""

import math

import numpy as np
import pytest

from metrics.funnel import (
    FunnelInputError,
    FunnelPosition,
    classify_proportions,
    classify_rates,
    curve_denominators,
    proportion_funnel,
    rate_funnel,
)
from metrics.stats import rate_ci, wilson_ci

TIGHT = 1e-9


def test_proportion_limits_by_hand():
    # District 30 of 100 = 0.3. At n = 50: sqrt(0.3 * 0.7 / 50) = 0.0648074069840786
    # 95%:   0.3 -/+ 1.959963984540054 * 0.0648074069840786 = 0.3 -/+ 0.1270201836... = 0.17298, 0.42702
    # 99.8%: 0.3 -/+ 3.090232306167813 * 0.0648074069840786 = 0.3 -/+ 0.2002699... = 0.09973, 0.50027
    # PHEindicatormethods' sigma_adjustment(0.975, 50, 0.3, side) gives 0.17297981637977633 and
    # 0.42702018362022365: the same limits by a longer formula.
    limits = proportion_funnel([50], district_numerator=30, district_denominator=100, multiplier=1)
    assert limits.centre == pytest.approx(0.3)
    assert limits.lower95[0] == pytest.approx(0.17297981637977633, rel=TIGHT)
    assert limits.upper95[0] == pytest.approx(0.42702018362022365, rel=TIGHT)
    assert limits.lower998[0] == pytest.approx(0.3 - 3.090232306167813 * 0.0648074069840786, rel=TIGHT)
    assert limits.upper998[0] == pytest.approx(0.3 + 3.090232306167813 * 0.0648074069840786, rel=TIGHT)
    assert "wilson" in limits.method


def test_proportion_limits_are_clipped_to_zero_and_one_hundred_percent():
    limits = proportion_funnel([7], district_numerator=90, district_denominator=100)
    # 0.9 + 1.96 * sqrt(0.09 / 7) = 1.122 would be above 100%
    assert limits.upper95[0] == 100
    assert limits.lower95[0] == pytest.approx(100 * (0.9 - 1.959963984540054 * math.sqrt(0.09 / 7)))


def test_rate_limits_by_hand_where_the_chi_square_is_exponential():
    # With 2 degrees of freedom chi2.ppf(q, 2) / 2 = -ln(1 - q), so:
    # - the exact upper limit of 0 events is -ln(0.025) = 3.68888 at 95%: where E equals it, the lower
    #   funnel limit is exactly 0 events;
    # - the exact lower limit of 1 event is -ln(0.975) = 0.0253178 at 95%: where E equals it, the upper
    #   funnel limit is exactly 1 event.
    district_rate = 20 / 10_000
    at_zero = -math.log(0.025) / district_rate
    at_one = -math.log(0.975) / district_rate
    limits = rate_funnel([at_zero, at_one], district_count=20, district_denominator=10_000, multiplier=1000)
    assert limits.centre == pytest.approx(2.0)
    assert limits.lower95[0] == pytest.approx(0, abs=1e-9)
    assert limits.upper95[1] == pytest.approx(1 / at_one * 1000, rel=1e-9)
    at_one_998 = -math.log(0.999) / district_rate
    limits998 = rate_funnel([at_one_998], district_count=20, district_denominator=10_000)
    assert limits998.upper998[0] == pytest.approx(1 / at_one_998 * 1000, rel=1e-9)


@pytest.mark.parametrize("kind", ["proportion", "rate"])
def test_limits_nest_and_narrow_as_denominators_grow(kind):
    sizes = curve_denominators(20, 50_000, points=100)
    if kind == "proportion":
        limits = proportion_funnel(sizes, district_numerator=300, district_denominator=1000)
    else:
        limits = rate_funnel(sizes, district_count=200, district_denominator=100_000)
    assert limits.lower95.shape == sizes.shape == (100,)
    assert np.all(limits.lower998 <= limits.lower95)
    assert np.all(limits.lower95 <= limits.centre)
    assert np.all(limits.centre <= limits.upper95)
    assert np.all(limits.upper95 <= limits.upper998)
    assert np.all(np.diff(limits.upper95) < 0)
    assert np.all(np.diff(limits.lower95) >= 0)


def test_curve_denominators_span_the_range_geometrically():
    sizes = curve_denominators(10, 1000, points=3)
    assert sizes == pytest.approx([10, 100, 1000])


def test_classifying_proportions():
    # District 0.3; at n = 50 the limits are 0.173..0.427 (95%) and 0.0997..0.500 (99.8%).
    positions = classify_proportions(
        [15, 22, 26, 8, 4, 0], [50, 50, 50, 50, 50, 0], district_numerator=300, district_denominator=1000
    )
    assert positions == [
        FunnelPosition.INSIDE,
        FunnelPosition.ABOVE_95,
        FunnelPosition.ABOVE_998,
        FunnelPosition.BELOW_95,
        FunnelPosition.BELOW_998,
        FunnelPosition.NOT_CLASSIFIED,
    ]


def test_classifying_rates_with_no_events():
    # District 2 per 1,000. No events is significantly low once E passes the exact upper limit of 0:
    # -ln(0.025) = 3.689 at 95% and -ln(0.001) = 6.908 at 99.8%.
    positions = classify_rates([0, 0, 0, 3], [1800, 1850, 3500, 0], district_count=200, district_denominator=100_000)
    assert positions == [
        FunnelPosition.INSIDE,  # E = 3.6
        FunnelPosition.BELOW_95,  # E = 3.7
        FunnelPosition.BELOW_998,  # E = 7.0
        FunnelPosition.NOT_CLASSIFIED,
    ]


def test_rate_classification_agrees_with_each_wards_exact_interval():
    district_count, district_denominator = 250, 100_000
    district_rate = district_count / district_denominator * 1000
    for denominator in (300, 1000, 2500, 4000):
        counts = np.arange(0, 10)  # the exact-limits range of rate_ci
        positions = classify_rates(
            counts, [denominator] * 10, district_count=district_count, district_denominator=district_denominator
        )
        for count, position in zip(counts, positions, strict=True):
            interval95 = rate_ci(int(count), denominator, multiplier=1000)
            interval998 = rate_ci(int(count), denominator, multiplier=1000, confidence=0.998)
            assert (position in {FunnelPosition.ABOVE_95, FunnelPosition.ABOVE_998}) == (interval95.lower > district_rate)
            assert (position in {FunnelPosition.BELOW_95, FunnelPosition.BELOW_998}) == (interval95.upper < district_rate)
            assert (position is FunnelPosition.ABOVE_998) == (interval998.lower > district_rate)
            assert (position is FunnelPosition.BELOW_998) == (interval998.upper < district_rate)


def test_proportion_classification_agrees_with_each_wards_wilson_interval():
    district = 0.3
    for denominator in (10, 37, 120):
        numerators = np.arange(0, denominator + 1)
        positions = classify_proportions(
            numerators, [denominator] * len(numerators), district_numerator=3, district_denominator=10
        )
        for numerator, position in zip(numerators, positions, strict=True):
            interval = wilson_ci(int(numerator), denominator, multiplier=1)
            outside = interval.lower > district + 1e-12 or interval.upper < district - 1e-12
            assert (position is not FunnelPosition.INSIDE) == outside


@pytest.mark.parametrize(
    "call",
    [
        lambda: proportion_funnel([0, 10], district_numerator=3, district_denominator=10),
        lambda: proportion_funnel([], district_numerator=3, district_denominator=10),
        lambda: proportion_funnel([10], district_numerator=11, district_denominator=10),
        lambda: rate_funnel([10], district_count=0, district_denominator=10),
        lambda: classify_proportions([5], [4], district_numerator=3, district_denominator=10),
        lambda: classify_rates([1, 2], [10], district_count=3, district_denominator=10),
        lambda: curve_denominators(0, 10),
    ],
)
def test_impossible_funnels_raise_a_named_error(call):
    with pytest.raises(FunnelInputError):
        call()
