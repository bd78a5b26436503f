"""Justice figures cut by a person dimension: the cuts allowed, the cut values labelled, and the cut rows protected
against their total (the attrition funnel and the days between stages share these)."""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.aggregate import PERSON_COLUMNS, UnsupportedCut
from metrics.disclosure import DisclosureRule, protect_frame
from metrics.periods import Period


def check_cut(by: str | None) -> None:
    if by is not None and by not in PERSON_COLUMNS:
        raise UnsupportedCut(f"attrition can be cut by {', '.join(PERSON_COLUMNS)}, not {by}")


def labelled(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, by: str | None, period: Period) -> pl.DataFrame:
    names = dict(con.sql("select ward_code, ward_name from mart_wards").fetchall()) if by == "ward" else {}
    return frame.with_columns(
        cut=pl.lit(by or "district"),
        cut_label=pl.col("cut_value").replace_strict(names, default=pl.col("cut_value"), return_dtype=pl.String),
        period=pl.lit(period.label),
        period_start=pl.lit(period.start),
        period_end=pl.lit(period.end),
    )


def protect_cuts(frame: pl.DataFrame, *, rule: DisclosureRule, group_column: str, district: bool, **columns) -> pl.DataFrame:
    """Disclosure control for cut rows that add up to a total row in each `group_column` group.

    A district total is published as it is; a total that is itself a slice (one ward, one group) is
    protected like any cell first. The cut rows are then protected against their total, so no hidden
    cut can be worked out by subtracting the others from it.
    """
    is_total = pl.col("is_total")
    totals = frame.filter(is_total).with_columns(level=pl.lit("district" if district else "sub-district"))
    protected_totals = protect_frame(totals, rule=rule, level_column="level", **columns)
    marked = frame.with_columns(level=pl.when(is_total).then(pl.lit("district")).otherwise(pl.lit("sub-district")))
    protected = protect_frame(marked, rule=rule, level_column="level", group_columns=[group_column], **columns)
    return (
        pl.concat([protected_totals, protected.filter(~is_total)])
        .with_columns(disclosure_rule=pl.lit(rule.describe()))
        .drop("level")
    )
