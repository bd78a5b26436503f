from __future__ import annotations

import pytest

from etl.warehouse import Warehouse
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import write_tiny_drop


# Built once per test session (per worker under xdist) and shared: the connections are read-only.
@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory):
    """A read-only connection to a warehouse built from the tiny literal drop (tests/drops.py)."""
    root = tmp_path_factory.mktemp("tiny")
    settings = Settings(warehouse=root / "warehouse")
    refresh(write_tiny_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    con = Warehouse(settings.warehouse).connect_read_only()
    yield con
    con.close()


@pytest.fixture(scope="session")
def services_warehouse(tmp_path_factory):
    """A read-only connection to the hand-worked services drop (tests/metrics/test_coverage.py)."""
    from tests.metrics.test_coverage import build_services_warehouse

    connection = build_services_warehouse(tmp_path_factory.mktemp("services"))
    yield connection
    connection.close()
