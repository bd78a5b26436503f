"""Roles and access: pages per role, who may export, reading the sign-in, refusing an open bind, the audit log."""

from __future__ import annotations

import re
from collections import namedtuple

import pytest

from metrics.audit import ExportRecord, read_exports, record_export
from metrics.disclosure import Audience
from oversight.binding import SignInMisconfigured, UnauthenticatedRemoteBind, check_bind, is_loopback
from oversight.server import bind_address
from oversight.settings import PROJECT_ROOT, Settings
from ui import access
from ui.widgets import audited

Page = namedtuple("Page", "title")
APP_TITLES = re.findall(r'st\.Page\("[^"]+", title="([^"]+)"', (PROJECT_ROOT / "app.py").read_text(encoding="utf-8"))
BOARD_PAGES = [
    "Overview",
    "Prevalence and need",
    "Services and coverage",
    "Justice and attrition",
    "Victim journeys",
    "Front door and safeguarding",
    "Action plan",
    "Definitions",
]


def test_every_page_in_the_router_is_declared():
    assert set(APP_TITLES) == set(access.PAGE_AUDIENCES)


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        (Audience.BOARD, BOARD_PAGES),
        (Audience.COMMISSIONER, BOARD_PAGES),
        (Audience.ANALYST, [title for title in APP_TITLES]),
    ],
)
def test_each_role_sees_its_pages(audience, expected):
    shown = [page.title for page in access.visible_pages([Page(title) for title in APP_TITLES], audience)]
    assert sorted(shown) == sorted(expected)


def test_an_undeclared_page_is_for_analysts_only():
    assert not access.may_see("A page nobody declared", Audience.BOARD)
    assert access.may_see("A page nobody declared", Audience.ANALYST)


def test_only_commissioners_and_analysts_export():
    assert [access.may_export(audience) for audience in Audience] == [False, True, True]


def test_roles_come_from_the_user_lists_and_the_highest_wins():
    settings = Settings(analyst_users="Ana@Council.gov.uk", commissioner_users="cam@council.gov.uk, ana@council.gov.uk")
    assert access.audience_for("ana@council.gov.uk", settings) is Audience.ANALYST
    assert access.audience_for("cam@council.gov.uk", settings) is Audience.COMMISSIONER
    assert access.audience_for("someone@council.gov.uk", settings) is Audience.BOARD
    assert access.audience_for("someone", settings, granted={Audience.COMMISSIONER}) is Audience.COMMISSIONER


def test_the_proxy_headers_name_the_user_and_role():
    settings = Settings(auth_mode="header", trusted_role_header="X-Oversight-Role")
    viewer = access.viewer_from_headers({"x-forwarded-user": "bo@council.gov.uk", "X-OVERSIGHT-ROLE": "Commissioner"}, settings)
    assert (viewer.name, viewer.audience, viewer.sign_in) == ("bo@council.gov.uk", Audience.COMMISSIONER, "header")
    assert viewer.describe() == "Signed in as bo@council.gov.uk (commissioner)"
    unknown = access.viewer_from_headers({"X-Forwarded-User": "bo", "X-Oversight-Role": "admin; root"}, settings)
    assert unknown.audience is Audience.BOARD


def test_a_role_header_is_ignored_unless_configured():
    viewer = access.viewer_from_headers({"X-Forwarded-User": "bo", "X-Oversight-Role": "analyst"}, Settings(auth_mode="header"))
    assert viewer.audience is Audience.BOARD


@pytest.mark.parametrize("headers", [{}, {"X-Forwarded-User": "  "}])
def test_no_user_header_means_no_sign_in(headers):
    with pytest.raises(access.SignInRequired):
        access.viewer_from_headers(headers, Settings(auth_mode="header"))


def test_oidc_claims_give_the_user_and_entra_app_roles():
    viewer = access.viewer_from_claims(
        {"is_logged_in": True, "preferred_username": "ana@council.gov.uk", "roles": ["Analyst"]}, Settings(auth_mode="oidc")
    )
    assert (viewer.name, viewer.audience) == ("ana@council.gov.uk", Audience.ANALYST)
    with pytest.raises(access.SignInRequired):
        access.viewer_from_claims({"is_logged_in": False, "email": "x@y"}, Settings(auth_mode="oidc"))


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("", False),
        ("10.1.2.3", False),
        ("dashboard.council.gov.uk", False),
    ],
)
def test_loopback_addresses(address, loopback):
    assert is_loopback(address) is loopback


def test_a_remote_bind_without_sign_in_is_refused_unless_overridden(tmp_path):
    with pytest.raises(UnauthenticatedRemoteBind, match=r"Refusing to listen on 0\.0\.0\.0"):
        check_bind("0.0.0.0", Settings(), secrets_files=[])
    check_bind("localhost", Settings(), secrets_files=[])
    check_bind("0.0.0.0", Settings(), secrets_files=[], allow_unauthenticated_remote=True)
    check_bind("0.0.0.0", Settings(allow_unauthenticated_remote=True), secrets_files=[])
    check_bind("0.0.0.0", Settings(auth_mode="header"), secrets_files=[])


def test_oidc_needs_an_auth_section(tmp_path):
    secrets = tmp_path / "secrets.toml"
    with pytest.raises(SignInMisconfigured):
        check_bind("0.0.0.0", Settings(auth_mode="oidc"), secrets_files=[secrets])
    secrets.write_text('[auth]\nredirect_uri = "https://x/oauth2callback"\ncookie_secret = "s"\nclient_id = "c"\n')
    check_bind("0.0.0.0", Settings(auth_mode="oidc"), secrets_files=[secrets])


def test_the_launcher_reads_the_address_in_either_form(monkeypatch):
    monkeypatch.delenv("STREAMLIT_SERVER_ADDRESS", raising=False)
    assert bind_address(["run", "app.py", "--server.address", "0.0.0.0"]) == "0.0.0.0"
    assert bind_address(["run", "app.py", "--server.address=::1"]) == "::1"
    assert bind_address(["run", "app.py"]) is None


def test_a_download_is_recorded_with_who_what_and_filters(tmp_path):
    record = ExportRecord(
        user="cam",
        role="commissioner",
        export="table: idva",
        file_name="idva.csv",
        filters={"ward": "O'Brien's; drop table x; --"},
    )
    build = audited(lambda: b"a,b\n", record=record, warehouse=tmp_path)
    assert read_exports(tmp_path) == []  # drawing the button records nothing; the click does
    assert build() == b"a,b\n"
    record_export(tmp_path, ExportRecord(user="os-user", role="command line", export="gap", file_name="g.xlsx"))
    first, second = read_exports(tmp_path)
    assert (first["user"], first["role"], first["file_name"]) == ("cam", "commissioner", "idva.csv")
    assert first["filters"] == {"ward": "O'Brien's; drop table x; --"} and first["exported_at"]
    assert second["user"] == "os-user"
