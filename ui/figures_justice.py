"""Figures, tables and sentences for the justice page: pure Plotly and Polars, no Streamlit.

They draw the frames `metrics.attrition` and `compute` return and never recompute a number. A value
hidden by disclosure control reads "not shown", never as a zero bar; every figure has a table twin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from metrics.attrition_hotspots import HOTSPOT
from metrics.compare import Comparison
from metrics.disclosure import NOT_SHOWN
from ui import figures, theme

SIGNIFICANTLY_HIGHER = (Comparison.BETTER.value, Comparison.BETTER_998.value)
STRONGEST = (Comparison.WORSE_998.value, Comparison.BETTER_998.value)
ALL_IN_SELECTION = "All in this selection"


def funnel_message(funnel: pl.DataFrame) -> str | None:
    """Why the funnel cannot be drawn for this selection, or None when it can."""
    total = funnel.filter(pl.col("is_total"))
    if total.is_empty() or ((total["count"].fill_null(0) == 0).all() and not total["count_suppressed"].any()):
        return "No domestic abuse incidents or crimes were recorded for this selection in this period."
    if total.filter(pl.col("stage") == "incident")["count_suppressed"].all():
        return f"The journey through justice is {NOT_SHOWN} for this selection. Choose a wider area, group or period."
    return None


def tile_message(rows: pl.DataFrame) -> str | None:
    """Why an indicator's tile has no number (nothing to divide by), or None when it has one to show.

    A hidden value is not a gap: its tile says it is not shown.
    """
    if rows.is_empty():
        return "No crimes for this selection, so there is nothing to show here."
    row = rows.row(0, named=True)
    if row["value"] is None and not row["value_suppressed"]:
        return f"{row['title']}: no {row['unit'].removeprefix('% of ')} for this selection, so this share cannot be worked out."
    return None


def funnel_chart(funnel: pl.DataFrame, *, title: str) -> go.Figure:
    """Cases reaching each stage (bars) beside the share passing from the stage before, with its 95% CI."""
    stages = funnel.filter(pl.col("is_total")).sort("stage_order")
    labels = stages["stage_label"].to_list()
    figure = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.05,
        column_widths=[0.55, 0.45],
        subplot_titles=("Cases reaching each stage", "Share passing from the stage before (95% CI)"),
    )
    counts = stages["count"].to_list()
    figure.add_trace(
        go.Bar(
            x=[count or 0 for count in counts],
            y=labels,
            orientation="h",
            marker_color=theme.DARK_BLUE,
            name="cases",
            text=[_count_text(count, unit) for count, unit in zip(counts, stages["unit"], strict=True)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    shown = stages.filter(pl.col("conversion_pct").is_not_null())
    figure.add_trace(
        go.Scatter(
            x=shown["conversion_pct"].to_list(),
            y=shown["stage_label"].to_list(),
            mode="markers+text",
            name="share passing",
            text=[f"{value:.0f}%" for value in shown["conversion_pct"]],
            textposition="top center",
            customdata=shown["conversion_of"].to_list(),
            marker={"color": theme.TURQUOISE, "symbol": "diamond", "size": 11, "line": {"color": theme.TEXT, "width": 1}},
            error_x={
                "type": "data",
                "symmetric": False,
                "color": theme.MID_GREY,
                "array": (shown["conversion_upper_95"] - shown["conversion_pct"]).to_list(),
                "arrayminus": (shown["conversion_pct"] - shown["conversion_lower_95"]).to_list(),
            },
            hovertemplate="%{y}: %{x:.1f}% %{customdata}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    hidden = stages.filter(pl.col("conversion_pct_suppressed") & pl.col("conversion_of").is_not_null())
    if hidden.height:
        figure.add_trace(
            go.Scatter(
                x=[1] * hidden.height,
                y=hidden["stage_label"].to_list(),
                mode="text",
                text=["not shown"] * hidden.height,
                textposition="middle right",
                hoverinfo="skip",
            ),
            row=1,
            col=2,
        )
    figure.update_layout(
        **theme.layout_defaults(), title={"text": title, "x": 0, "font": {"size": 16}}, height=440, showlegend=False, bargap=0.35
    )
    figure.update_layout(margin={"l": 10, "r": 30, "t": 90, "b": 10})
    figure.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    figure.update_xaxes(title_text="cases", range=[0, 1.35 * max(count or 0 for count in counts)], row=1, col=1)
    figure.update_xaxes(title_text="% passing", range=[0, 105], row=1, col=2)
    return figure


def stage_table(funnel: pl.DataFrame) -> pl.DataFrame:
    """The funnel's stages for the whole selection, as a table."""
    return _stage_columns(funnel.filter(pl.col("is_total")).sort("stage_order"))


def conversion_chart(funnel: pl.DataFrame, *, cut_name: str) -> go.Figure:
    """Share passing each stage for every group of the cut (rows) and stage (columns), labelled in each cell."""
    rows = _with_group(funnel).filter(pl.col("conversion_of").is_not_null())
    stages = rows.sort("stage_order")["stage_label"].unique(maintain_order=True).to_list()
    groups = rows["group"].unique(maintain_order=True).to_list()
    cells = {(row["group"], row["stage_label"]): row["conversion_pct"] for row in rows.iter_rows(named=True)}
    values = [[cells.get((group, stage)) for stage in stages] for group in groups]
    text = [["*" if value is None else f"{value:.0f}%" for value in row] for row in values]
    figure = go.Figure(
        go.Heatmap(
            z=values,
            x=stages,
            y=groups,
            text=text,
            texttemplate="%{text}",
            zmin=0,
            zmax=100,
            xgap=2,
            ygap=2,
            colorscale=[[index / (len(theme.SEQUENTIAL) - 1), colour] for index, colour in enumerate(theme.SEQUENTIAL)],
            colorbar={"title": {"text": "% passing"}},
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
        )
    )
    figure.update_layout(
        **theme.layout_defaults(),
        height=max(320, 30 * len(groups) + 180),
        title={
            "text": f"Share passing each stage, by {cut_name.lower()} (* not shown: too few people)",
            "x": 0,
            "font": {"size": 16},
        },
    )
    figure.update_yaxes(autorange="reversed")
    return figure


def conversion_table(funnel: pl.DataFrame, *, cut_name: str) -> pl.DataFrame:
    """Every group's stages with counts, shares and intervals: the whole selection first."""
    rows = _with_group(funnel).sort([~pl.col("is_total"), "group", "stage_order"], maintain_order=True)
    return pl.concat([rows.select(pl.col("group").alias(cut_name)), _stage_columns(rows)], how="horizontal")


def days_chart(days: pl.DataFrame, *, title: str) -> go.Figure:
    """Median and 90th-percentile calendar days for each step, of the cases that reached its later stage; a step
    without enough cases says so."""
    steps = days.filter(pl.col("is_total")).sort("step_order")
    figure = go.Figure()
    for column, name, colour in (
        ("median_days", "median, of the cases that reached the later stage", theme.DARK_BLUE),
        ("p90_days", "90th percentile, of the same cases", theme.TURQUOISE),
    ):
        figure.add_trace(
            go.Bar(
                x=steps[column].fill_null(0).to_list(),
                y=steps["step_label"].to_list(),
                orientation="h",
                name=name,
                marker_color=colour,
                textposition="outside",
                cliponaxis=False,
                text=[_days_text(value) for value in steps[column]],
                hovertemplate="%{y}: %{text}<extra>" + name + "</extra>",
            )
        )
    figure.update_layout(
        **theme.layout_defaults(),
        title={"text": title, "x": 0, "font": {"size": 16}},
        barmode="group",
        height=420,
        xaxis_title="calendar days",
        legend={"orientation": "h", "y": -0.2},
    )
    longest = steps.select(pl.max_horizontal("median_days", "p90_days").max()).item() or 0
    figure.update_xaxes(range=[0, 1.2 * longest + 1])
    figure.update_yaxes(autorange="reversed")
    return figure


def days_table(days: pl.DataFrame) -> pl.DataFrame:
    return (
        days.filter(pl.col("is_total"))
        .sort("step_order")
        .select(
            pl.col("step_label").alias("Step"),
            pl.col("cases").alias("Cases"),
            pl.col("median_days").alias("Median days"),
            pl.col("p90_days").alias("90th percentile days"),
            pl.col("note").fill_null("").alias("Note"),
        )
    )


def ward_chart(wards: pl.DataFrame, *, title: str, unit: str) -> go.Figure:
    """Each ward's value with its 95% CI against the district, lowest first."""
    return figures.interval_chart(wards.sort("value", nulls_last=True), title=title, unit=unit)


def ward_table(wards: pl.DataFrame) -> pl.DataFrame:
    return wards.sort("value", nulls_last=True).select(
        pl.col("cut_label").alias("Ward"),
        pl.col("numerator").alias("Charged"),
        pl.col("denominator").alias("Charging decisions"),
        pl.col("value").round(1).alias("Charged (%)"),
        pl.col("lower_95").round(1).alias("95% CI from"),
        pl.col("upper_95").round(1).alias("95% CI to"),
        pl.col("comparison_text").alias("Compared with the district"),
    )


def charge_rate_sentences(wards: pl.DataFrame) -> list[str]:
    """The wards that charge significantly fewer (then more) suspects than the district, in words."""
    sentences = []
    for comparisons, direction in ((HOTSPOT, "fewer"), (SIGNIFICANTLY_HIGHER, "more")):
        chosen = wards.filter(pl.col("comparison").is_in(comparisons)).sort("value", descending=direction == "more")
        for row in chosen.iter_rows(named=True):
            strength = " It is beyond the 99.8% limits, so very unlikely to be chance." if row["comparison"] in STRONGEST else ""
            sentences.append(
                f"{row['cut_label']} charges significantly {direction} suspects than the {row['comparator']}: "
                f"{row['value']:.0f}% of charging decisions were a charge, against {row['comparator_value']:.0f}%.{strength}"
            )
    return sentences or [
        "No ward charges significantly fewer or more suspects than the district. Wards with too few "
        "charging decisions to show safely are not compared."
    ]


def clicked_ward(points: Iterable[Mapping], wards: pl.DataFrame) -> str | None:
    """The ward code of the first ward clicked in `ward_chart`, if any."""
    codes = dict(zip(wards["cut_label"], wards["cut_value"], strict=True))
    return next((codes[point["y"]] for point in points or [] if point.get("y") in codes), None)


def _with_group(funnel: pl.DataFrame) -> pl.DataFrame:
    return funnel.with_columns(group=pl.when(pl.col("is_total")).then(pl.lit(ALL_IN_SELECTION)).otherwise(pl.col("cut_label")))


def _stage_columns(stages: pl.DataFrame) -> pl.DataFrame:
    hidden = pl.col("count_suppressed") | pl.col("conversion_pct_suppressed")
    return stages.select(
        pl.col("stage_label").alias("Stage"),
        pl.col("count").alias("Cases"),
        pl.col("conversion_pct").round(1).alias("Passing from the stage before (%)"),
        pl.col("conversion_lower_95").round(1).alias("95% CI from"),
        pl.col("conversion_upper_95").round(1).alias("95% CI to"),
        pl.col("conversion_of").fill_null("").alias("Share of"),
        pl.col("awaiting").alias("Still awaiting a decision"),
        pl.when(hidden).then(pl.lit(NOT_SHOWN)).otherwise(pl.lit("")).alias("Note"),
    )


def _days_text(days: float | None) -> str:
    if days is None:
        return "not calculated"
    return f"{days:.0f} day" + ("" if round(days) == 1 else "s")


def _count_text(count: int | None, unit: str) -> str:
    return "not shown" if count is None else f"{count:,} {unit}"
