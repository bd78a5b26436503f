"""Sections of the Prevalence and need page that draw themselves: who the measure falls on (sex, age band, ethnic
group), the wards' age-standardised rates, and hidden need (known victims against those the crime survey predicts).

Each returns the result frames it judged against a comparator, for the page's count of comparisons.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import streamlit as st

from metrics.aggregate import GroupFilters, UnsupportedCut
from metrics.compute import Filters
from metrics.definitions import Indicator
from metrics.hidden_need_groups import REPORTING_RATIO
from metrics.registry import get
from ui import cache, widgets
from ui import page_parts_prevalence as parts
from ui.figures_wards import ordered_interval_chart
from ui.filters import PageFilters
from ui.result_views import DIMENSION_WORDS, applicable_groups, comparison_summary, in_reading_order, result_table
from ui.safe_text import plain


def who(indicator: Indicator, filters: PageFilters, groups: GroupFilters) -> tuple[list[pl.DataFrame], pl.DataFrame | None]:
    """The measure by sex, age band and ethnic group: the cuts drawn, and the age-band cut as published (with its
    events of unknown age), or None when there is none."""
    st.subheader("Who: sex, age band and ethnic group")
    compared_groups, age_cut = [], None
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
            age_cut = cut
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
    return compared_groups, age_cut


def standardised(
    indicator: Indicator, filters: PageFilters, every_ward: GroupFilters, age_cut: pl.DataFrame | None
) -> pl.DataFrame:
    """The wards' age-standardised rates with their intervals and comparisons: the rows drawn."""
    st.subheader("Wards compared after allowing for their ages")
    standardised = cache.standardised_by_ward(indicator_id=indicator.id, period=filters.period, groups=every_ward)
    summary, rows = parts.standardised_summary(standardised), parts.standardised_rows(standardised)
    st.markdown(summary)
    widgets.chart_with_table(
        ordered_interval_chart(rows, title=f"{indicator.title}, age-standardised, by ward", unit=indicator.unit),
        parts.standardised_table(standardised),
        alt=f"Age-standardised {indicator.title} for each ward with 95% intervals. {summary}",
        key=f"prevalence-standardised-{indicator.id}",
        filters=filters,
        file_stem=f"{indicator.id}_standardised",
    )
    st.caption(f"{parts.STANDARDISED_CAPTION} {parts.unknown_age_words(age_cut, filters.ward_name or 'the district')}")
    return rows


def hidden_need(filters: PageFilters) -> list[pl.DataFrame]:
    """Known victims per 100 the survey predicts, by sex and ethnic group and by ward: the two frames drawn."""
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
    return [by_group, ratio_wards]
