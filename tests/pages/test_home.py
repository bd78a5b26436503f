"""The home page, in Streamlit's AppTest: empty state and a loaded warehouse."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from etl.refresh import refresh
from oversight.settings import PROJECT_ROOT, Settings
from tests.drops import write_tiny_drop

APP = str(PROJECT_ROOT / "app.py")


def test_home_says_when_no_data_is_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_WAREHOUSE", str(tmp_path / "empty"))
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert "No data has been loaded yet" in app.info[0].value


def test_home_shows_the_loaded_district(tmp_path, monkeypatch):
    settings = Settings(warehouse=tmp_path / "warehouse")
    refresh(write_tiny_drop(tmp_path / "drop"), warehouse=settings.warehouse, settings=settings)
    monkeypatch.setenv("OVERSIGHT_WAREHOUSE", str(settings.warehouse))
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert app.metric[0].value == "3"
