"""The dashboard's router: page config, shared filters, navigation. Pages are listed here."""

from __future__ import annotations

import streamlit as st

from ui import access, session
from ui.filters import sidebar_filters

st.set_page_config(page_title="Oversight: domestic abuse board dashboard", layout="wide")
# A table's own toolbar download is not audited and ignores roles: data leaves only through `ui.widgets.export_button`.
st.set_option("client.disableDataExport", True)

PAGES = [
    st.Page("pages/overview.py", title="Overview", default=True),
    st.Page("pages/prevalence.py", title="Prevalence and need"),
    st.Page("pages/services.py", title="Services and coverage"),
    st.Page("pages/justice.py", title="Justice and attrition"),
    st.Page("pages/journeys.py", title="Victim journeys"),
    st.Page("pages/front_door.py", title="Front door and safeguarding"),
    st.Page("pages/action_plan.py", title="Action plan"),
    st.Page("pages/data_quality.py", title="Data and refresh"),
    st.Page("pages/definitions.py", title="Definitions"),
]

viewer = session.require_viewer()
navigation = st.navigation(access.visible_pages(PAGES, viewer.audience))
st.caption(viewer.describe())
st.session_state["page_filters"] = sidebar_filters()
navigation.run()
