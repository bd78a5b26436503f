"""Targets against a tiny warehouse: figures come from `compute` under the board's disclosure rule.

The front-door drop (tests/drops.py) holds four incidents with children present in April 2025, two in
Northfield (E05990001: F01 spoken to, F02 not) and two in Eastgate (F03 spoken to, F04 not recorded),
so the district figure is 2 of 4 and Northfield's is 1 of 2: too few to show under the board's rule, which
protects the district's figures too; the latest twelve months are checked with every count shown.
"""

from __future__ import annotations

from datetime import date

import pytest

from etl.warehouse import Warehouse
from metrics.compare import TargetStatus
from metrics.disclosure import DisclosureRule
from metrics.targets import Criterion, Outcome, Progress, Target, WarehouseValues, assess
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import write_front_door_drop

BOARD = DisclosureRule(threshold=7, rounding_base=5)
AS_OF = date(2026, 2, 1)


@pytest.fixture(scope="module")
def front_door(tmp_path_factory):
    root = tmp_path_factory.mktemp("targets_front_door")
    settings = Settings(warehouse=root / "warehouse")
    refresh(write_front_door_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    con = Warehouse(settings.warehouse).connect_read_only()
    yield con
    con.close()


def target(**changes) -> Target:
    fields = {
        "id": "T-1",
        "priority": "protection",
        "objective": "Speak to every child",
        "indicator": "child_spoken_to_pct",
        "baseline": {"value": 50.0, "period": "2024/25"},
        "target": {"value": 90.0, "by": date(2028, 3, 31)},
        "kind": "absolute",
        "owner": "Chief Inspector",
    }
    return Target.model_validate({**fields, **changes})


def test_a_district_target_is_judged_on_the_latest_twelve_months_of_its_data(front_door):
    result = assess(target(), WarehouseValues(front_door, DisclosureRule.unsuppressed()), as_of=AS_OF)
    current = result.current
    assert current.period.label == "12 months to Apr 2025"  # the last incident with children present is 12 April 2025
    assert (current.numerator, current.denominator, current.value) == (2, 4, 50.0)
    assert current.lower_95 < 50.0 < current.upper_95 < 90.0  # Wilson limits on 2 of 4
    assert result.status is TargetStatus.NOT_MET
    assert result.smart.check(Criterion.MEASURABLE).outcome is Outcome.PASSED


def test_a_district_with_too_few_people_is_not_assessable_for_the_board(front_door):
    result = assess(target(), WarehouseValues(front_door, BOARD), as_of=AS_OF)
    assert result.current.suppressed and result.progress is Progress.NOT_ASSESSABLE


def test_a_ward_with_too_few_people_is_not_assessable(front_door):
    result = assess(target(cut={"ward": "E05990001"}), WarehouseValues(front_door, BOARD), as_of=AS_OF)
    assert result.current.suppressed and result.progress is Progress.NOT_ASSESSABLE
    assert result.status_reason == "not assessable: too few people to show safely in 12 months to Apr 2025"


def test_an_indicator_with_no_data_loaded_is_not_measurable(front_door):
    result = assess(target(indicator="conviction_rate_pct"), WarehouseValues(front_door, BOARD), as_of=AS_OF)
    measurable = result.smart.check(Criterion.MEASURABLE)
    assert measurable.outcome is Outcome.FAILED
    assert (
        measurable.reason
        == "conviction_rate_pct cannot be computed from the loaded data: no data loaded (it reads crime_outcomes, police_incidents)"
    )
    assert result.status_reason == "not assessable: no data loaded (it reads crime_outcomes, police_incidents)"
