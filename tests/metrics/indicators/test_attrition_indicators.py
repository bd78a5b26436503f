"""Justice and attrition indicators on the justice drop (tests/drops.py), financial year 2025/26.

Crimes recorded in the year: CR01, CR02, CR03 (Northfield; arrested, charged; convicted, discontinued
with a retraction, acquitted), CR05 (Eastgate; arrested, no further action, outcome 16), CR06
(Eastgate; referred without arrest, charged, court pending), CR07 (Eastgate; arrested, decision
pending), CR09 (Southmoor; outcome 15), CR11 (Southmoor; arrested, outcome 16; victim V01 through her
other incident). CR10 (Northfield) was recorded in March 2025 but charged on 2 April 2025 and
convicted in June 2025, so it counts in the decision-dated indicators only.
"""

from __future__ import annotations

import pytest

from etl.warehouse import Warehouse
from metrics.aggregate import query_sql
from metrics.compare import Polarity
from metrics.compute import Filters, compute
from metrics.definitions import Method, Topic
from metrics.disclosure import DisclosureRule
from metrics.indicators import attrition
from metrics.periods import financial_year
from metrics.registry import get
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import write_justice_drop

YEAR = financial_year(2025)
OPEN = DisclosureRule.unsuppressed()
IDS = (
    "arrest_rate_per_100_crimes",
    "cps_referral_pct",
    "charge_rate_pct",
    "prosecution_pct",
    "conviction_rate_pct",
    "outcome15_pct",
    "outcome16_pct",
    "victim_issue_pct",
)


@pytest.fixture(autouse=True)
def outcomes_read_as_they_stand(monkeypatch):
    """These tests check the arithmetic on a year whose outcomes are all in, so no maturity lag moves the
    period (tests/metrics/test_maturity.py tests the lag)."""
    monkeypatch.setenv("OVERSIGHT_MATURITY_LAG_MONTHS", "0")


@pytest.fixture(scope="module")
def justice(tmp_path_factory):
    root = tmp_path_factory.mktemp("justice")
    settings = Settings(warehouse=root / "warehouse")
    refresh(write_justice_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    con = Warehouse(settings.warehouse).connect_read_only()
    yield con
    con.close()


def rows(con, indicator_id, **filters):
    frame = compute(con, indicator_id, Filters(period=YEAR, **filters), rule=OPEN)
    return {row["cut_value"]: row for row in frame.iter_rows(named=True)}


def district(con, indicator_id):
    (row,) = rows(con, indicator_id).values()
    return row["numerator"], row["denominator"], row["value"]


def test_every_attrition_indicator_is_registered_with_its_query():
    assert tuple(indicator.id for indicator in attrition.INDICATORS) == IDS
    for indicator_id in IDS:
        indicator = get(indicator_id)
        assert indicator.topic is Topic.ATTRITION
        assert indicator.method is Method.PROPORTION
        assert indicator.polarity is not Polarity.NO_JUDGEMENT
        assert "$start" in query_sql(indicator.sql_name) and "$end" in query_sql(indicator.sql_name)


def test_published_benchmarks_come_from_the_domain_notes():
    values = {indicator_id: [benchmark.value for benchmark in get(indicator_id).benchmarks] for indicator_id in IDS}
    assert values["arrest_rate_per_100_crimes"] == [33.0, 46.0]
    assert values["charge_rate_pct"] == [72.0, 78.0]
    assert values["conviction_rate_pct"] == [76.0, 78.0]
    assert values["outcome16_pct"] == [54.8, 37.5]
    assert values["victim_issue_pct"] == [52.5]
    assert get("outcome16_pct").polarity is Polarity.LOW_IS_GOOD
    assert get("victim_issue_pct").polarity is Polarity.LOW_IS_GOOD


@pytest.mark.parametrize(
    ("indicator_id", "numerator", "denominator"),
    [
        ("arrest_rate_per_100_crimes", 6, 8),  # CR01 CR02 CR03 CR05 CR07 CR11
        ("cps_referral_pct", 6, 8),  # CR01 CR02 CR03 CR05 CR06 CR07
        ("prosecution_pct", 4, 8),  # CR01 CR02 CR03 CR06
        ("outcome15_pct", 1, 8),  # CR09
        ("outcome16_pct", 2, 8),  # CR05 CR11
        ("charge_rate_pct", 5, 6),  # decisions dated in the year: CR10 CR01 CR02 CR03 CR06 charged, CR05 not; CR07 pending
        ("conviction_rate_pct", 2, 4),  # completed in the year: CR10 CR01 convicted, CR02 discontinued, CR03 acquitted
        ("victim_issue_pct", 1, 2),  # unsuccessful: CR02 (retraction), CR03 (no victim issue)
    ],
)
def test_district_values(justice, indicator_id, numerator, denominator):
    assert district(justice, indicator_id) == (numerator, denominator, pytest.approx(100 * numerator / denominator))


def test_district_is_compared_with_the_latest_national_figure(justice):
    (arrests,) = rows(justice, "arrest_rate_per_100_crimes").values()
    assert (arrests["comparator"], arrests["comparator_value"]) == ("England and Wales (year ending March 2020)", 33.0)
    assert arrests["method"] == "wilson"
    (outcome16,) = rows(justice, "outcome16_pct").values()
    assert outcome16["comparator_value"] == 54.8


def test_charge_rate_by_ward_counts_the_wards_decisions(justice):
    by_ward = rows(justice, "charge_rate_pct", by="ward")
    assert (by_ward["E05990001"]["numerator"], by_ward["E05990001"]["denominator"]) == (4, 4)
    assert (by_ward["E05990002"]["numerator"], by_ward["E05990002"]["denominator"]) == (1, 2)
    southmoor = by_ward["E05990003"]  # nothing referred there: a row of zeros with no value
    assert (southmoor["numerator"], southmoor["denominator"], southmoor["value"]) == (0, 0, None)
    assert by_ward["E05990002"]["comparator_value"] == pytest.approx(500 / 6)


def test_crimes_are_cut_by_the_victims_group(justice):
    by_sex = rows(justice, "arrest_rate_per_100_crimes", by="sex")
    assert (by_sex["female"]["numerator"], by_sex["female"]["denominator"]) == (4, 6)  # CR11 is V01's: female
    assert (by_sex["male"]["numerator"], by_sex["male"]["denominator"]) == (2, 2)
    by_age = rows(justice, "arrest_rate_per_100_crimes", by="age_band")
    assert (by_age["25-34"]["numerator"], by_age["25-34"]["denominator"]) == (3, 4)
    by_ethnicity = rows(justice, "outcome16_pct", by="ethnicity")
    assert (by_ethnicity["asian"]["numerator"], by_ethnicity["white"]["numerator"]) == (1, 1)


def test_pending_cases_are_not_counted_as_lost(justice):
    pending = justice.sql(
        "select crime_id, is_charge_decided, is_prosecution_completed from mart_crimes where crime_id in ('CR06', 'CR07') order by 1"
    ).fetchall()
    assert pending == [("CR06", True, False), ("CR07", False, False)]
    monthly = rows(justice, "conviction_rate_pct", by="month")
    assert sorted(monthly) == ["2025-06", "2025-07", "2025-08", "2025-10"]  # dated by the court outcome


def test_victim_issue_counts_only_unsuccessful_prosecutions(justice):
    # CR05 (does not support) and CR11 (retraction) were never prosecuted, so they are not in it.
    by_ward = rows(justice, "victim_issue_pct", by="ward")
    assert [code for code, row in by_ward.items() if row["denominator"]] == ["E05990001"]
    assert (by_ward["E05990001"]["numerator"], by_ward["E05990001"]["denominator"]) == (1, 2)


def test_ward_values_hide_under_the_board_rule(justice):
    frame = compute(justice, "charge_rate_pct", Filters(period=YEAR, by="ward"), rule=DisclosureRule(7, 5))
    assert frame["numerator"].to_list() == [None, None, 0]  # zero stays zero
    assert frame["value"].to_list() == [None, None, None]
