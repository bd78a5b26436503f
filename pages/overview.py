"""Overview: the board scorecard, one tile per headline indicator, data freshness, and the action plan in brief."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import streamlit as st

from metrics.board import previous_period
from metrics.compute import Filters
from metrics.targets import PlanFormatError, PlanMissing
from ui import cache, figures, widgets
from ui.board_pack import HTML_MIME, PDF_MIME
from ui.filters import current_filters
from ui.safe_text import plain

st.title("Overview")
status = cache.load_status()
filters = current_filters()
if status is None or filters is None:
    widgets.empty_state("No data has been loaded yet. An analyst runs `oversight refresh` to load the nightly drop.")
    st.stop()

st.caption(plain(f"Data as at the last successful refresh: {status.refreshed_at:%d %B %Y, %H:%M}. Showing {filters.describe()}."))
previous = previous_period(filters.period)
pack_name = f"board-pack-{filters.groups.ward_code or 'district'}-{filters.period.start}-{filters.period.end}"
pack_record = {**filters.as_record(), "compared with": f"{previous.label} ({previous.start} to {previous.end})"}
for column, (kind, mime, words) in zip(st.columns(2), (("pdf", PDF_MIME, "PDF, A4"), ("html", HTML_MIME, "web page"))):
    with column:
        widgets.paper_button(
            f"Download the board pack ({words})", key=f"board-pack-{kind}", export=f"board pack ({kind})",
            data=lambda kind=kind: cache.fetch("board_pack_file", period=filters.period, previous=previous,
                                               ward_code=filters.groups.ward_code, kind=kind),
            filters=pack_record, file_name=f"{pack_name}.{kind}", mime=mime,
            help=f"The board's paper for {filters.period.label} against {previous.label}: summary, scorecard, a page per "
                 "priority, prevalence by ward, service gaps, attrition, data notes and glossary. Small numbers are "
                 "hidden under the board's rule, whoever downloads it. Takes up to half a minute to make.")
if status.refreshed_at is None or datetime.now() - status.refreshed_at > timedelta(hours=26):
    st.warning("The data are more than 26 hours old: the nightly refresh has not succeeded since. Ask the analyst team.")

tiles = cache.fetch("scorecard", filters=Filters(period=filters.period, groups=filters.groups))
if tiles.is_empty():
    widgets.empty_state("None of the headline indicators can be shown for this selection.")
else:
    for topic, group in tiles.group_by("topic", maintain_order=True):
        st.subheader(topic[0])
        columns = st.columns(3)
        for index, row in enumerate(group.iter_rows(named=True)):
            with columns[index % 3]:
                spark = figures.sparkline(row["years"], row["annual_values"]) if row["years"] else None
                widgets.tile(row, sparkline=spark, key=f"spark-{row['indicator_id']}")

st.header("Action plan")
try:
    plan = cache.fetch("plan_view", as_of=date.today())
except PlanMissing:
    widgets.empty_state("No action plan has been loaded: an analyst adds action_plan.yaml to the nightly drop.")
except PlanFormatError:
    st.error("The action plan in the latest drop cannot be read; the Action plan page lists the problems.")
else:
    st.markdown(f"**{plain(plan.attention_line())}**")
    st.dataframe(plan.priority_table().to_pandas(), hide_index=True)
    st.caption(f"Targets by priority, assessed on {plan.as_of:%d %B %Y}. Each target's SMART checks, reasons and path "
               "to the target are on the Action plan page.")
