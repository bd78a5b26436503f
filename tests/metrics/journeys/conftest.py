from __future__ import annotations

import pytest

from etl.warehouse import Warehouse
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.metrics.journeys.journey_drop import write_journey_drop


@pytest.fixture(scope="session")
def journey_warehouse(tmp_path_factory):
    """A read-only connection to a warehouse built from the hand-worked journey drop."""
    root = tmp_path_factory.mktemp("journeys")
    settings = Settings(warehouse=root / "warehouse")
    refresh(write_journey_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    con = Warehouse(settings.warehouse).connect_read_only()
    yield con
    con.close()
