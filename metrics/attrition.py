"""The victim journey through justice: where domestic abuse cases drop out (which wards lose most at charge is in
`metrics.attrition_hotspots`, how long each step takes in `metrics.attrition_days`).

`attrition_funnel` follows the crimes recorded in a period by crime id (a cohort: every later stage
holds only crimes that reached the one before). Incidents are the incidents reported in the same
period; their conversion to crime uses each incident's own crime flag, so it too is linked. A crime
can reach a stage without an earlier one (referred to the CPS without an arrest): it counts at every
stage it reached, while the conversion counts only crimes that passed through both stages; the
`conversion_of` column says what each conversion is a share of. A charge is a share of charging
decisions made and a conviction of prosecutions completed, so cases still pending are not counted as
lost; they are shown as `awaiting`.

Every frame passes through `metrics.disclosure` under the caller's rule: counts below district level
are suppressed or rounded, and a percentage or a percentile hides with its count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import polars as pl

from metrics.aggregate import GroupFilters
from metrics.attrition_cuts import check_cut, labelled, protect_cuts
from metrics.disclosure import (
    DisclosureRule,
    is_protected,
    plain_percent,
    protect_table,
    wilson_percent,
)
from metrics.periods import Period
from metrics.precomputed import STAGE_COUNTS
from metrics.read import attrition_figures as figures
from metrics.stats import wilson_ci

if TYPE_CHECKING:
    from polars._typing import PolarsDataType


@dataclass(frozen=True)
class Stage:
    name: str
    label: str
    unit: str
    count: str  # the column counting cases that reached the stage
    converted: str | None = None  # cases at the previous stage that reached this one
    eligible: str | None = None  # cases at the previous stage that could have (decision made)
    conversion_of: str | None = None
    awaiting: str | None = None  # cases at the previous stage still waiting for this decision


STAGES = (
    Stage("incident", "Incidents reported to police", "incidents", "incidents"),
    Stage(
        "crime", "Recorded as a crime", "crimes", "crimes", "incidents_recorded_as_crime", "incidents", "of incidents reported"
    ),
    Stage("arrest", "Suspect arrested", "crimes", "arrested", "arrested", "crimes", "of crimes recorded"),
    Stage(
        "cps_referral",
        "Referred to the CPS",
        "crimes",
        "referred",
        "arrested_and_referred",
        "arrested",
        "of crimes with an arrest",
    ),
    Stage(
        "charged",
        "Charged",
        "crimes",
        "charged",
        "charged",
        "referred_and_decided",
        "of referred crimes with a charging decision",
        "awaiting_charge_decision",
    ),
    Stage(
        "prosecution_completed",
        "Prosecution completed",
        "crimes",
        "prosecution_completed",
        "prosecution_completed",
        "charged",
        "of crimes charged",
        "awaiting_court_outcome",
    ),
    Stage("convicted", "Convicted", "crimes", "convicted", "convicted", "prosecution_completed", "of completed prosecutions"),
)


FUNNEL_COUNTS = ["count", "conversion_numerator", "conversion_denominator", "awaiting", "crimes"]
# Crimes at a stage that split into those decided and those still waiting (metrics/sql/_attrition_funnel.sql):
# with the whole and one part published, a hidden part is their difference.
SPLITS = (
    ("referred", ("referred_and_decided", "awaiting_charge_decision")),
    ("charged", ("prosecution_completed", "awaiting_court_outcome")),
)


def attrition_funnel(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    *,
    rule: DisclosureRule,
    by: str | None = None,
    groups: GroupFilters = GroupFilters(),
) -> pl.DataFrame:
    """One row per stage (per cut value and for the total when `by` is a person dimension)."""
    check_cut(by)
    counts = figures(con, STAGE_COUNTS, period, by, groups, fetch=_counts_frame)
    totals = pl.concat(
        [
            counts.filter(pl.col("is_total")).with_columns(cut_value=pl.lit(groups.ward_code or "district")),
            counts.filter(~pl.col("is_total")).sort("cut_value"),
        ]
    )
    rows = []
    for cut in totals.iter_rows(named=True):
        for order, stage in enumerate(STAGES, start=1):
            rows.append(_stage_row(cut, order, stage))
    frame = pl.DataFrame(rows, schema=_funnel_schema())
    frame = labelled(con, frame, by, period)
    protected = protect_cuts(
        frame,
        rule=rule,
        group_column="stage",
        district=not is_protected(cut=None, groups=groups.as_parameters(), start=period.start, end=period.end),
        count_columns=FUNNEL_COUNTS,
        ratio_columns={
            "conversion_pct": ("conversion_numerator", "conversion_denominator"),
            "share_of_crimes_pct": ("count", "crimes"),
        },
        interval_columns={"conversion_pct": ("conversion_lower_95", "conversion_upper_95")},
        recompute={"conversion_pct": wilson_percent(), "share_of_crimes_pct": plain_percent},
    )
    return _protect_splits(
        protected,
        totals,
        rule,
        district=not is_protected(cut=None, groups=groups.as_parameters(), start=period.start, end=period.end),
    )


def _counts_frame(relation: duckdb.DuckDBPyRelation) -> pl.DataFrame:
    """The stage counts (`is_total`, `cut_value` and a count per column) as a frame; a few dozen rows are quicker
    fetched as tuples than through Arrow."""
    types = {"is_total": pl.Boolean, "cut_value": pl.String}
    schema = {column: types.get(column, pl.Int64) for column in relation.columns}
    return pl.DataFrame(relation.fetchall(), schema=schema, orient="row")


def _protect_splits(protected: pl.DataFrame, totals: pl.DataFrame, rule: DisclosureRule, *, district: bool) -> pl.DataFrame:
    """Hide more where a stage's crimes split into decided and awaiting, so no hidden count is the difference
    of two shown (a rate beside a rounded count gives the count away).

    Each split, cut by cut with the selection's total, is a two-way table with its margins, protected by
    `protect_table` with the counts already hidden (and a district total always shown); a count it hides
    is hidden in every row that holds it.
    """
    quantity = {
        stage.name: {
            "count": stage.count,
            "conversion_numerator": stage.converted,
            "conversion_denominator": stage.eligible,
            "awaiting": stage.awaiting,
            "crimes": "crimes",
        }
        for stage in STAGES
    }
    hidden = {
        (row["cut_value"], row["is_total"], quantity[row["stage"]][column])
        for row in protected.iter_rows(named=True)
        for column in FUNNEL_COUNTS
        if row[f"{column}_suppressed"]
    }
    cuts = totals.filter(~pl.col("is_total"))
    rows = cuts if cuts.height else totals  # with no cut, the selection's total is the table's one row
    if cuts.height and not rule.is_identity:
        # Cut by a group, the cases still awaiting a decision are shown for the selection's total only: beside an
        # exact total and the rounded stage counts of each group, a group's awaiting count can be pinned.
        hidden |= {
            (row["cut_value"], False, stage.awaiting) for row in cuts.iter_rows(named=True) for stage in STAGES if stage.awaiting
        }
    total = totals.filter(pl.col("is_total")).row(0, named=True)
    for whole, parts in SPLITS:
        names = [*parts, whole]
        keys = [(row["cut_value"], row["is_total"]) for row in rows.iter_rows(named=True)]
        margin = (total["cut_value"], True)
        already = np.array([[(*key, name) in hidden for name in names] for key in [*keys, margin]])
        shown = np.array([[district and is_total for _ in names] for _, is_total in [*keys, margin]])
        table = protect_table(rows.select(parts).to_numpy(), rule=rule, already_hidden=already, always_shown=shown)
        for key, flags in zip([*keys, margin], table.hidden, strict=True):
            hidden |= {(*key, name) for name, flag in zip(names, flags, strict=True) if flag}
    return _hide_quantities(protected, hidden, quantity)


def _hide_quantities(protected: pl.DataFrame, hidden: set[tuple], quantity: dict[str, dict[str, str | None]]) -> pl.DataFrame:
    """Every count of `hidden` (cut, is_total, quantity) blanked wherever it appears, with the rates worked from it."""
    rows = []
    for row in protected.iter_rows(named=True):
        for column in FUNNEL_COUNTS:
            if (row["cut_value"], row["is_total"], quantity[row["stage"]][column]) in hidden:
                row[column], row[f"{column}_suppressed"] = None, True
        if row["conversion_numerator_suppressed"] or row["conversion_denominator_suppressed"]:
            row.update(conversion_pct=None, conversion_lower_95=None, conversion_upper_95=None, conversion_pct_suppressed=True)
        if row["count_suppressed"] or row["crimes_suppressed"]:
            row.update(share_of_crimes_pct=None, share_of_crimes_pct_suppressed=True)
        rows.append(row)
    return pl.DataFrame(rows, schema=protected.schema)


def _stage_row(cut: dict, order: int, stage: Stage) -> dict:
    converted = cut[stage.converted] if stage.converted else None
    eligible = cut[stage.eligible] if stage.eligible else None
    interval = wilson_ci(converted, eligible) if eligible and converted is not None else None
    is_crime_stage = stage.unit == "crimes"
    return {
        "cut_value": cut["cut_value"],
        "is_total": cut["is_total"],
        "stage_order": order,
        "stage": stage.name,
        "stage_label": stage.label,
        "unit": stage.unit,
        "count": cut[stage.count],
        "conversion_numerator": converted,
        "conversion_denominator": eligible,
        "conversion_of": stage.conversion_of,
        "conversion_pct": interval.value if interval else None,
        "conversion_lower_95": interval.lower if interval else None,
        "conversion_upper_95": interval.upper if interval else None,
        "awaiting": cut[stage.awaiting] if stage.awaiting else None,
        "crimes": cut["crimes"] if is_crime_stage else None,
        "share_of_crimes_pct": 100 * cut[stage.count] / cut["crimes"] if is_crime_stage and cut["crimes"] else None,
    }


def _funnel_schema() -> dict[str, PolarsDataType]:
    counts = {column: pl.Int64 for column in FUNNEL_COUNTS}
    percents = {
        column: pl.Float64 for column in ("conversion_pct", "conversion_lower_95", "conversion_upper_95", "share_of_crimes_pct")
    }
    return {
        "cut_value": pl.String,
        "is_total": pl.Boolean,
        "stage_order": pl.Int64,
        "stage": pl.String,
        "stage_label": pl.String,
        "unit": pl.String,
        "conversion_of": pl.String,
        **counts,
        **percents,
    }
