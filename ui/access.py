"""Roles and access: which pages each audience sees, who may export, and who a signed-in user is.

Board members see suppressed aggregates; commissioners the same pages plus exports; analysts
everything, including the data-quality detail and rejected rows. Pages are declared here by
their navigation title. A page not declared is shown to analysts only, so a new page stays
out of board members' sight until someone decides it belongs there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from metrics.disclosure import Audience
from oversight.settings import Settings

EVERYONE = frozenset(Audience)
ANALYSTS = frozenset({Audience.ANALYST})
EXPORTERS = frozenset({Audience.COMMISSIONER, Audience.ANALYST})

PAGE_AUDIENCES: Mapping[str, frozenset[Audience]] = {
    "Overview": EVERYONE,
    "Prevalence and need": EVERYONE,
    "Services and coverage": EVERYONE,
    "Justice and attrition": EVERYONE,
    "Victim journeys": EVERYONE,
    "Front door and safeguarding": EVERYONE,
    "Action plan": EVERYONE,
    "Definitions": EVERYONE,
    "Data and refresh": ANALYSTS,  # the data-quality detail: record-level rejected rows, per-ward recording gaps
}

# Higher roles see everything lower ones do; a person granted several roles gets the highest.
ROLE_ORDER = (Audience.BOARD, Audience.COMMISSIONER, Audience.ANALYST)
LOCAL_ANALYST = "Local analyst (no login configured: this dashboard is only reachable from this computer)"


class _Titled(Protocol):
    @property
    def title(self) -> str: ...


PageLike = TypeVar("PageLike", bound=_Titled)


def may_see(title: str, audience: Audience) -> bool:
    return Audience(audience) in PAGE_AUDIENCES.get(title, ANALYSTS)


def visible_pages(pages: Sequence[PageLike], audience: Audience) -> list[PageLike]:
    """The pages (anything with a `title`, such as `st.Page`) this audience may open, in order."""
    return [page for page in pages if may_see(page.title, audience)]


def may_export(audience: Audience) -> bool:
    """Downloads (CSV tables, the gap-analysis workbook) are for commissioners and analysts."""
    return Audience(audience) in EXPORTERS


@dataclass(frozen=True)
class Viewer:
    """Who is looking and how they signed in (`local`, `oidc` or `header`)."""

    name: str
    audience: Audience
    sign_in: str

    def describe(self) -> str:
        if self.sign_in == "local":
            return LOCAL_ANALYST
        return f"Signed in as {self.name} ({self.audience.value})"


class SignInRequired(PermissionError):
    """Sign-in is configured but this request carries no signed-in user."""


def roles_named(text: str | Iterable[str] | None) -> set[Audience]:
    """The roles named in a proxy header (`analyst`, `Commissioner, board`) or an OIDC roles claim; others ignored."""
    if not text:
        return set()
    names = text.replace(";", ",").split(",") if isinstance(text, str) else [str(name) for name in text]
    return {Audience(name.strip().lower()) for name in names if name.strip().lower() in Audience._value2member_map_}


def audience_for(user: str, settings: Settings, *, granted: Iterable[Audience] = ()) -> Audience:
    """The highest role from the user lists in settings and the roles the sign-in vouched for; else board."""
    identity = user.strip().lower()
    roles = set(granted) | {Audience.BOARD}
    if identity in {name.lower() for name in settings.analyst_users}:
        roles.add(Audience.ANALYST)
    if identity in {name.lower() for name in settings.commissioner_users}:
        roles.add(Audience.COMMISSIONER)
    return max(roles, key=ROLE_ORDER.index)


def viewer_from_headers(headers: Mapping[str, str], settings: Settings) -> Viewer:
    """The viewer a trusted reverse proxy names in its headers; `SignInRequired` when it names nobody."""
    lowered = {name.lower(): value for name, value in headers.items()}
    user = (lowered.get(settings.trusted_user_header.lower()) or "").strip()
    if not user:
        raise SignInRequired(f"the sign-in proxy did not send the {settings.trusted_user_header} header")
    granted = roles_named(lowered.get(settings.trusted_role_header.lower())) if settings.trusted_role_header else set()
    return Viewer(name=user, audience=audience_for(user, settings, granted=granted), sign_in="header")


def viewer_from_claims(claims: Mapping[str, object], settings: Settings) -> Viewer:
    """The viewer an OIDC identity token describes (Entra ID: `email` or `preferred_username`, app `roles`)."""
    if not claims.get("is_logged_in"):
        raise SignInRequired("not signed in")
    user = str(claims.get("email") or claims.get("preferred_username") or claims.get("name") or "").strip()
    if not user:
        raise SignInRequired("the identity token names no user")
    roles = claims.get("roles")  # Entra ID app roles, when the app registration defines them
    granted = roles_named(roles if isinstance(roles, str | list | tuple) else None)
    return Viewer(name=user, audience=audience_for(user, settings, granted=granted), sign_in="oidc")
