"""Timing and attrition: among crimes that reached a charge decision, the share lost to victim issues
(retraction, non-attendance, victim does not support) when the victim's specialist support started
before the decision, against support later or not at all, each with a 95% Wilson interval.

This is an association in observed data, not the effect of support: victims who get support early
may differ in many ways from those who do not (risk, agency contact, willingness to engage).
"""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.aggregate import GroupFilters, query_sql
from metrics.disclosure import DisclosureRule, is_protected, wilson_percent
from metrics.journeys.common import ALL_IN_SELECTION, cut_labels, group_expression, protect_cut_rows, run
from metrics.periods import Period
from metrics.stats import wilson_ci

ASSOCIATION_NOTE = (
    "This is an association, not a causal effect: victims whose support started early may differ from the "
    "others in ways the data does not hold (risk, contact with agencies, willingness to engage), so the gap "
    "does not show what support itself changes."
)
SUPPORT_TIMING = {True: "supported_before", False: "supported_later_or_not"}
COUNTS = ["supported_before_crimes", "supported_before_issues", "supported_later_or_not_crimes", "supported_later_or_not_issues"]


def timing_and_attrition(
    con: duckdb.DuckDBPyConnection,
    rule: DisclosureRule,
    *,
    period: Period,
    groups: GroupFilters = GroupFilters(),
    by: str | None = None,
) -> pl.DataFrame:
    """One row for the selection (`is_total`) and one per ward or group, crimes decided in the period.

    Each side (`supported_before_`, `supported_later_or_not_`) has crimes, victim issues, the issue
    share (%) and its 95% Wilson limits; `intervals_overlap` says whether the two intervals touch.
    """
    sql = query_sql("journey_timing_attrition").replace("{group_expression}", group_expression(by))
    counts = run(con, sql, period=period, groups=groups)
    rows = [_row(ALL_IN_SELECTION, ALL_IN_SELECTION, True, counts)]
    if by is not None:
        labelled = cut_labels(con, counts, by).sort("group_value")
        for (value, label), frame in labelled.group_by("group_value", "group_label", maintain_order=True):
            rows.append(_row(value, label, False, frame))
    frame = pl.DataFrame(rows, schema=_schema())
    ratios, intervals = {}, {}
    for side in SUPPORT_TIMING.values():
        ratios[f"{side}_issue_pct"] = (f"{side}_issues", f"{side}_crimes")
        intervals[f"{side}_issue_pct"] = (f"{side}_lower_95", f"{side}_upper_95")
    protected = protect_cut_rows(
        frame,
        rule=rule,
        district=not is_protected(cut=None, groups=groups.as_parameters(), start=period.start, end=period.end),
        group_columns=[],
        count_columns=COUNTS,
        ratio_columns=ratios,
        interval_columns=intervals,
        recompute={ratio: wilson_percent(1) for ratio in ratios},
    )
    # whether the intervals overlap is read from the limits as published (worked out from the rounded counts): read
    # from the exact limits, it could contradict the limits shown and so say which counts the rounding hides
    before_lower, before_upper = pl.col("supported_before_lower_95"), pl.col("supported_before_upper_95")
    later_lower, later_upper = pl.col("supported_later_or_not_lower_95"), pl.col("supported_later_or_not_upper_95")
    hidden = pl.any_horizontal(column.is_null() for column in (before_lower, before_upper, later_lower, later_upper))
    return protected.with_columns(
        intervals_overlap=pl.when(hidden).then(None).otherwise((before_lower <= later_upper) & (later_lower <= before_upper)),
        disclosure_rule=pl.lit(rule.describe()),
    )


def describe_timing(row: dict) -> str:
    """The selection's finding in words, as an association with its uncertainty."""
    before, later = row.get("supported_before_issue_pct"), row.get("supported_later_or_not_issue_pct")
    if before is None or later is None:
        return "Too few crimes with a charge decision to compare safely."
    sentence = (
        f"Victim issues ended {before:.1f}% (95% CI {row['supported_before_lower_95']:.1f} to "
        f"{row['supported_before_upper_95']:.1f}) of crimes where the victim's specialist support started "
        f"before the charge decision, against {later:.1f}% ({row['supported_later_or_not_lower_95']:.1f} to "
        f"{row['supported_later_or_not_upper_95']:.1f}) where it started later or not at all."
    )
    if row.get("intervals_overlap"):
        return sentence + " The intervals overlap, so the difference could be chance."
    return sentence + " The intervals do not overlap, so the difference is unlikely to be chance alone."


def _row(value: str, label: str, is_total: bool, counts: pl.DataFrame) -> dict:
    row = {"group_value": value, "group_label": label, "is_total": is_total}
    for flag, side in SUPPORT_TIMING.items():
        part = counts.filter(pl.col("is_supported_before_decision") == flag)
        crimes, issues = int(part["crimes"].sum()), int(part["victim_issues"].sum())
        interval = wilson_ci(issues, crimes) if crimes else None
        row.update(
            {
                f"{side}_crimes": crimes,
                f"{side}_issues": issues,
                f"{side}_issue_pct": _rounded(interval.value if interval else None),
                f"{side}_lower_95": _rounded(interval.lower if interval else None),
                f"{side}_upper_95": _rounded(interval.upper if interval else None),
            }
        )
    return row


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _schema() -> dict:
    schema = {"group_value": pl.String, "group_label": pl.String, "is_total": pl.Boolean}
    for side in SUPPORT_TIMING.values():
        schema |= {
            f"{side}_crimes": pl.Int64,
            f"{side}_issues": pl.Int64,
            f"{side}_issue_pct": pl.Float64,
            f"{side}_lower_95": pl.Float64,
            f"{side}_upper_95": pl.Float64,
        }
    return schema
