"""The MARAC escalation trigger (count and window) is a setting the journey mart is built with.

On the hand-worked drop, victim VR has incidents on 1 May, 1 June and 1 July 2025 and never reaches MARAC
or a service: a missed opportunity under the default trigger (3 in 365 days), not under 4 in 365 or
3 in 45 days, and again one under 2 in 45 days (1 June is 31 days after 1 May).
"""

from __future__ import annotations

from datetime import date

import pytest

from etl.warehouse import Warehouse
from metrics.disclosure import DisclosureRule
from metrics.journeys import missed_opportunities
from metrics.periods import between
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.metrics.journeys.journey_drop import write_journey_drop

APRIL_TO_SEPTEMBER = between(date(2025, 4, 1), date(2025, 9, 30))


@pytest.fixture(scope="module")
def drop(tmp_path_factory):
    return write_journey_drop(tmp_path_factory.mktemp("trigger") / "drop")


@pytest.mark.parametrize(
    ("incidents", "days", "expected"), [(3, 365, (1, 1)), (4, 365, (0, 0)), (3, 45, (0, 0)), (2, 45, (1, 1))]
)
def test_the_trigger_setting_decides_who_was_missed(drop, tmp_path, incidents, days, expected):
    settings = Settings(warehouse=tmp_path / "warehouse", marac_trigger_incidents=incidents, marac_trigger_window_days=days)
    refresh(drop, warehouse=settings.warehouse, settings=settings)
    con = Warehouse(settings.warehouse).connect_read_only()
    try:
        missed = missed_opportunities(con, DisclosureRule.unsuppressed(), period=APRIL_TO_SEPTEMBER)
    finally:
        con.close()
    total = missed.filter(missed["is_total"] & (missed["measure"] == "repeat_without_help")).row(0, named=True)
    assert (total["missed"], total["eligible"]) == expected
