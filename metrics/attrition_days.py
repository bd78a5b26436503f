"""How long each step of the justice path takes: median and 90th percentile days, by cut.

Crimes recorded in the period, as in the attrition funnel (`metrics.attrition`); a step counts only
when its later stage was really reached. Cases pass through `metrics.disclosure` like the funnel's.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from metrics.aggregate import GroupFilters
from metrics.attrition_cuts import check_cut, labelled, protect_cuts
from metrics.disclosure import NOT_SHOWN, DisclosureRule, is_protected, shown_count
from metrics.periods import Period
from metrics.precomputed import STEP_DAYS
from metrics.read import attrition_figures as figures

if TYPE_CHECKING:
    from polars._typing import PolarsDataType

STEPS = (
    ("days_incident_to_recorded", "Incident reported to crime recorded"),
    ("days_recorded_to_arrest", "Crime recorded to arrest"),
    ("days_arrest_to_cps", "Arrest to CPS referral"),
    ("days_cps_to_charge_decision", "CPS referral to charging decision"),
    ("days_charge_to_court_outcome", "Charge to court outcome"),
    ("days_recorded_to_court_outcome", "Crime recorded to court outcome (whole path)"),
)
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

    Percentiles interpolate linearly between cases (as a spreadsheet's PERCENTILE.INC does), and are published to the
    whole day under a rule that protects counts; a step with fewer than `min_cases` cases (as published) shows its count
    but no days.
    """
    check_cut(by)
    total_label = groups.ward_code or "district"
    found: dict[tuple[str | None, bool, str], tuple[int, float, float]] = {
        (total_label, True, step): days for (_, step), days in _step_days(con, period, None, groups).items()
    }
    shown = [(total_label, True)]
    if by:
        cuts = _step_days(con, period, by, groups)
        found |= {(value, False, step): days for (value, step), days in cuts.items()}
        shown += [(value, False) for value in sorted({value for value, _ in cuts if value is not None})]
    rows = []
    for cut_value, is_total in shown:
        for order, (step, label) in enumerate(STEPS, start=1):
            cases, median_days, p90_days = found.get((cut_value, is_total, step), (0, None, None))
            # Under a rule that protects counts, whether there are enough cases is judged on the count as published,
            # and the days are whole: interpolated between two cases, a median's half day says the cases are even in
            # number and a 90th percentile's tenths say their number's last digit, which with a rounded count is one.
            enough = (cases if rule.is_identity else shown_count(cases, rule)) >= max(min_cases, 1)
            rows.append(
                {
                    "cut_value": cut_value,
                    "is_total": is_total,
                    "step_order": order,
                    "step": step,
                    "step_label": label,
                    "cases": cases,
                    "median_days": _days(median_days, rule) if enough else None,
                    "p90_days": _days(p90_days, rule) if enough else None,
                    "note": None if enough else f"fewer than {max(min_cases, 1)} cases: days not calculated",
                }
            )
    frame = pl.DataFrame(rows, schema=_days_schema())
    frame = labelled(con, frame, by, period)
    protected = protect_cuts(
        frame,
        rule=rule,
        group_column="step",
        district=not is_protected(cut=None, groups=groups.as_parameters(), start=period.start, end=period.end),
        count_columns=["cases"],
        ratio_columns={"median_days": ("cases", "cases")},
        interval_columns={"median_days": ("p90_days",)},
    )
    return protected.with_columns(
        note=pl.when(pl.col("median_days_suppressed")).then(pl.lit(NOT_SHOWN)).otherwise(pl.col("note"))
    )


def _days(days: float | None, rule: DisclosureRule) -> float | None:
    """Days as published: exact for an unprotected view, else to the nearest whole day (halves up)."""
    if days is None or rule.is_identity:
        return days
    return float(math.floor(days + 0.5))


def _step_days(
    con: duckdb.DuckDBPyConnection, period: Period, by: str | None, groups: GroupFilters
) -> dict[tuple[str | None, str], tuple[int, float, float]]:
    """(cases, median days, 90th percentile days) by (value of the cut, step), for each step with a case;
    with no cut, the value is None."""
    rows = figures(con, STEP_DAYS, period, by, groups, fetch=lambda relation: relation.fetchall())
    return {(cut_value, step): tuple(days) for cut_value, step, *days in rows}


def _days_schema() -> dict[str, PolarsDataType]:
    return {
        "cut_value": pl.String,
        "is_total": pl.Boolean,
        "step_order": pl.Int64,
        "step": pl.String,
        "step_label": pl.String,
        "cases": pl.Int64,
        "median_days": pl.Float64,
        "p90_days": pl.Float64,
        "note": pl.String,
    }
