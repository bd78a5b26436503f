"""Front door figures: perpetrator programmes from offer to completion. Pure Plotly, no Streamlit."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from metrics.disclosure import NOT_SHOWN
from ui import theme


def programme_stages_chart(stages: pl.DataFrame, *, title: str) -> go.Figure:
    """One bar per stage (offered, started, completed) for each programme; a hidden count is labelled in words.

    `stages` has columns programme, stage, people (None when not shown).
    """
    figure = go.Figure()
    figure.update_layout(**theme.layout_defaults(), title={"text": title, "x": 0, "font": {"size": 16}})
    for index, (programme, rows) in enumerate(stages.group_by("programme", maintain_order=True)):
        people = rows["people"].to_list()
        figure.add_trace(
            go.Bar(
                x=[count or 0 for count in people],
                y=rows["stage"].to_list(),
                orientation="h",
                name=programme[0],
                marker={"color": theme.CATEGORICAL[index % len(theme.CATEGORICAL)], "line": {"color": theme.TEXT, "width": 1}},
                text=[f"{count:,}" if count is not None else NOT_SHOWN for count in people],
                textposition="outside",
                hovertemplate="%{y}: %{text}<extra>" + programme[0] + "</extra>",
                cliponaxis=False,
            )
        )
    figure.update_layout(
        barmode="group", height=max(260, 140 + 40 * stages.height), xaxis_title="perpetrators", legend_title="Programme"
    )
    figure.update_yaxes(autorange="reversed")
    return figure
