"""Each role through the real OIDC path (AppTest seeds `st.user`): the pages it is offered, the data it
gets, and for a board member no count from 1 to 7 anywhere in what a page shows."""

from __future__ import annotations

import json
import re

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from oversight.settings import PROJECT_ROOT, Settings
from pipeline.refresh import refresh
from tests.drops import write_tiny_drop
from tests.ui.test_access import APP_TITLES, BOARD_PAGES

USERS = {"board": "bo@council.gov.uk", "commissioner": "cam@council.gov.uk", "analyst": "ana@council.gov.uk"}
BOARD_PAGE_FILES = [
    "pages/overview.py",
    "pages/prevalence.py",
    "pages/services.py",
    "pages/justice.py",
    "pages/journeys.py",
    "pages/front_door.py",
    "pages/action_plan.py",
    "pages/definitions.py",
]
WARD = "E05990025"  # Canal Wharf: one ward, where small counts are common
PERSON_COUNT = re.compile(
    r"cases|victims|people|referrals|support|started|completed|disengaged|declined|charged|"
    r"charging|incidents|crimes|count|children|contacts|notifications|heard|known|offered|reached",
    re.IGNORECASE,
)
NOT_A_COUNT = re.compile(r"%|per |per$|fte|share|rate|places|services taking|women aged|median", re.IGNORECASE)
SMALL_IN_WORDS = re.compile(
    r"(?<![\d.,])([1-7])(?![\d.,%])\s+(?:people|victims?|cases?|children|child|referrals?|crimes?|incidents?|"
    r"persons?|men|women|survivors?)\b",
    re.IGNORECASE,
)


def open_as(monkeypatch, warehouse, role: str, *, page: str | None = None, **filters: str):
    """Run app.py signed in through OIDC as `role`; returns the AppTest and the page titles navigation got."""
    monkeypatch.setenv("OVERSIGHT_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("OVERSIGHT_AUTH_MODE", "oidc")
    monkeypatch.setenv("OVERSIGHT_ANALYST_USERS", USERS["analyst"])
    monkeypatch.setenv("OVERSIGHT_COMMISSIONER_USERS", USERS["commissioner"])
    offered: list[list[str]] = []
    navigation = streamlit.navigation

    def recording_navigation(pages, **options):
        offered.append([page.title for page in pages])
        return navigation(pages, **options)

    monkeypatch.setattr(streamlit, "navigation", recording_navigation)
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    app.user = {"is_logged_in": True, "email": USERS[role], "name": role.title()}
    for name, value in filters.items():
        app.session_state[f"filter_{name}"] = value
    app.run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, [error.message for error in app.exception]
    return app, offered[0] if offered else []


@pytest.mark.parametrize(("role", "expected"), [("board", BOARD_PAGES), ("commissioner", BOARD_PAGES), ("analyst", APP_TITLES)])
def test_each_role_is_offered_exactly_its_pages(sample_warehouse_path, monkeypatch, role, expected):
    app, offered = open_as(monkeypatch, sample_warehouse_path, role)
    assert sorted(offered) == sorted(expected)
    assert app.caption[0].value == f"Signed in as {USERS[role]} ({role})"


def test_nobody_signed_in_gets_only_the_sign_in_button(sample_warehouse_path, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_WAREHOUSE", str(sample_warehouse_path))
    monkeypatch.setenv("OVERSIGHT_AUTH_MODE", "oidc")
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    app.user = {"is_logged_in": False}
    app.run()
    assert [button.label for button in app.button] == ["Sign in"]
    assert not app.dataframe and not app.get("plotly_chart") and not app.sidebar.selectbox


def test_without_a_login_the_header_says_local_analyst(sample_warehouse_path, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_WAREHOUSE", str(sample_warehouse_path))
    monkeypatch.delenv("OVERSIGHT_AUTH_MODE", raising=False)
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120).run()
    assert app.caption[0].value.startswith("Local analyst (no login configured: this dashboard is only reachable")


def test_header_mode_reads_the_proxy_headers(sample_warehouse_path, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_WAREHOUSE", str(sample_warehouse_path))
    monkeypatch.setenv("OVERSIGHT_AUTH_MODE", "header")
    monkeypatch.setenv("OVERSIGHT_TRUSTED_ROLE_HEADER", "X-Oversight-Role")
    # AppTest cannot send request headers, so the one function reading st.context.headers is replaced
    monkeypatch.setattr("ui.session.request_headers", lambda: {"X-Forwarded-User": "cam", "X-Oversight-Role": "commissioner"})
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120).run()
    assert app.caption[0].value == "Signed in as cam (commissioner)"
    monkeypatch.setattr("ui.session.request_headers", lambda: {})
    refused = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120).run()
    assert refused.error[0].value.startswith("Sign-in is required") and not refused.dataframe


def test_downloads_are_for_commissioners_and_analysts(sample_warehouse_path, monkeypatch):
    counts = {}
    for role in USERS:
        app, _ = open_as(monkeypatch, sample_warehouse_path, role, page="pages/services.py")
        counts[role] = len(app.get("download_button"))
    assert counts["board"] == 0
    assert counts["commissioner"] == counts["analyst"] > 1  # the workbook and each table's CSV


@pytest.fixture(scope="module")
def tiny_warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("roles_tiny")
    settings = Settings(warehouse=root / "warehouse")
    refresh(write_tiny_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    return settings.warehouse


def test_the_analyst_sees_the_rejected_rows(tiny_warehouse, monkeypatch):
    app, _ = open_as(monkeypatch, tiny_warehouse, "analyst", page="pages/data_quality.py")
    assert any(frame.value.columns[0] == "Rejected" for frame in app.dataframe)
    assert not any(notice.value.startswith("This section is for analysts.") for notice in app.info)


def small_counts_shown(app: AppTest, *, read_words: bool = True) -> list[str]:
    """Every count from 1 to 7 in the page's tables, its words and its charts' count traces."""
    found = []
    for table in app.dataframe:
        frame = table.value
        for column in frame.columns:
            if PERSON_COUNT.search(str(column)) and not NOT_A_COUNT.search(str(column)):
                found += [f"{column}={value}" for value in frame[column].tolist() if is_small_count(value)]
    words = [
        element.value
        for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error")
        for element in getattr(app, kind)
    ]
    found += [match.group(0) for text in words if read_words for match in SMALL_IN_WORDS.finditer(str(text))]
    for chart in app.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            label = f"{trace.get('name', '')} {trace.get('hovertemplate', '')}"
            if PERSON_COUNT.search(label) and not NOT_A_COUNT.search(label) and trace.get("type") == "bar":
                found += [
                    f"{trace.get('name')}={value}"
                    for axis in ("x", "y")
                    for value in trace.get(axis) or []
                    if is_small_count(value)
                ]
    return found


def is_small_count(value) -> bool:
    if isinstance(value, str):
        value = value.replace(",", "").strip()
        if not value.isdigit():
            return False
    if isinstance(value, bool) or not isinstance(value, int | float | str) or value != value:
        return False
    number = float(value)
    return number.is_integer() and 1 <= number <= 7


@pytest.mark.parametrize("page", BOARD_PAGE_FILES)
@pytest.mark.parametrize("ward", [None, WARD])
def test_a_board_session_is_never_shown_a_small_count(sample_warehouse_path, monkeypatch, page, ward):
    filters = {"ward": ward} if ward else {}
    app, _ = open_as(monkeypatch, sample_warehouse_path, "board", page=page, **filters)
    # the definitions' prose states rules, not data: "3 incidents in 12 months", "1 in 5 victims report"
    assert not small_counts_shown(app, read_words=page != "pages/definitions.py")
