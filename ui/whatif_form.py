"""The Services page's what-if form: add or remove capacity and see the gaps and capacity figures change.

The scenario the form builds is the same `Scenario` `oversight whatif` reads from YAML, and travels to the
cached gap analysis as that YAML, so the page, the workbook and the command line agree.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from metrics.disclosure import NOT_SHOWN
from metrics.export import columns
from metrics.export.columns import Column
from metrics.gap_summary import top_gap_lines
from metrics.scenario import AddIdvaFte, ExtendService, Scenario, ScenarioError
from metrics.service_gaps import GapAnalysis
from ui import cache, widgets
from ui.filters import PageFilters

SCENARIO_KEY = "whatif_scenario"
WORKBOOK_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHANGED = (
    Column("ward_name", "Ward"),
    Column("group_label", "Client group"),
    Column("services_today", "Services today"),
    Column("n_services", "Services then"),
    Column("added_places", "Places added"),
    Column("unmet_today", "Unmet need today", "unmet_need_suppressed"),
    Column("unmet_need", "Unmet need then", "unmet_need_suppressed"),
)


def scenario_form(today: GapAnalysis, *, period, ward_code: str | None, filters: PageFilters) -> None:
    """The form, then the scenario's figures against today's (once a scenario has been asked for)."""
    wards = cache.wards().sort("ward_code")
    names = wards["ward_name"].to_list() if wards.height else []
    services = today.register.sort("service_name")["service_name"].to_list()
    with st.form("what-if"):
        st.caption(
            "Add or take away capacity and see how the gaps and capacity figures change against today. "
            "People reached and need stay as they were; each added place is taken to support one more person."
        )
        left, right = st.columns(2)
        with left:
            fte = st.number_input(
                "IDVA full-time equivalents to add (negative to take away)", value=0.0, step=0.5, key="whatif-idva-fte"
            )
            idva_wards = st.multiselect("In these wards (none chosen: every ward)", names, key="whatif-idva-wards")
        with right:
            service = st.selectbox("Extend a service", ["(none)", *services], key="whatif-service")
            extend_wards = st.multiselect("To these wards", names, key="whatif-extend-wards")
            places = st.number_input("Places a year to add to it", value=0, step=10, min_value=0, key="whatif-places")
        submitted = st.form_submit_button("Show the scenario")
    if submitted:
        changes: list[AddIdvaFte | ExtendService] = []
        if fte:
            changes.append(AddIdvaFte(kind="add_idva_fte", fte=fte, wards=tuple(idva_wards)))
        if service != "(none)" and extend_wards:
            changes.append(
                ExtendService(kind="extend_service", service=service, wards=tuple(extend_wards), add_places_a_year=float(places))
            )
        if changes:
            st.session_state[SCENARIO_KEY] = Scenario(name="Scenario from the Services page", changes=tuple(changes)).to_yaml()
        else:
            st.session_state.pop(SCENARIO_KEY, None)
            st.info("Nothing to change: add IDVA time, or choose a service and the wards to extend it to.")
    scenario_yaml = st.session_state.get(SCENARIO_KEY)
    if scenario_yaml:
        try:
            scenario = cache.gap_analysis(period=period, ward_code=ward_code, scenario=scenario_yaml)
        except ScenarioError as error:
            st.error(f"The scenario cannot be applied: {error}")
            return
        _compare(today, scenario, filters=filters, period=period, ward_code=ward_code, scenario_yaml=scenario_yaml)


def _compare(
    today: GapAnalysis, then: GapAnalysis, *, filters: PageFilters, period, ward_code: str | None, scenario_yaml: str
) -> None:
    st.subheader("The scenario against today")
    if then.scenario is not None:
        st.markdown("\n".join(f"- {line}" for line in then.scenario.describe()))
    now, after = today.idva_area or {}, then.idva_area or {}
    lines = []
    for label, name in (
        ("IDVA FTE registered", "idva_fte"),
        ("IDVA shortfall for the MARAC cases expected", "fte_gap"),
        ("IDVA shortfall for the MARAC cases heard", "fte_gap_for_cases_heard"),
    ):
        before, later = now.get(name), after.get(name)
        if before is None or later is None:
            lines.append(f"{label}: {NOT_SHOWN}.")
            continue
        lines.append(f"{label}: {before:.2f} FTE today, {later:.2f} FTE with the scenario (change {later - before:+.2f} FTE).")
    gaps_today, gaps_then = int(today.coverage["is_gap"].sum()), int(then.coverage["is_gap"].sum())
    none_today, none_then = int(today.coverage["has_no_service"].sum()), int(then.coverage["has_no_service"].sum())
    lines.append(
        f"Ward and client group gaps: {gaps_today} today, {gaps_then} with the scenario; with no service: "
        f"{none_today} today, {none_then} with the scenario."
    )
    st.markdown("\n".join(f"- {line}" for line in lines))
    st.markdown("**The largest gaps with the scenario**\n" + "\n".join(f"- {line}" for line in top_gap_lines(then, 3)))
    keys = ["ward_code", "client_group"]
    before = today.coverage.select(*keys, services_today="n_services", unmet_today="unmet_need", gap_today="gap_reason")
    changed = then.coverage.join(before, on=keys, how="left").filter(
        (pl.col("n_services") != pl.col("services_today")) | (pl.col("added_places") > 0)
    )
    if changed.height:
        st.dataframe(
            columns.text_table(changed.sort("added_places", descending=True), CHANGED).to_pandas(),
            hide_index=True,
            width="stretch",
        )
    widgets.export_button(
        "Download the what-if workbook (Excel)",
        key="whatif-xlsx",
        export="what-if workbook",
        data=lambda: cache.gap_analysis_workbook(period=period, ward_code=ward_code, scenario=scenario_yaml),
        filters={**filters.as_record(), "scenario": scenario_yaml},
        file_name=f"whatif-{ward_code or 'district'}-{period.start}-{period.end}.xlsx",
        mime=WORKBOOK_MIME,
        help="The gap analysis with a What-if sheet setting this scenario against today; the scenario is saved in "
        "the workbook and in the export log.",
    )
