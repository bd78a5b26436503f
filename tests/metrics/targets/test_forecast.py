"""The forecast's prediction interval against the textbook formula for a straight-line fit."""

from __future__ import annotations

import math
from datetime import date

import pytest
from scipy import stats

from metrics.targets import AnnualPoint, Direction, ForecastInputError, Outlook, forecast_at

Z95 = 1.959963984540054


def test_equal_standard_errors_and_an_exact_line_give_the_textbook_prediction_interval():
    # Five years on an exact line, each with standard error 1 (limits value -/+ z): the fit leaves no
    # residual, so the scale stays at 1 and the interval is
    # t(0.975, 3) x sqrt(1 + 1/n + (x0 - mean x)^2 / Sxx), x in years before the forecast date.
    at = date(2028, 3, 31)
    ends = [date(year, 3, 31) for year in range(2022, 2027)]
    xs = [(end - at).days / 365.25 for end in ends]
    points = [
        AnnualPoint(end, 50.0 + 2.0 * x, 50.0 + 2.0 * x - Z95, 50.0 + 2.0 * x + Z95) for end, x in zip(ends, xs, strict=True)
    ]
    forecast = forecast_at(points, at, target=60.0, direction=Direction.HIGHER)
    mean = sum(xs) / len(xs)
    sxx = sum((x - mean) ** 2 for x in xs)
    half_width = stats.t.ppf(0.975, 3) * math.sqrt(1 + 1 / 5 + mean**2 / sxx)
    assert forecast.value == pytest.approx(50.0)
    assert forecast.lower_95 == pytest.approx(50.0 - half_width) and forecast.upper_95 == pytest.approx(50.0 + half_width)
    assert forecast.slope_per_year == pytest.approx(2.0)
    assert forecast.outlook is Outlook.LIKELY_MISSED  # the whole interval is below 60


def test_only_the_last_five_years_are_used_and_limits_stay_within_bounds():
    at = date(2028, 3, 31)
    points = [AnnualPoint(date(year, 3, 31), 99.0 + 0.4 * (year - 2015)) for year in range(2015, 2027)]
    forecast = forecast_at(points, at, target=90.0, direction=Direction.HIGHER, bounds=(0.0, 100.0))
    assert forecast.n_years == 5 and forecast.value == 100.0 and forecast.upper_95 == 100.0
    assert forecast.outlook is Outlook.LIKELY_MET


def test_fewer_than_three_years_cannot_be_forecast():
    with pytest.raises(ForecastInputError, match="at least 3"):
        forecast_at(
            [AnnualPoint(date(2025, 3, 31), 1.0), AnnualPoint(date(2026, 3, 31), 2.0)],
            date(2028, 3, 31),
            target=3.0,
            direction=Direction.HIGHER,
        )
