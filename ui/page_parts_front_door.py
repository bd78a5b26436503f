"""Pieces of the Front door and safeguarding page: its measures, and perpetrator programmes in words and tables.

Pure functions (no Streamlit).
"""

from __future__ import annotations

import polars as pl

from metrics.disclosure import NOT_SHOWN

# Each measure with the short name its tab carries, in the order a child's case meets them.
MEASURES = {
    "school_notified_next_day_pct": "Schools told in time",
    "mash_decision_24h_pct": "Front door decisions in 24 hours",
    "child_spoken_to_pct": "Child spoken to",
    "high_risk_referred_to_marac_pct": "High risk referred to MARAC",
    "repeat_3plus_not_marac_pct": "3+ incidents, no MARAC",
}
REPEAT_COUNT = "repeat_3plus_not_marac_count"
TILES = (*MEASURES, REPEAT_COUNT)
STAGES = {"n_offered": "offered a place", "n_started": "started", "n_completed": "completed"}
PROGRAMME_NOTE = (
    "Perpetrators offered a place (referred) in the period, followed to the latest data. Programmes are "
    "counted across the district: the ward and group filters do not apply to them."
)


def not_applied_words(not_applied: list[str]) -> str:
    return f"Not recorded by {' or '.join(not_applied)}, so that filter does not apply here."


def mark_chosen_ward(frame: pl.DataFrame, ward_code: str | None) -> pl.DataFrame:
    """The chosen ward's label reads "Name (chosen ward)", so it stands out among the others."""
    return frame.with_columns(
        pl.when(pl.col("cut_value") == (ward_code or ""))
        .then(pl.col("cut_label") + " (chosen ward)")
        .otherwise(pl.col("cut_label"))
        .alias("cut_label")
    )


def programme_stages(programmes: pl.DataFrame) -> pl.DataFrame:
    """Long form for the chart: programme, stage, people (None where too few to show)."""
    rows = [
        {"programme": row["programme_name"], "stage": stage, "people": row[column]}
        for row in programmes.iter_rows(named=True)
        for column, stage in STAGES.items()
    ]
    return pl.DataFrame(rows, schema={"programme": pl.String, "stage": pl.String, "people": pl.Int64})


def programme_summary(programmes: pl.DataFrame) -> list[str]:
    """One sentence per programme: offered -> started -> completed, in words."""
    sentences = []
    for row in programmes.iter_rows(named=True):
        if row["n_offered"] is None:
            sentences.append(f"{row['programme_name']}: {NOT_SHOWN}.")
            continue
        if row["n_offered"] == 0:
            sentences.append(f"{row['programme_name']}: no perpetrator was offered a place in this period.")
            continue
        started = _count_with_pct(row["n_started"], row["start_pct"])
        completed = _count_with_pct(row["n_completed"], row["completed_pct_of_offered"])
        ended = (
            ""
            if row["completion_pct"] is None
            else (f" Of those whose programme has ended, {row['completion_pct']:.0f}% completed it.")
        )
        sentences.append(
            f"{row['programme_name']}: of about {row['n_offered']:,} perpetrators offered a place, "
            f"{started} started and {completed} have completed so far.{ended}"
        )
    return sentences


def programme_table(programmes: pl.DataFrame) -> pl.DataFrame:
    """The table view and download: counts as disclosure control published them, rates with 95% limits."""
    return programmes.select(
        pl.col("programme_name").alias("programme"),
        "provider",
        pl.col("n_offered").alias("offered a place"),
        pl.col("n_started").alias("started"),
        pl.col("n_completed").alias("completed"),
        pl.col("n_disengaged").alias("disengaged"),
        pl.col("start_pct").round(1).alias("% of offers started"),
        pl.col("completion_pct").round(1).alias("% of ended programmes completed"),
        pl.col("completion_pct_lower_95").round(1).alias("completed: 95% CI lower"),
        pl.col("completion_pct_upper_95").round(1).alias("completed: 95% CI upper"),
        pl.col("completed_pct_of_offered").round(1).alias("% of offers completed"),
    ).with_columns(
        note=pl.when(pl.any_horizontal(pl.col("offered a place", "started", "completed", "disengaged").is_null()))
        .then(pl.lit(f"blank counts are {NOT_SHOWN}"))
        .otherwise(pl.lit(""))
    )


def _count_with_pct(count: int | None, pct: float | None) -> str:
    if count is None:
        return f"a number not shown ({NOT_SHOWN})"
    return f"{count:,}" + (f" ({pct:.0f}%)" if pct is not None else "")
