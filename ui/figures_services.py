"""Figure builders for the Services page: pure Plotly from the gap analysis, no Streamlit.

Maps are drawn offline: ward outlines from the stored geometry on a blank `white-bg` base (no
tiles, no network), with service bases as a `Scattermap` over them. Gaps in the heat map are
marked by a symbol in the cell as well as by colour.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from metrics.disclosure import NOT_SHOWN
from ui import figures, theme

LEGEND_ON_TOP = {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"}
NO_SERVICE_MARK, LOW_REACH_MARK, HIDDEN_MARK, NOT_ESTIMATED_MARK = "✕", "▼", "*", "–"


def heatmap_legend(reach_gap_pct: float) -> str:
    """The heat map's key: what each mark and the shading mean, with the gap threshold set."""
    return (
        f"Each cell: people with estimated need not reached in the period (unmet need). {NO_SERVICE_MARK} no service "
        f"takes this group in the ward; {LOW_REACH_MARK} support started for fewer than {reach_gap_pct:g}% of the "
        f"estimated need; {HIDDEN_MARK} {NOT_SHOWN}; {NOT_ESTIMATED_MARK} need not "
        "estimated (no population figures for the group). Darker cells: more people not reached."
    )


def service_map(register: pl.DataFrame, geometry: dict, *, selected_ward: str | None, title: str) -> go.Figure:
    """Ward outlines (the selected ward shaded) with one marker per service base, sized by services there."""
    codes = [feature["id"] for feature in geometry.get("features", [])]
    names = [feature.get("properties", {}).get("ward_name", feature["id"]) for feature in geometry.get("features", [])]
    outlines = pl.DataFrame(
        {"cut_value": codes, "cut_label": names, "value": [1.0 if code == selected_ward else 0.0 for code in codes]},
        schema={"cut_value": pl.String, "cut_label": pl.String, "value": pl.Float64},
    )
    figure = figures.ward_map(outlines, geometry, title=title, unit="")
    figure.update_traces(
        selector={"type": "choroplethmap"},
        showscale=False,
        zmin=0,
        zmax=1,
        customdata=codes,
        colorscale=[[0, theme.SEQUENTIAL[0]], [1, theme.SEQUENTIAL[2]]],
        name="Ward (click to choose)",
        hovertemplate="%{text}<extra>click to show this ward</extra>",
    )
    bases = (
        register.filter(pl.col("has_base"))
        .group_by("latitude", "longitude", maintain_order=True)
        .agg(services=pl.col("service_name"), n_services=pl.len())
    )
    figure.add_trace(
        go.Scattermap(
            lat=bases["latitude"].to_list(),
            lon=bases["longitude"].to_list(),
            mode="markers",
            name="Service base (larger: more services there)",
            marker={"size": [10 + 5 * count for count in bases["n_services"]], "color": theme.DARK_PINK, "opacity": 0.9},
            text=["<br>".join(services) for services in bases["services"]],
            hovertemplate="%{text}<extra>based here</extra>",
        )
    )
    figure.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.02}, height=560)
    return figure


def coverage_heatmap(coverage: pl.DataFrame, *, title: str) -> go.Figure:
    """Wards down, client groups across: unmet need in people, with gap marks in the cells."""
    groups = coverage.select("client_group", "group_short").unique(maintain_order=True)
    wards = coverage.select("ward_code", "ward_name").unique(maintain_order=True)
    cells = {(row["ward_code"], row["client_group"]): row for row in coverage.iter_rows(named=True)}
    unmet, marks, hovers = [], [], []
    for ward_code in wards["ward_code"]:
        rows = [cells.get((ward_code, group)) for group in groups["client_group"]]
        unmet.append([None if row is None else row["unmet_need"] for row in rows])
        marks.append([_mark(row) for row in rows])
        hovers.append([_hover(row) for row in rows])
    shown = [value for line in unmet for value in line if value is not None]
    figure = go.Figure(
        go.Heatmap(
            z=unmet,
            customdata=hovers,
            x=groups["group_short"].to_list(),
            y=wards["ward_name"].to_list(),
            text=marks,
            texttemplate="%{text}",
            zmin=0,
            zmax=max([1, *shown]),
            xgap=2,
            ygap=2,
            colorscale=[[index / (len(theme.SEQUENTIAL) - 1), colour] for index, colour in enumerate(theme.SEQUENTIAL)],
            colorbar={"title": {"text": "people<br>not reached"}},
            hovertemplate="%{y}, %{x}: %{customdata}<extra></extra>",
        )
    )
    figure.update_layout(
        _layout(
            title,
            plot_bgcolor=theme.LIGHT_GREY,
            height=max(300, 24 * wards.height + 230),
            margin={"l": 10, "r": 10, "t": 150, "b": 10},
        )
    )
    figure.update_layout(title={"y": 0.99, "yanchor": "top"})
    figure.update_xaxes(side="top", tickangle=-30)
    figure.update_yaxes(autorange="reversed")
    return figure


def idva_chart(idva: pl.DataFrame, *, title: str) -> go.Figure:
    """Per ward: IDVA time registered against what SafeLives' guide suggests for expected and heard cases."""
    wards = idva.filter(pl.col("level") == "ward")
    figure = go.Figure()
    for column, name, symbol, colour in (
        ("idva_fte", "registered", "square", theme.DARK_BLUE),
        ("idva_fte_needed", "needed for the cases expected (SafeLives)", "diamond", theme.ORANGE),
        ("idva_fte_needed_for_cases_heard", "needed for the cases MARAC heard", "triangle-up", theme.DARK_PINK),
    ):
        figure.add_trace(
            go.Scatter(
                x=wards[column].to_list(),
                y=wards["ward_name"].to_list(),
                mode="markers",
                name=name,
                marker={"symbol": symbol, "color": colour, "size": 11, "line": {"color": theme.TEXT, "width": 1}},
                hovertemplate="%{y}: %{x:.2f} FTE " + name + "<extra></extra>",
            )
        )
    figure.update_layout(
        _layout(
            title,
            height=max(260, 26 * wards.height + 170),
            xaxis_title="IDVA full-time equivalents",
            legend=LEGEND_ON_TOP,
            margin={"l": 10, "r": 10, "t": 90, "b": 10},
        )
    )
    figure.update_xaxes(rangemode="tozero")
    figure.update_yaxes(autorange="reversed")
    return figure


def benchmark_chart(benchmarks: pl.DataFrame, *, title: str) -> go.Figure:
    """Shares of MARAC cases with their 95% intervals, each beside its published national figure."""
    shares = benchmarks.filter(pl.col("unit").str.starts_with("%"))
    labels = [
        title_ + (" (not shown: too few people)" if hidden else "")
        for title_, hidden in zip(shares["title"], shares["value_suppressed"], strict=True)
    ]
    shares = shares.with_columns(label=pl.Series(labels, dtype=pl.String))
    figure = go.Figure()
    for comparison, group in shares.filter(pl.col("value").is_not_null()).group_by("comparison", maintain_order=True):
        figure.add_trace(
            go.Scatter(
                x=group["value"].to_list(),
                y=group["label"].to_list(),
                mode="markers",
                name=theme.comparison_word(comparison[0]),
                marker={
                    "symbol": theme.comparison_symbol(comparison[0]),
                    "color": theme.comparison_colour(comparison[0]),
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
                hovertemplate="%{y}: %{x:.1f}%<extra>" + theme.comparison_word(comparison[0]) + "</extra>",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=shares["benchmark_value"].to_list(),
            y=shares["label"].to_list(),
            mode="markers",
            name="national figure (SafeLives)",
            marker={"symbol": "line-ns-open", "color": theme.TEXT, "size": 18, "line": {"width": 3}},
            hovertemplate="%{y}: national %{x:.1f}%<extra></extra>",
        )
    )
    figure.update_layout(
        _layout(
            title,
            height=max(300, 40 * shares.height + 170),
            xaxis_title="% of MARAC cases",
            legend=LEGEND_ON_TOP,
            margin={"l": 10, "r": 10, "t": 90, "b": 10},
        )
    )
    figure.update_xaxes(rangemode="tozero")
    figure.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed")
    return figure


def _layout(title: str, **settings: object) -> dict:
    """The shared layout with this figure's title and settings laid over it."""
    return {**theme.layout_defaults(), "title": {"text": title, "x": 0, "font": {"size": 16}}, **settings}


def _mark(row: dict | None) -> str:
    """The cell's text: a gap symbol, then the people not reached, or why there is no number."""
    if row is None:
        return ""
    mark = NO_SERVICE_MARK if row["has_no_service"] else LOW_REACH_MARK if row["has_low_reach"] else ""
    if row["unmet_need_suppressed"]:
        number = HIDDEN_MARK
    elif row["estimated_need"] is None:
        number = NOT_ESTIMATED_MARK
    elif row["estimated_need"] == 0:
        number = "0"  # an estimate of zero: no residents or incidents of the group
    else:
        number = f"{row['unmet_need']:,}"
    return f"{mark} {number}".strip()


def _hover(row: dict | None) -> str:
    """The cell's figures in words, each as published."""
    if row is None:
        return ""

    def count(name: str) -> str:
        if row[f"{name}_suppressed"]:
            return HIDDEN_MARK
        return "not estimated" if row[name] is None else f"{row[name]:,}"

    services = f"{row['n_services']} service{'' if row['n_services'] == 1 else 's'} take the group"
    return f"unmet need {count('unmet_need')}; need {count('estimated_need')}; reached {count('people_reached')}; {services}" + (
        f"; {row['gap_reason']}" if row["gap_reason"] else ""
    )
