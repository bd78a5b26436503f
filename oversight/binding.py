"""Where the dashboard may listen: localhost always; any other address only behind a sign-in.

With no sign-in configured everyone who reaches the dashboard is treated as the one local
analyst, so binding to a network address then would hand record-level detail to anyone on the
network. The server refuses unless sign-in is configured or the override is explicitly given.
"""

from __future__ import annotations

import ipaddress
import tomllib
from collections.abc import Iterable
from pathlib import Path

from oversight.settings import Settings

# The fields Streamlit's `st.login` needs in the [auth] section of secrets.toml.
OIDC_REQUIRED_FIELDS = ("redirect_uri", "cookie_secret")


class UnauthenticatedRemoteBind(RuntimeError):
    """Asked to listen on a network address with nobody required to sign in."""


class SignInMisconfigured(RuntimeError):
    """OIDC sign-in was chosen but Streamlit's secrets hold no usable [auth] section."""


def is_loopback(address: str) -> bool:
    """True for addresses only this computer can reach (`localhost`, 127.0.0.0/8, ::1)."""
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:  # a host name or "" (every interface): reachable from elsewhere
        return False


def oidc_configured(secrets_files: Iterable[Path]) -> bool:
    """True when one of Streamlit's secrets files has an [auth] section `st.login` can use."""
    for path in secrets_files:
        try:
            section = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("auth", {})
        except (OSError, tomllib.TOMLDecodeError):
            continue
        if isinstance(section, dict) and all(section.get(name) for name in OIDC_REQUIRED_FIELDS):
            return True
    return False


def streamlit_secrets_files() -> list[Path]:
    """The secrets files Streamlit reads: the user's and the working folder's `.streamlit/secrets.toml`."""
    return [Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"]


def check_bind(
    address: str, settings: Settings, *, secrets_files: Iterable[Path], allow_unauthenticated_remote: bool = False
) -> None:
    """Raise unless serving on `address` with these settings keeps the dashboard behind a sign-in."""
    files = list(secrets_files)
    if settings.auth_mode == "oidc" and not oidc_configured(files):
        raise SignInMisconfigured(
            "OVERSIGHT_AUTH_MODE is oidc but no [auth] section with redirect_uri, cookie_secret and the provider's "
            f"client_id, client_secret and server_metadata_url was found in {', '.join(map(str, files))}."
        )
    if settings.auth_mode != "none" or is_loopback(address):
        return
    if allow_unauthenticated_remote or settings.allow_unauthenticated_remote:
        return
    raise UnauthenticatedRemoteBind(
        f"Refusing to listen on {address or 'every interface'} with no sign-in: anyone who could reach it would be an "
        "analyst. Configure sign-in (OVERSIGHT_AUTH_MODE=oidc with an [auth] section in .streamlit/secrets.toml, or "
        "OVERSIGHT_AUTH_MODE=header behind the council's sign-in proxy), serve on localhost, or pass "
        "--allow-unauthenticated-remote (setting OVERSIGHT_ALLOW_UNAUTHENTICATED_REMOTE) if you accept the risk."
    )
