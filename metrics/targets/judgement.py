"""Judging a target's figures: the current value against the target, against the straight path from the baseline
(the trajectory), each milestone due against its own 12 months, and the recent trend's forecast for the target date.

Each judgement follows Fingertips: only a whole 95% interval past a line counts as past it (metrics/targets/assessment.py
says which figures are judged).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from metrics import periods
from metrics.compare import TargetStatus, compare_to_target
from metrics.definitions import Indicator, Method
from metrics.targets.forecast import AnnualPoint, Forecast, ForecastInputError, forecast_at
from metrics.targets.model import Milestone, Target
from metrics.targets.sources import Coverage, Measurement, NotComputable, ValueSource, twelve_months_to
from metrics.targets.trajectory import (
    BaselinePeriodError,
    Direction,
    MilestoneStatus,
    TrackStatus,
    baseline_period_end,
    milestone_status,
    past_or_short,
    track_status,
    trajectory_value,
)


@dataclass(frozen=True)
class TrajectoryResult:
    status: TrackStatus
    expected: float | None  # the trajectory's value on `on`
    on: date | None
    reason: str


@dataclass(frozen=True)
class MilestoneResult:
    milestone: Milestone
    status: MilestoneStatus
    measured: Measurement | None
    reason: str


def target_status(
    current: Measurement, goal: float, direction: Direction, *, is_final: bool, by: date | None
) -> tuple[TargetStatus, str]:
    lower, upper = current.limits()
    status = compare_to_target(lower95=lower, upper95=upper, target=goal, polarity=direction.polarity)
    past, short = past_or_short(direction)
    interval = f"{current.value:.1f} in {current.period.label} ({_interval_words(current)})"
    whole = _whole_interval(current)
    explanation = {
        TargetStatus.MET: f"{whole} is {past} the target of {goal:.1f}",
        TargetStatus.NOT_MET: f"{whole} is {short} the target of {goal:.1f}",
        TargetStatus.WITHIN_UNCERTAINTY: f"the 95% interval takes in the target of {goal:.1f}",
    }[status]
    final = f"final, the target date {by.day} {by:%b %Y} has passed: " if is_final and by else ""
    return status, f"{final}{status.value}: {interval}; {explanation}"


def _whole_interval(measured: Measurement) -> str:
    return "the count" if measured.lower_95 is None and measured.upper_95 is None else "the whole 95% interval"


def _interval_words(measured: Measurement) -> str:
    if measured.lower_95 is None and measured.upper_95 is None:
        return "a count, with no interval: compared as it stands"
    return f"95% interval {measured.lower_95:.1f} to {measured.upper_95:.1f}"


def trajectory_result(target: Target, current: Measurement, direction: Direction, *, is_final: bool) -> TrajectoryResult:
    def none(reason: str) -> TrajectoryResult:
        return TrajectoryResult(TrackStatus.NOT_ASSESSED, None, None, f"no trajectory: {reason}")

    if is_final:
        return none("the target date has passed, so the target is assessed as final")
    if target.baseline_value is None or not target.baseline_period:
        return none("no baseline to start the path from")
    if target.target_date is None or target.target_value is None:
        return none("no target date to end the path at")
    try:
        start = baseline_period_end(target.baseline_period)
    except BaselinePeriodError as error:
        return none(str(error))
    on = current.period.end
    expected = trajectory_value(
        baseline=target.baseline_value, baseline_end=start, target=target.target_value, target_by=target.target_date, on=on
    )
    lower, upper = current.limits()
    status = track_status(lower, upper, expected, direction)
    past, short = past_or_short(direction)
    whole = (
        f"the count ({current.value:.1f})" if current.lower_95 is None else f"the whole 95% interval ({lower:.1f} to {upper:.1f})"
    )
    where = {
        TrackStatus.ON_TRACK: f"{whole} is {past}",
        TrackStatus.OFF_TRACK: f"{whole} is {short}",
        TrackStatus.WITHIN_UNCERTAINTY: f"the 95% interval ({lower:.1f} to {upper:.1f}) takes in",
    }[status]
    return TrajectoryResult(
        status,
        expected,
        on,
        f"{status.value}: {where} the {expected:.1f} the path from the baseline reaches by {on.day} {on:%b %Y}",
    )


def not_due_or(milestone: Milestone, as_of: date, otherwise: MilestoneStatus) -> MilestoneStatus:
    return MilestoneStatus.NOT_DUE if milestone.by is not None and milestone.by >= as_of else otherwise


def milestone_result(
    milestone: Milestone,
    indicator: Indicator,
    target: Target,
    source: ValueSource,
    coverage: Coverage,
    direction: Direction,
    as_of: date,
) -> MilestoneResult:
    def result(status: MilestoneStatus, reason: str, measured: Measurement | None = None) -> MilestoneResult:
        return MilestoneResult(milestone, status, measured, reason)

    if milestone.by is None or milestone.value is None:
        return result(MilestoneStatus.NOT_ASSESSED, "not assessed: the milestone needs a value and a date")
    if milestone.by >= as_of:
        return result(MilestoneStatus.NOT_DUE, f"due by {milestone.by.day} {milestone.by:%b %Y}")
    period = twelve_months_to(milestone.by)
    if not coverage.holds(period):
        return result(MilestoneStatus.NOT_ASSESSED, f"not assessed: the data do not cover {period.label}")
    try:
        measured = source.measure(indicator.id, target.cut, period)
    except NotComputable as error:
        return result(MilestoneStatus.NOT_ASSESSED, f"not assessed: {error}")
    if not measured.is_shown:
        return result(MilestoneStatus.NOT_ASSESSED, f"not assessed: {measured.why_not_shown()}", measured)
    lower, upper = measured.limits()
    status = milestone_status(lower, upper, milestone.value, direction)
    return result(
        status,
        f"{status.value}: {measured.value:.1f} in {period.label} ({_interval_words(measured)}) "
        f"against the milestone of {milestone.value:.1f}",
        measured,
    )


def forecast_result(
    target: Target, indicator: Indicator, history: Sequence[tuple[int, Measurement]], direction: Direction, *, is_final: bool
) -> tuple[Forecast | None, str]:
    if is_final:
        return None, "no forecast: the target date has passed"
    if target.target_date is None or target.target_value is None:
        return None, "no forecast: no target date"
    points = [
        AnnualPoint(periods.financial_year(year).end, measured.shown_value, measured.lower_95, measured.upper_95)
        for year, measured in history
    ]
    bounds = (0.0, indicator.multiplier) if indicator.method is Method.PROPORTION else (0.0, None)
    try:
        forecast = forecast_at(points, target.target_date, target=target.target_value, direction=direction, bounds=bounds)
    except ForecastInputError as error:
        return None, f"no forecast: {error}"
    return forecast, forecast.describe(target.target_value)
