"""The board's view of its plan: counts per priority in a frame and in plain words, and one record per target."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

import polars as pl

from metrics.targets.assessment import Assessment
from metrics.targets.model import Priority
from metrics.targets.progress import NEEDS_ATTENTION, Progress

ALL_PRIORITIES = "all priorities"
NOT_LINKED = "not linked to a priority"
COUNT_COLUMNS = {
    "met": Progress.MET,
    "on_track": Progress.ON_TRACK,
    "within_uncertainty": Progress.WITHIN_UNCERTAINTY,
    "off_track": Progress.OFF_TRACK,
    "missed": Progress.MISSED,
    "no_trajectory": Progress.NO_TRAJECTORY,
    "not_assessable": Progress.NOT_ASSESSABLE,
}
NO_OWNER = "no named owner"


class BoardSummary(NamedTuple):
    frame: pl.DataFrame  # one row per priority, then one for the whole plan
    lines: list[str]  # the same in plain words


def board_summary(assessments: Sequence[Assessment]) -> BoardSummary:
    groups: dict[str, list[Assessment]] = {priority.value: [] for priority in Priority}
    for assessment in assessments:
        priority = assessment.target.priority
        groups.setdefault(priority.value if isinstance(priority, Priority) else NOT_LINKED, []).append(assessment)
    rows = [_row(name, members) for name, members in groups.items()] + [_row(ALL_PRIORITIES, list(assessments))]
    lines = [_line(row) for row in rows]
    frame = pl.DataFrame(
        [{k: v for k, v in row.items() if k != "_held_by"} for row in rows],
        schema={
            "priority": pl.String,
            "targets": pl.Int64,
            "smart": pl.Int64,
            **{column: pl.Int64 for column in COUNT_COLUMNS},
            "off_track_targets": pl.String,
            "off_track_owners": pl.String,
        },
    )
    return BoardSummary(frame, lines)


def _row(name: str, members: list[Assessment]) -> dict[str, Any]:
    attention = [member for member in members if member.progress in NEEDS_ATTENTION]
    owners = sorted({member.target.owner or NO_OWNER for member in attention})
    return {
        "priority": name,
        "targets": len(members),
        "smart": sum(member.smart.is_smart for member in members),
        **{column: sum(member.progress is progress for member in members) for column, progress in COUNT_COLUMNS.items()},
        "off_track_targets": ", ".join(member.target.id for member in attention),
        "off_track_owners": "; ".join(owners),
        "_held_by": [f"{member.target.id} ({member.target.owner or NO_OWNER})" for member in attention],
    }


def _line(row: dict[str, Any]) -> str:
    name = "Across the plan" if row["priority"] == ALL_PRIORITIES else row["priority"].capitalize()
    if row["targets"] == 0:
        return f"{name}: no targets."
    smart = "all SMART" if row["smart"] == row["targets"] else f"{row['smart']} SMART"
    counts = [f"{row[column]} {progress.value}" for column, progress in COUNT_COLUMNS.items() if row[column]]
    text = f"{name}: {_targets(row['targets'])}, {smart}; " + ", ".join(counts) + "."
    if row["_held_by"]:
        text += " Off track or missed: " + ", ".join(row["_held_by"]) + "."
    return text


def _targets(count: int) -> str:
    return f"{count} target{'s' if count != 1 else ''}"


def targets_table(assessments: Sequence[Assessment]) -> pl.DataFrame:
    """One short row of text per target, for a terminal or a slide; `status` is the word the page and JSON show."""

    def number(value: float | None) -> str:
        return "" if value is None else f"{value:.1f}"

    rows = []
    for assessment in assessments:
        target, current, forecast = assessment.target, assessment.current, assessment.forecast
        rows.append(
            {
                "target": target.id,
                "SMART": "yes" if assessment.smart.is_smart else "no",
                "now (95% interval)": (
                    f"{number(current.value)} ({number(current.lower_95)}-{number(current.upper_95)})"
                    if current is not None and current.is_shown
                    else ""
                ),
                "aim": f"{number(target.target_value)} by {_iso(target.target_date) or '?'}",
                "status": assessment.progress.value,
                "forecast": f"{number(forecast.value)}, {forecast.outlook.value}" if forecast else "",
                "owner": target.owner or "",
            }
        )
    return pl.DataFrame(
        rows,
        schema={column: pl.String for column in ("target", "SMART", "now (95% interval)", "aim", "status", "forecast", "owner")},
    )


def smart_problem_lines(assessments: Sequence[Assessment]) -> list[str]:
    """A line for each target with a failed or warning SMART check, saying why."""
    lines = []
    for assessment in assessments:
        problems = [
            f"{check.criterion.value} {check.outcome.value}: {check.reason}"
            for check in assessment.smart.checks
            if check.outcome.value != "passed"
        ]
        if problems:
            lines.append(f"{assessment.target.id}: " + "; ".join(problems))
    return lines


def assessment_record(assessment: Assessment) -> dict[str, Any]:
    """One target's assessment as plain values (dates as ISO text), ready for JSON or a table."""
    target, current, forecast = assessment.target, assessment.current, assessment.forecast
    return {
        "id": target.id,
        "priority": str(target.priority) if target.priority is not None else None,
        "objective": target.objective,
        "indicator": target.indicator,
        "indicator_title": assessment.indicator.title if assessment.indicator else None,
        "unit": assessment.indicator.unit if assessment.indicator else None,
        "cut": target.cut.label(),
        "kind": str(target.kind) if target.kind is not None else None,
        "owner": target.owner,
        "smart": assessment.smart.is_smart,
        "smart_checks": [
            {"criterion": check.criterion.value, "outcome": check.outcome.value, "reason": check.reason}
            for check in assessment.smart.checks
        ],
        "baseline_value": target.baseline_value,
        "baseline_period": target.baseline.period if target.baseline else None,
        "obtain_baseline_by": _iso(target.obtain_baseline_by),
        "target_value": target.target_value,
        "target_date": _iso(target.target_date),
        "as_of": _iso(assessment.as_of),
        "days_left": assessment.days_left,
        "is_final": assessment.is_final,
        "direction": assessment.direction.value if assessment.direction else None,
        "period": current.period.label if current else None,
        "value": current.value if current and current.is_shown else None,
        "lower_95": current.lower_95 if current and current.is_shown else None,
        "upper_95": current.upper_95 if current and current.is_shown else None,
        "suppressed": bool(current and current.suppressed),
        # One word for where the target stands, the same word the table and the Action plan page show;
        # interval_status is the part of it that compares the 95% interval with the target alone.
        "status": assessment.progress.value,
        "status_reason": assessment.status_reason,
        "interval_status": assessment.status.value,
        "trajectory": {
            "status": assessment.trajectory.status.value,
            "expected": assessment.trajectory.expected,
            "on": _iso(assessment.trajectory.on),
            "reason": assessment.trajectory.reason,
        },
        "milestones": [
            {
                "value": result.milestone.value,
                "by": _iso(result.milestone.by),
                "status": result.status.value,
                "measured": result.measured.value if result.measured and result.measured.is_shown else None,
                "reason": result.reason,
            }
            for result in assessment.milestones
        ],
        "forecast": None
        if forecast is None
        else {
            "at": _iso(forecast.at),
            "value": forecast.value,
            "lower_95": forecast.lower_95,
            "upper_95": forecast.upper_95,
            "slope_per_year": forecast.slope_per_year,
            "years": forecast.n_years,
            "method": forecast.method,
            "outlook": forecast.outlook.value,
        },
        "forecast_reason": assessment.forecast_reason,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
