"""The dashboard's router: page config, navigation, shared filters."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Oversight", layout="wide")

navigation = st.navigation([st.Page("pages/home.py", title="Home", default=True)])
navigation.run()
