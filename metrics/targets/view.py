"""The action plan as the dashboard shows it: plain values, ready to cache and draw.

`plan_view` assesses every target once and returns a `PlanView`: one row per target (SMART checks,
current value, status, trajectory, forecast and milestones, each in words as well as numbers;
metrics/targets/target_rows.py), the points of each target's trajectory chart
(metrics/targets/chart_series.py), and the board summary. Pages pick from it; they never
assess, group or count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import polars as pl

from metrics.disclosure import DisclosureRule
from metrics.registry import BY_ID
from metrics.targets.assessment import assess_plan
from metrics.targets.chart_series import ANNUAL, LATEST, SERIES_SCHEMA, chart_points
from metrics.targets.loading import plan_from_warehouse
from metrics.targets.reading import figures_read
from metrics.targets.sources import WarehouseValues
from metrics.targets.summary import ALL_PRIORITIES, board_summary
from metrics.targets.target_rows import CHECK_SCHEMA, TARGET_SCHEMA, target_row

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
