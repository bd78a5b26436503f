"""Overview: what needs the board's attention, what changed since the period before, the scorecard with SPC icons,
the board pack and the action plan in brief."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import streamlit as st

from metrics.board.overview import quarter_or_year
from metrics.board.period_text import headline_sources, latest_complete_quarter, latest_headline_quarter, previous_period
from metrics.targets import PlanFormatError, PlanMissing
from ui import cache, widgets
from ui.board_pack import HTML_MIME, PDF_MIME
from ui.filters import current_filters
from ui.overview_data import first_screen
from ui.overview_text import CHANGE_METHOD, COMPARISONS, ICON_KEY, SCORECARD_METHOD, change_lines
from ui.safe_text import plain
from ui.scorecard_table import STYLE, benchmark_sources, lists_html, scorecard_html

st.title("Overview")
status = cache.load_status()
filters = current_filters()
if status is None or filters is None or status.latest_incident_on is None:
    widgets.empty_state("No data has been loaded yet. An analyst runs `oversight refresh` to load the nightly drop.")
    st.stop()

if status.refreshed_at is None or datetime.now() - status.refreshed_at > timedelta(hours=26):
    st.warning("The data are more than 26 hours old: the nightly refresh has not succeeded since. Ask the analyst team.")

latest_quarter = latest_headline_quarter(status.coverage, status.latest_incident_on)
police_quarter = latest_complete_quarter(status.latest_incident_on)
held_back = (
    f" {police_quarter.label} is {status.coverage.shortfall(police_quarter, headline_sources())}."
    if status.coverage and latest_quarter.end < police_quarter.end
    else ""
)
compare_column, caption_column = st.columns([2, 3], vertical_alignment="center")
with compare_column:
    compare = st.selectbox(
        "Compare",
        list(COMPARISONS),
        key="overview_compare",
        label_visibility="collapsed",
        help="The board's quarterly meeting compares the latest complete quarter with the one before.",
    )
period, previous = quarter_or_year(latest_quarter, COMPARISONS[compare])
summary = first_screen(period, previous, filters.groups)
with caption_column:
    st.caption(
        plain(
            f"{', '.join(filters.describe().split(' · ')[1:]).capitalize()}: {period.label} ({period.start:%d %b %Y} to {period.end:%d %b %Y}) against "
            f"{previous.label}.{held_back} Data as at {status.refreshed_at:%d %B %Y, %H:%M}."
        )
    )
st.html(STYLE + lists_html(summary.attention, change_lines(summary), previous.label))
if summary.tiles.height:
    st.html(scorecard_html(summary.tiles))
else:
    widgets.empty_state("None of the headline indicators can be shown for this selection.")
st.caption(ICON_KEY)
with st.expander("How a change is judged, and what the scorecard's columns mean (for analysts)"):
    st.markdown(CHANGE_METHOD)
    st.markdown(SCORECARD_METHOD)
    if summary.tiles.height:
        widgets.comparisons_caption(*summary.judged)
        st.markdown("**The benchmarks, with the period each describes and its source**")
        st.dataframe(benchmark_sources(summary.tiles).to_pandas(), hide_index=True, width="stretch")

st.subheader("Board pack")
st.caption(plain(f"For the sidebar's selection: {filters.describe()}."))
previous = previous_period(filters.period)
pack_name = f"board-pack-{filters.groups.ward_code or 'district'}-{filters.period.start}-{filters.period.end}"
pack_record = {**filters.as_record(), "compared with": f"{previous.label} ({previous.start} to {previous.end})"}
for column, (kind, mime, words) in zip(
    st.columns(2), (("pdf", PDF_MIME, "PDF, A4"), ("html", HTML_MIME, "web page")), strict=True
):
    with column:
        widgets.paper_button(
            f"Download the board pack ({words})",
            key=f"board-pack-{kind}",
            export=f"board pack ({kind})",
            data=lambda kind=kind: cache.board_pack_file(
                period=filters.period, previous=previous, ward_code=filters.groups.ward_code, kind=kind
            ),
            filters=pack_record,
            file_name=f"{pack_name}.{kind}",
            mime=mime,
            help=f"The board's paper for {filters.period.label} against {previous.label}: summary, scorecard, a page per "
            "priority, prevalence by ward, service gaps, attrition, data notes and glossary. Small numbers are "
            "hidden under the board's rule, whoever downloads it. Takes up to half a minute to make.",
        )


st.header("Action plan")
try:
    plan = cache.plan_view(as_of=date.today())
except PlanMissing:
    widgets.empty_state("No action plan has been loaded: an analyst adds action_plan.yaml to the nightly drop.")
except PlanFormatError:
    st.error("The action plan in the latest drop cannot be read; the Action plan page lists the problems.")
else:
    st.markdown(f"**{plain(plan.attention_line())}**")
    st.dataframe(plan.priority_table().to_pandas(), hide_index=True)
    st.caption(
        f"Targets by priority, assessed on {plan.as_of:%d %B %Y}. Each target's SMART checks, reasons and path "
        "to the target are on the Action plan page."
    )
