from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import settings as settings_profiles

from oversight.settings import Settings
from tests.examples import FAST_EXAMPLES, FULL_EXAMPLES

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
def oversight_command() -> Path:
    """The installed console script, for the few tests whose subject is the command as a process of its own."""
    command = Path(sys.executable).with_name("oversight")
    assert command.is_file(), f"{command} is not installed: run make install-test"
    return command


@pytest.fixture(scope="session")
def sample_warehouse_path(tmp_path_factory) -> Path:
    """The committed sample district loaded through the ordinary refresh (the CLI's, precomputed sums included), once per test session."""
    from pipeline.nightly import refresh

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


# Tiers. A test is put in the slow tier by what it uses, never by hand:
# - the whole sample district (`sample_warehouse_path`, built once per session, about a minute);
# - a real browser (`browser`, `app_url`);
# - the big drops the kill tests replay (`big_drop`, `kill_drop`);
# - the bad-input corpus's base (`corpus_base`: a whole refresh for each of over a hundred cases);
# - the installed `oversight` command started as a process of its own (`oversight_command`: a terminal,
#   a pipe, a kill; the other CLI tests call the same app in-process with typer's CliRunner);
# - a folder of whole-system runs (the browser tests and the benchmark's quick mode).
# Everything else is the fast tier `make test-fast` runs. Property tests that leave the number of
# examples to the profile run fewer examples there (--hypothesis-profile=fast), and so do those that ask
# for a number of their own through tests/examples.py (the same share of it).
SLOW_FIXTURES = frozenset(
    {"sample_warehouse_path", "browser", "app_url", "big_drop", "kill_drop", "corpus_base", "oversight_command"}
)
SLOW_FOLDERS = ("e2e", "benchmarks")
# End to end: a real Chromium against a served dashboard (`-m e2e` runs just these).
BROWSER_FIXTURES = frozenset({"browser", "app_url"})
TESTS = Path(__file__).resolve().parent

settings_profiles.register_profile("full", max_examples=FULL_EXAMPLES, deadline=None)
settings_profiles.register_profile("fast", max_examples=FAST_EXAMPLES, deadline=None)
settings_profiles.load_profile("full")  # --hypothesis-profile=fast, given on the command line, replaces it


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        uses = set(getattr(item, "fixturenames", ()))
        folder = Path(str(item.fspath)).resolve().relative_to(TESTS).parts[0]
        if uses & SLOW_FIXTURES or folder in SLOW_FOLDERS:
            item.add_marker(pytest.mark.slow)
        if uses & BROWSER_FIXTURES or folder == "e2e":
            item.add_marker(pytest.mark.e2e)
