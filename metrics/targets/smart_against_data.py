"""The two SMART checks that set a target against the data: Achievable (the pace it needs against the largest
year-on-year change in the indicator's history; only ever a warning) and Baseline checked (the stated baseline
against the indicator measured over the baseline period)."""

from __future__ import annotations

import itertools

from metrics.targets.model import Target
from metrics.targets.smart_model import Criterion, Evidence, Outcome, SmartCheck
from metrics.targets.trajectory import BaselinePeriodError, baseline_period_end

FAR_BEYOND_FACTOR = 2.0


def achievable(target: Target, evidence: Evidence) -> SmartCheck:
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


def baseline_checked(target: Target, evidence: Evidence) -> SmartCheck:
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


def _fy(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"
