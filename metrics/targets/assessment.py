"""Assessing each target: SMART checks, status against the target, trajectory, milestones and forecast.

Current value: the latest 12 whole months the indicator's data reach (the scorecard's default period,
so the figure matches the tile a board member sees), set against the trajectory at that period's last
day. A target whose date has passed is assessed once, as final, on the 12 months ending at its date
(the latest 12 months when the data stop short of it). Each milestone due by the assessment date is
judged on the 12 months ending at its own date, a financial year for a 31 March milestone. Assessed
as of a day the data run past, figures stop at the last whole month before that day.

Status follows Fingertips: met only when the whole 95% interval is past the target, not met when the
whole interval falls short, otherwise within uncertainty. A figure hidden by disclosure control makes
the target not assessable: too few people to show safely.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from metrics import periods
from metrics.compare import TargetStatus, compare_to_target
from metrics.definitions import Indicator, Method
from metrics.targets.forecast import (
    AnnualPoint,
    Forecast,
    ForecastInputError,
    forecast_at,
)
from metrics.targets.model import ActionPlan, Milestone, Target
from metrics.targets.progress import Progress, progress_of
from metrics.targets.reading import current_period, history_years, registered, seen_by
from metrics.targets.smart import (
    AnnualValue,
    Criterion,
    Evidence,
    MeasuredBaseline,
    Outcome,
    SmartResult,
    check_smart,
)
from metrics.targets.sources import (
    Coverage,
    Measurement,
    NotComputable,
    ValueSource,
    twelve_months_to,
)
from metrics.targets.trajectory import (
    BaselinePeriodError,
    Direction,
    MilestoneStatus,
    TrackStatus,
    baseline_period_end,
    milestone_status,
    past_or_short,
    target_direction,
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


@dataclass(frozen=True)
class Assessment:
    target: Target
    indicator: Indicator | None
    smart: SmartResult
    as_of: date
    current: Measurement | None
    direction: Direction | None
    status: TargetStatus
    status_reason: str
    is_final: bool
    days_left: int | None
    trajectory: TrajectoryResult
    milestones: tuple[MilestoneResult, ...]
    forecast: Forecast | None
    forecast_reason: str

    @property
    def progress(self) -> Progress:
        return progress_of(self)


def assess_plan(plan: ActionPlan, source: ValueSource, *, as_of: date | None = None) -> tuple[Assessment, ...]:
    return tuple(assess(target, source, as_of=as_of) for target in plan.targets)


def assess(target: Target, source: ValueSource, *, as_of: date | None = None) -> Assessment:
    """Everything the board needs to know about one target on `as_of` (default: today)."""
    as_of = as_of or date.today()
    indicator = registered(target.indicator)
    coverage, history, data_problem = _data(target, indicator, source, as_of)
    measured_baseline = _measured_baseline(target, indicator, source, coverage) if not data_problem else None
    smart = check_smart(
        target,
        Evidence(indicator, data_problem, [AnnualValue(year, m.shown_value) for year, m in history], as_of, measured_baseline),
    )
    by = target.target_date
    is_final = by is not None and by < as_of
    days_left = (by - as_of).days if by is not None else None
    current: Measurement | None = None
    direction: Direction | None = None

    def unassessable(reason: str) -> Assessment:
        no_path = TrajectoryResult(TrackStatus.NOT_ASSESSED, None, None, f"not assessed: {reason}")
        due = tuple(
            MilestoneResult(m, _not_due_or(m, as_of, MilestoneStatus.NOT_ASSESSED), None, f"not assessed: {reason}")
            for m in target.milestones
        )
        return Assessment(
            target,
            indicator,
            smart,
            as_of,
            current,
            direction,
            TargetStatus.NOT_ASSESSED,
            f"not assessable: {reason}",
            is_final,
            days_left,
            no_path,
            due,
            None,
            f"no forecast: {reason}",
        )

    if indicator is None:
        return unassessable("no registered indicator")
    if data_problem or coverage is None:
        return unassessable(data_problem or "no data loaded for this indicator")
    period = current_period(target, coverage, as_of)
    try:
        current = source.measure(indicator.id, target.cut, period)
    except NotComputable as error:
        return unassessable(str(error))
    if not current.is_shown:
        return unassessable(current.why_not_shown())
    if target.target_value is None:
        return unassessable("no target value")
    direction, direction_reason = target_direction(indicator.polarity, target.baseline_value, target.target_value)
    if direction is None:
        return unassessable(direction_reason)
    status, status_reason = _status(current, target.target_value, direction, is_final=is_final, by=by)
    baseline_check = smart.check(Criterion.BASELINE_CHECKED)
    if status is TargetStatus.MET and baseline_check.outcome is Outcome.FAILED:
        status, status_reason = TargetStatus.NOT_ASSESSED, f"not shown as met: {baseline_check.reason}"
    milestones = tuple(_milestone(m, indicator, target, source, coverage, direction, as_of) for m in target.milestones)
    forecast, forecast_reason = _forecast(target, indicator, history, direction, is_final=is_final)
    return Assessment(
        target,
        indicator,
        smart,
        as_of,
        current,
        direction,
        status,
        status_reason,
        is_final,
        days_left,
        _trajectory(target, current, direction, is_final=is_final),
        milestones,
        forecast,
        forecast_reason,
    )


def _measured_baseline(
    target: Target, indicator: Indicator | None, source: ValueSource, coverage: Coverage | None
) -> MeasuredBaseline | None:
    """The indicator over the stated baseline period (the 12 months ending with it), for the target's cut."""
    if indicator is None or target.baseline is None or target.baseline.value is None or not target.baseline.period:
        return None
    try:
        period = twelve_months_to(baseline_period_end(target.baseline.period))
    except BaselinePeriodError:
        return None  # Measurable reports the period itself
    label = target.baseline.period
    if coverage is None or not coverage.holds(period):
        return MeasuredBaseline(label, problem="the data do not cover the baseline period")
    try:
        measured = source.measure(indicator.id, target.cut, period)
    except NotComputable as error:
        return MeasuredBaseline(label, problem=str(error))
    if not measured.is_shown:
        return MeasuredBaseline(label, problem=measured.why_not_shown())
    lower, upper = measured.limits()
    return MeasuredBaseline(label, measured.value, lower, upper)


def _data(
    target: Target, indicator: Indicator | None, source: ValueSource, as_of: date
) -> tuple[Coverage | None, list[tuple[int, Measurement]], str | None]:
    """Coverage, the shown values of complete financial years (oldest first), and why the data fall short."""
    if indicator is None:
        return None, [], None
    refused = [dimension for dimension in target.cut.dimensions() if dimension not in indicator.dimensions]
    if refused:
        return None, [], f"it cannot be cut by {', '.join(refused)}"
    try:
        coverage = source.coverage(indicator.id)
    except NotComputable as error:
        return None, [], str(error)
    if coverage is None:
        return None, [], f"no data loaded (it reads {', '.join(indicator.source_extracts)})"
    coverage = seen_by(coverage, as_of)
    if coverage is None:
        return None, [], f"no data before {as_of.day} {as_of:%b %Y}"
    history = []
    for year in history_years(coverage):
        try:
            measured = source.measure(indicator.id, target.cut, periods.financial_year(year))
        except NotComputable as error:
            return coverage, [], str(error)
        if measured.is_shown:
            history.append((year, measured))
    return coverage, history, None


def _status(
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


def _trajectory(target: Target, current: Measurement, direction: Direction, *, is_final: bool) -> TrajectoryResult:
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


def _not_due_or(milestone: Milestone, as_of: date, otherwise: MilestoneStatus) -> MilestoneStatus:
    return MilestoneStatus.NOT_DUE if milestone.by is not None and milestone.by >= as_of else otherwise


def _milestone(
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


def _forecast(
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
