"""Victim journeys: who in a cohort gets help, how fast, what timing does to attrition, and where
chances to help were missed. Counts are of people followed across agencies by their shared ids."""

from __future__ import annotations

import streamlit as st

from metrics.indicators.front_door import TRIGGER
from metrics.journeys import ASSOCIATION_NOTE, COHORTS, CUTS, SURVIVAL_MEASURES, concentration_sentences, describe_timing
from ui import cache, figures_journeys, widgets
from ui.filters import current_filters
from ui.safe_text import plain

st.title("Victim journeys")
widgets.terms("MARAC", "IDVA", "CPS")
filters = current_filters()
if filters is None:
    widgets.empty_state("No data has been loaded yet. An analyst runs `oversight refresh` to load the nightly drop.")
    st.stop()

cohort = st.selectbox("Cohort", list(COHORTS), format_func=lambda name: COHORTS[name].label, key="journeys_cohort")
chosen = COHORTS[cohort]
st.caption(
    plain(
        f"Showing {filters.describe()}: {chosen.people} whose first {chosen.entry} in the period starts their "
        "journey. They are followed until the data ends, so people who entered late have had less time to reach "
        "later steps. No chart or table shows one person's path."
    )
)

steps = cache.journey_steps(cohort=cohort, period=filters.period, groups=filters.groups)
if message := figures_journeys.steps_message(steps):
    widgets.empty_state(message)
    st.stop()

st.subheader("From entry to outcome")
widgets.chart_with_table(
    figures_journeys.sankey_chart(steps, title=f"{chosen.label}: people reaching each step"),
    figures_journeys.steps_table(steps),
    key="journeys-sankey",
    filters=filters,
    file_stem=f"journey_{cohort}",
    alt=f"Sankey diagram of {chosen.label.lower()} from entry to each later step, widths proportional to people, "
    f"for {filters.describe()}. The table gives counts, shares and median days.",
)
st.caption(steps["disclosure_rule"][0] + " Steps with too few people are left off the diagram.")

st.subheader("Time to support and time to repeat")
cut = st.selectbox("Compare by", list(CUTS), index=1, format_func=lambda name: CUTS[name][1], key="journeys_cut")
for measure, measure_title in SURVIVAL_MEASURES.items():
    curves = cache.journey_survival(cohort=cohort, period=filters.period, groups=filters.groups, measure=measure, by=cut)
    if curves.is_empty():
        widgets.empty_state(f"{measure_title}: nobody to follow for this selection.")
        continue
    widgets.chart_with_table(
        figures_journeys.curves_chart(curves, title=f"{measure_title} (Kaplan-Meier, by {CUTS[cut][1].lower()})"),
        figures_journeys.curves_table(curves),
        key=f"journeys-km-{measure}",
        filters=filters,
        file_stem=f"journey_{cohort}_{measure}_by_{cut}",
        alt=f"Step lines: the share of the cohort reached by each day since entry, per {CUTS[cut][1].lower()}, "
        "with shaded 95% bands.",
    )
    test = cache.journey_logrank(cohort=cohort, period=filters.period, groups=filters.groups, measure=measure, by=cut)
    sentence, _, technical = test["sentence"][0].partition(" (log-rank")
    st.markdown(plain(f"{sentence}." if technical else sentence))
    if technical:
        with st.expander("The test behind this sentence (for analysts)"):
            st.markdown(plain(f"The log-rank{technical.removesuffix('.').removesuffix(')')}."))
st.caption(
    "People whose follow-up ended before the event (the data ends, or a year passes) are counted for as long "
    "as they were followed. Groups and days with too few people to show safely are left off."
)

st.subheader("Timing and attrition")
st.caption(
    "Crimes that reached a charge decision in the period, whatever the cohort: how often a victim issue "
    "(retraction, non-attendance, victim does not support) ended the case, by when specialist support started."
)
timing = cache.journey_timing(period=filters.period, groups=filters.groups, by=cut)
st.markdown(plain(describe_timing(timing.filter("is_total").row(0, named=True))))
st.warning(ASSOCIATION_NOTE)
widgets.chart_with_table(
    figures_journeys.timing_chart(timing, title="Crimes with a victim issue, by when support started"),
    figures_journeys.timing_table(timing),
    key="journeys-timing",
    filters=filters,
    file_stem=f"journey_timing_by_{cut}",
    alt=f"Markers with 95% confidence intervals: the share of crimes with a victim issue when support started before "
    f"the charge decision and when it started later or not at all, per {CUTS[cut][1].lower()}.",
)

st.subheader("Missed opportunities")
missed = cache.journey_missed(period=filters.period, groups=filters.groups, by=cut)
for sentence in concentration_sentences(missed) or ["No missed opportunities of these kinds to show for this selection."]:
    st.markdown(f"- {plain(sentence)}")
widgets.chart_with_table(
    figures_journeys.missed_chart(missed, title=f"Missed opportunities by {CUTS[cut][1].lower()}, most first"),
    figures_journeys.missed_table(missed),
    key="journeys-missed",
    filters=filters,
    file_stem=f"journey_missed_by_{cut}",
    alt=f"Bars: counts of victims with {TRIGGER} never reaching MARAC or a specialist service, and of "
    f"high-risk incidents with children and no school notification, per {CUTS[cut][1].lower()}.",
)
st.caption(missed["disclosure_rule"][0])
