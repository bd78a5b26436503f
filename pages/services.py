"""Services and coverage: where services are, whom they reach against need, and the IDVA and MARAC gaps."""

from __future__ import annotations

import streamlit as st

from metrics.export import columns
from metrics.gap_summary import biggest_gaps, headline, idva_lines, marac_lines, risk_lines, top_gap_lines
from ui import cache, figures_services, widgets
from ui import page_parts_services as parts
from ui.filters import current_filters, drill_to_ward
from ui.whatif_form import scenario_form

st.title("Services and coverage")
widgets.terms("IDVA", "MARAC", "FTE", "SafeLives", "LGBT+")
status = cache.load_status()
filters = current_filters()
if status is None or filters is None:
    widgets.empty_state(parts.NO_DATA)
    st.stop()

ward_code = filters.groups.ward_code
analysis = cache.gap_analysis(period=filters.period, ward_code=ward_code)
st.caption(parts.showing_caption(analysis, period_label=filters.period.label, refreshed_at=status.refreshed_at))
widgets.export_button(
    "Download the gap analysis for commissioning papers (Excel)",
    key="gap-analysis-xlsx",
    export="gap analysis workbook",
    data=lambda: cache.gap_analysis_workbook(period=filters.period, ward_code=ward_code),
    filters=filters.as_record(),
    file_name=parts.workbook_file_name(ward_code, filters.period),
    mime=parts.WORKBOOK_MIME,
    help=parts.WORKBOOK_HELP,
)

st.header("What to take to the commissioning round")
st.markdown(parts.bullets(headline(analysis)))
st.caption(parts.gap_caption(analysis))
with st.expander("The assumptions behind these figures (each is a setting)"):
    st.markdown(parts.assumption_lines(analysis))
with st.expander(f"The {len(top_gap_lines(analysis))} largest gaps and every service at risk"):
    st.markdown("**The largest gaps, in people**\n" + parts.bullets(top_gap_lines(analysis)))
    st.markdown("**Services at risk**\n" + parts.bullets(risk_lines(analysis)))
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
    widgets.empty_state(parts.NO_SERVICE)
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
        alt=parts.map_alt(analysis),
        file_stem="service-register",
        on_select="rerun",
    )
    if not_on_map := parts.not_on_map_caption(analysis):
        st.caption(not_on_map)
    if (chosen := parts.chosen_ward(event)) and chosen != ward_code:
        drill_to_ward(chosen)

st.header("Coverage by ward and client group")
if analysis.coverage.is_empty():
    widgets.empty_state(parts.NO_WARDS)
else:
    widgets.chart_with_table(
        figures_services.coverage_heatmap(analysis.coverage, title="Unmet need in people, by ward and client group"),
        columns.text_table(analysis.gaps_and_rest, columns.COVERAGE_ON_PAGE),
        key="coverage-heatmap",
        filters=filters,
        alt=parts.heatmap_alt(analysis),
        file_stem="coverage-by-ward-and-group",
    )
    st.caption(figures_services.heatmap_legend(analysis.assumptions.reach_gap_pct))
    st.subheader("The gaps in words")
    gap_lines = biggest_gaps(analysis.coverage, analysis.assumptions.reach_gap_pct)
    st.markdown(parts.bullets(gap_lines[: parts.GAPS_IN_WORDS]))
    with st.expander(f"Every ward and group flagged as a gap ({analysis.gaps.height}), largest unmet need first"):
        st.dataframe(columns.text_table(analysis.gaps, columns.COVERAGE_ON_PAGE).to_pandas(), hide_index=True, width="stretch")
        if len(gap_lines) > parts.GAPS_IN_WORDS:
            st.markdown(parts.bullets(gap_lines[parts.GAPS_IN_WORDS :]))

st.header("IDVA capacity")
st.markdown(parts.bullets(idva_lines(analysis)))
widgets.chart_with_table(
    figures_services.idva_chart(analysis.idva, title="IDVA time by ward: registered against SafeLives' guide"),
    columns.text_table(analysis.idva, columns.IDVA_ON_PAGE),
    key="idva-capacity",
    filters=filters,
    file_stem="idva-capacity",
    alt=parts.IDVA_ALT,
)

st.header("MARAC against SafeLives levels")
tiles = parts.marac_tiles(analysis)
for column, row in zip(st.columns(max(len(tiles), 1)), tiles, strict=False):
    with column:
        widgets.tile(row, key=f"tile-{row['indicator_id']}")
st.markdown(parts.bullets(marac_lines(analysis)))
if analysis.benchmarks.is_empty():
    widgets.empty_state(parts.NO_MARAC)
else:
    widgets.chart_with_table(
        figures_services.benchmark_chart(analysis.benchmarks, title="Who is referred to MARAC, against national figures"),
        columns.text_table(analysis.benchmarks, columns.BENCHMARKS),
        key="marac-benchmarks",
        filters=filters,
        file_stem="marac-against-safelives",
        alt=parts.BENCHMARKS_ALT,
    )
widgets.comparisons_caption(parts.tile_comparisons(tiles), analysis.benchmarks)

st.header("Service outcomes and capacity against demand")
st.subheader("Places against demand")
if analysis.capacity.is_empty():
    widgets.empty_state(parts.NO_CAPACITY)
else:
    st.caption(parts.CAPACITY_NOTE)
    st.dataframe(columns.text_table(analysis.capacity, columns.CAPACITY_ON_PAGE).to_pandas(), hide_index=True, width="stretch")
st.subheader("How support ended")
if analysis.outcomes.is_empty():
    widgets.empty_state(parts.NO_OUTCOMES)
else:
    st.caption(parts.OUTCOMES_NOTE)
    outcomes = columns.with_interval_text(analysis.outcomes, "completion_pct", "dropout_pct")
    st.dataframe(columns.text_table(outcomes, columns.OUTCOMES_ON_PAGE).to_pandas(), hide_index=True, width="stretch")
