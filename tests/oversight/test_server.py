"""The served dashboard's options: no table toolbar download, whoever signs in."""

from __future__ import annotations

from streamlit import config
from streamlit.testing.v1 import AppTest

from oversight.server import THEME_OPTIONS
from oversight.settings import PROJECT_ROOT


def test_the_server_hides_the_table_toolbar_download_and_copy():
    assert THEME_OPTIONS["client.disableDataExport"] == "true"


def test_the_app_hides_the_table_toolbar_download_even_when_run_directly(sample_warehouse_path, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_WAREHOUSE", str(sample_warehouse_path))
    config.set_option("client.disableDataExport", False)
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120).run()
    assert not app.exception
    assert config.get_option("client.disableDataExport") is True
