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
