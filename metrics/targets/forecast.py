"""Where the recent trend leads by the target date: a straight line through the latest annual values.

Method: a weighted least-squares line through the annual values of the last five complete financial
years (at least three), each placed at its year's last day and weighted by the inverse of its
sampling variance (read off its 95% interval). The 95% prediction interval for the value at the
target date adds the spread of the points about the line to the uncertainty of the line itself:
scale phi = weighted residual sum of squares / (n - 2), never below 1, since the years cannot vary
less than sampling error alone makes them; the new year's own variance is taken as the latest
year's; limits use Student's t on n - 2 degrees of freedom. When any point lacks an interval the
line is fitted unweighted and phi is the residual variance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
from scipy import stats

from metrics.compare import TargetStatus, compare_to_target
from metrics.stats import z_for
from metrics.targets.trajectory import Direction

FORECAST_YEARS = 5
MINIMUM_YEARS = 3
METHOD_WEIGHTED = "weighted least squares on annual values (inverse-variance weights)"
METHOD_UNWEIGHTED = "least squares on annual values (no intervals to weight by)"


class ForecastInputError(ValueError):
    """Points that cannot be fitted: fewer than three, or two on the same day."""


class Outlook(StrEnum):
    LIKELY_MET = "likely to be met"
    LIKELY_MISSED = "likely to be missed"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class AnnualPoint:
    ends_on: date
    value: float
    lower_95: float | None = None
    upper_95: float | None = None


@dataclass(frozen=True)
class Forecast:
    at: date
    value: float
    lower_95: float
    upper_95: float
    slope_per_year: float
    n_years: int
    method: str
    outlook: Outlook

    def describe(self, target: float) -> str:
        return (
            f"the trend of the last {self.n_years} years ({self.slope_per_year:+.1f} a year) reaches "
            f"{self.value:.1f} (95% prediction interval {self.lower_95:.1f} to {self.upper_95:.1f}) by "
            f"{self.at.day} {self.at:%b %Y}: target {target:.1f} {self.outlook.value}"
        )


def forecast_at(
    points: Sequence[AnnualPoint],
    at: date,
    *,
    target: float,
    direction: Direction,
    bounds: tuple[float | None, float | None] = (None, None),
) -> Forecast:
    """The recent trend's value at `at` with its 95% prediction interval, and the outlook for the target."""
    recent = sorted(points, key=lambda point: point.ends_on)[-FORECAST_YEARS:]
    if len(recent) < MINIMUM_YEARS:
        raise ForecastInputError(f"{len(recent)} complete financial years; at least {MINIMUM_YEARS} are needed")
    if len({point.ends_on for point in recent}) < len(recent):
        raise ForecastInputError("two annual values end on the same day")
    years = np.array([(point.ends_on - at).days / 365.25 for point in recent])  # 0 at the forecast date
    values = np.array([point.value for point in recent])
    weighted = all(
        point.lower_95 is not None and point.upper_95 is not None and point.upper_95 > point.lower_95 for point in recent
    )
    if weighted:
        z = z_for(0.95)
        weights = np.array(
            [
                (2 * z / (point.upper_95 - point.lower_95)) ** 2
                for point in recent
                if point.upper_95 is not None and point.lower_95 is not None
            ]
        )
    else:
        weights = np.ones(len(recent))
    design = np.column_stack([np.ones(len(recent)), years])
    information = design.T @ (weights[:, None] * design)
    coefficients = np.linalg.solve(information, design.T @ (weights * values))
    residuals = values - design @ coefficients
    degrees = len(recent) - 2
    phi = float(np.sum(weights * residuals**2)) / degrees
    if weighted:
        phi = max(phi, 1.0)
    covariance = phi * np.linalg.inv(information)
    spread = math.sqrt(float(covariance[0, 0]) + phi / float(weights[-1]))
    half_width = float(stats.t.ppf(0.975, degrees)) * spread
    centre = float(coefficients[0])
    lower, upper = _clip(centre - half_width, bounds), _clip(centre + half_width, bounds)
    status = compare_to_target(lower95=lower, upper95=upper, target=target, polarity=direction.polarity)
    outlook = {TargetStatus.MET: Outlook.LIKELY_MET, TargetStatus.NOT_MET: Outlook.LIKELY_MISSED}.get(status, Outlook.UNCERTAIN)
    return Forecast(
        at,
        _clip(centre, bounds),
        lower,
        upper,
        float(coefficients[1]),
        len(recent),
        METHOD_WEIGHTED if weighted else METHOD_UNWEIGHTED,
        outlook,
    )


def _clip(value: float, bounds: tuple[float | None, float | None]) -> float:
    """Keep a forecast inside what the indicator can take (a percentage between 0 and 100)."""
    low, high = bounds
    if low is not None:
        value = max(value, low)
    if high is not None:
        value = min(value, high)
    return value
