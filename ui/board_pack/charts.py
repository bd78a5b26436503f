"""The board pack's charts: small Plotly figures sized for an A4 column, drawn to SVG in one Chromium
(`ui.board_pack.chromium`). The map draws ward outlines as filled shapes on plain axes, so it is vector too
and needs no map tiles.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from metrics.targets.chart_series import ANNUAL, LATEST, TARGET, TRAJECTORY
from ui import theme
from ui.board_pack.chromium import ChartRendererMissing, ChartSession
from ui.figures_wards import labelled_ward_map

__all__ = ["ChartRendererMissing", "ChartSession", "attrition_chart", "gaps_chart", "priority_charts", "render_svgs", "ward_map"]

PANELS_A_ROW = 3


def _font(size: int = 11) -> dict:
    return {"family": theme.FONT_FAMILY, "size": size, "color": theme.TEXT}


def _layout(figure: go.Figure, *, width: int, height: int, title: str | None = None, **settings: object) -> go.Figure:
    settings.setdefault("margin", {"l": 40, "r": 10, "t": 28 if title else 8, "b": 28})
    figure.update_layout(
        width=width,
        height=height,
        paper_bgcolor="white",
        plot_bgcolor="white",
        font=_font(),
        showlegend=False,
        title={"text": title, "font": _font(12), "x": 0, "xanchor": "left"} if title else None,
        **settings,
    )
    figure.update_xaxes(showgrid=False, linecolor=theme.MID_GREY, ticks="outside", tickcolor=theme.MID_GREY)
    figure.update_yaxes(gridcolor=theme.LIGHT_GREY, zeroline=False)
    return figure


def priority_charts(targets: Sequence[tuple[str, str | None, pl.DataFrame]]) -> go.Figure:
    """Small multiples, one panel per target of a priority (its id and unit as the panel's title): the
    financial years' values with their 95% intervals, the latest 12 months, the straight path from the
    baseline to the target, and the target itself. One figure per priority keeps Chromium's work small."""
    rows = max(1, math.ceil(len(targets) / PANELS_A_ROW))
    figure = make_subplots(
        rows=rows,
        cols=PANELS_A_ROW,
        horizontal_spacing=0.07,
        vertical_spacing=0.55 / rows,
        subplot_titles=[f"{target_id}: {_short_unit(unit)}" for target_id, unit, _ in targets],
    )
    for index, (_, _, series) in enumerate(targets):
        for trace in _target_traces(series):
            figure.add_trace(trace, row=index // PANELS_A_ROW + 1, col=index % PANELS_A_ROW + 1)
    _layout(figure, width=660, height=30 + 140 * rows, margin={"l": 30, "r": 6, "t": 22, "b": 20})
    figure.update_xaxes(tickfont=_font(9), nticks=4)
    figure.update_yaxes(tickfont=_font(9))
    starts = sorted(
        {
            axis.domain[0]
            for name, axis in figure.layout.to_plotly_json().items()
            if name.startswith("xaxis")
            for axis in [figure.layout[name]]
        }
    )
    for annotation in figure.layout.annotations:  # panel titles flush left over their panel, not centred
        column_start = max(start for start in starts if start <= annotation.x)
        annotation.update(font=_font(9), xanchor="left", x=column_start)
    return figure


def _target_traces(series: pl.DataFrame) -> list[go.Scatter]:
    traces = []
    path = series.filter(pl.col("role") == TRAJECTORY).sort("on")
    if path.height:
        traces.append(
            go.Scatter(
                x=path["on"].to_list(),
                y=path["value"].to_list(),
                mode="lines",
                line={"color": theme.MID_GREY, "dash": "dash", "width": 1.5},
            )
        )
    for role, colour, symbol in ((ANNUAL, theme.DARK_BLUE, "circle"), (LATEST, theme.ORANGE, "diamond")):
        points = series.filter((pl.col("role") == role) & pl.col("value").is_not_null()).sort("on")
        if points.height:
            traces.append(
                go.Scatter(
                    x=points["on"].to_list(),
                    y=points["value"].to_list(),
                    mode="lines+markers" if role == ANNUAL else "markers",
                    marker={"color": colour, "symbol": symbol, "size": 6},
                    line={"color": colour, "width": 2},
                    error_y={
                        "type": "data",
                        "symmetric": False,
                        "color": colour,
                        "thickness": 1,
                        "width": 3,
                        "array": (points["upper_95"] - points["value"]).fill_null(0).to_list(),
                        "arrayminus": (points["value"] - points["lower_95"]).fill_null(0).to_list(),
                    },
                )
            )
    target = series.filter((pl.col("role") == TARGET) & pl.col("value").is_not_null())
    if target.height:
        traces.append(
            go.Scatter(
                x=target["on"].to_list(),
                y=target["value"].to_list(),
                mode="markers",
                marker={"color": theme.TURQUOISE, "symbol": "star", "size": 10, "line": {"color": theme.TEXT, "width": 0.5}},
            )
        )
    return traces


def ward_map(points: pl.DataFrame, geometry: dict, *, unit: str) -> go.Figure:
    """Wards shaded by their value (five bands, light to dark), each labelled with its name (as on the Prevalence page)."""
    figure = labelled_ward_map(points, geometry, unit=unit, label_size=8)
    _layout(figure, width=660, height=430, margin={"l": 0, "r": 0, "t": 4, "b": 4})
    figure.update_layout(
        showlegend=True,
        legend={
            "title": {"text": unit, "font": _font(9)},
            "font": _font(9),
            "x": 1,
            "xanchor": "right",
            "y": 0,
            "yanchor": "bottom",
        },
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, showgrid=False)
    return figure


def gaps_chart(gaps: pl.DataFrame) -> go.Figure:
    """The biggest gaps: estimated need against people reached, one pair of bars per ward and group."""
    labels = [f"{row['group_short']}, {row['ward_name']}" for row in gaps.iter_rows(named=True)][::-1]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            y=labels,
            x=gaps["estimated_need"].to_list()[::-1],
            orientation="h",
            name="estimated need",
            marker={"color": theme.LIGHT_GREY, "line": {"color": theme.MID_GREY, "width": 0.8}},
        )
    )
    figure.add_trace(
        go.Bar(
            y=labels,
            x=gaps["people_reached"].to_list()[::-1],
            orientation="h",
            name="people reached",
            marker={"color": theme.DARK_BLUE},
        )
    )
    _layout(
        figure, width=660, height=60 + 34 * max(gaps.height, 1), barmode="overlay", margin={"l": 200, "r": 10, "t": 8, "b": 30}
    )
    figure.update_yaxes(showgrid=False)
    figure.update_xaxes(showgrid=True, gridcolor=theme.LIGHT_GREY)
    figure.update_layout(showlegend=True, legend={"orientation": "h", "x": 0, "y": -0.12, "font": _font(9)})
    return figure


def attrition_chart(stages: pl.DataFrame) -> go.Figure:
    """The district's funnel: how many cases reach each stage."""
    labels = stages["stage_label"].to_list()[::-1]
    counts = stages["count"].to_list()[::-1]
    figure = go.Figure(
        go.Bar(
            y=labels,
            x=counts,
            orientation="h",
            marker={"color": theme.DARK_BLUE},
            text=[f"{count:,}" if count is not None else "*" for count in counts],
            textposition="outside",
            textfont=_font(9),
            cliponaxis=False,
        )
    )
    _layout(figure, width=660, height=40 + 30 * stages.height, margin={"l": 190, "r": 50, "t": 8, "b": 24})
    figure.update_yaxes(showgrid=False)
    return figure


def render_svgs(figures: Sequence[go.Figure]) -> list[str]:
    """Each figure as an SVG document, drawn in one Chromium run."""
    if not figures:
        return []
    with ChartSession() as session:
        return session.render(figures)


def _short_unit(unit: str | None) -> str:
    return (unit or "").replace(" a year", "")
