"""The points of a target's trajectory chart, as plain rows: its annual values with their intervals, the latest
12 months, the baseline, the straight path to the target, the milestones, the target and the forecast."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl

from metrics import periods
from metrics.targets.assessment import Assessment
from metrics.targets.reading import HISTORY_YEARS
from metrics.targets.sources import NotComputable, ValueSource
from metrics.targets.trajectory import BaselinePeriodError, baseline_period_end
from metrics.targets.wording import as_day

# Roles of the points in a trajectory chart's series.
ANNUAL, LATEST, BASELINE, TRAJECTORY, MILESTONE, TARGET, FORECAST = (
    "annual value",
    "latest 12 months",
    "baseline",
    "trajectory",
    "milestone",
    "target",
    "forecast",
)
SERIES_SCHEMA = {
    "target_id": pl.String,
    "role": pl.String,
    "label": pl.String,
    "on": pl.Date,
    "value": pl.Float64,
    "lower_95": pl.Float64,
    "upper_95": pl.Float64,
    "status": pl.String,
}


def chart_points(assessment: Assessment, source: ValueSource) -> list[dict[str, Any]]:
    """The points of one target's trajectory chart: its annual values with their intervals, the latest
    12 months, the baseline, the straight path to the target, the milestones, the target and the forecast."""
    target = assessment.target

    def point(
        role: str,
        label: str,
        on: date,
        value: float | None,
        lower: float | None = None,
        upper: float | None = None,
        status: str | None = None,
    ) -> dict[str, Any]:
        return {
            "target_id": target.id,
            "role": role,
            "label": label,
            "on": on,
            "value": value,
            "lower_95": lower,
            "upper_95": upper,
            "status": status,
        }

    points = [
        point(ANNUAL, year.label, year.end, value, lower, upper, "shown" if value is not None else "not shown")
        for year, value, lower, upper in annual_values(assessment, source)
    ]
    current = assessment.current
    if current is not None and current.is_shown:
        points.append(
            point(
                LATEST,
                current.period.label,
                current.period.end,
                current.value,
                current.lower_95,
                current.upper_95,
                assessment.progress.value,
            )
        )
    start = _baseline_end(assessment)
    if start is not None:
        points.append(point(BASELINE, f"baseline {target.baseline_period}", start, target.baseline_value))
        if target.target_value is not None and target.target_date is not None:
            points += [
                point(TRAJECTORY, "path from the baseline", start, target.baseline_value),
                point(TRAJECTORY, "path reaches the target", target.target_date, target.target_value),
            ]
    points += [
        point(MILESTONE, f"milestone {number}", result.milestone.by, result.milestone.value, status=result.status.value)
        for number, result in enumerate(assessment.milestones, start=1)
        if result.milestone.by is not None and result.milestone.value is not None
    ]
    if target.target_value is not None and target.target_date is not None:
        points.append(point(TARGET, "target", target.target_date, target.target_value, status=assessment.status.value))
    forecast = assessment.forecast
    shown_years = [p for p in points if p["role"] == ANNUAL and p["value"] is not None]
    if forecast is not None and shown_years:
        last = shown_years[-1]["on"]
        fitted = forecast.value - forecast.slope_per_year * (forecast.at - last).days / 365.25
        points += [
            point(FORECAST, "recent trend", last, fitted),
            point(
                FORECAST,
                f"trend at {as_day(forecast.at)}",
                forecast.at,
                forecast.value,
                forecast.lower_95,
                forecast.upper_95,
                forecast.outlook.value,
            ),
        ]
    return points


def annual_values(
    assessment: Assessment, source: ValueSource
) -> list[tuple[periods.Period, float | None, float | None, float | None]]:
    """The indicator's complete financial years up to the assessment date (oldest first), hidden ones as None.

    The same years the assessment reads, so a `WarehouseValues` source answers from what it already holds.
    """
    indicator, target = assessment.indicator, assessment.target
    if indicator is None or any(dimension not in indicator.dimensions for dimension in target.cut.dimensions()):
        return []
    try:
        coverage = source.coverage(indicator.id)
    except NotComputable:
        return []
    if coverage is None:
        return []
    last_day = min(coverage.last_day, assessment.as_of.replace(day=1) - timedelta(days=1))
    last_year = periods.financial_year_of(last_day)
    years = [periods.financial_year(year) for year in range(last_year - HISTORY_YEARS, last_year + 1)]
    values = []
    for year in years:
        if not (coverage.first_day <= year.start and year.end <= periods.month_end(last_day)):
            continue
        try:
            measured = source.measure(indicator.id, target.cut, year)
        except NotComputable:
            return []
        shown = measured.is_shown
        values.append(
            (year, measured.value if shown else None, measured.lower_95 if shown else None, measured.upper_95 if shown else None)
        )
    return values


def _baseline_end(assessment: Assessment) -> date | None:
    baseline = assessment.target.baseline
    if baseline is None or baseline.value is None or not baseline.period:
        return None
    try:
        return baseline_period_end(baseline.period)
    except BaselinePeriodError:
        return None
