"""Figures, tables and badges for the action plan: pure Plotly, Polars and Markdown text, no Streamlit.

They draw what `metrics.targets.view` returns and never assess anything. Every status is a colour, a
symbol and a word together; every chart has a table twin.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
import polars as pl

from metrics.targets.chart_series import ANNUAL, BASELINE, FORECAST, LATEST, MILESTONE, TARGET, TRAJECTORY
from ui import theme
from ui.safe_text import plain

WHITE = "#FFFFFF"
# status word -> (background, text colour, symbol); text on each background is at least 4.5:1
PROGRESS_STYLE = {
    "met": (theme.DARK_BLUE, WHITE, "✔"),
    "on track": (theme.TURQUOISE, theme.TEXT, "▲"),
    "within uncertainty": (theme.MID_GREY, WHITE, "●"),
    "off track": (theme.DARK_PINK, WHITE, "▼"),
    "missed": (theme.DARK_PINK, WHITE, "✖"),
    "no trajectory": (theme.LIGHT_GREY, theme.TEXT, "○"),
    "not assessable": (theme.LIGHT_GREY, theme.TEXT, "○"),
}
CHECK_STYLE = {
    "passed": (theme.DARK_BLUE, WHITE, "✔"),
    "warning": (theme.ORANGE, theme.TEXT, "⚠"),
    "failed": (theme.DARK_PINK, WHITE, "✖"),
}
# status word -> Streamlit's Markdown background colour for its badge (no HTML is rendered anywhere)
BADGE_COLOURS = {
    "met": "blue",
    "on track": "green",
    "within uncertainty": "gray",
    "off track": "red",
    "missed": "red",
    "no trajectory": "gray",
    "not assessable": "gray",
    "passed": "blue",
    "warning": "orange",
    "failed": "red",
}
# milestone status -> (colour, Plotly marker symbol)
MILESTONE_MARKERS = {
    "met": (theme.DARK_BLUE, "diamond"),
    "within uncertainty": (theme.MID_GREY, "diamond-dot"),
    "missed": (theme.DARK_PINK, "diamond-x"),
    "not due": (theme.MID_GREY, "diamond-open"),
    "not assessed": (theme.MID_GREY, "diamond-open-dot"),
}
PROGRESS_MARKERS = {
    "met": "star",
    "on track": "triangle-up",
    "within uncertainty": "circle",
    "off track": "triangle-down",
    "missed": "x",
    "no trajectory": "circle-open",
    "not assessable": "circle-open",
}
ROLE_WORDS = {
    ANNUAL: "Financial year",
    LATEST: "Latest 12 months",
    BASELINE: "Baseline",
    TRAJECTORY: "Trajectory",
    MILESTONE: "Milestone",
    TARGET: "Target",
    FORECAST: "Forecast",
}


def sentence(text: str) -> str:
    """Text with its first letter in capitals, the rest as written ("30 Sep 2026" stays)."""
    return text[:1].upper() + text[1:]


def symbol_word(word: str, styles: dict[str, tuple[str, str, str]] = PROGRESS_STYLE) -> str:
    """A status as plain text: its symbol and its word ("▼ off track")."""
    return f"{styles.get(word, (None, None, '○'))[2]} {word}"


def badge(word: str, styles: dict[str, tuple[str, str, str]] = PROGRESS_STYLE) -> str:
    """A status as a Markdown badge (Streamlit's coloured background, no HTML): colour, symbol and word together.
    Only a known status gets a colour; any other word is shown as plain text."""
    if word not in styles:
        return plain(symbol_word(word, styles))
    return f":{BADGE_COLOURS.get(word, 'gray')}-background[{plain(symbol_word(word, styles))}]"


def targets_table(targets: pl.DataFrame) -> Any:
    """The targets as a table in words, each status cell coloured as well as marked with its symbol."""
    table = pd.DataFrame(
        {
            "Target": targets["target_id"].to_list(),
            "Status": [symbol_word(word) for word in targets["progress"].to_list()],
            "SMART": [
                "✔ yes" if smart else "✖ no: " + failures
                for smart, failures in zip(targets["is_smart"], targets["smart_failures"], strict=True)
            ],
            "Now": targets["now_text"].to_list(),
            "Aim": targets["aim_text"].to_list(),
            "Time left": targets["time_left_text"].to_list(),
            "Forecast": [outlook or "none" for outlook in targets["forecast_outlook"].to_list()],
            "Owner": targets["owner"].to_list(),
            "Priority": targets["priority"].to_list(),
            "Objective": targets["objective"].to_list(),
        }
    )

    def status_css(cell: str) -> str:
        background, colour, _ = PROGRESS_STYLE.get(cell.partition(" ")[2], (WHITE, theme.TEXT, ""))
        return f"background-color: {background}; color: {colour}"

    def smart_css(cell: str) -> str:  # a failure stands out; a pass reads as plain text
        background, colour, _ = CHECK_STYLE["failed"]
        return "" if cell.startswith("✔") else f"background-color: {background}; color: {colour}"

    return table.style.map(status_css, subset=["Status"]).map(smart_css, subset=["SMART"])


def target_details(target: dict[str, Any], checks: pl.DataFrame) -> str:
    """One target in Markdown (with coloured badges): where it stands and each SMART check with its reasons.
    Every word from the plan or the data is shown as plain text (`ui.safe_text.plain`): no link, image or HTML."""
    indicator = target["indicator_title"] or target["indicator_id"] or "no indicator named"
    paragraphs = [
        f"**{plain(target['objective'] or 'No objective given')}**",
        plain(f"Owner: {target['owner']} · Indicator: {indicator} ({target['cut']}) · Kind: {target['kind'] or 'not said'}"),
        f"{badge(target['progress'])} {plain(sentence(target['status_reason']))}",
    ]
    lines = [
        "- " + plain(f"Baseline: {target['baseline_text']}; aim: {target['aim_text']}; {target['time_left_text']}."),
        "- " + plain(f"Trajectory: {target['trajectory_reason']}."),
        "- " + plain(f"Milestones: {target['milestones_text']}."),
        "- " + plain(f"Forecast: {target['forecast_text']}."),
        "",
        "SMART checks:" if target["is_smart"] else "**Not SMART**: a check below failed.",
    ]
    lines += [
        f"- {badge(row['outcome'], CHECK_STYLE)} **{plain(row['criterion'].capitalize())}**: {plain(row['reasons'])}"
        for row in checks.iter_rows(named=True)
    ]
    return "\n\n".join(paragraphs) + "\n\n" + "\n".join(lines)


def trajectory_chart(series: pl.DataFrame, *, title: str, unit: str | None) -> go.Figure:
    """Annual values with their intervals, the latest 12 months, the baseline, the straight path to the
    target, the milestones, the target and the recent trend's forecast with its prediction interval."""
    figure = go.Figure()
    figure.update_layout(**theme.layout_defaults(), title={"text": title, "x": 0, "font": {"size": 16}})

    def part(role: str) -> pl.DataFrame:
        return series.filter((pl.col("role") == role) & pl.col("value").is_not_null())

    def error_bars(frame: pl.DataFrame) -> dict:
        upper = [None if high is None else high - value for value, high in zip(frame["value"], frame["upper_95"], strict=True)]
        lower = [None if low is None else value - low for value, low in zip(frame["value"], frame["lower_95"], strict=True)]
        return {"type": "data", "symmetric": False, "array": upper, "arrayminus": lower, "color": theme.MID_GREY}

    path = part(TRAJECTORY)
    if path.height:
        figure.add_trace(
            go.Scatter(
                x=path["on"].to_list(),
                y=path["value"].to_list(),
                mode="lines",
                name="Trajectory: baseline to target",
                line={"color": theme.MID_GREY, "dash": "dash"},
                hovertemplate="path: %{y:.1f} on %{x|%d %b %Y}<extra></extra>",
            )
        )
    annual = part(ANNUAL)
    if annual.height:
        figure.add_trace(
            go.Scatter(
                x=annual["on"].to_list(),
                y=annual["value"].to_list(),
                mode="lines+markers",
                name="Financial years, with 95% intervals",
                text=annual["label"].to_list(),
                line={"color": theme.DARK_BLUE, "width": 2},
                marker={"size": 8},
                error_y=error_bars(annual),
                hovertemplate="%{text}: %{y:.1f}<extra></extra>",
            )
        )
    forecast = part(FORECAST)
    if forecast.height:
        figure.add_trace(
            go.Scatter(
                x=forecast["on"].to_list(),
                y=forecast["value"].to_list(),
                mode="lines+markers",
                name="Forecast from the recent trend, 95% prediction interval",
                line={"color": theme.ORANGE, "dash": "dot", "width": 2},
                marker={"size": [0, 10], "color": theme.ORANGE, "symbol": "circle-open"},
                error_y={**error_bars(forecast), "color": theme.ORANGE},
                hovertemplate="trend: %{y:.1f} on %{x|%d %b %Y}<extra></extra>",
            )
        )
    for status, group in part(MILESTONE).group_by("status", maintain_order=True):
        colour, symbol = MILESTONE_MARKERS.get(status[0], (theme.MID_GREY, "diamond-open"))
        figure.add_trace(
            go.Scatter(
                x=group["on"].to_list(),
                y=group["value"].to_list(),
                mode="markers",
                name=f"Milestone: {status[0]}",
                text=group["label"].to_list(),
                marker={"color": colour, "symbol": symbol, "size": 13, "line": {"color": colour, "width": 2}},
                hovertemplate="%{text}: %{y:.1f} by %{x|%d %b %Y}<extra>" + status[0] + "</extra>",
            )
        )
    baseline = part(BASELINE)
    if baseline.height:
        figure.add_trace(
            go.Scatter(
                x=baseline["on"].to_list(),
                y=baseline["value"].to_list(),
                mode="markers",
                name="Baseline",
                text=baseline["label"].to_list(),
                marker={"color": theme.DARK_GREY, "symbol": "square", "size": 12},
                hovertemplate="%{text}: %{y:.1f}<extra></extra>",
            )
        )
    latest = part(LATEST)
    if latest.height:
        word = latest["status"][0]
        figure.add_trace(
            go.Scatter(
                x=latest["on"].to_list(),
                y=latest["value"].to_list(),
                mode="markers",
                name=f"Latest 12 months: {word}",
                text=latest["label"].to_list(),
                marker={
                    "color": PROGRESS_STYLE.get(word, PROGRESS_STYLE["not assessable"])[0],
                    "symbol": PROGRESS_MARKERS.get(word, "circle"),
                    "size": 14,
                    "line": {"color": theme.TEXT, "width": 1},
                },
                error_y=error_bars(latest),
                hovertemplate="%{text}: %{y:.1f}<extra>" + word + "</extra>",
            )
        )
    goal = part(TARGET)
    if goal.height:
        figure.add_trace(
            go.Scatter(
                x=goal["on"].to_list(),
                y=goal["value"].to_list(),
                mode="markers+text",
                name="Target",
                text=[f"target {value:.1f}" for value in goal["value"]],
                textposition="top center",
                marker={"color": theme.TEXT, "symbol": "star", "size": 16},
                hovertemplate="target %{y:.1f} by %{x|%d %b %Y}<extra></extra>",
            )
        )
    figure.update_layout(height=480, yaxis_title=unit or "", xaxis_title="", legend={"orientation": "h", "y": -0.12})
    return figure


def chart_table(series: pl.DataFrame) -> pl.DataFrame:
    """The chart's points in words, one row each, for the table beside the chart and its CSV."""

    def rounded(column: str) -> pl.Expr:
        return pl.col(column).round(1)

    return series.sort("on", maintain_order=True).select(
        pl.col("role").replace_strict(ROLE_WORDS, default=pl.col("role")).alias("Point"),
        pl.col("label").alias("Label"),
        pl.col("on").alias("Date"),
        pl.when(pl.col("value").is_null()).then(pl.lit("* not shown")).otherwise(rounded("value").cast(pl.String)).alias("Value"),
        rounded("lower_95").alias("Lower 95%"),
        rounded("upper_95").alias("Upper 95%"),
        pl.col("status").fill_null("").alias("Status"),
    )


def chart_alt(target: dict[str, Any]) -> str:
    """Alt text for a target's trajectory chart: what is drawn and where the target stands."""
    return (
        f"Chart of {target['indicator_title'] or target['target_id']} over time for target {target['target_id']}: "
        f"financial-year values with 95% intervals, the baseline ({target['baseline_text']}), a dashed straight path "
        f"to the target ({target['aim_text']}), the milestones and the recent trend's forecast. "
        f"Now: {target['now_text']}; {target['progress']}."
    )
