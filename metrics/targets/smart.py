"""The Home Office SMART checklist, one check per letter, each with its reasons in plain words.

- **Specific**: says what it is for (objective), what moves (a registered indicator, cut only in ways
  the indicator allows), what kind of target it is, and who answers for it (a named owner).
- **Measurable**: the indicator can be computed from the loaded data, there is a target value, and a
  baseline (value and period) or a date by which one will be obtained, not yet passed.
- **Achievable**: only ever a warning. It warns when the change needed each year is far beyond
  anything in the indicator's own history: more than twice the largest year-on-year change between
  complete financial years. It also warns when there is nothing to judge the pace by.
- **Relevant**: linked to one of the board's four priorities.
- **Time-bound**: a target date after the baseline, and milestones with values, in date order, each
  before the target date.
- **Baseline checked**: the stated baseline set against the indicator measured over the baseline period,
  for the same cut. It fails when the stated value lies outside the measured value's 95% interval: progress
  judged from a baseline the data do not bear out is not progress, so such a target is never shown as met.
  It warns when the baseline cannot be measured (no stated baseline, data that do not reach back to it,
  too few people to show).
A target is SMART when no check fails; warnings do not count against it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from etl.contract.values import AgeBand, Ethnicity, Sex
from metrics.definitions import Indicator
from metrics.targets.model import Kind, Priority, Target
from metrics.targets.trajectory import BaselinePeriodError, baseline_period_end

FAR_BEYOND_FACTOR = 2.0
WARD_CODE = re.compile(r"^E05\d{6}$")
_CUT_VALUES = {"sex": Sex, "age_band": AgeBand, "ethnicity": Ethnicity}


class Criterion(StrEnum):
    SPECIFIC = "specific"
    MEASURABLE = "measurable"
    ACHIEVABLE = "achievable"
    RELEVANT = "relevant"
    TIME_BOUND = "time-bound"
    BASELINE_CHECKED = "baseline-checked"


class Outcome(StrEnum):
    PASSED = "passed"
    WARNING = "warning"
    FAILED = "failed"


@dataclass(frozen=True)
class SmartCheck:
    criterion: Criterion
    outcome: Outcome
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class SmartResult:
    checks: tuple[SmartCheck, ...]

    @property
    def is_smart(self) -> bool:
        return all(check.outcome is not Outcome.FAILED for check in self.checks)

    def check(self, criterion: Criterion) -> SmartCheck:
        return next(check for check in self.checks if check.criterion is Criterion(criterion))

    def failures(self) -> tuple[SmartCheck, ...]:
        return tuple(check for check in self.checks if check.outcome is Outcome.FAILED)

    def warnings(self) -> tuple[SmartCheck, ...]:
        return tuple(check for check in self.checks if check.outcome is Outcome.WARNING)


@dataclass(frozen=True)
class AnnualValue:
    """An indicator's value for one complete financial year (start year 2022 is 2022/23)."""

    year: int
    value: float


@dataclass(frozen=True)
class MeasuredBaseline:
    """The indicator measured over the stated baseline period, or why it could not be."""

    period_label: str
    value: float | None = None
    lower_95: float | None = None
    upper_95: float | None = None
    problem: str | None = None  # why there is no measured value to compare with


@dataclass(frozen=True)
class Evidence:
    """What the checks need beyond the target itself, gathered from the registry and the data."""

    indicator: Indicator | None  # None when the target names no indicator or an unregistered one
    data_problem: str | None  # why the indicator cannot be computed from the loaded data; None when it can
    history: Sequence[AnnualValue]  # complete financial years, oldest first
    as_of: date
    measured_baseline: MeasuredBaseline | None = None  # None when the target states no usable baseline period


def check_smart(target: Target, evidence: Evidence) -> SmartResult:
    return SmartResult(
        (
            _specific(target, evidence),
            _measurable(target, evidence),
            _achievable(target, evidence),
            _relevant(target),
            _time_bound(target),
            _baseline_checked(target, evidence),
        )
    )


def _baseline_checked(target: Target, evidence: Evidence) -> SmartCheck:
    def warn(reason: str) -> SmartCheck:
        return SmartCheck(Criterion.BASELINE_CHECKED, Outcome.WARNING, (reason,))

    stated = target.baseline_value
    measured = evidence.measured_baseline
    if stated is None or measured is None:
        return warn("no stated baseline value and period to check against the data")
    if measured.problem or measured.value is None:
        return warn(f"the baseline for {measured.period_label} cannot be checked: {measured.problem or 'no measured value'}")
    interval = (
        f"measured {measured.value:.1f} (95% interval {measured.lower_95:.1f} to {measured.upper_95:.1f})"
        if measured.lower_95 is not None and measured.upper_95 is not None
        else f"measured {measured.value:.1f}"
    )
    lower = measured.lower_95 if measured.lower_95 is not None else measured.value
    upper = measured.upper_95 if measured.upper_95 is not None else measured.value
    if lower <= stated <= upper:
        return SmartCheck(
            Criterion.BASELINE_CHECKED,
            Outcome.PASSED,
            (f"the stated baseline {stated:g} agrees with the data for {measured.period_label}: {interval}",),
        )
    return SmartCheck(
        Criterion.BASELINE_CHECKED,
        Outcome.FAILED,
        (
            f"the stated baseline {stated:g} for {measured.period_label} is outside the data's 95% interval: "
            f"{interval}; progress cannot be judged from it, so the target cannot be shown as met",
        ),
    )


def _check(criterion: Criterion, problems: list[str], passed: str) -> SmartCheck:
    return (
        SmartCheck(criterion, Outcome.FAILED, tuple(problems)) if problems else SmartCheck(criterion, Outcome.PASSED, (passed,))
    )


def _specific(target: Target, evidence: Evidence) -> SmartCheck:
    problems = []
    if not target.objective:
        problems.append("no objective says what the target is for")
    if not target.indicator:
        problems.append("names no indicator, so nothing measures it")
    elif evidence.indicator is None:
        problems.append(f"indicator '{target.indicator}' is not registered (`oversight indicators` lists them)")
    else:
        problems.extend(_cut_problems(target, evidence.indicator))
    if target.kind is None:
        problems.append("does not say what kind of target it is (" + ", ".join(Kind) + ")")
    elif not isinstance(target.kind, Kind):
        problems.append(f"kind '{target.kind}' is not one of " + ", ".join(Kind))
    if not target.owner:
        problems.append("no named owner answers for it")
    kind = target.kind.value if isinstance(target.kind, Kind) else "a"
    return _check(
        Criterion.SPECIFIC, problems, f"{kind} target on {target.indicator} ({target.cut.label()}), owned by {target.owner}"
    )


def _cut_problems(target: Target, indicator: Indicator) -> list[str]:
    problems = []
    for dimension, value in target.cut.dimensions().items():
        if dimension not in indicator.dimensions:
            allowed = ", ".join(d for d in indicator.dimensions if d in ("ward", "sex", "age_band", "ethnicity"))
            problems.append(
                f"indicator {indicator.id} cannot be cut by {dimension.replace('_', ' ')}; it allows {allowed or 'no cut'}"
            )
        elif dimension == "ward" and not WARD_CODE.match(value):
            problems.append(f"ward '{value}' is not an ONS ward code (E05 and six digits)")
        elif dimension in _CUT_VALUES and value not in {member.value for member in _CUT_VALUES[dimension]}:
            problems.append(f"{dimension.replace('_', ' ')} '{value}' is not one of " + ", ".join(_CUT_VALUES[dimension]))
    return problems


def _measurable(target: Target, evidence: Evidence) -> SmartCheck:
    problems = []
    if evidence.indicator is None:
        problems.append("nothing to measure it by: no registered indicator")
    elif evidence.data_problem:
        problems.append(f"{evidence.indicator.id} cannot be computed from the loaded data: {evidence.data_problem}")
    if target.target_value is None:
        problems.append("no target value")
    baseline_text = _baseline_problems(target, evidence.as_of, problems)
    return _check(Criterion.MEASURABLE, problems, f"measured by {target.indicator}; {baseline_text}")


def _baseline_problems(target: Target, as_of: date, problems: list[str]) -> str:
    """Adds what is wrong with the baseline to `problems`; returns words for a sound one."""
    baseline = target.baseline
    if baseline is None:
        due = target.obtain_baseline_by
        if due is None:
            problems.append("no baseline, and no date by which one will be obtained")
        elif due < as_of:
            problems.append(f"the baseline was to be obtained by {_day(due)} and has not been set")
        return f"no baseline yet; the plan commits to one by {_day(due)}" if due else ""
    if baseline.value is None:
        problems.append("the baseline has no value")
    if baseline.period is None:
        problems.append("the baseline has no period")
    else:
        try:
            baseline_period_end(baseline.period)
        except BaselinePeriodError as error:
            problems.append(str(error))
    return f"baseline {baseline.value} in {baseline.period}"


def _achievable(target: Target, evidence: Evidence) -> SmartCheck:
    def warn(reason: str) -> SmartCheck:
        return SmartCheck(Criterion.ACHIEVABLE, Outcome.WARNING, (reason,))

    cannot = "cannot judge whether the pace is realistic: "
    baseline, goal, by = target.baseline_value, target.target_value, target.target_date
    if baseline is None or goal is None or by is None or not target.baseline_period:
        missing = [
            name for name, value in (("a baseline", baseline), ("a target value", goal), ("a target date", by)) if value is None
        ]
        return warn(cannot + "it needs " + (" and ".join(missing) if missing else "a baseline period"))
    try:
        years = (by - baseline_period_end(target.baseline_period)).days / 365.25
    except BaselinePeriodError as error:
        return warn(cannot + str(error))
    if years <= 0:
        return warn(cannot + "the target date is not after the baseline period")
    needed = (goal - baseline) / years
    if evidence.indicator is None or evidence.data_problem:
        return warn(cannot + "there is no history of the indicator to compare with")
    history = sorted(evidence.history, key=lambda point: point.year)
    changes = [
        (later.value - earlier.value, earlier.year)
        for earlier, later in itertools.pairwise(history)
        if later.year == earlier.year + 1
    ]
    if not changes:
        return warn(cannot + "the data hold fewer than two consecutive complete financial years")
    largest, year = max(changes, key=lambda change: abs(change[0]))
    seen = f"the largest year-on-year change seen ({abs(largest):.1f}, {_fy(year)} to {_fy(year + 1)})"
    if abs(needed) > FAR_BEYOND_FACTOR * abs(largest):
        return warn(f"needs a change of {abs(needed):.1f} a year, more than twice {seen}")
    return SmartCheck(Criterion.ACHIEVABLE, Outcome.PASSED, (f"needs a change of {abs(needed):.1f} a year, within twice {seen}",))


def _relevant(target: Target) -> SmartCheck:
    four = ", ".join(Priority)
    if target.priority is None:
        return _check(Criterion.RELEVANT, [f"not linked to any of the four priorities ({four})"], "")
    if not isinstance(target.priority, Priority):
        return _check(Criterion.RELEVANT, [f"priority '{target.priority}' is not one of the four ({four})"], "")
    return _check(Criterion.RELEVANT, [], f"serves the {target.priority.value} priority")


def _time_bound(target: Target) -> SmartCheck:
    problems = []
    by = target.target_date
    if by is None:
        problems.append("no target date")
    elif target.baseline and target.baseline.period:
        try:
            baseline_end = baseline_period_end(target.baseline.period)
        except BaselinePeriodError:
            baseline_end = None  # Measurable reports the period itself
        if baseline_end is not None and by <= baseline_end:
            problems.append(f"the target date {_day(by)} is not after the baseline period ({target.baseline.period})")
    dated = []
    for number, milestone in enumerate(target.milestones, start=1):
        if milestone.by is None:
            problems.append(f"milestone {number} has no date")
        else:
            dated.append((number, milestone.by))
        if milestone.value is None:
            problems.append(f"milestone {number} has no value")
    for (_, earlier), (number, later) in itertools.pairwise(dated):
        if later <= earlier:
            problems.append(f"milestones are not in date order: milestone {number} ({_day(later)}) is not after {_day(earlier)}")
    if by is not None:
        problems.extend(
            f"milestone {number} ({_day(day)}) is not before the target date {_day(by)}" for number, day in dated if day >= by
        )
    count = len(target.milestones)
    plan = f"{count} milestone{'s' if count != 1 else ''} in date order" if count else "no milestones"
    return _check(Criterion.TIME_BOUND, problems, f"target date {_day(by)}, {plan}" if by else "")


def _day(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "no date"


def _fy(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"
