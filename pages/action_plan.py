"""Action plan: where each target stands, whether it is SMART, and its path from the baseline to the target."""

from __future__ import annotations

from datetime import date

import streamlit as st

from metrics.targets import PlanFormatError, PlanMissing
from ui import cache, figures_targets, widgets
from ui.filters import current_filters
from ui.safe_text import plain

ALL = "All"
NO_PLAN = "No action plan has been loaded: an analyst adds action_plan.yaml to the nightly drop."

st.title("Action plan")
widgets.terms("SMART")
filters = current_filters()
if cache.load_status() is None or filters is None:
    widgets.empty_state("No data has been loaded yet. An analyst runs `oversight refresh` to load the nightly drop.")
    st.stop()
try:
    view = cache.plan_view(as_of=date.today())
except PlanMissing:
    widgets.empty_state(NO_PLAN)
    st.stop()
except PlanFormatError as error:
    st.error(
        "The action plan in the latest drop cannot be read, so no target can be shown. An analyst corrects "
        "action_plan.yaml and refreshes. The problems: " + "; ".join(problem.describe() for problem in error.problems)
    )
    st.stop()
if view.targets.is_empty():
    widgets.empty_state(f"The action plan ({view.source}) holds no targets yet.")
    st.stop()

st.caption(
    f"{view.plan_name or 'Action plan'}, {view.board or 'the board'} ({view.source}), assessed on "
    f"{view.as_of:%d %B %Y}. A target is met only when the whole 95% interval of its latest 12 months is past it; "
    "on or off track compares that interval with the straight path from the baseline to the target. "
    "Each target names its own part of the district, so the sidebar filters do not apply here."
)

left, right = st.columns(2)
priority = left.selectbox("Priority", [ALL, *view.priorities()], key="plan_priority", format_func=str.capitalize)
owner = right.selectbox("Owner", [ALL, *view.owners()], key="plan_owner")
chosen = view.selected(priority=None if priority == ALL else priority, owner=None if owner == ALL else owner)

st.header("How the plan stands")
st.markdown("\n".join(f"- {plain(line)}" for line in view.lines_for(None if priority == ALL else priority)))
if priority == ALL:
    st.markdown(f"**{plain(view.attention_line())}**")

st.header(f"Targets ({chosen.height})")
if chosen.is_empty():
    widgets.empty_state("No target in the plan has this priority and owner. Choose another owner or All.")
    st.stop()
st.dataframe(
    figures_targets.targets_table(chosen),
    hide_index=True,
    height=35 * (chosen.height + 1) + 3,
    # what each target is, its status and owner first; the SMART detail last, so nothing the board needs is off-screen
    column_order=("Target", "Objective", "Status", "Owner", "Aim", "Now", "Forecast", "Time left", "SMART", "Priority"),
    column_config={
        "Target": st.column_config.TextColumn(width="small", pinned=True),
        "Objective": st.column_config.TextColumn(width="large"),
        "Owner": st.column_config.TextColumn(width="medium"),
        "SMART": st.column_config.TextColumn(width="medium"),
    },
)
st.caption(
    "Status: ✔ met, ▲ on track, ● within uncertainty, ▼ off track, ✖ missed, ○ no trajectory or not "
    "assessable. Open a target below for the reasons behind its status and each SMART check."
)
for target in chosen.iter_rows(named=True):
    smart = "SMART" if target["is_smart"] else "✖ not SMART"
    with st.expander(
        plain(
            f"{target['target_id']} · {figures_targets.symbol_word(target['progress'])} · {smart} · "
            f"{target['objective'] or 'no objective given'}"
        )
    ):
        st.markdown(figures_targets.target_details(target, view.checks_of(target["target_id"])))

st.header("Path to the target")
target_ids = chosen["target_id"].to_list()
labels = dict(zip(target_ids, chosen["label"].to_list(), strict=True))
selected_id = st.selectbox(
    "Target",
    target_ids,
    index=target_ids.index(view.first_needing_attention(target_ids)),
    format_func=labels.get,
    key=f"plan_target-{priority}-{owner}",
    help="Starts at the first target off track in this selection.",
)
selected = view.target(selected_id)
st.markdown(
    f"{figures_targets.badge(selected['progress'])} "
    + plain(f"{figures_targets.sentence(selected['trajectory_reason'])}. Forecast: {selected['forecast_text']}.")
)
if not selected["has_chart"]:
    widgets.empty_state(
        plain(f"No figures to draw for {selected_id}: {selected['status_reason'].removeprefix('not assessable: ')}.")
    )
else:
    series = view.series_of(selected_id)
    widgets.chart_with_table(
        figures_targets.trajectory_chart(
            series, title=f"{selected_id}: {selected['indicator_title']} ({selected['cut']})", unit=selected["unit"]
        ),
        figures_targets.chart_table(series),
        alt=figures_targets.chart_alt(selected),
        key="target-trajectory",
        filters=filters,
        file_stem=f"trajectory-{selected_id}",
    )
