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
A target is SMART when no check fails; warnings do not count against it. The checks against the data
(Achievable, Baseline checked) are metrics/targets/smart_against_data.py's; the checklist's terms
metrics/targets/smart_model.py's.
"""

from __future__ import annotations

import itertools
import re
from datetime import date

from etl.contract.values import AgeBand, Ethnicity, Sex
from metrics.definitions import Indicator
from metrics.targets.model import Kind, Priority, Target
from metrics.targets.smart_against_data import achievable, baseline_checked
from metrics.targets.smart_model import Criterion, Evidence, Outcome, SmartCheck, SmartResult
from metrics.targets.trajectory import BaselinePeriodError, baseline_period_end

WARD_CODE = re.compile(r"^E05\d{6}$")
_CUT_VALUES = {"sex": Sex, "age_band": AgeBand, "ethnicity": Ethnicity}


def check_smart(target: Target, evidence: Evidence) -> SmartResult:
    return SmartResult(
        (
            _specific(target, evidence),
            _measurable(target, evidence),
            achievable(target, evidence),
            _relevant(target),
            _time_bound(target),
            baseline_checked(target, evidence),
        )
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
