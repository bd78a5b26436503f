"""One target's assessment as a flat row of numbers and plain words, and the SMART checks' columns."""

from __future__ import annotations

from typing import Any

import polars as pl

from metrics.targets.assessment import Assessment
from metrics.targets.model import Priority
from metrics.targets.progress import NEEDS_ATTENTION
from metrics.targets.smart_model import Criterion
from metrics.targets.summary import NO_OWNER, NOT_LINKED
from metrics.targets.wording import as_day, as_number, baseline_words, now_words, time_left_words

CHECK_COLUMNS = {criterion: criterion.value.replace("-", "_") for criterion in Criterion}
CHECK_SCHEMA = {"target_id": pl.String, "criterion": pl.String, "outcome": pl.String, "reasons": pl.String}
TARGET_SCHEMA = {
    "target_id": pl.String,
    "label": pl.String,
    "priority": pl.String,
    "objective": pl.String,
    "indicator_id": pl.String,
    "indicator_title": pl.String,
    "unit": pl.String,
    "cut": pl.String,
    "owner": pl.String,
    "kind": pl.String,
    "is_smart": pl.Boolean,
    "smart": pl.String,
    "smart_failures": pl.String,
    "smart_warnings": pl.String,
    **{column: pl.String for criterion in CHECK_COLUMNS.values() for column in (criterion, f"{criterion}_reasons")},
    "baseline_value": pl.Float64,
    "baseline_text": pl.String,
    "target_value": pl.Float64,
    "target_date": pl.Date,
    "aim_text": pl.String,
    "period": pl.String,
    "value": pl.Float64,
    "lower_95": pl.Float64,
    "upper_95": pl.Float64,
    "now_text": pl.String,
    "status": pl.String,
    "status_reason": pl.String,
    "progress": pl.String,
    "needs_attention": pl.Boolean,
    "trajectory_status": pl.String,
    "trajectory_expected": pl.Float64,
    "trajectory_reason": pl.String,
    "is_final": pl.Boolean,
    "days_left": pl.Int64,
    "time_left_text": pl.String,
    "forecast_value": pl.Float64,
    "forecast_lower_95": pl.Float64,
    "forecast_upper_95": pl.Float64,
    "forecast_outlook": pl.String,
    "forecast_text": pl.String,
    "milestones_text": pl.String,
}


def target_row(assessment: Assessment) -> dict[str, Any]:
    """One target's assessment as a flat row of numbers and plain words."""
    target, indicator, current, forecast = assessment.target, assessment.indicator, assessment.current, assessment.forecast
    shown = current is not None and current.is_shown
    smart = assessment.smart
    checks = {}
    for check in smart.checks:
        checks[CHECK_COLUMNS[check.criterion]] = check.outcome.value
        checks[f"{CHECK_COLUMNS[check.criterion]}_reasons"] = check.reason
    return {
        "target_id": target.id,
        "label": f"{target.id}: {target.objective or 'no objective given'}",
        "priority": target.priority.value if isinstance(target.priority, Priority) else NOT_LINKED,
        "objective": target.objective,
        "indicator_id": target.indicator,
        "indicator_title": indicator.title if indicator else None,
        "unit": indicator.unit if indicator else None,
        "cut": target.cut.label(),
        "owner": target.owner or NO_OWNER,
        "kind": str(target.kind) if target.kind is not None else None,
        "is_smart": smart.is_smart,
        "smart": "yes" if smart.is_smart else "no",
        "smart_failures": "; ".join(f"{check.criterion.value}: {check.reason}" for check in smart.failures()),
        "smart_warnings": "; ".join(f"{check.criterion.value}: {check.reason}" for check in smart.warnings()),
        **checks,
        "baseline_value": target.baseline_value,
        "baseline_text": baseline_words(assessment),
        "target_value": target.target_value,
        "target_date": target.target_date,
        "aim_text": f"{as_number(target.target_value)} by {as_day(target.target_date)}",
        "period": current.period.label if current else None,
        "value": current.value if current is not None and shown else None,
        "lower_95": current.lower_95 if current is not None and shown else None,
        "upper_95": current.upper_95 if current is not None and shown else None,
        "now_text": now_words(assessment),
        "status": assessment.status.value,
        "status_reason": assessment.status_reason,
        "progress": assessment.progress.value,
        "needs_attention": assessment.progress in NEEDS_ATTENTION,
        "trajectory_status": assessment.trajectory.status.value,
        "trajectory_expected": assessment.trajectory.expected,
        "trajectory_reason": assessment.trajectory.reason,
        "is_final": assessment.is_final,
        "days_left": assessment.days_left,
        "time_left_text": time_left_words(assessment),
        "forecast_value": forecast.value if forecast else None,
        "forecast_lower_95": forecast.lower_95 if forecast else None,
        "forecast_upper_95": forecast.upper_95 if forecast else None,
        "forecast_outlook": forecast.outlook.value if forecast else None,
        "forecast_text": assessment.forecast_reason,
        "milestones_text": "; ".join(
            f"{as_number(result.milestone.value)} by {as_day(result.milestone.by)}: {result.status.value}"
            for result in assessment.milestones
        )
        or "no milestones",
    }
