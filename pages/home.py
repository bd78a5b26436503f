"""Home: what the warehouse holds and when it was last refreshed."""

from __future__ import annotations

import streamlit as st

from ui.data import load_status

st.title("Oversight")
st.write(
    "Domestic and sexual violence board analytics: prevalence, service coverage, attrition "
    "and action-plan targets by ward and community."
)
status = load_status()
if status is None:
    st.info("No data has been loaded yet. An analyst runs `oversight refresh` to load the nightly drop.")
else:
    st.metric("Wards", status.wards)
    st.caption(f"Data as at the last successful refresh: {status.refreshed_at:%d %B %Y, %H:%M}.")
