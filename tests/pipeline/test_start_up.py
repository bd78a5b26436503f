"""The nightly refresh starts quickly: the modules it imports load none of the heavy libraries only the pages,
the board pack or a boundary file need (each costs a fraction of a second that every night would pay)."""

from __future__ import annotations

import json
import subprocess
import sys

from oversight.settings import PROJECT_ROOT

NOT_NEEDED_NIGHTLY = ("geopandas", "pandas", "scipy", "plotly", "streamlit", "shapely")


def test_the_nightly_refresh_imports_no_heavy_library_it_does_not_use():
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys; import oversight.cli, pipeline.nightly; "
            f"print(json.dumps([name for name in {list(NOT_NEEDED_NIGHTLY)!r} if name in sys.modules]))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    )
    assert json.loads(shown.stdout) == []
