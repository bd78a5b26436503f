"""Prevalence and need: how much domestic abuse reaches the police, where, to whom, and how much stays hidden."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from metrics.aggregate import UnsupportedCut
from metrics.compute import Filters
from metrics.funnel_data import FunnelNotAvailable, denominator_label
from metrics.hidden_need_groups import REPORTING_RATIO
from metrics.registry import get
from metrics.standardisation import EQUIVALENT_SIZE, STANDARDISED_INDICATORS, NoStandardisedFunnel
from ui import cache, figures, widgets
from ui import page_parts_prevalence as parts
from ui.figures_wards import funnel_with_ward, map_with_ward, ordered_interval_chart
from ui.filters import current_filters, drill_to_ward
from ui.result_views import (
    DIMENSION_WORDS,
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
compared_on, basis = by_ward, parts.CRUDE_BASIS
if indicator.id in STANDARDISED_INDICATORS and not groups.age_band:
    standardised_wards = in_reading_order(
        cache.fetch("standardised_ward_points", indicator_id=indicator.id, period=filters.period, groups=every_ward), "ward"
    )
    bases = [parts.STANDARDISED_BASIS, parts.CRUDE_BASIS]
    basis = st.radio(
        "Compare wards on",
        bases,
        horizontal=True,
        key=f"prevalence_basis_{indicator.id}",
        index=0 if parts.standardised_by_default(standardised_wards, by_ward) else 1,
    )
    st.caption(parts.basis_caption(basis, standardised_wards, by_ward))
    if basis == parts.STANDARDISED_BASIS:
        compared_on = standardised_wards
shown_as = "age-standardised, " if basis == parts.STANDARDISED_BASIS else ""
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
    parts.crude_and_standardised_table(by_ward, compared_on)
    if compared_on is not by_ward
    else result_table(by_ward, label="ward"),
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
    if compared_on is by_ward:
        points, limits = cache.ward_funnel(indicator_id=indicator.id, filters=Filters(filters.period, None, every_ward))
        size_label = denominator_label(indicator)
    else:
        points, limits = cache.standardised_ward_funnel(indicator_id=indicator.id, period=filters.period, groups=every_ward)
        size_label = EQUIVALENT_SIZE
except (FunnelNotAvailable, NoStandardisedFunnel) as reason:
    widgets.empty_state(str(reason))
else:
    widgets.chart_with_table(
        funnel_with_ward(
            points,
            limits,
            title=f"{indicator.title}, {shown_as}wards against the district",
            unit=indicator.unit,
            denominator_label=size_label,
            ward_code=groups.ward_code,
        ),
        result_table(in_reading_order(points, "ward"), label="ward"),
        alt=f"Funnel plot of {indicator.title} ({basis}) for each ward against its size, with 95% and 99.8% limits "
        f"around the district value of {limits.centre:.3g}. {ward_words}",
        key=f"prevalence-funnel-{indicator.id}-{basis}",
        filters=filters,
        file_stem=f"{indicator.id}_funnel",
    )
    st.caption(
        f"Wards outside the dashed lines differ from the district by more than chance would explain at 95%; "
        f"outside the dotted lines, at 99.8% ({parts.funnel_method_words(indicator.method)}). "
        f"Shown: the {basis}."
    )
    if limits.overdispersion:
        st.caption(
            f"Here {limits.overdispersion}: the wards differ for reasons beyond chance (their people, their "
            "policing), so only a ward well beyond that spread is flagged, in the funnel and in the ward table."
        )

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

st.subheader("Who: sex, age band and ethnic group")
compared_groups = []
for dimension in ("sex", "age_band", "ethnicity"):
    words = DIMENSION_WORDS[dimension]
    if dimension not in indicator.dimensions:
        widgets.empty_state(f"{indicator.title} is not recorded by {words}.")
        continue
    try:
        cut = in_reading_order(cache.indicator(indicator.id, Filters(filters.period, dimension, groups)), dimension)
    except UnsupportedCut as reason:
        widgets.empty_state(f"Not shown by {words}: {reason}.")
        continue
    if dimension == "age_band":
        cut, left_off = parts.without_uncounted_child_bands(cut)
        if left_off:
            st.caption(
                f"Children's age bands ({', '.join(left_off)}) are left off: no victim in them is counted by "
                "this indicator, so a rate of 0 there says nothing about abuse."
            )
    compared_groups.append(cut)
    widgets.chart_with_table(
        ordered_interval_chart(cut, title=f"{indicator.title}, by {words}", unit=indicator.unit),
        result_table(cut, label=words),
        alt=f"{indicator.title} for each {words} with 95% confidence intervals. {comparison_summary(cut)}",
        key=f"prevalence-{dimension}",
        filters=filters,
        file_stem=f"{indicator.id}_by_{dimension}",
    )

if indicator.id in STANDARDISED_INDICATORS and not groups.age_band:
    st.subheader("Wards compared after allowing for their ages")
    standardised = cache.standardised_by_ward(indicator_id=indicator.id, period=filters.period, groups=every_ward)
    st.markdown(parts.standardised_summary(standardised))
    widgets.chart_with_table(
        ordered_interval_chart(
            parts.standardised_rows(standardised), title=f"{indicator.title}, age-standardised, by ward", unit=indicator.unit
        ),
        parts.standardised_table(standardised),
        alt=f"Age-standardised {indicator.title} for each ward with 95% intervals. {parts.standardised_summary(standardised)}",
        key=f"prevalence-standardised-{indicator.id}",
        filters=filters,
        file_stem=f"{indicator.id}_standardised",
    )
    st.caption(parts.STANDARDISED_CAPTION)
    compared_groups.append(parts.standardised_rows(standardised))

st.subheader("Hidden need: known victims against those the survey predicts")
ratio = get(REPORTING_RATIO)
st.caption(f"{ratio.description} {parts.HIDDEN_NEED_CAVEAT}")
st.caption(plain(cache.hidden_need_adjusted_for()))
by_group = cache.hidden_need_by_group(filters=Filters(filters.period, None, filters.groups))
group_words = parts.hidden_need_summary(by_group, place=filters.ward_name or "the district", age_band=filters.groups.age_band)
st.markdown(plain(group_words))
if note := parts.hidden_groups_note(by_group):
    st.caption(note)
st.caption("Every sex and ethnic group is shown here, whatever the sex and ethnic group filters say.")
widgets.chart_with_table(
    ordered_interval_chart(
        by_group, title="Known victims per 100 expected, by sex and ethnic group", unit=ratio.unit, label_column="group"
    ),
    parts.known_vs_expected_table(by_group, label="group", label_column="group"),
    alt=f"Known victims per 100 the survey predicts for each group, with 95% intervals and the district as a dashed "
    f"line. {group_words}",
    key="hidden-need-groups",
    filters=filters,
    file_stem="hidden_need_by_group",
)
ratio_groups, _ = applicable_groups(ratio, replace(filters.groups, ward_code=None))
ratio_wards = in_reading_order(cache.indicator(REPORTING_RATIO, Filters(filters.period, "ward", ratio_groups)), "ward")
ratio_ward_words = comparison_summary(ratio_wards, words=parts.RATIO_WORDS)
st.markdown(plain(ratio_ward_words))
widgets.chart_with_table(
    ordered_interval_chart(ratio_wards, title="Known victims per 100 expected, by ward", unit=ratio.unit),
    parts.known_vs_expected_table(ratio_wards, label="ward", label_column="cut_label"),
    alt=f"Known victims per 100 the survey predicts in each ward, with 95% intervals. {ratio_ward_words}",
    key="hidden-need-wards",
    filters=filters,
    file_stem="hidden_need_by_ward",
)
# the standardised wards are counted once, with the section that charts them below
widgets.comparisons_caption(*([by_ward] if compared_on is by_ward else []), *compared_groups, by_group, ratio_wards)
