"""Overview: the board scorecard, one tile per headline indicator, and data freshness."""

from __future__ import annotations

from datetime import datetime, timedelta

import streamlit as st

from metrics.compute import Filters
from ui import cache, figures, widgets
from ui.filters import current_filters

st.title("Overview")
status = cache.load_status()
filters = current_filters()
if status is None or filters is None:
    widgets.empty_state("No data has been loaded yet. An analyst runs `oversight refresh` to load the nightly drop.")
    st.stop()

st.caption(f"Data as at the last successful refresh: {status.refreshed_at:%d %B %Y, %H:%M}. Showing {filters.describe()}.")
if status.refreshed_at is None or datetime.now() - status.refreshed_at > timedelta(hours=26):
    st.warning("The data are more than 26 hours old: the nightly refresh has not succeeded since. Ask the analyst team.")

tiles = cache.fetch("scorecard", filters=Filters(period=filters.period, groups=filters.groups))
if tiles.is_empty():
    widgets.empty_state("None of the headline indicators can be shown for this selection.")
    st.stop()
for topic, group in tiles.group_by("topic", maintain_order=True):
    st.subheader(topic[0])
    columns = st.columns(3)
    for index, row in enumerate(group.iter_rows(named=True)):
        with columns[index % 3]:
            spark = figures.sparkline(row["years"], row["annual_values"]) if row["years"] else None
            widgets.tile(row, sparkline=spark, key=f"spark-{row['indicator_id']}")
