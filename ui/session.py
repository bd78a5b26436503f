"""Who is looking: the one place that decides the audience, and so the disclosure rule, from the login.

OIDC (`st.login`) gives `st.user`; header mode reads the user the council's sign-in proxy names;
with neither configured the dashboard is bound to localhost and the person at this computer is
the one local analyst. The login is read afresh on every run, never kept in session state.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from metrics.disclosure import Audience, DisclosureRule, rule_for
from oversight.settings import get_settings
from ui.access import SignInRequired, Viewer, viewer_from_claims, viewer_from_headers

LOCAL_USER = "local analyst"


def request_headers() -> Mapping[str, str]:
    """The headers of the request that opened this session (set by the reverse proxy in header mode)."""
    return dict(st.context.headers)


def current_viewer() -> Viewer:
    """The signed-in viewer; `SignInRequired` when sign-in is configured and nobody is signed in."""
    settings = get_settings()
    if settings.auth_mode == "oidc":
        return viewer_from_claims(st.user.to_dict(), settings)
    if settings.auth_mode == "header":
        return viewer_from_headers(request_headers(), settings)
    return Viewer(name=LOCAL_USER, audience=Audience.ANALYST, sign_in="local")


def current_audience() -> Audience:
    """The viewer's role; nobody signed in sees nothing, but any caller that asks is treated as a board member."""
    try:
        return current_viewer().audience
    except SignInRequired:
        return Audience.BOARD


def current_rule() -> DisclosureRule:
    return rule_for(current_audience(), get_settings())


def require_viewer() -> Viewer:
    """The signed-in viewer; otherwise a sign-in prompt, and nothing else of the dashboard is run."""
    try:
        viewer = current_viewer()
    except SignInRequired as reason:
        st.title("Oversight: domestic abuse board dashboard")
        if get_settings().auth_mode == "oidc":
            st.info("Sign in with your council account to see the dashboard.")
            st.button("Sign in", on_click=st.login, type="primary", key="sign-in")
        else:
            st.error(
                f"Sign-in is required, and this request was not signed in ({reason}). Open the dashboard through "
                "the council's sign-in address."
            )
        st.stop()
    if viewer.sign_in == "oidc":
        st.sidebar.button("Sign out", on_click=st.logout, key="sign-out")
    return viewer
