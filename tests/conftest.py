from __future__ import annotations

from pathlib import Path

import pytest

from oversight.settings import Settings

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(warehouse=tmp_path / "warehouse", incoming=tmp_path / "incoming")


@pytest.fixture
def realworld() -> Path:
    if not REALWORLD.is_dir():
        pytest.skip(f"real-world reference files not found at {REALWORLD}")
    return REALWORLD


@pytest.fixture(scope="session")
def sample_warehouse_path(tmp_path_factory) -> Path:
    """The committed sample district loaded through the ordinary refresh (the CLI's, precomputed sums included), once per test session."""
    from metrics.precompute import refresh

    root = tmp_path_factory.mktemp("sample")
    settings = Settings(warehouse=root / "warehouse")
    refresh(settings.sample_drop, warehouse=settings.warehouse, settings=settings)
    return settings.warehouse


@pytest.fixture(scope="session")
def sample_warehouse(sample_warehouse_path):
    from etl.warehouse import Warehouse

    con = Warehouse(sample_warehouse_path).connect_read_only()
    yield con
    con.close()
