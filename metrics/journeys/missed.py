"""Missed opportunities: victims who met the MARAC escalation trigger (a setting: 3 incidents in 12 months by
default) who never reached MARAC or a
specialist service, and high-risk incidents with children present that no school notification
followed, with the wards and groups where they concentrate.
"""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.aggregate import GroupFilters, query_sql
from metrics.disclosure import DisclosureRule, is_protected, wilson_percent
from metrics.indicators.front_door import TRIGGER
from metrics.journeys.common import ALL_IN_SELECTION, cut_labels, group_expression, protect_cut_rows, run
from metrics.periods import Period
from metrics.stats import wilson_ci

MEASURES = {
    "repeat_without_help": (
        f"Victims with {TRIGGER} who reached neither MARAC nor a specialist service",
        f"victims with {TRIGGER}",
    ),
    "children_without_school_notice": (
        "High-risk incidents with children present and no school notification",
        "high-risk incidents with children present",
    ),
}


def missed_opportunities(
    con: duckdb.DuckDBPyConnection,
    rule: DisclosureRule,
    *,
    period: Period,
    groups: GroupFilters = GroupFilters(),
    by: str | None = None,
) -> pl.DataFrame:
    """Per measure: the selection's total (`is_total`) and each ward or group, most missed first.

    `missed` of `eligible`, with the share (%) and its 95% Wilson limits.
    """
    sql = query_sql("journey_missed_opportunities").replace("{group_expression}", group_expression(by))
    counts = cut_labels(con, run(con, sql, period=period, groups=groups), by)
    rows = []
    for measure, (label, eligible_label) in MEASURES.items():
        part = counts.filter(pl.col("measure") == measure)
        rows.append(_row(measure, label, eligible_label, ALL_IN_SELECTION, ALL_IN_SELECTION, True, part))
        if by is not None:
            for record in part.sort("group_value").iter_rows(named=True):
                rows.append(
                    _row(
                        measure,
                        label,
                        eligible_label,
                        record["group_value"],
                        record["group_label"],
                        False,
                        pl.DataFrame([record]),
                    )
                )
    frame = pl.DataFrame(rows, schema=_schema())
    protected = protect_cut_rows(
        frame,
        rule=rule,
        group_columns=["measure"],
        district=not is_protected(cut=None, groups=groups.as_parameters(), start=period.start, end=period.end),
        recompute={"missed_pct": wilson_percent(1)},
        count_columns=["missed", "eligible"],
        ratio_columns={"missed_pct": ("missed", "eligible")},
        interval_columns={"missed_pct": ("missed_lower_95", "missed_upper_95")},
    )
    order = {measure: position for position, measure in enumerate(MEASURES)}
    return (
        protected.with_columns(_order=pl.col("measure").replace_strict(order, return_dtype=pl.Int64))
        # most missed first, as published, so the order gives away nothing a hidden count would not
        .sort(
            ["_order", pl.col("is_total").not_(), "missed", "group_label"],
            descending=[False, False, True, False],
            nulls_last=True,
        )
        .drop("_order")
        .with_columns(disclosure_rule=pl.lit(rule.describe()))
    )


def concentration_sentences(frame: pl.DataFrame, *, top: int = 3) -> list[str]:
    """Where each missed opportunity concentrates: the groups with the most, as published."""
    sentences = []
    for measure, (label, _) in MEASURES.items():
        shown = frame.filter((pl.col("measure") == measure) & ~pl.col("is_total") & (pl.col("missed") > 0))
        shown = shown.sort("missed", descending=True).head(top)
        if shown.is_empty():
            continue
        places = ", ".join(f"{row['group_label']} ({row['missed']:,})" for row in shown.iter_rows(named=True))
        sentences.append(f"{label}: most in {places}.")
    return sentences


def _row(measure: str, label: str, eligible_label: str, value: str, group_label: str, is_total: bool, part: pl.DataFrame) -> dict:
    missed, eligible = int(part["missed"].sum()), int(part["eligible"].sum())
    interval = wilson_ci(missed, eligible) if eligible else None
    return {
        "measure": measure,
        "label": label,
        "of": eligible_label,
        "group_value": value,
        "group_label": group_label,
        "is_total": is_total,
        "missed": missed,
        "eligible": eligible,
        "missed_pct": None if interval is None or interval.value is None else round(interval.value, 1),
        "missed_lower_95": None if interval is None or interval.lower is None else round(interval.lower, 1),
        "missed_upper_95": None if interval is None or interval.upper is None else round(interval.upper, 1),
    }


def _schema() -> dict:
    return {
        "measure": pl.String,
        "label": pl.String,
        "of": pl.String,
        "group_value": pl.String,
        "group_label": pl.String,
        "is_total": pl.Boolean,
        "missed": pl.Int64,
        "eligible": pl.Int64,
        "missed_pct": pl.Float64,
        "missed_lower_95": pl.Float64,
        "missed_upper_95": pl.Float64,
    }
