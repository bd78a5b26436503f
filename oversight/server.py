"""Run the dashboard's Streamlit server as `python -m oversight.server run app.py [options]`.

Streamlit treats a folder named `pages/` beside the main script as an old-style multipage
app until some script has called `st.navigation`; until then a visitor who opens a page's
address directly gets that page run on its own, without the router's shared filters. The
project keeps its pages in `pages/`, and `app.py` routes them with `st.navigation`, so the
server starts with that old behaviour switched off.
"""

from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli


def main() -> None:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
