"""Run the dashboard's Streamlit server as `python -m oversight.server run app.py [options]`.

Streamlit treats a folder named `pages/` beside the main script as an old-style multipage
app until some script has called `st.navigation`; until then a visitor who opens a page's
address directly gets that page run on its own, without the router's shared filters. The
project keeps its pages in `pages/`, and `app.py` routes them with `st.navigation`, so the
server starts with that old behaviour switched off.

The theme comes from the one colour module: dark body text also darkens Streamlit's
captions (drawn at 60% of the text colour) to pass WCAG AA contrast.
"""

from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from ui import theme

THEME_OPTIONS = {
    "theme.base": "light",
    "theme.textColor": theme.TEXT,
    "theme.primaryColor": theme.DARK_BLUE,
    "theme.linkColor": theme.DARK_BLUE,
    "browser.gatherUsageStats": "false",
    "client.toolbarMode": "viewer",  # no developer menu or deploy button for board members
}


def main() -> None:
    PagesManager.uses_pages_directory = False
    arguments = sys.argv[1:]
    if arguments[:1] == ["run"] and len(arguments) > 1:
        given = {argument.split("=", 1)[0].removeprefix("--") for argument in arguments}
        defaults = [f"--{name}={value}" for name, value in THEME_OPTIONS.items() if name not in given]
        arguments = [*arguments[:2], *defaults, *arguments[2:]]
    sys.argv = ["streamlit", *arguments]
    cli.main()


if __name__ == "__main__":
    main()
