"""Justice and attrition: where cases drop out between incident and conviction, for whom, how long each
step takes, and which wards charge fewer suspects than the district."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from metrics.compute import Filters
from ui import cache, figures_justice, widgets
from ui.filters import current_filters, drill_to_ward
from ui.safe_text import plain

CUTS = {"sex": "Sex", "age_band": "Age band", "ethnicity": "Ethnic group", "ward": "Ward"}
WHY_CASES_ARE_LOST = ("outcome16_pct", "outcome15_pct", "victim_issue_pct")

st.title("Justice and attrition")
widgets.terms("CPS", "Outcome 16")
filters = current_filters()
if filters is None:
    widgets.empty_state("No data has been loaded yet. An analyst runs `oversight refresh` to load the nightly drop.")
    st.stop()
st.caption(
    plain(
        f"Showing {filters.describe()}. Crimes are followed from when they were recorded, so crimes recorded "
        "recently may not have reached the later stages yet."
    )
)

funnel = cache.attrition_funnel(period=filters.period, by=None, groups=filters.groups)
if message := figures_justice.funnel_message(funnel):
    widgets.empty_state(message)
    st.stop()

st.subheader("From incident to conviction")
widgets.chart_with_table(
    figures_justice.funnel_chart(funnel, title="Domestic abuse cases at each stage of the justice system"),
    figures_justice.stage_table(funnel),
    key="justice-funnel",
    filters=filters,
    file_stem="justice_funnel",
    alt=f"Bars: cases reaching each stage from incident to conviction; markers: the share passing each stage with "
    f"its 95% confidence interval, for {filters.describe()}.",
)
st.caption(funnel["disclosure_rule"][0])

st.subheader("Why cases are lost")
judged = []  # every result the page compares with a benchmark or the district, for the comparisons count
for column, indicator_id in zip(st.columns(len(WHY_CASES_ARE_LOST)), WHY_CASES_ARE_LOST, strict=True):
    rows = cache.indicator(indicator_id, Filters(period=filters.period, groups=filters.groups))
    judged.append(rows)
    with column:
        if gap := figures_justice.tile_message(rows):
            widgets.empty_state(gap)
        else:
            widgets.tile(rows.row(0, named=True), key=f"justice-tile-{indicator_id}")

st.subheader("Who drops out, and where")
cut = st.selectbox("Cut by", list(CUTS), format_func=CUTS.get, key="justice_cut")
by_group = cache.attrition_funnel(period=filters.period, by=cut, groups=filters.groups)
widgets.chart_with_table(
    figures_justice.conversion_chart(by_group, cut_name=CUTS[cut]),
    figures_justice.conversion_table(by_group, cut_name=CUTS[cut]),
    key="justice-conversion",
    filters=filters,
    file_stem=f"justice_conversion_by_{cut}",
    alt=f"Grid of the share of cases passing each stage, one row per {CUTS[cut].lower()}, for {filters.describe()}.",
)

st.subheader("How long each step takes")
days = cache.days_between_stages(period=filters.period, groups=filters.groups)
widgets.chart_with_table(
    figures_justice.days_chart(days, title="Calendar days between stages, for crimes recorded in the period"),
    figures_justice.days_table(days),
    key="justice-days",
    filters=filters,
    file_stem="justice_days_between_stages",
    alt=f"Bars: median and 90th percentile days for each step of the justice system, for {filters.describe()}.",
)
st.caption(
    "The days are those of the cases that reached the later stage by the time of the data. Cases still waiting are "
    "not in them, so for crimes recorded in the last year, whose slower cases are still open, the days read short: "
    "compare periods whose crimes have all had time to reach the stage."
)

st.subheader("Charge rate by ward")
# every ward against the district, under the chosen groups whichever ward is selected
ward_filters = Filters(period=filters.period, by="ward", groups=replace(filters.groups, ward_code=None))
wards = cache.indicator("charge_rate_pct", ward_filters)
for sentence in figures_justice.charge_rate_sentences(wards):
    st.markdown(f"- {plain(sentence)}")
event = widgets.chart_with_table(
    figures_justice.ward_chart(wards, title="CPS charging decisions that were a charge, by ward", unit="% of decisions"),
    figures_justice.ward_table(wards),
    filters=filters,
    file_stem="justice_charge_rate_by_ward",
    on_select="rerun",
    # a key per selected ward starts each selection afresh, so an old click cannot pull the filter back
    key=f"justice-wards-{filters.groups.ward_code or 'all'}",
    alt="Markers: each ward's charge rate with its 95% confidence interval; dashed line: the district's rate.",
)
st.caption("Click a ward to show it on every page. Wards with too few charging decisions to show safely are left off the chart.")
widgets.comparisons_caption(*judged, by_group, wards)
if (ward_code := figures_justice.clicked_ward(event.selection.points, wards)) and ward_code != filters.groups.ward_code:
    drill_to_ward(ward_code)
