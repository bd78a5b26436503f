"""Prevalence and need: how much domestic abuse reaches the police, where, to whom, and how much stays hidden."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from metrics.compute import Filters
from metrics.funnel_data import FunnelNotAvailable, denominator_label
from metrics.registry import get
from metrics.standardisation import EQUIVALENT_SIZE, NoStandardisedFunnel
from ui import cache, figures, widgets
from ui import page_parts_prevalence as parts
from ui import prevalence_sections as sections
from ui.figures_wards import funnel_with_ward, map_with_ward
from ui.filters import current_filters, drill_to_ward
from ui.result_views import (
    applicable_groups,
    clicked_ward,
    comparison_summary,
    in_reading_order,
    quarterly_span,
    result_table,
    shown_values,
)
from ui.safe_text import plain

st.title("Prevalence and need")
filters = current_filters()
if filters is None:
    widgets.empty_state(
        "No data has been loaded yet, so there is nothing to show. An analyst runs `oversight refresh` to load the nightly drop."
    )
    st.stop()

choices = parts.indicator_choices()
indicator = get(st.selectbox("Measure", list(choices), format_func=choices.get, key="prevalence_indicator"))
groups, not_applied = applicable_groups(indicator, filters.groups)
every_ward = replace(groups, ward_code=None)
st.caption(plain(f"{indicator.description} Showing {filters.describe()}."))
if not_applied:
    st.caption(f"This measure is not recorded by {' or '.join(not_applied)}, so that filter does not apply to it.")
headline = cache.indicator(indicator.id, Filters(filters.period, None, groups))
with st.columns(3)[0]:
    widgets.tile(headline.row(0, named=True), key="prevalence-tile")

st.subheader("Where: wards compared with the district")
by_ward = in_reading_order(cache.indicator(indicator.id, Filters(filters.period, "ward", every_ward)), "ward")
standardisable = parts.standardisable(indicator.id, groups.age_band)
standardised_wards = (
    in_reading_order(
        cache.fetch("standardised_ward_points", indicator_id=indicator.id, period=filters.period, groups=every_ward), "ward"
    )
    if standardisable
    else None
)
basis = parts.CRUDE_BASIS
if standardised_wards is not None:
    default = 0 if parts.standardised_by_default(standardised_wards, by_ward) else 1
    basis = st.radio("Compare wards on", parts.BASES, horizontal=True, key=f"prevalence_basis_{indicator.id}", index=default)
if basis_words := parts.basis_caption(basis, standardised_wards, by_ward, indicator_id=indicator.id, age_band=groups.age_band):
    st.caption(basis_words)
on_standardised = standardised_wards is not None and basis == parts.STANDARDISED_BASIS
compared_on = standardised_wards if standardised_wards is not None and on_standardised else by_ward
shown_as = "age-standardised, " if on_standardised else ""
ward_words = comparison_summary(compared_on)
st.markdown(plain(ward_words))
event = widgets.chart_with_table(
    map_with_ward(
        compared_on,
        cache.ward_geometry(),
        title=f"{indicator.title}, {shown_as}by ward",
        unit=indicator.unit,
        ward_code=groups.ward_code,
    ),
    parts.crude_and_standardised_table(by_ward, compared_on) if on_standardised else result_table(by_ward, label="ward"),
    alt=f"Map of {indicator.title} ({basis}) by ward; darker wards are higher. {ward_words}",
    key=f"prevalence-map-{indicator.id}-{groups.ward_code}-{basis}",
    filters=filters,
    file_stem=f"{indicator.id}_map",
    on_select="rerun",
)
st.caption("Click a ward on the map to show that ward across the dashboard. Grey wards have too few people to show safely.")
chosen = clicked_ward(getattr(getattr(event, "selection", None), "points", []) or [], set(by_ward["cut_value"]))
if chosen and chosen != groups.ward_code:
    drill_to_ward(chosen)
try:
    if on_standardised:
        points, limits = cache.standardised_ward_funnel(indicator_id=indicator.id, period=filters.period, groups=every_ward)
    else:
        points, limits = cache.ward_funnel(indicator_id=indicator.id, filters=Filters(filters.period, None, every_ward))
except (FunnelNotAvailable, NoStandardisedFunnel) as reason:
    widgets.empty_state(str(reason))
else:
    widgets.chart_with_table(
        funnel_with_ward(
            points,
            limits,
            title=f"{indicator.title}, {shown_as}wards against the district",
            unit=indicator.unit,
            denominator_label=EQUIVALENT_SIZE if on_standardised else denominator_label(indicator),
            ward_code=groups.ward_code,
        ),
        result_table(in_reading_order(points, "ward"), label="ward"),
        alt=f"Funnel plot of {indicator.title} ({basis}) for each ward against its size, with 95% and 99.8% limits "
        f"around the district value of {limits.centre:.3g}. {ward_words}",
        key=f"prevalence-funnel-{indicator.id}-{basis}",
        filters=filters,
        file_stem=f"{indicator.id}_funnel",
    )
    st.caption(parts.funnel_caption(basis, indicator.method, limits.overdispersion))

st.subheader("Over time")
if "quarter" in indicator.dimensions:
    trend = cache.indicator(indicator.id, Filters(quarterly_span(filters.period), "quarter", groups))
    if shown_values(trend):
        widgets.chart_with_table(
            figures.trend_chart(
                trend, title=f"{indicator.title}, by quarter, {filters.ward_name or 'district'}", unit=indicator.unit
            ),
            result_table(trend, label="quarter"),
            alt=f"Line chart of {indicator.title} in each quarter from {trend['cut_value'][0]} to "
            f"{trend['cut_value'][-1]}, with its 95% confidence interval shaded.",
            key="prevalence-trend",
            filters=filters,
            file_stem=f"{indicator.id}_by_quarter",
        )
    else:
        widgets.empty_state("No quarter has enough people to show safely for this selection, so there is no trend to draw.")
else:
    widgets.empty_state(f"{indicator.title} is counted over the whole period only, so it has no trend by quarter.")

compared_groups, age_cut = sections.who(indicator, filters, groups)

if standardisable:
    compared_groups.append(sections.standardised(indicator, filters, every_ward, age_cut))

hidden_need_frames = sections.hidden_need(filters)
# the standardised wards are counted once, with the section that charts them below
widgets.comparisons_caption(*([by_ward] if compared_on is by_ward else []), *compared_groups, *hidden_need_frames)
