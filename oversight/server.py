"""Run the dashboard's Streamlit server as `python -m oversight.server run app.py [options]`.

Streamlit treats a folder named `pages/` beside the main script as an old-style multipage
app until some script has called `st.navigation`; until then a visitor who opens a page's
address directly gets that page run on its own, without the router's shared filters. The
project keeps its pages in `pages/`, and `app.py` routes them with `st.navigation`, so the
server starts with that old behaviour switched off.

It listens on localhost unless told otherwise, and refuses any other address while nobody has
to sign in (see `oversight.binding`).

The theme comes from the one colour module: dark body text also darkens Streamlit's
captions (drawn at 60% of the text colour) to pass WCAG AA contrast.
"""

from __future__ import annotations

import os
import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from oversight.binding import SignInMisconfigured, UnauthenticatedRemoteBind, check_bind, streamlit_secrets_files
from oversight.settings import get_settings
from ui import theme

THEME_OPTIONS = {
    "theme.base": "light",
    "theme.textColor": theme.TEXT,
    "theme.primaryColor": theme.DARK_BLUE,
    "theme.linkColor": theme.DARK_BLUE,
    "browser.gatherUsageStats": "false",
    "client.toolbarMode": "viewer",  # no developer menu or deploy button for board members
    # no table toolbar download or copy: data leaves only by the audited downloads commissioners are offered
    "client.disableDataExport": "true",
}


def main() -> None:
    PagesManager.uses_pages_directory = False
    arguments = sys.argv[1:]
    if arguments[:1] == ["run"] and len(arguments) > 1:
        given = {argument.split("=", 1)[0].removeprefix("--") for argument in arguments}
        defaults = [f"--{name}={value}" for name, value in THEME_OPTIONS.items() if name not in given]
        address = bind_address(arguments)
        if address is None:  # Streamlit's own default listens on every interface
            address = "localhost"
            defaults.append(f"--server.address={address}")
        try:
            check_bind(address, get_settings(), secrets_files=streamlit_secrets_files())
        except (UnauthenticatedRemoteBind, SignInMisconfigured) as error:
            sys.exit(str(error))
        arguments = [*arguments[:2], *defaults, *arguments[2:]]
    sys.argv = ["streamlit", *arguments]
    cli.main()


def bind_address(arguments: list[str]) -> str | None:
    """The address asked for by `--server.address` (either form) or STREAMLIT_SERVER_ADDRESS; None when neither."""
    for position, argument in enumerate(arguments):
        if argument.startswith("--server.address="):
            return argument.split("=", 1)[1]
        if argument == "--server.address" and position + 1 < len(arguments):
            return arguments[position + 1]
    return os.environ.get("STREAMLIT_SERVER_ADDRESS")


if __name__ == "__main__":
    main()
