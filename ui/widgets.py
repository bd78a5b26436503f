"""Shared page pieces: scorecard tiles, a chart with its table and CSV, empty states."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Literal, NotRequired, TypedDict, Unpack

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from metrics import glossary
from metrics.audit import ExportRecord, record_export
from metrics.disclosure import NOT_SHOWN, rule_for
from metrics.overdispersion import count_comparisons
from metrics.safe_output import comment_lines, safe_csv
from oversight.settings import get_settings
from ui import access, session, theme
from ui.filters import PageFilters
from ui.safe_text import plain, text_only_figure


def format_value(value: float | None, unit: str) -> str:
    """A value in its unit; None is 'no data' (a suppressed value is shown by the caller as `*`)."""
    if value is None:
        return "no data"
    if unit.startswith("%"):
        return f"{value:.1f}%"
    if float(value).is_integer() or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def describe_row(row: dict) -> str:
    """One result row in plain words: value, interval, comparison."""
    if row.get("value_suppressed"):
        return NOT_SHOWN
    if row.get("value") is None:
        return "no data for this selection"
    interval = ""
    if row.get("lower_95") is not None:
        interval = f" (95% CI {format_value(row['lower_95'], row['unit'])} to {format_value(row['upper_95'], row['unit'])})"
    return (
        f"{format_value(row['value'], row['unit'])} {row['unit'].removeprefix('%').strip()}{interval}; {row['comparison_text']}"
    )


def tile(row: dict, *, sparkline: go.Figure | None = None, key: str) -> None:
    """A scorecard tile: one number, its interval, comparison and trend in words."""
    with st.container(border=True):
        st.markdown(f"**{plain(row['title'])}**")
        if row.get("value_suppressed"):
            st.markdown(f"### *\n{NOT_SHOWN}")
            return
        st.markdown(f"### {format_value(row['value'], row['unit'])}")
        st.caption(row["unit"])
        if row.get("lower_95") is not None:
            st.caption(f"95% CI {format_value(row['lower_95'], row['unit'])} to {format_value(row['upper_95'], row['unit'])}")
        word = theme.comparison_word(row.get("comparison"))
        text = row["comparison_text"]
        st.markdown(f"{_symbol_text(row.get('comparison'))} {plain(text[:1].upper() + text[1:])}")
        trend = row.get("trend") or "not calculated for this indicator"
        st.caption(
            f"Trend: {trend}"
            + (f" ({row['trend_reason']})" if row.get("trend_reason") and trend == "cannot be calculated" else "")
        )
        if sparkline is not None:
            st.plotly_chart(
                text_only_figure(sparkline),
                key=key,
                config={"displayModeBar": False, "staticPlot": True},
                alt=f"Annual values of {row['title']}; latest {word}",
            )


def _symbol_text(comparison: str | None) -> str:
    symbols = {"triangle-up": "▲", "triangle-down": "▼", "circle": "●", "diamond": "◆", "square": "■", "circle-open": "○"}
    return symbols.get(theme.comparison_symbol(comparison), "●")


def chart_with_table(
    figure: go.Figure,
    table: pl.DataFrame,
    *,
    alt: str,
    key: str,
    filters: PageFilters,
    file_stem: str,
    on_select: Literal["ignore", "rerun"] = "ignore",
) -> object:
    """A chart with its alt text, and beside it the same numbers as a table and a CSV download."""
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        shown = text_only_figure(figure)
        config = {"displaylogo": False}
        # streamlit types the two kinds of chart apart: one returns its selection, the other a placeholder
        event: object = (
            st.plotly_chart(shown, key=key, alt=alt, on_select="rerun", selection_mode="points", config=config)
            if on_select == "rerun"
            else st.plotly_chart(shown, key=key, alt=alt, on_select="ignore", selection_mode="points", config=config)
        )
    with table_tab:
        st.dataframe(table.to_pandas(), hide_index=True, width="stretch")
    export_button(
        "Download this table (CSV)",
        data=lambda: csv_with_filters(table, filters),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        export=f"table: {file_stem}",
        filters=filters.as_record(),
    )
    return event


class Download(TypedDict):
    """What a download button is given besides its label: the content made on the click, and what the audit log records."""

    data: Callable[[], bytes]
    file_name: str
    mime: str
    key: str
    export: str
    filters: Mapping[str, str]
    help: NotRequired[str | None]


def export_button(label: str, **download: Unpack[Download]) -> None:
    """A download for commissioners and analysts only; each download is recorded in the export audit log."""
    viewer = session.current_viewer()
    if not access.may_export(viewer.audience):
        return
    _audited_download(label, download)


def paper_button(label: str, **download: Unpack[Download]) -> None:
    """A download for every role (the board pack, made under the board's disclosure rule whoever asks);
    each download is recorded in the export audit log like any other."""
    _audited_download(label, download)


def _audited_download(label: str, download: Download) -> None:
    """The download button both kinds share: the export recorded, under the current viewer, when clicked."""
    viewer = session.current_viewer()
    record = ExportRecord(
        user=viewer.name,
        role=viewer.audience.value,
        export=download["export"],
        file_name=download["file_name"],
        filters=dict(download["filters"]),
    )
    st.download_button(
        label,
        data=audited(download["data"], record=record, warehouse=get_settings().warehouse),
        file_name=download["file_name"],
        mime=download["mime"],
        key=download["key"],
        help=download.get("help"),
        on_click="ignore",
    )


def audited(data: Callable[[], bytes], *, record: ExportRecord, warehouse: Path) -> Callable[[], bytes]:
    """`data` made on the click, after the export is recorded (the record's time is the click's, not the page's).

    Streamlit calls it outside the page run, so who and what are fixed when the button is drawn.
    """

    def build() -> bytes:
        content = data()
        record_export(warehouse, replace(record, exported_at=datetime.now(UTC).isoformat(timespec="seconds")))
        return content

    return build


def csv_with_filters(table: pl.DataFrame, filters: PageFilters) -> bytes:
    """The table as CSV, preceded by comment lines recording the filters, the time and the disclosure rule;
    no text cell can be read as a formula (`metrics.safe_output`)."""
    buffer = io.StringIO()
    buffer.write(f"# exported {datetime.now():%Y-%m-%d %H:%M}\n")
    buffer.write(comment_lines([*filters.as_record().items(), ("disclosure", disclosure_note())]))
    buffer.write(safe_csv(table))
    return buffer.getvalue().encode("utf-8")


def disclosure_note() -> str:
    """The disclosure rule the viewer's figures were made under, for an export's metadata."""
    rule = rule_for(session.current_audience(), get_settings())
    return rule.describe()


def terms(*acronyms: str) -> None:
    """Spell out the acronyms a page uses, where they first appear (the Definitions page has the full glossary)."""
    st.html(f'<p style="color:#505a5f;font-size:14px;margin:0">{escape(glossary.explain(*acronyms))}</p>')


def comparisons_caption(*frames: pl.DataFrame) -> None:
    """Under a page's flags: how many comparisons the page makes and how many flags chance alone would give.

    Pass every result frame whose rows the page judges against a comparator (wards, groups, tiles)."""
    st.caption(count_comparisons(*frames).sentence("page"))


def empty_state(message: str) -> None:
    st.info(message)
