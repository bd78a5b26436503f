"""Assessing each target: SMART checks, status against the target, trajectory, milestones and forecast.

Current value: the latest 12 whole months the indicator's data reach (the scorecard's default period,
so the figure matches the tile a board member sees), set against the trajectory at that period's last
day. A target whose date has passed is assessed once, as final, on the 12 months ending at its date
(the latest 12 months when the data stop short of it). Each milestone due by the assessment date is
judged on the 12 months ending at its own date, a financial year for a 31 March milestone. Assessed
as of a day the data run past, figures stop at the last whole month before that day.

Status follows Fingertips: met only when the whole 95% interval is past the target, not met when the
whole interval falls short, otherwise within uncertainty. A figure hidden by disclosure control makes
the target not assessable: too few people to show safely. The judgements against the target, the
trajectory, the milestones and the forecast are metrics/targets/judgement.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from metrics import periods
from metrics.compare import TargetStatus
from metrics.definitions import Indicator
from metrics.targets.forecast import Forecast
from metrics.targets.judgement import (
    MilestoneResult,
    TrajectoryResult,
    forecast_result,
    milestone_result,
    not_due_or,
    target_status,
    trajectory_result,
)
from metrics.targets.model import ActionPlan, Target
from metrics.targets.progress import Progress, progress_of
from metrics.targets.reading import current_period, history_years, registered, seen_by
from metrics.targets.smart import check_smart
from metrics.targets.smart_model import AnnualValue, Criterion, Evidence, MeasuredBaseline, Outcome, SmartResult
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
    target_direction,
)


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
            MilestoneResult(m, not_due_or(m, as_of, MilestoneStatus.NOT_ASSESSED), None, f"not assessed: {reason}")
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
    status, status_reason = target_status(current, target.target_value, direction, is_final=is_final, by=by)
    baseline_check = smart.check(Criterion.BASELINE_CHECKED)
    if status is TargetStatus.MET and baseline_check.outcome is Outcome.FAILED:
        status, status_reason = TargetStatus.NOT_ASSESSED, f"not shown as met: {baseline_check.reason}"
    milestones = tuple(milestone_result(m, indicator, target, source, coverage, direction, as_of) for m in target.milestones)
    forecast, forecast_reason = forecast_result(target, indicator, history, direction, is_final=is_final)
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
        trajectory_result(target, current, direction, is_final=is_final),
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
