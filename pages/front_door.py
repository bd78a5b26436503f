"""Front door and safeguarding: are schools told in time, children seen and heard, high-risk victims taken to MARAC,
and perpetrators offered a way to change?"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from metrics.compute import Filters
from metrics.registry import get
from ui import cache, figures, widgets
from ui import page_parts_front_door as parts
from ui.figures_front_door import programme_stages_chart
from ui.figures_wards import ordered_interval_chart
from ui.filters import current_filters
from ui.result_views import applicable_groups, comparison_summary, in_reading_order, quarterly_span, result_table, shown_values
from ui.safe_text import plain

st.title("Front door and safeguarding")
widgets.terms("Operation Encompass", "MASH", "MARAC", "DASH")
filters = current_filters()
if filters is None:
    widgets.empty_state(
        "No data has been loaded yet, so there is nothing to show. An analyst runs `oversight refresh` to load the nightly drop."
    )
    st.stop()
st.caption(plain(f"Showing {filters.describe()}."))

st.subheader("At a glance")
judged = []  # every result the page compares with a benchmark or the district, for the comparisons count
columns = st.columns(3)
for index, indicator_id in enumerate(parts.TILES):
    groups, not_applied = applicable_groups(get(indicator_id), filters.groups)
    with columns[index % 3]:
        tile_rows = cache.indicator(indicator_id, Filters(filters.period, None, groups))
        judged.append(tile_rows)
        row = tile_rows.row(0, named=True)
        widgets.tile(row, key=f"front-door-tile-{indicator_id}")
        if not_applied:
            st.caption(parts.not_applied_words(not_applied))

st.subheader("By ward and over time")
for tab, (indicator_id, short_name) in zip(st.tabs(list(parts.MEASURES.values())), parts.MEASURES.items(), strict=True):
    indicator = get(indicator_id)
    groups, not_applied = applicable_groups(indicator, filters.groups)
    with tab:
        st.markdown(f"**{indicator.title}**")
        st.caption(indicator.description + (" " + parts.not_applied_words(not_applied) if not_applied else ""))
        by_ward = cache.indicator(indicator_id, Filters(filters.period, "ward", replace(groups, ward_code=None)))
        by_ward = parts.mark_chosen_ward(in_reading_order(by_ward, "ward"), filters.groups.ward_code)
        judged.append(by_ward)
        ward_words = comparison_summary(by_ward)
        st.markdown(plain(ward_words))
        widgets.chart_with_table(
            ordered_interval_chart(by_ward, title=f"{short_name}, by ward", unit=indicator.unit),
            result_table(by_ward, label="ward"),
            alt=f"{indicator.title} in each ward with 95% confidence intervals, the district as a dashed line. {ward_words}",
            key=f"front-door-wards-{indicator_id}",
            filters=filters,
            file_stem=f"{indicator_id}_by_ward",
        )
        if "quarter" not in indicator.dimensions:
            widgets.empty_state(f"{indicator.title} is counted over the whole period only, so it has no trend by quarter.")
            continue
        trend = cache.indicator(indicator_id, Filters(quarterly_span(filters.period), "quarter", groups))
        if not shown_values(trend):
            widgets.empty_state("No quarter has enough people to show safely for this selection, so there is no trend to draw.")
            continue
        widgets.chart_with_table(
            figures.trend_chart(trend, title=f"{short_name}, by quarter, {filters.ward_name or 'district'}", unit=indicator.unit),
            result_table(trend, label="quarter"),
            alt=f"Line chart of {indicator.title} in each quarter from {trend['cut_value'][0]} to "
            f"{trend['cut_value'][-1]}, with its 95% confidence interval shaded.",
            key=f"front-door-trend-{indicator_id}",
            filters=filters,
            file_stem=f"{indicator_id}_by_quarter",
        )

widgets.comparisons_caption(*judged)

st.subheader("Perpetrator interventions")
st.caption(parts.PROGRAMME_NOTE)
programmes = cache.perpetrator_interventions(period=filters.period)
if programmes.is_empty():
    widgets.empty_state("No perpetrator programme is in the service register, so there is nothing to show here.")
    st.stop()
summary = parts.programme_summary(programmes)
for sentence in summary:
    st.markdown(plain(sentence))
widgets.chart_with_table(
    programme_stages_chart(parts.programme_stages(programmes), title="Perpetrators offered, starting and completing a programme"),
    parts.programme_table(programmes),
    alt="Bar chart of perpetrators offered a place, starting and completing each programme. " + " ".join(summary),
    key="front-door-programmes",
    filters=filters,
    file_stem="perpetrator_programmes",
)
