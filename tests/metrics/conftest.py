from __future__ import annotations

import pytest

from pipeline.refresh import refresh
from etl.warehouse import Warehouse
from oversight.settings import Settings
from tests.drops import write_tiny_drop


@pytest.fixture(scope="module")
def tiny_warehouse(tmp_path_factory):
    """A read-only connection to a warehouse built from the tiny literal drop (tests/drops.py)."""
    root = tmp_path_factory.mktemp("tiny")
    settings = Settings(warehouse=root / "warehouse")
    refresh(write_tiny_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    con = Warehouse(settings.warehouse).connect_read_only()
    yield con
    con.close()
