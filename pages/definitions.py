"""Definitions: every indicator's definition, method, source and version, from the registry."""

from __future__ import annotations

import streamlit as st

from metrics.disclosure import PROTECTED_SCOPE, rule_for
from metrics.docs import render_indicator
from metrics.glossary import ACRONYMS, PLAIN_STATISTICS
from metrics.registry import all_indicators
from oversight.settings import get_settings
from ui.session import current_audience

st.title("Definitions")
st.header("Glossary")
st.table({"Term": list(ACRONYMS), "Meaning": list(ACRONYMS.values())})
st.subheader("Statistical words in plain English")
st.table({"Words": list(PLAIN_STATISTICS), "Meaning": list(PLAIN_STATISTICS.values())})
st.header("Indicators")
st.write("How every figure on these pages is defined and calculated. The same text is in the project's indicator reference.")
st.subheader("Small numbers")
st.write(PROTECTED_SCOPE)
st.write(rule_for(current_audience(), get_settings()).describe())
topics = sorted({indicator.topic.value for indicator in all_indicators()})
chosen = st.selectbox("Topic", ["All topics", *topics], key="definitions_topic")
for indicator in all_indicators():
    if chosen in ("All topics", indicator.topic.value):
        with st.expander(indicator.title):
            st.markdown(render_indicator(indicator).split("\n", 2)[2])
