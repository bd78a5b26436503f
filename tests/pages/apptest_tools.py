"""Opening a dashboard page in Streamlit's AppTest and reading what it shows, for the page tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from oversight.settings import PROJECT_ROOT

SMALL_COUNT = re.compile(r"(?<![\d.,])[1-7](?![\d.,%])")


def open_page(monkeypatch, warehouse: Path, page: str, **filters: str) -> AppTest:
    """Run the app on `warehouse` with the sidebar filters set (`ward="E05990025"`), then switch to `page`.

    The filters go into session state before the first run: with a `pages/` folder beside `st.navigation`,
    AppTest's later runs execute the page alone (no sidebar), reading the filters the first run stored.
    """
    monkeypatch.setenv("OVERSIGHT_WAREHOUSE", str(warehouse))
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    for name, value in filters.items():
        app.session_state[f"filter_{name}"] = value
    app.run()
    app.switch_page(page).run()
    assert not app.exception, [error.message for error in app.exception]
    return app


def chart_key(chart) -> str:
    """The key a chart was drawn with: its element id is `$$ID-<hash>-<key>`."""
    return chart.proto.id.split("-", 2)[2]


def figure(app: AppTest, key_prefix: str) -> dict:
    """The Plotly spec of the one chart whose key starts with `key_prefix`."""
    specs = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart") if chart_key(chart).startswith(key_prefix)]
    assert len(specs) == 1, f"expected one chart keyed {key_prefix}..., found {len(specs)}"
    return specs[0]


def plotted(spec: dict) -> list:
    """Every x and y value the figure's traces plot, and the words and colours a trace carries its values in
    (a map gives each ward's value in its hover text and its fill), to tell whether its data changed."""
    return [
        (trace.get("x"), trace.get("y"), trace.get("z"), trace.get("locations"), trace.get("hovertext"), trace.get("fillcolor"))
        for trace in spec["data"]
    ]


def page_text(app: AppTest) -> str:
    """All the words on the page as a reader sees them: headings, markdown, captions and notices, with the
    backslashes that keep text from the data from being read as Markdown taken out."""
    parts = [element.value for kind in ("title", "subheader", "markdown", "caption", "info") for element in getattr(app, kind)]
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", "\n".join(str(part) for part in parts))


def scorecard_values(app: AppTest) -> list[str]:
    """The Latest column of the Overview's scorecard (an HTML table), as shown."""
    table = next((element.proto.body for element in app.get("html") if "<table" in element.proto.body), "")
    return re.findall(r'<td class="ov-nowrap">(?:<strong>)?([^<]*)', table)[::2]


def tile_values(app: AppTest) -> list[str]:
    """The big number of every tile (`### 23.9`), as shown."""
    return [element.value.removeprefix("### ").split("\n")[0] for element in app.markdown if element.value.startswith("### ")]


def shown_counts(app: AppTest) -> list[float]:
    """Every count in the page's tables (columns named count, known victims, offered a place ...)."""
    count_columns = ("count", "known victims", "offered a place", "started", "completed", "disengaged")
    values = []
    for table in app.dataframe:
        frame = table.value
        for column in count_columns:
            if column in frame.columns:
                values += [value for value in frame[column].tolist() if value == value and value is not None]
    return values
