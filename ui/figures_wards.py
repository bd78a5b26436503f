"""Ward comparisons: interval charts in a fixed reading order, and the funnel and map with a chosen ward picked out.

Pure Plotly built on `ui.figures`; no Streamlit.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from shapely.geometry import shape

from metrics.funnel import FunnelLimits
from ui import figures, theme


def ordered_interval_chart(frame: pl.DataFrame, *, title: str, unit: str, label_column: str = "cut_label") -> go.Figure:
    """`figures.interval_chart` with its rows read top to bottom in the frame's order, whatever their comparison."""
    figure = figures.interval_chart(frame, title=title, unit=unit, label_column=label_column)
    labels = frame.filter(pl.col("value").is_not_null())[label_column].to_list()
    figure.update_yaxes(categoryorder="array", categoryarray=labels)
    return figure


def funnel_with_ward(
    points: pl.DataFrame, limits: FunnelLimits, *, title: str, unit: str, denominator_label: str, ward_code: str | None
) -> go.Figure:
    """The ward funnel plot, with the chosen ward ringed and named in the legend."""
    figure = figures.funnel_plot(points, limits, title=title, unit=unit, denominator_label=denominator_label)
    chosen = points.filter((pl.col("cut_value") == (ward_code or "")) & pl.col("value").is_not_null())
    if chosen.height:
        figure.add_trace(
            go.Scatter(
                x=chosen["denominator"].to_list(),
                y=chosen["value"].to_list(),
                mode="markers",
                name=f"{chosen['cut_label'][0]} (chosen ward)",
                hoverinfo="skip",
                marker={"symbol": "circle-open", "size": 24, "color": theme.TEXT, "line": {"width": 3}},
            )
        )
    return figure


def map_with_ward(frame: pl.DataFrame, geometry: dict, *, title: str, unit: str, ward_code: str | None) -> go.Figure:
    """The ward map, each ward named on it, with the chosen ward's boundary drawn thick; a click on a ward's name
    returns its code as `customdata`. Drawn on plain axes, as the board pack draws it: a tiled map's labels need
    its glyph server, which a dashboard with no network cannot reach."""
    figure = labelled_ward_map(frame, geometry, unit=unit, selected=ward_code, label_size=11)
    figure.update_layout(
        **{
            **theme.layout_defaults(),
            "margin": {"l": 0, "r": 0, "t": 48, "b": 0},
            "legend": {
                "title": {"text": unit},
                "x": 1,
                "xanchor": "right",
                "y": 0,
                "yanchor": "bottom",
                "bgcolor": "rgba(255,255,255,0.8)",
            },
        },
        title={"text": title, "x": 0, "font": {"size": 16}},
        height=560,
        clickmode="event+select",
        dragmode=False,
    )
    return figure


def labelled_ward_map(
    frame: pl.DataFrame,
    geometry: dict,
    *,
    unit: str,
    selected: str | None = None,
    label_size: int = 7,
    value_column: str = "value",
) -> go.Figure:
    """Wards shaded by their value in five bands (grey where not shown), each named at a point inside it, on plain
    axes: vector throughout, with no tiles and no fonts fetched, so it draws the same on a page, in Kaleido and
    offline. The legend gives each band's range. The name trace carries the ward codes as `customdata`."""
    values = dict(zip(frame["cut_value"].to_list(), frame[value_column].to_list(), strict=True)) if frame.height else {}
    labels = (
        dict(zip(frame["cut_value"].to_list(), frame["cut_label"].to_list(), strict=True)) if "cut_label" in frame.columns else {}
    )
    shown = [value for value in values.values() if value is not None]
    low, high = (min(shown), max(shown)) if shown else (0.0, 1.0)
    bands = len(theme.SEQUENTIAL)
    figure = go.Figure()
    codes, names, hover, xs, ys, colours = [], [], [], [], [], []
    for feature in geometry.get("features", []):
        outline = shape(feature["geometry"])
        value = values.get(feature["id"])
        band = None if value is None else _band(value, low, high, bands)
        fill = theme.LIGHT_GREY if band is None else theme.SEQUENTIAL[band]
        for polygon in getattr(outline, "geoms", [outline]):
            x, y = polygon.exterior.xy
            figure.add_trace(
                go.Scatter(
                    x=list(x),
                    y=list(y),
                    mode="lines",
                    fill="toself",
                    fillcolor=fill,
                    line={"color": "white", "width": 0.8},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
        anchor = outline.representative_point()
        name = labels.get(feature["id"]) or (feature.get("properties") or {}).get("ward_name", feature["id"])
        codes.append(feature["id"])
        names.append(name)
        hover.append(f"{name}: " + ("not shown" if value is None else f"{value:.3g} {unit}"))
        xs.append(anchor.x)
        ys.append(anchor.y)
        colours.append("white" if band is not None and band >= 3 else theme.TEXT)
    if selected is not None:
        for feature in geometry.get("features", []):
            if feature["id"] == selected:
                outline = shape(feature["geometry"])
                for polygon in getattr(outline, "geoms", [outline]):
                    x, y = polygon.exterior.xy
                    figure.add_trace(
                        go.Scatter(
                            x=list(x),
                            y=list(y),
                            mode="lines",
                            hoverinfo="skip",
                            showlegend=False,
                            name="chosen ward",
                            line={"color": theme.TEXT, "width": 4},
                        )
                    )
    figure.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers+text",
            text=names,
            customdata=[[code] for code in codes],
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            textfont={"size": label_size, "color": colours},
            marker={"size": 1, "color": colours, "opacity": 0},
            showlegend=False,
            name="ward names",
        )
    )
    for index, colour in enumerate(theme.SEQUENTIAL):  # the legend: one swatch per band with its range
        start, end = low + (high - low) * index / bands, low + (high - low) * (index + 1) / bands
        figure.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=f"{start:.0f} to {end:.0f}",
                marker={"color": colour, "size": 10, "symbol": "square", "line": {"color": theme.MID_GREY, "width": 0.5}},
            )
        )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, scaleanchor="x", scaleratio=1.6)  # roughly true shape at England's latitude
    figure.update_layout(showlegend=True)
    return figure


def _band(value: float, low: float, high: float, bands: int) -> int:
    if high <= low:
        return bands // 2
    return min(bands - 1, int((value - low) / (high - low) * bands))
