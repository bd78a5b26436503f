"""Figures and tables for the data and refresh page: pure Plotly and Polars, no Streamlit.

Tables get plain column headings; the frames come from `metrics.data_quality` and are never recomputed.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from metrics.disclosure import NOT_SHOWN, SUPPRESSED_TEXT
from ui import theme

ACRONYMS = {"marac": "MARAC", "mash": "MASH", "lsoa": "LSOA"}


# What each kind of refresh (the run log's `kind`) rebuilt, in words; a failed run published nothing.
REBUILT = {"full": "everything", "incremental": "only what the drop changed", "unchanged": "nothing"}


def latest_attempt(history: pl.DataFrame) -> tuple[bool, str]:
    """(whether it failed, the newest attempt in one sentence)."""
    latest = history.row(0, named=True)
    when = latest["started_at"]
    stamp = f"{when.day} {when:%B %Y at %H:%M}" if when else "at an unknown time"
    return bool(latest["is_failed"]), f"Latest refresh, started {stamp}. {latest['summary']}"


def history_table(history: pl.DataFrame) -> pl.DataFrame:
    return history.select(
        pl.col("started_at").alias("Started"),
        pl.col("finished_at").alias("Finished"),
        pl.col("summary").alias("What happened"),
        pl.when(pl.col("is_failed"))
        .then(pl.lit("nothing"))
        .otherwise(pl.col("kind").replace_strict(REBUILT, default="", return_dtype=pl.String))
        .alias("Rebuilt"),
        pl.col("files_loaded").alias("Files loaded"),
        pl.col("files_refused").alias("Files refused"),
        pl.col("rows_loaded").alias("Rows loaded"),
        pl.col("rows_rejected").alias("Rows rejected"),
        pl.col("run_id").alias("Run"),
    )


def rows_table(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.select(
        pl.col("started_at").alias("Refresh started"),
        pl.col("extract_title").alias("Extract"),
        pl.col("files").alias("Files"),
        pl.col("files_unchanged").alias("Unchanged files"),
        pl.col("rows_in_files").alias("Rows in files"),
        pl.col("rows_loaded").alias("Rows loaded"),
        pl.col("rows_updated").alias("Of which updated"),
        pl.col("rows_rejected").alias("Rows rejected"),
        pl.col("refused_because").fill_null("").alias("Files refused, and why"),
    )


def completeness_chart(frame: pl.DataFrame, *, title: str) -> go.Figure:
    """The share of records with each key field recorded, for the whole district, one bar per check; with ward rows,
    a marker on each bar at the ward that records the field least."""
    district = frame.filter(pl.col("cut") == "district").sort("check_order")
    labels = [f"{_short_name(extract)}: {field}" for extract, field in zip(district["extract"], district["field"], strict=True)]
    values = district["recorded_pct"].to_list()
    figure = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker_color=theme.DARK_BLUE,
            textposition="outside",
            cliponaxis=False,
            text=[f"{value:.1f}%" if value is not None else SUPPRESSED_TEXT for value in values],
            customdata=district["records"].to_list(),
            hovertemplate="%{y}: %{x:.1f}% of %{customdata:,} records<extra></extra>",
        )
    )
    wards = frame.filter((pl.col("cut") == "ward") & pl.col("recorded_pct").is_not_null())
    if wards.height:  # with each ward asked for, mark the ward where each field is recorded least
        weakest = wards.sort("recorded_pct").group_by("check_order", maintain_order=True).first()
        by_check = {row["check_order"]: row for row in weakest.iter_rows(named=True)}
        rows = [by_check.get(order) for order in district["check_order"]]
        figure.add_trace(
            go.Scatter(
                x=[row["recorded_pct"] if row else None for row in rows],
                y=labels,
                mode="markers",
                name="Ward recording it least",
                marker={"symbol": "diamond", "size": 11, "color": theme.DARK_PINK, "line": {"color": theme.TEXT, "width": 1}},
                customdata=[row["cut_label"] if row else "" for row in rows],
                hovertemplate="%{customdata}: %{x:.1f}%<extra>ward recording it least</extra>",
            )
        )
        figure.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.12})
    figure.update_layout(
        **theme.layout_defaults(),
        title={"text": title, "x": 0, "font": {"size": 16}},
        height=max(300, 26 * district.height + 120),
        xaxis_title="% of records with the field recorded",
    )
    figure.update_xaxes(range=[0, 112])
    figure.update_yaxes(autorange="reversed")
    return figure


def completeness_table(frame: pl.DataFrame) -> pl.DataFrame:
    hidden = pl.col("records_suppressed") | pl.col("recorded_suppressed")
    return frame.select(
        pl.col("extract_title").alias("Extract"),
        pl.col("field").alias("Field"),
        pl.col("cut_label").alias("Area"),
        pl.col("records").alias("Records"),
        pl.col("recorded").alias("Recorded"),
        pl.col("recorded_pct").round(1).alias("Recorded (%)"),
        pl.when(hidden).then(pl.lit(NOT_SHOWN)).otherwise(pl.lit("")).alias("Note"),
    )


def stale_warnings(freshness: pl.DataFrame) -> list[str]:
    """One sentence per source that has fallen behind the others, or whose data stop long before today."""
    stale = freshness.filter(
        pl.col("is_stale") | pl.col("is_out_of_date").fill_null(False)
        if "is_out_of_date" in freshness.columns
        else pl.col("is_stale")
    )
    return [f"{title}. {text}" for title, text in zip(stale["extract_title"], stale["status_text"], strict=True)]


def freshness_table(freshness: pl.DataFrame) -> pl.DataFrame:
    return freshness.select(
        pl.col("extract_title").alias("Source"),
        pl.col("status").alias("Status"),
        pl.col("last_loaded_at").alias("Last file loaded"),
        pl.col("latest_event_at").alias("Latest event held"),
        pl.col("days_behind_newest").alias("Days behind the newest source"),
        *([pl.col("days_before_today").alias("Days before today")] if "days_before_today" in freshness.columns else []),
        pl.col("rows_held").alias("Records held"),
        pl.col("status_text").alias("In words"),
    )


def rejected_table(rejected: pl.DataFrame) -> pl.DataFrame:
    return rejected.select(
        pl.col("rejected_at").alias("Rejected"),
        pl.col("extract_title").alias("Extract"),
        pl.col("file_name").alias("File"),
        pl.col("line").alias("Line"),
        pl.col("record_id").alias("Record"),
        pl.col("column_name").alias("Column"),
        pl.col("value").alias("Value"),
        pl.col("rule").alias("Why it was rejected"),
    )


def _short_name(extract: str) -> str:
    words = [ACRONYMS.get(word, word) for word in extract.split("_")]
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


def blank_empty_cells(table: pl.DataFrame) -> pl.DataFrame:
    """The table as text with empty cells left blank (a table shows nothing where there is nothing, not "None")."""
    blanked = []
    for name, dtype in table.schema.items():
        column = pl.col(name)
        if table[name].null_count() == 0 and dtype != pl.String:
            continue  # a full column keeps its type (numbers sort as numbers)
        if dtype.is_temporal() and dtype != pl.Date:
            column = column.dt.strftime("%Y-%m-%d %H:%M")
        elif dtype == pl.Boolean:
            column = column.replace_strict({True: "yes", False: "no"}, default=None, return_dtype=pl.String)
        blanked.append(column.cast(pl.String).fill_null("").alias(name))
    return table.with_columns(blanked)
