"""Figure builders: pure Plotly from result frames, one colour module, no Streamlit.

Each builder takes a tidy frame from `metrics` and returns a figure; every comparison is
shown by colour, marker shape and words together, never colour alone.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl

from metrics.funnel import FunnelLimits
from ui import theme


def _figure(title: str) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(**theme.layout_defaults(), title={"text": title, "x": 0, "font": {"size": 16}})
    return figure


def sparkline(labels: list[str], values: list[float | None]) -> go.Figure:
    """A small line of annual values for a scorecard tile."""
    figure = go.Figure(
        go.Scatter(
            x=labels,
            y=values,
            mode="lines+markers",
            line={"color": theme.DARK_BLUE, "width": 2},
            marker={"size": 5},
            hovertemplate="%{x}: %{y:.3g}<extra></extra>",
        )
    )
    figure.update_layout(**{**theme.layout_defaults(), "margin": {"l": 0, "r": 0, "t": 0, "b": 0}}, height=60, showlegend=False)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure


def interval_chart(frame: pl.DataFrame, *, title: str, unit: str, label_column: str = "cut_label") -> go.Figure:
    """Each cut's value as a marker with its 95% interval; the comparator as a dashed line."""
    figure = _figure(title)
    shown = frame.filter(pl.col("value").is_not_null())
    for comparison, group in shown.group_by("comparison", maintain_order=True):
        comparison = comparison[0]
        figure.add_trace(
            go.Scatter(
                x=group["value"].to_list(),
                y=group[label_column].to_list(),
                mode="markers",
                name=theme.comparison_word(comparison),
                marker={
                    "color": theme.comparison_colour(comparison),
                    "symbol": theme.comparison_symbol(comparison),
                    "size": 11,
                    "line": {"color": theme.TEXT, "width": 1},
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "color": theme.MID_GREY,
                    "array": (group["upper_95"] - group["value"]).to_list(),
                    "arrayminus": (group["value"] - group["lower_95"]).to_list(),
                },
                hovertemplate="%{y}: %{x:.3g} " + unit + "<extra>" + theme.comparison_word(comparison) + "</extra>",
            )
        )
    comparators = shown["comparator_value"].drop_nulls().unique().to_list() if "comparator_value" in shown.columns else []
    if len(comparators) == 1:
        name = shown["comparator"].drop_nulls()[0]
        figure.add_vline(
            x=comparators[0],
            line={"color": theme.TEXT, "dash": "dash", "width": 1},
            annotation_text=f"{name}: {comparators[0]:.3g}",
            annotation_position="top",
        )
    figure.update_layout(height=max(300, 28 * shown.height + 120), xaxis_title=unit, legend_title="Compared with the comparator")
    figure.update_yaxes(autorange="reversed")
    return figure


def trend_chart(frame: pl.DataFrame, *, title: str, unit: str) -> go.Figure:
    """Values over periods with a shaded 95% interval."""
    figure = _figure(title)
    shown = frame.filter(pl.col("value").is_not_null())
    labels = shown["cut_value"].to_list()
    figure.add_trace(
        go.Scatter(
            x=labels + labels[::-1],
            y=shown["upper_95"].to_list() + shown["lower_95"].to_list()[::-1],
            fill="toself",
            fillcolor="rgba(18, 67, 109, 0.15)",
            line={"width": 0},
            name="95% confidence interval",
            hoverinfo="skip",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=labels,
            y=shown["value"].to_list(),
            mode="lines+markers",
            name="value",
            line={"color": theme.DARK_BLUE, "width": 2},
            hovertemplate="%{x}: %{y:.3g} " + unit + "<extra></extra>",
        )
    )
    figure.update_layout(height=360, yaxis_title=unit, xaxis_title="period")
    return figure


def funnel_plot(points: pl.DataFrame, limits: FunnelLimits, *, title: str, unit: str, denominator_label: str) -> go.Figure:
    """Wards against 95% and 99.8% control limits around the district value."""
    figure = _figure(title)
    x = limits.denominators.tolist()
    widened = " (widened for overdispersion)" if limits.overdispersion else ""
    if limits.overdispersion:
        figure.add_annotation(
            text="Limits widened for overdispersion (Spiegelhalter 2005): wards vary more than chance allows",
            xref="paper",
            yref="paper",
            x=0,
            y=1.0,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font={"size": 11, "color": theme.TEXT},
        )
    for upper, lower, name, dash in (
        (limits.upper998, limits.lower998, f"99.8% limits{widened}", "dot"),
        (limits.upper95, limits.lower95, f"95% limits{widened}", "dash"),
    ):
        figure.add_trace(go.Scatter(x=x, y=upper.tolist(), mode="lines", name=name, line={"color": theme.MID_GREY, "dash": dash}))
        figure.add_trace(
            go.Scatter(x=x, y=lower.tolist(), mode="lines", showlegend=False, line={"color": theme.MID_GREY, "dash": dash})
        )
    figure.add_hline(y=limits.centre, line={"color": theme.TEXT, "width": 1}, annotation_text=f"district {limits.centre:.3g}")
    shown = points.filter(pl.col("value").is_not_null() & pl.col("denominator").is_not_null())
    for comparison, group in shown.group_by("comparison", maintain_order=True):
        comparison = comparison[0]
        figure.add_trace(
            go.Scatter(
                x=group["denominator"].to_list(),
                y=group["value"].to_list(),
                mode="markers",
                text=group["cut_label"].to_list(),
                name=theme.comparison_word(comparison),
                # beyond the 99.8% limits: a bigger marker with a heavier outline, so its legend entry differs from 95%'s
                marker={
                    "color": theme.comparison_colour(comparison),
                    "symbol": theme.comparison_symbol(comparison),
                    "size": 15 if comparison.endswith("_998") else 10,
                    "line": {"color": theme.TEXT, "width": 2.5 if comparison.endswith("_998") else 1},
                },
                hovertemplate="%{text}: %{y:.3g} " + unit + "<extra></extra>",
            )
        )
    figure.update_layout(height=420, xaxis_title=denominator_label, yaxis_title=unit)
    return figure


def ward_map(frame: pl.DataFrame, geometry: dict, *, title: str, unit: str, value_column: str = "value") -> go.Figure:
    """A ward choropleth drawn from the stored geometry on a blank base: no tiles, no network."""
    figure = _figure(title)
    shown = frame.filter(pl.col(value_column).is_not_null())
    latitudes = [feature_point[1] for feature_point in _points(geometry)]
    longitudes = [feature_point[0] for feature_point in _points(geometry)]
    centre = (
        {"lat": (min(latitudes) + max(latitudes)) / 2, "lon": (min(longitudes) + max(longitudes)) / 2}
        if latitudes
        else {"lat": 53.8, "lon": -1.75}
    )
    figure.add_trace(
        go.Choroplethmap(
            geojson=geometry,
            locations=shown["cut_value"].to_list(),
            z=shown[value_column].to_list(),
            text=shown["cut_label"].to_list(),
            featureidkey="id",
            colorscale=[[index / (len(theme.SEQUENTIAL) - 1), colour] for index, colour in enumerate(theme.SEQUENTIAL)],
            marker={"line": {"color": theme.TEXT, "width": 0.6}},
            colorbar={"title": {"text": unit}},
            hovertemplate="%{text}: %{z:.3g} " + unit + "<extra></extra>",
        )
    )
    missing = frame.filter(pl.col(value_column).is_null())
    if missing.height:
        figure.add_trace(
            go.Choroplethmap(
                geojson=geometry,
                locations=missing["cut_value"].to_list(),
                z=[0] * missing.height,
                featureidkey="id",
                text=missing["cut_label"].to_list(),
                colorscale=[[0, theme.LIGHT_GREY], [1, theme.LIGHT_GREY]],
                showscale=False,
                marker={"line": {"color": theme.TEXT, "width": 0.6}},
                hovertemplate="%{text}: not shown<extra></extra>",
            )
        )
    figure.update_layout(map={"style": "white-bg", "center": centre, "zoom": _zoom(latitudes, longitudes)}, height=520)
    return figure


def _points(geometry: dict):
    for feature in geometry.get("features", []):
        shape = feature.get("geometry") or {}
        rings = shape.get("coordinates", [])
        polygons = rings if shape.get("type") == "MultiPolygon" else [rings]
        for polygon in polygons:
            for ring in polygon[:1]:
                yield from ring


def _zoom(latitudes: list[float], longitudes: list[float]) -> float:
    if not latitudes:
        return 9
    span = max(max(latitudes) - min(latitudes), (max(longitudes) - min(longitudes)) / 1.6, 1e-3)
    return max(5.0, min(13.0, 8.9 - math.log2(span / 0.5)))
