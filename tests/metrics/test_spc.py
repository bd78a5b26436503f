"""Golden tests for the XmR chart, its special-cause rules and icons, on small series worked by hand."""

from __future__ import annotations

import pytest

from metrics.spc import Assurance, Direction, Rule, SpcInputError, Variation, xmr

# 12 points alternating about 11.5; moving ranges 2,1,2,3 repeated: 21 over 11.
STEADY = [10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13]


def test_limits_of_a_steady_series_worked_by_hand():
    chart = xmr(STEADY)
    point = chart.points[0]
    mean_range = 21 / 11
    assert point.mean == pytest.approx(11.5)
    assert point.upper_limit == pytest.approx(11.5 + 2.66 * mean_range)  # 16.578182
    assert point.lower_limit == pytest.approx(11.5 - 2.66 * mean_range)  # 6.421818
    assert point.upper_two_sigma == pytest.approx(11.5 + 2 / 3 * 2.66 * mean_range)
    assert point.lower_two_sigma == pytest.approx(11.5 - 2 / 3 * 2.66 * mean_range)
    assert point.upper_limit == pytest.approx(16.5781818, abs=1e-6)
    assert all(p.rule is None for p in chart.points)
    assert chart.variation is Variation.COMMON_CAUSE


@pytest.mark.parametrize(
    ("target", "direction", "expected"),
    [
        (20, Direction.INCREASE, Assurance.FAILING),  # above the upper limit: never reached by chance
        (5, Direction.INCREASE, Assurance.PASSING),
        (12, Direction.INCREASE, Assurance.HIT_AND_MISS),
        (20, Direction.DECREASE, Assurance.PASSING),
        (5, Direction.DECREASE, Assurance.FAILING),
        (12, Direction.NEUTRAL, None),
        (None, Direction.INCREASE, None),
    ],
)
def test_assurance_icon_against_the_target(target, direction, expected):
    assert xmr(STEADY, direction=direction, target=target).assurance == expected


def test_a_point_beyond_the_upper_limit_is_concerning_when_lower_is_better():
    chart = xmr([*STEADY[:-1], 30], direction="decrease")
    # mean 155/12; moving ranges 19 from the first ten, then 19: 38/11
    assert chart.points[-1].upper_limit == pytest.approx(155 / 12 + 2.66 * 38 / 11)  # 22.105758
    assert [p.rule for p in chart.points] == [None] * 11 + [Rule.BEYOND_LIMIT]
    assert chart.variation is Variation.CONCERNING
    assert chart.special_cause_count == 1


def test_screening_leaves_the_outlying_moving_range_out():
    chart = xmr([*STEADY[:-1], 30], screen_outliers=True)
    # 19 > 3.267 x 38/11 = 11.29, so mean(MR) = 19/10
    assert chart.points[0].upper_limit == pytest.approx(155 / 12 + 2.66 * 1.9)


def test_a_shift_of_seven_points_above_the_mean():
    series = [10, 14, 10, 14, 10, 14, 13, 13, 13, 13, 13, 13, 13]
    chart = xmr(series, direction="increase")
    # mean 163/13 = 12.54; the 14 at position 5 and the seven 13s are 8 points above it
    assert chart.points[0].mean == pytest.approx(163 / 13)
    assert [p.rule for p in chart.points] == [None] * 5 + [Rule.SHIFT] * 8
    assert all(p.side == 1 for p in chart.points[5:])
    assert chart.variation is Variation.IMPROVING


def test_six_points_on_one_side_is_not_a_shift():
    series = [10, 14, 10, 14, 10, 14, 10, 13, 13, 13, 13, 13, 13]
    assert xmr(series).special_cause_count == 0


def test_a_trend_of_seven_rising_points():
    series = [8, 14, 8, 14, 8, 14, 9, 10, 11, 12, 13, 14, 15]
    chart = xmr(series, direction="decrease")
    # mean 150/13 = 11.54, mean(MR) 41/12: limits 2.45 to 20.63, nothing beyond them or two sigma
    assert chart.points[0].upper_limit == pytest.approx(150 / 13 + 2.66 * 41 / 12)
    assert [p.rule for p in chart.points] == [None] * 6 + [Rule.TREND] * 7
    assert chart.variation is Variation.CONCERNING


def test_six_rising_points_are_not_a_trend():
    series = [8, 14, 8, 14, 8, 14, 8, 16, 10, 11, 12, 13, 14, 15]  # 10 to 15: six rising points
    assert all(p.rule is not Rule.TREND for p in xmr(series).points)


def test_two_of_three_beyond_the_two_sigma_line():
    series = [10, 14] * 10 + [22, 13, 22]
    chart = xmr(series, direction="increase")
    # mean 297/23 = 12.91; mean(MR) = (19 x 4 + 8 + 9 + 9)/22 = 102/22; two sigma 21.135, limit 25.246
    first = chart.points[0]
    assert first.upper_two_sigma == pytest.approx(297 / 23 + 2 / 3 * 2.66 * 102 / 22)
    assert first.upper_two_sigma < 22 < first.upper_limit
    assert [p.rule for p in chart.points] == [None] * 20 + [Rule.TWO_OF_THREE, None, Rule.TWO_OF_THREE]
    assert chart.variation is Variation.IMPROVING


def test_one_of_three_beyond_two_sigma_is_common_cause():
    series = [10, 14] * 10 + [22, 13, 14]
    assert xmr(series).points[20].rule is None


def test_no_direction_gives_special_cause_neither():
    assert xmr([*STEADY[:-1], 30]).variation is Variation.NEITHER


def test_a_rebase_starts_new_limits():
    chart = xmr(STEADY + [value + 10 for value in STEADY], rebase_at=[12])
    assert chart.points[0].mean == pytest.approx(11.5)
    assert chart.points[12].mean == pytest.approx(21.5)
    assert chart.points[12].upper_limit - chart.points[12].mean == pytest.approx(2.66 * 21 / 11)
    assert chart.special_cause_count == 0


@pytest.mark.parametrize("values", [STEADY[:11], [1.0, float("nan")] * 6])
def test_too_short_or_not_finite_is_refused(values):
    with pytest.raises(SpcInputError):
        xmr(values)


def test_each_rebased_stretch_needs_twelve_points():
    with pytest.raises(SpcInputError, match="at least 12"):
        xmr(STEADY + STEADY[:5], rebase_at=[12])


def test_a_month_within_its_rounding_of_the_mean_is_on_neither_side():
    # counts rounded to 5: seven months published as 20 sit 0.75 above the mean of 19.25, within the 2.5 rounding
    # could have moved them, so they are no shift; seven months at 30 against a mean of 23 are one
    rounded = [20] * 7 + [15, 25, 15, 20, 15, 25, 20, 15, 20, 25, 15, 20, 15]
    assert {point.rule for point in xmr(rounded).points[:7]} == {Rule.SHIFT}
    assert all(point.rule is None for point in xmr(rounded, rounding=[2.5] * 20).points)
    shifted = [20, 15, 25, 15, 20, 15, 25, 20, 15, 20, 25, 15, 20] + [30] * 7
    assert {point.rule for point in xmr(shifted, rounding=[2.5] * 20).points[-7:]} == {Rule.SHIFT}
    with pytest.raises(SpcInputError):
        xmr(rounded, rounding=[2.5] * 19)
