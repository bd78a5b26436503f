"""Front door and safeguarding indicators on the front-door drop (tests/drops.py), 2025/26.

- F01 Friday 4 April 2025 22:30 (Northfield): two children, notified Monday 08:15 (in time) and
  Monday 10:00 (late); F02 Tuesday 19:00 (Northfield), notified Wednesday 08:59; F03 Wednesday 07:00
  (Eastgate), notified Thursday 09:00 exactly; F04 Saturday (Eastgate), notified Monday 11:00.
- MASH: M1 decided in 23 hours, M2 in exactly 24, M3 in 24 hours and a minute, M4 never; M5 is not
  domestic abuse; M6 arrived in the last 24 hours of the data undecided.
- Repeat victims: VR1 (third incident 1 July 2025, referred on it), VR2 (third within 12 months on
  15 January 2026; her only referral was in March 2024), VR3 (three incidents over 17 months),
  VR4 (third on 20 June 2025, heard at MARAC in July on an IDVA referral), VR5 (third in August 2024).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from etl.warehouse import Warehouse
from metrics.aggregate import UnsupportedCut
from metrics.compare import Polarity
from metrics.compute import Filters, compute
from metrics.definitions import Method, Topic
from metrics.disclosure import DisclosureRule
from metrics.indicators import front_door
from metrics.periods import financial_year
from metrics.registry import get
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import write_front_door_drop

YEAR = financial_year(2025)
OPEN = DisclosureRule.unsuppressed()


@pytest.fixture(scope="module")
def front(tmp_path_factory):
    root = tmp_path_factory.mktemp("front_door")
    settings = Settings(warehouse=root / "warehouse")
    refresh(write_front_door_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    con = Warehouse(settings.warehouse).connect_read_only()
    yield con
    con.close()


def rows(con, indicator_id, period=YEAR, **filters):
    frame = compute(con, indicator_id, Filters(period=period, **filters), rule=OPEN)
    return {row["cut_value"]: (row["numerator"], row["denominator"]) for row in frame.iter_rows(named=True)}


def test_front_door_indicators_are_registered():
    assert [indicator.id for indicator in front_door.INDICATORS] == [
        "school_notified_next_day_pct",
        "mash_decision_24h_pct",
        "child_spoken_to_pct",
        "high_risk_referred_to_marac_pct",
        "repeat_3plus_not_marac_pct",
        "repeat_3plus_not_marac_count",
    ]
    for indicator in front_door.INDICATORS:
        assert get(indicator.id).topic is Topic.FRONT_DOOR
    assert get("repeat_3plus_not_marac_count").method is Method.COUNT
    assert get("repeat_3plus_not_marac_pct").polarity is Polarity.LOW_IS_GOOD
    assert get("school_notified_next_day_pct").polarity is Polarity.HIGH_IS_GOOD


def test_a_friday_night_incident_may_be_notified_until_monday_9am(front):
    deadlines = dict(
        front.sql("select notification_id, deadline_at from mart_school_notifications order by notification_id").fetchall()
    )
    assert deadlines["N1"] == deadlines["N2"] == datetime(2025, 4, 7, 9, 0)  # Friday 22:30 -> Monday
    assert deadlines["N5"] == datetime(2025, 4, 14, 9, 0)  # Saturday -> Monday
    assert deadlines["N3"] == datetime(2025, 4, 9, 9, 0)  # Tuesday evening -> Wednesday


def test_schools_notified_before_the_next_school_day(front):
    assert rows(front, "school_notified_next_day_pct") == {"district": (3, 5)}  # N1, N3, N4 (at 09:00 exactly)
    assert rows(front, "school_notified_next_day_pct", by="ward") == {
        "E05990001": (2, 3),
        "E05990002": (1, 2),
        "E05990003": (0, 0),
    }


def test_school_notifications_cannot_be_cut_by_the_childs_group(front):
    with pytest.raises(UnsupportedCut, match="cannot be cut by sex"):
        compute(front, "school_notified_next_day_pct", Filters(period=YEAR, by="sex"), rule=OPEN)


def test_mash_decisions_within_24_hours(front):
    assert rows(front, "mash_decision_24h_pct") == {"district": (2, 4)}  # M1, M2 of M1-M4
    assert rows(front, "mash_decision_24h_pct", by="ward") == {"E05990001": (2, 2), "E05990002": (0, 2), "E05990003": (0, 0)}
    assert rows(front, "mash_decision_24h_pct", by="age_band") == {"5-10": (1, 2), "11-15": (1, 2)}


def test_child_spoken_to_when_present(front):
    assert rows(front, "child_spoken_to_pct") == {"district": (2, 4)}  # F01, F03; F04 has nothing recorded
    assert rows(front, "child_spoken_to_pct", by="sex") == {"female": (2, 3), "male": (0, 1)}


def test_high_risk_incidents_referred_to_marac(front):
    assert rows(front, "high_risk_referred_to_marac_pct") == {"district": (1, 3)}  # F01 of F01, F02, F04
    assert rows(front, "high_risk_referred_to_marac_pct", by="ward") == {
        "E05990001": (1, 2),
        "E05990002": (0, 1),
        "E05990003": (0, 0),
    }


def test_victims_with_three_incidents_in_12_months_never_referred(front):
    # Triggered in 2025/26: VR1 (referred), VR2 (not: March 2024 is over 12 months before), VR4 (heard at MARAC).
    assert rows(front, "repeat_3plus_not_marac_pct") == {"district": (1, 3)}
    assert rows(front, "repeat_3plus_not_marac_pct", by="ward") == {
        "E05990001": (0, 1),
        "E05990002": (1, 1),
        "E05990003": (0, 1),
    }
    (count,) = compute(front, "repeat_3plus_not_marac_count", Filters(period=YEAR), rule=OPEN).iter_rows(named=True)
    assert (count["numerator"], count["value"]) == (1, 1)
    # VR2; the other triggered victims' groups show 0 (a count has no denominator)
    assert rows(front, "repeat_3plus_not_marac_count", by="age_band") == {
        "20-24": (0, None),
        "25-34": (0, None),
        "45-54": (1, None),
    }


def test_the_trigger_counts_in_the_year_it_was_met(front):
    assert rows(front, "repeat_3plus_not_marac_pct", period=financial_year(2024)) == {"district": (1, 1)}  # VR5
    assert rows(front, "repeat_3plus_not_marac_pct", by="sex") == {"female": (1, 3)}  # VR3 never met it


def test_count_and_percentage_agree_on_every_ward(front):
    percentage = rows(front, "repeat_3plus_not_marac_pct", by="ward")
    count = rows(front, "repeat_3plus_not_marac_count", by="ward")
    assert {ward: numerator for ward, (numerator, _) in percentage.items()} == {
        ward: numerator for ward, (numerator, _) in count.items()
    }


@pytest.mark.parametrize(
    ("incidents", "days", "expected"),
    [
        (3, 365, (1, 3)),  # the default: VR2 not referred; VR1 and VR4 were
        (2, 365, (2, 4)),  # VR2 now triggers on 1 Aug 2025 (after her 2024 referral's window) and VR3 on 1 Jun 2025
        (3, 540, (1, 4)),  # VR3's three incidents fall within 540 days; VR2's March 2024 referral now counts
        (4, 365, (0, 0)),  # nobody has four incidents within a year
    ],
)
def test_the_marac_trigger_is_a_setting(front, incidents, days, expected):
    import dataclasses

    from metrics.aggregate import aggregate

    indicator = dataclasses.replace(
        get("repeat_3plus_not_marac_pct"),
        query_parameters={"trigger_incidents": str(incidents), "trigger_window_days": str(days)},
    )
    (row,) = aggregate(front, indicator, YEAR).iter_rows(named=True)
    assert (row["numerator"], row["denominator"]) == expected


def test_the_trigger_defaults_to_three_incidents_in_365_days():
    assert get("repeat_3plus_not_marac_pct").query_parameters == {"trigger_incidents": "3", "trigger_window_days": "365"}
    assert get("repeat_3plus_not_marac_pct").title == "Victims with 3 or more incidents in 12 months not referred to MARAC"
