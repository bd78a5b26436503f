"""Data and refresh: the latest refreshes in plain words, rows loaded and rejected per extract, how
complete the key fields are, how fresh each source is and, for analysts, the rejected rows."""

from __future__ import annotations

from datetime import date

import streamlit as st

from etl.warehouse import Warehouse
from metrics import data_quality
from oversight.settings import get_settings
from ui import cache, session, widgets
from ui import figures_data_quality as figures
from ui.figures_data_quality import blank_empty_cells
from ui.safe_text import text_only_figure

REFRESHES_LISTED = 10
RUNS_BY_EXTRACT = 3
REJECTED_ROWS_SHOWN = 500

st.title("Data and refresh")
st.write(
    "Where the figures come from: what each nightly refresh loaded, how complete the key fields are and how "
    "recent each source is."
)
warehouse = get_settings().warehouse
status = cache.load_status()
if status is None:
    widgets.empty_state(
        "No data has been published yet, so there is nothing to check. An analyst runs "
        "`oversight refresh` to load the nightly drop."
    )
    # Nothing published means no version to cache against; the run log alone says what went wrong.
    attempts = data_quality.refresh_history(None, session.current_rule(), Warehouse(warehouse).read_run_log())
    if not attempts.is_empty():
        st.error(figures.latest_attempt(attempts)[1])
        st.dataframe(blank_empty_cells(figures.history_table(attempts.head(REFRESHES_LISTED))).to_pandas(), hide_index=True)
    st.stop()

st.subheader("Refreshes")
history = cache.refresh_history(log_size=data_quality.run_log_size(warehouse))
if history.is_empty():
    widgets.empty_state("No refresh has been recorded for the data shown.")
else:
    failed, sentence = figures.latest_attempt(history)
    (st.error if failed else st.success)(sentence)
    st.dataframe(blank_empty_cells(figures.history_table(history.head(REFRESHES_LISTED))).to_pandas(), hide_index=True)
if published := status.refreshed_at:
    st.caption(f"The data shown were published by the refresh that finished on {published.day} {published:%B %Y at %H:%M}.")

st.subheader("Rows loaded and rejected, by extract")
st.caption(
    "These count rows in the agencies' files, not people. A rejected row is kept aside with the reason, so an "
    "analyst can have it fixed and sent again; a refused file loads nothing."
)
rows = cache.rows_by_extract(latest_runs=RUNS_BY_EXTRACT)
st.dataframe(blank_empty_cells(figures.rows_table(rows)).to_pandas(), hide_index=True)

st.subheader("How complete the key fields are")
by_ward = st.toggle("Show each ward as well, to find where recording is weakest", key="data_quality_by_ward")
completeness = cache.completeness(by="ward" if by_ward else None)
if completeness.is_empty():
    widgets.empty_state("No agency records are held yet, so completeness cannot be measured.")
else:
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        chart = figures.completeness_chart(
            completeness,
            title="Records with each key field recorded, whole district"
            + (", and the ward recording each least" if by_ward else ""),
        )
        st.plotly_chart(
            text_only_figure(chart),
            key="data-quality-completeness",
            config={"displaylogo": False},
            alt="Bars: the share of each extract's records that have each key field recorded.",
        )
    with table_tab:
        st.dataframe(blank_empty_cells(figures.completeness_table(completeness)).to_pandas(), hide_index=True)
    st.caption(
        "All records held. 'Recorded' means a value other than unknown (for DASH, other than not assessed)."
        + (" " + completeness["disclosure_rule"][0] if by_ward else "")
    )

st.subheader("How fresh each source is")
freshness = cache.freshness(today=date.today())
for warning in figures.stale_warnings(freshness):
    st.warning(warning)
st.dataframe(blank_empty_cells(figures.freshness_table(freshness)).to_pandas(), hide_index=True)
st.caption(
    f"A source is behind when its latest event is more than {data_quality.STALE_AFTER_DAYS} days before the "
    "newest source's latest event."
)

st.subheader("Analyst detail: rejected rows")
if not data_quality.may_see_record_level(session.current_audience()):
    widgets.empty_state(
        "This section is for analysts. Rejected rows hold values from individual records, so only "
        "analysts see them; the table of rows by extract above says how many rows were rejected."
    )
    st.stop()
rejected = cache.rejected_rows(limit=REJECTED_ROWS_SHOWN)
if rejected.is_empty():
    widgets.empty_state("No rows are rejected in the files loaded: there is nothing to fix.")
else:
    st.caption(
        f"Rows rejected from the latest load of each file, newest first (at most {REJECTED_ROWS_SHOWN}). Fix them "
        "at source and send the file again."
    )
    st.dataframe(blank_empty_cells(figures.rejected_table(rejected)).to_pandas(), hide_index=True)
