"""Which way a target points, and the straight path from its baseline to its goal.

The trajectory is a straight line from the baseline value, placed at the end of the baseline period,
to the target value at the target date. A figure for a 12-month period is set against the line at the
period's last day.

On track / off track compares the current value's 95% interval with the trajectory value, exactly as
a target is judged (Fingertips): **on track** when the whole interval is at or past the line in the
good direction, **off track** when the whole interval falls short of it, **within uncertainty** when
the interval straddles it (the data cannot tell ahead from behind).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from metrics.compare import Polarity, TargetStatus, compare_to_target
from metrics.trend import PeriodLabelError, parse_period


class BaselinePeriodError(ValueError):
    """A baseline period that names no year, financial year or date."""


class Direction(StrEnum):
    HIGHER = "higher"  # the target is reached by rising to it
    LOWER = "lower"

    @property
    def polarity(self) -> Polarity:
        return Polarity.HIGH_IS_GOOD if self is Direction.HIGHER else Polarity.LOW_IS_GOOD


class TrackStatus(StrEnum):
    ON_TRACK = "on track"
    WITHIN_UNCERTAINTY = "within uncertainty"
    OFF_TRACK = "off track"
    NOT_ASSESSED = "not assessed"


class MilestoneStatus(StrEnum):
    MET = "met"
    MISSED = "missed"
    WITHIN_UNCERTAINTY = "within uncertainty"
    NOT_DUE = "not due"
    NOT_ASSESSED = "not assessed"


def target_direction(polarity: Polarity, baseline: float | None, target: float | None) -> tuple[Direction | None, str]:
    """The good direction: the indicator's polarity, or for an indicator with no judgement, baseline -> target."""
    polarity = Polarity(polarity)
    if polarity is Polarity.HIGH_IS_GOOD:
        return Direction.HIGHER, "higher is better for this indicator"
    if polarity is Polarity.LOW_IS_GOOD:
        return Direction.LOWER, "lower is better for this indicator"
    if baseline is None or target is None:
        return None, "the indicator carries no judgement and there is no baseline to show which way the target moves"
    if target == baseline:
        return None, "the indicator carries no judgement and the target equals the baseline, so no direction is set"
    direction = Direction.HIGHER if target > baseline else Direction.LOWER
    return direction, f"the target moves {direction.value} than the baseline ({target:.1f} against {baseline:.1f})"


def baseline_period_end(period: str) -> date:
    """The last day of a baseline period: '2022/23' ends 31 March 2023, '2022' on 31 December, a date on itself."""
    try:
        return date.fromisoformat(period)
    except ValueError:
        pass
    try:
        parsed = parse_period(period)
    except PeriodLabelError as error:
        raise BaselinePeriodError(f"baseline period '{period}' is not a year, a financial year or a date") from error
    year, month = divmod(parsed.end_month, 12)  # end_month is the first month after the period
    return date(year, month + 1, 1) - timedelta(days=1)


def trajectory_value(*, baseline: float, baseline_end: date, target: float, target_by: date, on: date) -> float:
    """The value the straight path from baseline to target reaches on a day (held flat outside the path)."""
    span = (target_by - baseline_end).days
    if span <= 0:
        return target
    share = min(max((on - baseline_end).days / span, 0.0), 1.0)
    return baseline + (target - baseline) * share


def track_status(lower95: float | None, upper95: float | None, expected: float, direction: Direction) -> TrackStatus:
    status = compare_to_target(lower95=lower95, upper95=upper95, target=expected, polarity=direction.polarity)
    return {
        TargetStatus.MET: TrackStatus.ON_TRACK,
        TargetStatus.NOT_MET: TrackStatus.OFF_TRACK,
        TargetStatus.WITHIN_UNCERTAINTY: TrackStatus.WITHIN_UNCERTAINTY,
        TargetStatus.NOT_ASSESSED: TrackStatus.NOT_ASSESSED,
    }[status]


def milestone_status(lower95: float | None, upper95: float | None, value: float, direction: Direction) -> MilestoneStatus:
    status = compare_to_target(lower95=lower95, upper95=upper95, target=value, polarity=direction.polarity)
    return {
        TargetStatus.MET: MilestoneStatus.MET,
        TargetStatus.NOT_MET: MilestoneStatus.MISSED,
        TargetStatus.WITHIN_UNCERTAINTY: MilestoneStatus.WITHIN_UNCERTAINTY,
        TargetStatus.NOT_ASSESSED: MilestoneStatus.NOT_ASSESSED,
    }[status]


def past_or_short(direction: Direction) -> tuple[str, str]:
    """Words for being past a value and for falling short of it, in the target's direction."""
    return ("at or above", "below") if direction is Direction.HIGHER else ("at or below", "above")
