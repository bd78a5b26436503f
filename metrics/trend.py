"""The Fingertips recent-trend marker: is an indicator rising or falling, beyond chance?

Method, for the most recent five annual points (all points when `recent_points` is None):
- score each point by the year it starts in (gaps between years are kept as gaps);
- proportions: the chi-square test for linear trend (Cochran-Armitage, as in Altman's Practical
  Statistics for Medical Research): T = sum r_i (x_i - xbar), xbar weighted by denominators,
  chi-square = T^2 / (pbar (1 - pbar) Sxx) with Sxx = sum n_i (x_i - xbar)^2;
- rates: the score test for the slope of a Poisson log-linear regression of events on year with the
  denominator as exposure: the same T, chi-square = T^2 N / (R Sxx);
- overdispersion, as in a quasi-Poisson (or quasi-binomial) test: the points' scatter about the fitted
  line, phi = X^2 / (k - 2) with X^2 = sum (r_i - n_i (pbar + slope (x_i - xbar)))^2 / V_i and V_i the
  null variance of point i; when phi > 1 the chi-square is divided by it before it is set against the
  critical value (Spiegelhalter 2005's point that units, and years, vary beyond chance applies to trends
  too); `chi_square` itself stays the unadjusted Fingertips statistic;
- significant when the (adjusted) chi-square exceeds the 99.8% point of chi-square on 1 df (9.5495), and
  the direction of T stays the same when each point is left out in turn (one odd year cannot make a trend).
`slope` is the weighted least-squares change per year in the ratio (numerator / denominator, before
any multiplier), T / Sxx, whose sign is the sign of T.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import stats

MINIMUM_POINTS = 5
TREND_CONFIDENCE = 0.998
CRITICAL_CHI_SQUARE = float(stats.chi2.ppf(TREND_CONFIDENCE, df=1))
METHOD_PROPORTION_TREND = "chi-square test for linear trend (Cochran-Armitage)"
METHOD_RATE_TREND = "chi-square score test for linear trend (Poisson log-linear)"

# "2019", "2019/20", "2019-20", "2019/2020", "2019 - 20"
_PERIOD_LABEL = re.compile(r"^\s*(\d{4})\s*(?:[/-]\s*(\d{2}|\d{4}))?\s*$")


class TrendInputError(ValueError):
    """Points that are not data at all: negative counts, or more cases than the denominator."""


class PeriodLabelError(ValueError):
    """A period label that names no year, such as 'Q3' or '2020/19'."""


class TrendMarker(StrEnum):
    INCREASING = "increasing"
    DECREASING = "decreasing"
    NO_SIGNIFICANT_CHANGE = "no significant change"
    CANNOT_BE_CALCULATED = "cannot be calculated"


@dataclass(frozen=True)
class TrendPoint:
    period: str | int
    numerator: float
    denominator: float


@dataclass(frozen=True)
class TrendResult:
    marker: TrendMarker
    reason: str | None
    chi_square: float | None
    slope: float | None
    n_points: int
    method: str
    dispersion: float | None = None  # phi of the points about the line; significance divides chi-square by it when above 1


@dataclass(frozen=True)
class AnnualPeriod:
    """A period label as months since year 0: [start_month, end_month)."""

    label: str
    start_month: int
    end_month: int

    @property
    def is_annual(self) -> bool:
        return self.end_month - self.start_month == 12


def parse_period(label: str | int) -> AnnualPeriod:
    """Read a calendar year ('2019'), a financial year ('2019/20', April to March) or a span ('2017 - 19').

    A pair of consecutive years is read as a financial year; longer spans are multi-year periods.
    """
    label = str(label)  # a bare year may arrive as a number
    match = _PERIOD_LABEL.match(label)
    if match is None:
        raise PeriodLabelError(f"period '{label}' is not a year or a financial year")
    first_year = int(match.group(1))
    if match.group(2) is None:
        return AnnualPeriod(label, 12 * first_year, 12 * first_year + 12)
    last_year = int(match.group(2))
    if len(match.group(2)) == 2:
        last_year += first_year // 100 * 100
        if last_year == first_year - 99:  # across a century, as in '1999/00'
            last_year += 100
    if last_year <= first_year:
        raise PeriodLabelError(f"period '{label}' ends before it starts")
    if last_year == first_year + 1:
        return AnnualPeriod(label, 12 * first_year + 3, 12 * last_year + 3)
    return AnnualPeriod(label, 12 * first_year, 12 * last_year + 12)


def proportion_trend(points: Sequence[TrendPoint], *, recent_points: int | None = MINIMUM_POINTS) -> TrendResult:
    """Trend marker for a proportion (numerator a subset of denominator)."""
    if any(point.numerator > point.denominator for point in points):
        raise TrendInputError("a numerator is larger than its denominator: not a proportion")
    return _trend(points, recent_points=recent_points, method=METHOD_PROPORTION_TREND)


def rate_trend(points: Sequence[TrendPoint], *, recent_points: int | None = MINIMUM_POINTS) -> TrendResult:
    """Trend marker for a rate (events over a population or other exposure)."""
    return _trend(points, recent_points=recent_points, method=METHOD_RATE_TREND)


def _trend(points: Sequence[TrendPoint], *, recent_points: int | None, method: str) -> TrendResult:
    if any(point.numerator < 0 or point.denominator < 0 for point in points):
        raise TrendInputError("numerators and denominators cannot be negative")

    def cannot(reason: str, n_points: int) -> TrendResult:
        return TrendResult(TrendMarker.CANNOT_BE_CALCULATED, reason, None, None, n_points, method)

    periods = []
    for point in points:
        try:
            period = parse_period(point.period)
        except PeriodLabelError as error:
            return cannot(str(error), len(points))
        if not period.is_annual:
            return cannot(f"period '{point.period}' is not a single year: points must be annual", len(points))
        periods.append(period)
    ordered = sorted(zip(periods, points, strict=True), key=lambda pair: pair[0].start_month)
    for (earlier, _), (later, _) in itertools.pairwise(ordered):
        if later.start_month < earlier.end_month:
            return cannot(f"periods '{earlier.label}' and '{later.label}' overlap", len(points))
    if recent_points is not None:
        ordered = ordered[-recent_points:]
    n_points = len(ordered)
    if n_points < MINIMUM_POINTS:
        return cannot(f"{n_points} annual points; at least {MINIMUM_POINTS} are needed", n_points)
    if any(point.denominator == 0 for _, point in ordered):
        return cannot("a period has a zero denominator", n_points)

    years = np.array([period.start_month / 12 for period, _ in ordered])
    numerators = np.array([point.numerator for _, point in ordered], dtype=float)
    denominators = np.array([point.denominator for _, point in ordered], dtype=float)
    score, spread, variance = _score(years, numerators, denominators, method=method)
    if variance <= 0:
        return cannot("no variation to test: no events, or every case in every period", n_points)
    slope = score / spread
    chi_square = score**2 / variance
    phi = dispersion(years, numerators, denominators, slope=slope, method=method)

    def no_change(reason: str) -> TrendResult:
        return TrendResult(TrendMarker.NO_SIGNIFICANT_CHANGE, reason, chi_square, slope, n_points, method, phi)

    if chi_square <= CRITICAL_CHI_SQUARE:
        return no_change(f"chi-square {chi_square:.2f} is not above {CRITICAL_CHI_SQUARE:.4f}")
    if not _direction_is_stable(years, numerators, denominators, method=method, direction=np.sign(score)):
        return no_change("the direction changes when one point is left out")
    if chi_square / max(phi, 1.0) <= CRITICAL_CHI_SQUARE:
        return no_change(
            f"chi-square {chi_square:.2f} is {chi_square / phi:.2f} once the years' scatter about the line "
            f"(dispersion {phi:.1f}) is allowed for, not above {CRITICAL_CHI_SQUARE:.4f}"
        )
    marker = TrendMarker.INCREASING if score > 0 else TrendMarker.DECREASING
    return TrendResult(marker, None, chi_square, slope, n_points, method, phi)


def dispersion(years: np.ndarray, numerators: np.ndarray, denominators: np.ndarray, *, slope: float, method: str) -> float:
    """Pearson X^2 of the points about the weighted straight line, over k - 2 degrees of freedom."""
    if len(years) <= 2:
        return 1.0
    overall = numerators.sum() / denominators.sum()
    mean_year = float(np.sum(denominators * years) / denominators.sum())
    expected = denominators * (overall + slope * (years - mean_year))
    null_variance = denominators * (overall * (1 - overall) if method == METHOD_PROPORTION_TREND else overall)
    if np.any(null_variance <= 0):
        return 1.0
    return float(np.sum((numerators - expected) ** 2 / null_variance) / (len(years) - 2))


def _score(years: np.ndarray, numerators: np.ndarray, denominators: np.ndarray, *, method: str) -> tuple[float, float, float]:
    """T, Sxx and the null variance of T."""
    total_denominator = denominators.sum()
    total_numerator = numerators.sum()
    mean_year = float(np.sum(denominators * years) / total_denominator)
    centred = years - mean_year
    score = float(np.sum(numerators * centred))
    spread = float(np.sum(denominators * centred**2))
    overall = total_numerator / total_denominator
    variance = overall * (1 - overall) * spread if method == METHOD_PROPORTION_TREND else overall * spread
    return score, spread, float(variance)


def _direction_is_stable(
    years: np.ndarray, numerators: np.ndarray, denominators: np.ndarray, *, method: str, direction: float
) -> bool:
    for left_out in range(len(years)):
        keep = np.arange(len(years)) != left_out
        score, _, _ = _score(years[keep], numerators[keep], denominators[keep], method=method)
        if np.sign(score) != direction:
            return False
    return True
