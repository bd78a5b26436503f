"""The action plan as the dashboard shows it: plain values, ready to cache and draw.

`plan_view` assesses every target once and returns a `PlanView`: one row per target (SMART checks,
current value, status, trajectory, forecast and milestones, each in words as well as numbers), the
points of each target's trajectory chart, and the board summary. Pages pick from it; they never
assess, group or count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb
import polars as pl

from metrics import periods
from metrics.disclosure import DisclosureRule
from metrics.registry import BY_ID
from metrics.targets.assessment import Assessment, assess_plan
from metrics.targets.loading import plan_from_warehouse
from metrics.targets.model import Priority
from metrics.targets.progress import NEEDS_ATTENTION
from metrics.targets.reading import HISTORY_YEARS, figures_read
from metrics.targets.smart import Criterion
from metrics.targets.sources import NotComputable, ValueSource, WarehouseValues
from metrics.targets.summary import ALL_PRIORITIES, NO_OWNER, NOT_LINKED, board_summary
from metrics.targets.trajectory import BaselinePeriodError, baseline_period_end
from metrics.targets.wording import (
    as_day,
    as_number,
    baseline_words,
    now_words,
    time_left_words,
)

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
CHECK_COLUMNS = {criterion: criterion.value.replace("-", "_") for criterion in Criterion}
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
SUMMARY_WORDS = {
    "met": "Met",
    "on_track": "On track",
    "within_uncertainty": "Within uncertainty",
    "off_track": "Off track",
    "missed": "Missed",
    "no_trajectory": "No trajectory",
    "not_assessable": "Not assessable",
}


@dataclass(frozen=True)
class PlanView:
    board: str | None
    plan_name: str | None
    source: str | None
    as_of: date
    targets: pl.DataFrame  # one row per target, in plan order (TARGET_SCHEMA, then has_chart)
    checks: pl.DataFrame  # one row per target and SMART criterion
    series: pl.DataFrame  # the points of every target's trajectory chart (SERIES_SCHEMA)
    summary: pl.DataFrame  # board_summary's frame: one row per priority, then the whole plan
    summary_lines: tuple[str, ...]

    def priorities(self) -> list[str]:
        """The priorities that hold targets, in the board's order."""
        held = set(self.targets["priority"].to_list())
        return [name for name in self.summary["priority"].to_list() if name in held]

    def owners(self) -> list[str]:
        return sorted(set(self.targets["owner"].to_list()))

    def selected(self, *, priority: str | None = None, owner: str | None = None) -> pl.DataFrame:
        """The targets of one priority and/or one owner (None: any)."""
        chosen = self.targets
        if priority is not None:
            chosen = chosen.filter(pl.col("priority") == priority)
        if owner is not None:
            chosen = chosen.filter(pl.col("owner") == owner)
        return chosen

    def lines_for(self, priority: str | None = None) -> list[str]:
        """The summary in words: every priority and the whole plan, or the one priority chosen."""
        if priority is None:
            return list(self.summary_lines)
        position = self.summary["priority"].to_list().index(priority)
        return [self.summary_lines[position]]

    def attention_line(self) -> str:
        """How many targets are off track (or missed) and who holds them, in one sentence."""
        whole = self.summary.filter(pl.col("priority") == ALL_PRIORITIES).row(0, named=True)
        count = whole["off_track"] + whole["missed"]
        if count == 0:
            return "Targets off track: none."
        label = "Targets off track or missed" if whole["missed"] else "Targets off track"
        return f"{label}: {count}, held by {whole['off_track_owners']}."

    def priority_table(self) -> pl.DataFrame:
        """The summary's counts with headed columns, for a small table."""
        rename = {"priority": "Priority", "targets": "Targets", "smart": "SMART", **SUMMARY_WORDS}
        return (
            self.summary.select(list(rename))
            .rename(rename)
            .with_columns(pl.col("Priority").replace(ALL_PRIORITIES, "whole plan"))
            .with_columns(pl.col("Priority").str.slice(0, 1).str.to_uppercase() + pl.col("Priority").str.slice(1))
        )

    def first_needing_attention(self, target_ids: list[str]) -> str | None:
        """The first of `target_ids` that is off track or missed; else the first of them."""
        flagged = self.targets.filter(pl.col("target_id").is_in(target_ids) & pl.col("needs_attention"))["target_id"]
        return flagged[0] if flagged.len() else (target_ids[0] if target_ids else None)

    def target(self, target_id: str) -> dict[str, Any]:
        return self.targets.filter(pl.col("target_id") == target_id).row(0, named=True)

    def checks_of(self, target_id: str) -> pl.DataFrame:
        return self.checks.filter(pl.col("target_id") == target_id).drop("target_id")

    def series_of(self, target_id: str) -> pl.DataFrame:
        return self.series.filter(pl.col("target_id") == target_id).drop("target_id")


def plan_view(con: duckdb.DuckDBPyConnection, rule: DisclosureRule | None = None, as_of: date | None = None) -> PlanView:
    """The loaded plan assessed on `as_of` (default today); raises PlanMissing or PlanFormatError."""
    as_of = as_of or date.today()
    plan = plan_from_warehouse(con)
    source = WarehouseValues(con, rule)
    source.prefetch_coverage(target.indicator for target in plan.targets if target.indicator in BY_ID)
    source.prefetch(figure for target in plan.targets for figure in figures_read(target, source, as_of=as_of))
    assessments = assess_plan(plan, source, as_of=as_of)
    summary = board_summary(assessments)
    series = [point for assessment in assessments for point in chart_points(assessment, source)]
    checks = [
        {"target_id": a.target.id, "criterion": check.criterion.value, "outcome": check.outcome.value, "reasons": check.reason}
        for a in assessments
        for check in a.smart.checks
    ]
    drawable = {point["target_id"] for point in series if point["role"] in (ANNUAL, LATEST) and point["value"] is not None}
    targets = pl.DataFrame([target_row(a) for a in assessments], schema=TARGET_SCHEMA)
    return PlanView(
        board=plan.board,
        plan_name=plan.plan,
        source=plan.source,
        as_of=as_of,
        targets=targets.with_columns(has_chart=pl.col("target_id").is_in(list(drawable))),
        checks=pl.DataFrame(checks, schema=CHECK_SCHEMA),
        series=pl.DataFrame(series, schema=SERIES_SCHEMA),
        summary=summary.frame,
        summary_lines=tuple(summary.lines),
    )


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
