"""Services and coverage: where services are, whom they reach against need, and the IDVA and MARAC gaps."""

from __future__ import annotations

import polars as pl
import streamlit as st

from metrics.disclosure import NOT_SHOWN
from metrics.export import columns
from metrics.gap_summary import biggest_gaps, headline, idva_lines, marac_lines, risk_lines, top_gap_lines
from ui import cache, figures_services, widgets
from ui.filters import current_filters, drill_to_ward
from ui.safe_text import plain
from ui.whatif_form import scenario_form

WORKBOOK_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

st.title("Services and coverage")
widgets.terms("IDVA", "MARAC", "FTE", "SafeLives", "LGBT+")
status = cache.load_status()
filters = current_filters()
if status is None or filters is None:
    widgets.empty_state("No data has been loaded yet. An analyst runs `oversight refresh` to load the nightly drop.")
    st.stop()

ward_code = filters.groups.ward_code
analysis = cache.gap_analysis(period=filters.period, ward_code=ward_code)
st.caption(
    plain(
        f"Showing {filters.period.label} for {analysis.area}; data as at {status.refreshed_at:%d %B %Y, %H:%M}. "
        "Client groups are the columns of this page, so the sex, age and ethnic group filters do not apply here. "
        f"* means {NOT_SHOWN}."
    )
)
widgets.export_button(
    "Download the gap analysis for commissioning papers (Excel)",
    key="gap-analysis-xlsx",
    export="gap analysis workbook",
    data=lambda: cache.gap_analysis_workbook(period=filters.period, ward_code=ward_code),
    filters=filters.as_record(),
    file_name=f"gap-analysis-{ward_code or 'district'}-{filters.period.start}-{filters.period.end}.xlsx",
    mime=WORKBOOK_MIME,
    help="Summary, coverage, need against reach and capacity, capacity gaps, the service register, the indicators "
    "and how they were made, for the period and ward chosen. Small counts are hidden as on this page.",
)

st.header("What to take to the commissioning round")
st.markdown("\n".join(f"- {plain(line)}" for line in headline(analysis)))
st.caption(
    f"A gap: {analysis.assumptions.stated()[0][1]}. Unmet need is estimated need less the people whose "
    "support started, with 95% limits. Contract risk counts from the data date "
    f"({analysis.data_date:%d %B %Y})."
)
with st.expander("The assumptions behind these figures (each is a setting)"):
    st.markdown("\n".join(f"- **{plain(name)}**: {plain(value)}" for name, value in analysis.assumptions.stated()))
with st.expander(f"The {len(top_gap_lines(analysis))} largest gaps and every service at risk"):
    st.markdown("**The largest gaps, in people**\n" + "\n".join(f"- {plain(line)}" for line in top_gap_lines(analysis)))
    st.markdown("**Services at risk**\n" + "\n".join(f"- {plain(line)}" for line in risk_lines(analysis)))
    if not analysis.risks.is_empty():
        st.dataframe(
            columns.text_table(analysis.risks, columns.RISKS).to_pandas(),
            hide_index=True,
            width="stretch",
            column_config={"Why it is at risk": st.column_config.TextColumn(width="large")},
        )

st.header("What if")
scenario_form(analysis, period=filters.period, ward_code=ward_code, filters=filters)

st.header("Where services are")
if analysis.register.is_empty():
    widgets.empty_state("No registered service serves this area: the service register names none for it.")
else:
    service_map = figures_services.service_map(
        analysis.register,
        cache.ward_geometry(),
        selected_ward=ward_code,
        title=f"Services serving {analysis.area}: where they are based",
    )
    event = widgets.chart_with_table(
        service_map,
        columns.text_table(analysis.register, columns.REGISTER_ON_PAGE),
        filters=filters,
        key=f"services-map-{ward_code or 'district'}",  # a new map after a drill, so an old click cannot drill again
        alt=f"Map of the district's wards with a marker at each base of the {analysis.register.height} services "
        f"serving {analysis.area}; the table lists every service.",
        file_stem="service-register",
        on_select="rerun",
    )
    if analysis.services_without_base:
        st.caption(
            plain(
                "Not on the map (no base held; a refuge's address is kept confidential): "
                + ", ".join(analysis.services_without_base)
                + "."
            )
        )
    chosen = [point.get("location") for point in (event.selection.points if event else []) if point.get("location")]
    if chosen and chosen[0] != ward_code:
        drill_to_ward(chosen[0])

st.header("Coverage by ward and client group")
if analysis.coverage.is_empty():
    widgets.empty_state("No wards are loaded, so coverage cannot be shown: the ward boundaries are missing from the drop.")
else:
    heatmap = figures_services.coverage_heatmap(analysis.coverage, title="Unmet need in people, by ward and client group")
    widgets.chart_with_table(
        heatmap,
        columns.text_table(analysis.gaps_and_rest, columns.COVERAGE_ON_PAGE),
        key="coverage-heatmap",
        filters=filters,
        alt=f"Heat map of {analysis.area}: wards down, client groups across; each cell gives the people with estimated "
        f"need not reached, darker where more, with a cross where no service takes the group and a down arrow "
        f"where reach is below {analysis.assumptions.reach_gap_pct:g}% of need.",
        file_stem="coverage-by-ward-and-group",
    )
    st.caption(figures_services.heatmap_legend(analysis.assumptions.reach_gap_pct))
    st.subheader("The gaps in words")
    gap_lines = biggest_gaps(analysis.coverage, analysis.assumptions.reach_gap_pct)
    st.markdown("\n".join(f"- {plain(line)}" for line in gap_lines[:8]))
    with st.expander(f"Every ward and group flagged as a gap ({analysis.gaps.height}), largest unmet need first"):
        st.dataframe(columns.text_table(analysis.gaps, columns.COVERAGE_ON_PAGE).to_pandas(), hide_index=True, width="stretch")
        if len(gap_lines) > 8:
            st.markdown("\n".join(f"- {plain(line)}" for line in gap_lines[8:]))

st.header("IDVA capacity")
st.markdown("\n".join(f"- {plain(line)}" for line in idva_lines(analysis)))
widgets.chart_with_table(
    figures_services.idva_chart(analysis.idva, title="IDVA time by ward: registered against SafeLives' guide"),
    columns.text_table(analysis.idva, columns.IDVA_ON_PAGE),
    key="idva-capacity",
    filters=filters,
    file_stem="idva-capacity",
    alt="For each ward, full-time IDVAs registered (squares), needed for the MARAC cases SafeLives expects (diamonds) "
    "and needed for the cases MARAC heard (triangles).",
)

st.header("MARAC against SafeLives levels")
headline = [row for row in (analysis.indicator("marac_cases_per_10000_women"), analysis.indicator("marac_repeat_pct")) if row]
for column, row in zip(st.columns(max(len(headline), 1)), headline, strict=False):
    with column:
        widgets.tile(row, key=f"tile-{row['indicator_id']}")
st.markdown("\n".join(f"- {plain(line)}" for line in marac_lines(analysis)))
if analysis.benchmarks.is_empty():
    widgets.empty_state("No MARAC indicators can be worked out for this selection.")
else:
    widgets.chart_with_table(
        figures_services.benchmark_chart(analysis.benchmarks, title="Who is referred to MARAC, against national figures"),
        columns.text_table(analysis.benchmarks, columns.BENCHMARKS),
        key="marac-benchmarks",
        filters=filters,
        file_stem="marac-against-safelives",
        alt="Shares of MARAC cases (repeats, referrals from other agencies, and victims in each group) with 95% "
        "intervals, each beside the SafeLives national figure drawn as a black line.",
    )
widgets.comparisons_caption(
    pl.DataFrame({"comparison": [row.get("comparison") for row in headline]}, schema={"comparison": pl.String}),
    analysis.benchmarks,
)

st.header("Service outcomes and capacity against demand")
st.subheader("Places against demand")
if analysis.capacity.is_empty():
    widgets.empty_state("No registered service serves this area, so there is no capacity to set against demand.")
else:
    st.caption(
        "Each service's places for the period against the referrals it received and the support it started "
        "(whole service, across every ward it serves). Over 100% means more demand than places."
    )
    st.dataframe(columns.text_table(analysis.capacity, columns.CAPACITY_ON_PAGE).to_pandas(), hide_index=True, width="stretch")
st.subheader("How support ended")
if analysis.outcomes.is_empty():
    widgets.empty_state("No registered service serves this area, so there are no outcomes to show.")
else:
    st.caption(
        "Referrals received in the period; completion and disengagement are shares of support that started and "
        "has ended, with 95% limits. Support still going on is left out."
    )
    outcomes = columns.with_interval_text(analysis.outcomes, "completion_pct", "dropout_pct")
    st.dataframe(columns.text_table(outcomes, columns.OUTCOMES_ON_PAGE).to_pandas(), hide_index=True, width="stretch")
