"""How long each step of the justice path takes: median and 90th percentile days, by cut.

Crimes recorded in the period, as in the attrition funnel (`metrics.attrition`); a step counts only
when its later stage was really reached. Cases pass through `metrics.disclosure` like the funnel's.
"""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.aggregate import PERSON_COLUMNS, GroupFilters
from metrics.attrition import NOT_SHOWN, STEPS, check_cut, labelled, protect_cuts, records_for
from metrics.disclosure import DisclosureRule
from metrics.periods import Period

MIN_CASES_FOR_DAYS = 10  # a median or 90th percentile of fewer cases says more about the cases than the service


def days_between_stages(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    *,
    rule: DisclosureRule,
    by: str | None = None,
    groups: GroupFilters = GroupFilters(),
    min_cases: int = MIN_CASES_FOR_DAYS,
) -> pl.DataFrame:
    """Median and 90th percentile calendar days for each step, for crimes recorded in the period.

    Percentiles interpolate linearly between cases (as a spreadsheet's PERCENTILE.INC does); a step
    with fewer than `min_cases` cases shows its count but no days.
    """
    check_cut(by)
    records = records_for(con, "_attrition_days", period, groups).filter(pl.col("days").is_not_null())
    total_label = groups.ward_code or "district"
    summaries = [_days_summary(records, pl.lit(total_label), is_total=True)]
    groups_shown = [{"cut_value": total_label, "is_total": True}]
    if by:
        cut_records = records.filter(pl.col(PERSON_COLUMNS[by]).is_not_null())
        summaries.append(_days_summary(cut_records, pl.col(PERSON_COLUMNS[by]), is_total=False))
        groups_shown += [{"cut_value": value, "is_total": False}
                         for value in sorted(cut_records[PERSON_COLUMNS[by]].unique().to_list())]
    summary = pl.concat(summaries)
    rows = []
    for group in groups_shown:
        for order, (step, label) in enumerate(STEPS, start=1):
            found = summary.filter((pl.col("cut_value") == group["cut_value"]) & (pl.col("step") == step)
                                   & (pl.col("is_total") == group["is_total"]))
            cases = int(found["cases"][0]) if found.height else 0
            enough = cases >= max(min_cases, 1)
            rows.append({
                **group, "step_order": order, "step": step, "step_label": label, "cases": cases,
                "median_days": found["median_days"][0] if enough else None,
                "p90_days": found["p90_days"][0] if enough else None,
                "note": None if enough else f"fewer than {max(min_cases, 1)} cases: days not calculated",
            })
    frame = pl.DataFrame(rows, schema=_days_schema())
    frame = labelled(con, frame, by, period)
    protected = protect_cuts(
        frame, rule=rule, group_column="step", district=not groups.applied(), count_columns=["cases"],
        ratio_columns={"median_days": ("cases", "cases")}, interval_columns={"median_days": ("p90_days",)},
    )
    return protected.with_columns(
        note=pl.when(pl.col("median_days_suppressed")).then(pl.lit(NOT_SHOWN)).otherwise(pl.col("note"))
    )


def _days_summary(records: pl.DataFrame, cut_value: pl.Expr, *, is_total: bool) -> pl.DataFrame:
    return (
        records.group_by(cut_value.alias("cut_value"), "step")
        .agg(cases=pl.len(), median_days=pl.col("days").median(),
             p90_days=pl.col("days").quantile(0.9, interpolation="linear"))
        .with_columns(pl.col("cut_value").cast(pl.String), pl.col("median_days", "p90_days").cast(pl.Float64),
                      is_total=pl.lit(is_total))
        .sort("cut_value")
    )


def _days_schema() -> dict[str, pl.DataType]:
    return {"cut_value": pl.String, "is_total": pl.Boolean, "step_order": pl.Int64, "step": pl.String,
            "step_label": pl.String, "cases": pl.Int64, "median_days": pl.Float64, "p90_days": pl.Float64,
            "note": pl.String}
