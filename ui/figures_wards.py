"""Ward comparisons: interval charts in a fixed reading order, and the funnel and map with a chosen ward picked out.

Pure Plotly built on `ui.figures`; no Streamlit.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from metrics.funnel import FunnelLimits
from ui import figures, theme


def ordered_interval_chart(frame: pl.DataFrame, *, title: str, unit: str, label_column: str = "cut_label") -> go.Figure:
    """`figures.interval_chart` with its rows read top to bottom in the frame's order, whatever their comparison."""
    figure = figures.interval_chart(frame, title=title, unit=unit, label_column=label_column)
    labels = frame.filter(pl.col("value").is_not_null())[label_column].to_list()
    figure.update_yaxes(categoryorder="array", categoryarray=labels)
    return figure


def funnel_with_ward(points: pl.DataFrame, limits: FunnelLimits, *, title: str, unit: str, denominator_label: str,
                     ward_code: str | None) -> go.Figure:
    """The ward funnel plot, with the chosen ward ringed and named in the legend."""
    figure = figures.funnel_plot(points, limits, title=title, unit=unit, denominator_label=denominator_label)
    chosen = points.filter((pl.col("cut_value") == (ward_code or "")) & pl.col("value").is_not_null())
    if chosen.height:
        figure.add_trace(go.Scatter(
            x=chosen["denominator"].to_list(), y=chosen["value"].to_list(), mode="markers",
            name=f"{chosen['cut_label'][0]} (chosen ward)", hoverinfo="skip",
            marker={"symbol": "circle-open", "size": 24, "color": theme.TEXT, "line": {"width": 3}},
        ))
    return figure


def map_with_ward(frame: pl.DataFrame, geometry: dict, *, title: str, unit: str, ward_code: str | None) -> go.Figure:
    """The ward choropleth, with the chosen ward's boundary drawn thick; clicks return the ward code as `location`."""
    figure = figures.ward_map(frame, geometry, title=title, unit=unit)
    chosen = frame.filter(pl.col("cut_value") == (ward_code or ""))
    if chosen.height:
        figure.add_trace(go.Choroplethmap(
            geojson=geometry, locations=[ward_code], z=[0], featureidkey="id", showscale=False,
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], marker={"line": {"color": theme.TEXT, "width": 4}},
            name=f"{chosen['cut_label'][0]} (chosen ward)", hoverinfo="skip",
        ))
    return figure
