"""The recent-trend marker: each branch, on literal data with the arithmetic shown."""

import pytest
from scipy import stats as scipy_stats

from metrics.stats import z_for
from metrics.trend import (
    CRITICAL_CHI_SQUARE,
    PeriodLabelError,
    TrendInputError,
    TrendMarker,
    TrendPoint,
    parse_period,
    proportion_trend,
    rate_trend,
)

YEARS = ["2018", "2019", "2020", "2021", "2022"]


def series(numerators, denominator, periods=YEARS):
    return [TrendPoint(period, numerator, denominator) for period, numerator in zip(periods, numerators, strict=True)]


def test_the_critical_value_is_the_998_point_of_chi_square_on_one_degree_of_freedom():
    computed = scipy_stats.chi2.ppf(0.998, df=1)
    assert computed == pytest.approx(9.5495, abs=5e-5)
    assert pytest.approx(computed, rel=1e-12) == CRITICAL_CHI_SQUARE
    assert pytest.approx(z_for(0.998) ** 2, rel=1e-9) == CRITICAL_CHI_SQUARE


def test_increasing_proportion():
    # 100, 120, 140, 160, 180 of 1,000 a year; years centred on 2020: -2..2.
    # T = 100(-2) + 120(-1) + 160(1) + 180(2) = 200; Sxx = 1000 * (4+1+0+1+4) = 10,000
    # pbar = 700 / 5,000 = 0.14; chi-square = 200^2 / (0.14 * 0.86 * 10,000) = 40,000 / 1,204 = 33.22
    result = proportion_trend(series([100, 120, 140, 160, 180], 1000))
    assert result.marker is TrendMarker.INCREASING
    assert result.chi_square == pytest.approx(40_000 / 1_204)
    assert result.slope == pytest.approx(0.02)  # two percentage points a year
    assert result.n_points == 5
    assert result.reason is None
    assert "Cochran-Armitage" in result.method


def test_decreasing_rate():
    # 200, 180, 160, 140, 120 events in 10,000 people a year.
    # T = 200(-2) + 180(-1) + 140(1) + 120(2) = -200; Sxx = 10,000 * 10 = 100,000; R = 800; N = 50,000
    # chi-square = T^2 N / (R Sxx) = 40,000 * 50,000 / (800 * 100,000) = 25
    result = rate_trend(series([200, 180, 160, 140, 120], 10_000))
    assert result.marker is TrendMarker.DECREASING
    assert result.chi_square == pytest.approx(25)
    assert result.slope == pytest.approx(-0.002)  # 2 per 1,000 fewer each year
    assert "Poisson" in result.method


def test_a_rise_that_is_not_significant():
    # 10, 12, 15, 18, 25 per 1,000: T = -20 - 12 + 18 + 50 = 36; chi-square = 36^2 * 5,000 / (80 * 10,000) = 8.1
    result = rate_trend(series([10, 12, 15, 18, 25], 1000, ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23"]))
    assert result.marker is TrendMarker.NO_SIGNIFICANT_CHANGE
    assert result.chi_square == pytest.approx(8.1)
    assert "not above 9.5495" in result.reason


def test_a_flat_series_shows_no_significant_change():
    result = proportion_trend(series([100, 102, 98, 101, 99], 1000))
    assert result.marker is TrendMarker.NO_SIGNIFICANT_CHANGE
    assert result.chi_square == pytest.approx(0.01)


def test_one_odd_year_cannot_make_a_trend():
    # 120, 100, 100, 100, 300: T = -240 - 100 + 100 + 600 = 360, chi-square = 360^2 / (0.144 * 0.856 * 10,000)
    # = 105.1, but leaving out 2022 gives T = 120(-1.5) + 100(-0.5) + 100(0.5) + 100(1.5) = -30: falling.
    result = proportion_trend(series([120, 100, 100, 100, 300], 1000))
    assert result.chi_square == pytest.approx(129_600 / 1_232.64)
    assert result.chi_square > CRITICAL_CHI_SQUARE
    assert result.marker is TrendMarker.NO_SIGNIFICANT_CHANGE
    assert "left out" in result.reason


def test_a_direction_that_vanishes_when_a_point_is_left_out_is_unstable():
    # without 2022 the four points are level (T = 0)
    result = proportion_trend(series([100, 100, 100, 100, 300], 1000))
    assert result.marker is TrendMarker.NO_SIGNIFICANT_CHANGE
    assert "left out" in result.reason


def test_only_the_five_most_recent_points_count_by_default():
    # a big fall before 2018, then a steady rise
    points = series([500, 400, 100, 120, 140, 160, 180], 1000, ["2016", "2017", *YEARS])
    assert proportion_trend(points).marker is TrendMarker.INCREASING
    assert proportion_trend(points).n_points == 5
    everything = proportion_trend(points, recent_points=None)
    assert everything.n_points == 7
    assert everything.marker is not TrendMarker.INCREASING


def test_a_year_may_be_given_as_a_number():
    result = proportion_trend(series([100, 120, 140, 160, 180], 1000, [2018, 2019, 2020, 2021, 2022]))
    assert result.marker is TrendMarker.INCREASING


def test_points_are_ordered_by_period_not_by_position():
    points = series([100, 120, 140, 160, 180], 1000)
    assert proportion_trend(list(reversed(points))) == proportion_trend(points)


def test_gaps_between_years_are_kept():
    # same counts, but 2018 moved back to 2015: still rising, with a smaller slope per year
    gapped = proportion_trend(series([100, 120, 140, 160, 180], 1000, ["2015", "2019", "2020", "2021", "2022"]))
    assert gapped.marker is TrendMarker.INCREASING
    assert gapped.slope < 0.02


@pytest.mark.parametrize(
    ("points", "reason"),
    [
        (series([1, 2, 3, 4], 100, YEARS[:4]), "at least 5"),
        (series([1, 2, 3, 4, 5], 100, ["2018", "2019", "2019/20", "2020", "2021"]), "overlap"),
        (series([1, 2, 3, 4, 5], 100, ["2018", "2019", "2019", "2020", "2021"]), "overlap"),
        (series([1, 2, 3, 4, 5], 100, ["2014 - 16", "2015 - 17", "2016 - 18", "2017 - 19", "2018 - 20"]), "annual"),
        (series([1, 2, 3, 4, 5], 100, ["Q1", "Q2", "Q3", "Q4", "Q5"]), "not a year"),
        ([*series([1, 2, 3, 4], 100, YEARS[:4]), TrendPoint("2022", 0, 0)], "zero denominator"),
        (series([0, 0, 0, 0, 0], 100), "no variation"),
    ],
)
def test_cannot_be_calculated_with_the_reason(points, reason):
    for trend in (proportion_trend, rate_trend):
        result = trend(points)
        assert result.marker is TrendMarker.CANNOT_BE_CALCULATED
        assert reason in result.reason
        assert result.chi_square is None


def test_a_proportion_that_is_always_everyone_cannot_be_tested():
    result = proportion_trend(series([100] * 5, 100))
    assert result.marker is TrendMarker.CANNOT_BE_CALCULATED


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2019", (2019, 1), (2020, 1)),
        ("2019/20", (2019, 4), (2020, 4)),
        ("2019-20", (2019, 4), (2020, 4)),
        ("2019/2020", (2019, 4), (2020, 4)),
        ("1999/00", (1999, 4), (2000, 4)),
        ("2017 - 19", (2017, 1), (2020, 1)),
    ],
)
def test_period_labels(label, start, end):
    period = parse_period(label)
    assert (period.start_month, period.end_month) == (12 * start[0] + start[1] - 1, 12 * end[0] + end[1] - 1)
    assert period.is_annual == (label != "2017 - 19")


@pytest.mark.parametrize("label", ["2020/19", "Q3 2019", ""])
def test_labels_that_name_no_year_raise(label):
    with pytest.raises(PeriodLabelError):
        parse_period(label)


def test_impossible_points_raise():
    with pytest.raises(TrendInputError):
        proportion_trend(series([1, 2, 300, 4, 5], 100))
    with pytest.raises(TrendInputError):
        rate_trend(series([1, 2, -3, 4, 5], 100))


def test_years_that_scatter_beyond_chance_are_allowed_for_as_overdispersion():
    # 100, 140, 110, 160, 150 per 1,000: T = -200 - 140 + 0 + 160 + 300 = 120, pbar = 0.132, chi-square
    # = 120^2 / (0.132 x 10,000) = 10.91, above 9.5495 and stable when each point is left out. The line
    # 132 + 12 (x - 2) leaves residuals -8, 20, -22, 16, -6: X^2 = 1,240 / 132 = 9.394 on 3 df, so
    # dispersion 3.131 and the adjusted chi-square 10.91 / 3.131 = 3.48: no significant change.
    result = rate_trend(series([100, 140, 110, 160, 150], 1000))
    assert result.chi_square == pytest.approx(14_400 / 1_320)
    assert result.dispersion == pytest.approx(1_240 / 132 / 3)
    assert result.marker is TrendMarker.NO_SIGNIFICANT_CHANGE
    assert "dispersion 3.1" in result.reason


def test_points_on_a_line_are_not_overdispersed():
    result = rate_trend(series([100, 120, 140, 160, 180], 1000))
    assert result.dispersion == pytest.approx(0.0, abs=1e-9)
    assert result.marker is TrendMarker.INCREASING
