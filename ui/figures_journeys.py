"""Figures, tables and messages for the victim journeys page: pure Plotly and Polars, no Streamlit.

They draw the frames `metrics.journeys` returns and never recompute a number. A hidden count is left
off a chart and reads "*" in its table; every figure has a table twin.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from metrics.disclosure import NOT_SHOWN
from ui import theme


def steps_message(steps: pl.DataFrame) -> str | None:
    """Why the journey cannot be drawn for this selection, or None when it can."""
    entry = steps.filter(pl.col("step") == "entry").row(0, named=True)
    if entry["people_suppressed"]:
        return f"This cohort is {NOT_SHOWN} for this selection. Choose a wider area, group or period."
    if not entry["people"]:
        return "Nobody entered this cohort for this selection in this period."
    return None


def sankey_chart(steps: pl.DataFrame, *, title: str) -> go.Figure:
    """Each step a node and each link from the step before, sized by people; hidden steps left off."""
    shown = steps.filter(~pl.col("people_suppressed") & (pl.col("people") > 0)).sort("step_order")
    index = {step: position for position, step in enumerate(shown["step"])}
    # the name above its number: two short lines fit between the columns, one long line ran into the next node
    labels = [
        f"{_wrapped(row['label'])}<br>{row['people']:,} ({row['share_of_cohort_pct']:.0f}%)"
        for row in shown.iter_rows(named=True)
    ]
    links = shown.filter(pl.col("previous_step").is_in(list(index)))
    x, y = _node_positions(shown)
    figure = go.Figure(
        go.Sankey(
            arrangement="snap",  # each step in its own column, spread down it, so no label sits on another
            node={"label": labels, "color": theme.DARK_BLUE, "pad": 30, "thickness": 14, "x": x, "y": y},
            link={
                "source": [index[step] for step in links["previous_step"]],
                "target": [index[step] for step in links["step"]],
                "value": links["people"].to_list(),
                "color": "rgba(18, 67, 109, 0.25)",
                "customdata": [_days_text(days) for days in links["median_days_from_previous"]],
                "hovertemplate": "%{source.label} → %{target.label}<br>median %{customdata}<extra></extra>",
            },
        )
    )
    figure.update_layout(**theme.layout_defaults(), title=title, height=520)
    return figure


def _wrapped(label: str, width: int = 18) -> str:
    """A step's name on lines of about `width` characters."""
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def _node_positions(shown: pl.DataFrame) -> tuple[list[float], list[float]]:
    """Each step's column (how many steps after entry) and its place down that column, in 0..1."""
    depth: dict[str, int] = {}
    for step, previous in zip(shown["step"], shown["previous_step"], strict=True):
        depth[step] = depth.get(previous, -1) + 1 if previous in depth else 0
    deepest = max(depth.values(), default=0) or 1
    columns: dict[int, list[str]] = {}
    for step in shown["step"]:
        columns.setdefault(depth[step], []).append(step)
    x, y = [], []
    for step in shown["step"]:
        column = columns[depth[step]]
        x.append(0.01 + 0.94 * depth[step] / deepest)
        y.append(0.04 + 0.84 * (column.index(step) + 0.5) / len(column))
    return x, y


def steps_table(steps: pl.DataFrame) -> pl.DataFrame:
    return steps.sort("step_order").select(
        pl.col("label").alias("Step"),
        pl.col("previous_label").fill_null("").alias("After"),
        _count("people", "count"),
        _number("share_of_cohort_pct", "% of cohort"),
        _number("share_lower_95", "95% CI lower"),
        _number("share_upper_95", "95% CI upper"),
        _number("share_of_previous_pct", "% of step before"),
        _number("km_median_days_from_entry", "median days from entry (Kaplan-Meier)"),
        _number("never_reached_pct", "% not reached in follow-up"),
        _number("median_days_from_previous", "median days from step before, among those who reached it"),
        _number("median_days_from_entry", "median days from entry, among those who reached it"),
    )


def curves_chart(curves: pl.DataFrame, *, title: str) -> go.Figure:
    """Share reaching the event by each day, a step line per group with its 95% band."""
    figure = go.Figure()
    for position, ((label,), group) in enumerate(curves.sort("day").group_by("group_label", maintain_order=True)):
        colour = theme.CATEGORICAL[position % len(theme.CATEGORICAL)]
        shown = group.filter(pl.col("reached_pct").is_not_null())
        if shown.is_empty():
            continue
        days = shown["day"].to_list()
        figure.add_trace(
            go.Scatter(
                x=days,
                y=shown["reached_upper_95"].to_list(),
                line={"width": 0, "shape": "hv"},
                showlegend=False,
                hoverinfo="skip",
                legendgroup=label,
            )
        )
        figure.add_trace(
            go.Scatter(
                x=days,
                y=shown["reached_lower_95"].to_list(),
                line={"width": 0, "shape": "hv"},
                fill="tonexty",
                fillcolor=_faint(colour),
                showlegend=False,
                hoverinfo="skip",
                legendgroup=label,
            )
        )
        figure.add_trace(
            go.Scatter(
                x=days,
                y=shown["reached_pct"].to_list(),
                name=label,
                legendgroup=label,
                line={"color": colour, "shape": "hv", "width": 2},
                hovertemplate=f"{label}, day %{{x}}: %{{y:.1f}}%<extra></extra>",
            )
        )
    figure.update_layout(
        **theme.layout_defaults(), title=title, height=420, xaxis_title="days since entry", yaxis_title="% reached (95% band)"
    )
    return figure


def curves_table(curves: pl.DataFrame) -> pl.DataFrame:
    return curves.sort("is_total", "group_label", "day", descending=[True, False, False]).select(
        pl.col("group_label").alias("Group"),
        pl.col("day").alias("Day"),
        _count("at_risk", "followed and not yet reached"),
        _number("reached_pct", "% reached"),
        _number("reached_lower_95", "95% CI lower"),
        _number("reached_upper_95", "95% CI upper"),
    )


def timing_chart(timing: pl.DataFrame, *, title: str) -> go.Figure:
    """Victim-issue share with 95% CIs: support before the charge decision against later or none."""
    figure = go.Figure()
    sides = (
        ("supported_before", "Support started before the decision", theme.DARK_BLUE, "circle"),
        ("supported_later_or_not", "Support later or not at all", theme.DARK_PINK, "diamond"),
    )
    for side, name, colour, symbol in sides:
        shown = timing.filter(pl.col(f"{side}_issue_pct").is_not_null())
        figure.add_trace(
            go.Scatter(
                x=shown[f"{side}_issue_pct"].to_list(),
                y=shown["group_label"].to_list(),
                mode="markers",
                name=name,
                marker={"color": colour, "symbol": symbol, "size": 10},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "color": colour,
                    "array": (shown[f"{side}_upper_95"] - shown[f"{side}_issue_pct"]).to_list(),
                    "arrayminus": (shown[f"{side}_issue_pct"] - shown[f"{side}_lower_95"]).to_list(),
                },
            )
        )
    figure.update_layout(
        **theme.layout_defaults(),
        title=title,
        height=max(260, 40 * timing.height + 120),
        xaxis_title="% of crimes with a victim issue (95% CI)",
        yaxis={"autorange": "reversed"},
    )
    return figure


def timing_table(timing: pl.DataFrame) -> pl.DataFrame:
    return timing.select(
        pl.col("group_label").alias("Group"),
        _count("supported_before_crimes", "crimes, support before"),
        _number("supported_before_issue_pct", "% issue, support before"),
        _number("supported_before_lower_95", "lower 95% (before)"),
        _number("supported_before_upper_95", "upper 95% (before)"),
        _count("supported_later_or_not_crimes", "crimes, support later or none"),
        _number("supported_later_or_not_issue_pct", "% issue, later or none"),
        _number("supported_later_or_not_lower_95", "lower 95% (later)"),
        _number("supported_later_or_not_upper_95", "upper 95% (later)"),
    )


def missed_chart(missed: pl.DataFrame, *, title: str, top: int = 10) -> go.Figure:
    """The groups with the most missed opportunities, one bar set per kind."""
    figure = go.Figure()
    shown = missed.filter(~pl.col("is_total") & pl.col("missed").is_not_null() & (pl.col("missed") > 0))
    for position, ((label,), part) in enumerate(shown.group_by("label", maintain_order=True)):
        part = part.head(top)
        figure.add_trace(
            go.Bar(
                x=part["missed"].to_list(),
                y=part["group_label"].to_list(),
                orientation="h",
                name=label,
                marker_color=theme.CATEGORICAL[position],
            )
        )
    figure.update_layout(
        **theme.layout_defaults(),
        title=title,
        height=460,
        barmode="group",
        xaxis_title="count",
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": -0.2},
    )
    return figure


def missed_table(missed: pl.DataFrame) -> pl.DataFrame:
    return missed.select(
        pl.col("label").alias("Missed opportunity"),
        pl.col("group_label").alias("Group"),
        _count("missed", "count"),
        _count("eligible", "of"),
        _number("missed_pct", "%"),
        _number("missed_lower_95", "95% CI lower"),
        _number("missed_upper_95", "95% CI upper"),
    )


def _count(column: str, name: str) -> pl.Expr:
    return (
        pl.when(pl.col(f"{column}_suppressed"))
        .then(pl.lit("*"))
        .otherwise(pl.col(column).map_elements(lambda value: f"{value:,}", return_dtype=pl.String))
        .alias(name)
    )


def _number(column: str, name: str) -> pl.Expr:
    return pl.col(column).round(1).alias(name)


def _days_text(days: float | None) -> str:
    return "days not shown" if days is None else f"{days:.1f} days from the step before"


def _faint(colour: str) -> str:
    red, green, blue = (int(colour[position : position + 2], 16) for position in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, 0.15)"
