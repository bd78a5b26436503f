"""The repeat-victims-not-at-MARAC sums are mended by the changed victims' rows, as a full rebuild would make them.

On the front-door drop (tests/drops.py), VR2's third incident within 12 months was on 15 January 2026 and her
only referral was in March 2024: in 2025/26 she is the one triggered victim of three (VR1, VR2, VR4) not referred.
A MARAC hearing for her on 20 March 2026 answers the trigger; moving that case to VR5 takes the answer away again.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from etl.warehouse import Warehouse
from metrics.compute import Filters, compute
from metrics.disclosure import DisclosureRule
from metrics.periods import financial_year
from oversight.settings import Settings
from pipeline import by_person, totals
from pipeline.by_person import _UNDECIDED, _mended
from pipeline.nightly import refresh
from tests.drops import POPULATION_CSV, incidents_csv, write_front_door_drop, write_hidden_need_drop, write_tiny_drop
from tests.pipeline.test_incremental_equivalence import _differences

YEAR = financial_year(2025)
MARAC = (
    "case_id,victim_id,heard_on,referral_agency,n_children_in_household,victim_sex,victim_age_band,victim_ethnicity,ward_code\n"
)
KEY = "repeat_3plus_not_marac_pct?trigger_incidents=3&trigger_window_days=365"

D1, D2, D3 = date(2024, 1, 1), date(2024, 6, 1), date(2025, 1, 1)


@pytest.mark.parametrize(
    ("held", "before", "now", "expected"),
    [
        (D2, None, D3, D2),  # a new person's events all later: the first day held stays
        (D2, None, D1, D1),  # a new person's event comes first
        (D2, D3, None, D2),  # a person who did not hold the first day has gone
        (D2, D2, D1, D1),  # the person holding it now has an earlier event
        (D2, D2, D2, D2),  # and still holds it
        (D2, D2, D3, _UNDECIDED),  # the person holding it moved later: someone else may hold it too, or no one
        (D2, D2, None, _UNDECIDED),
        (None, None, D3, D3),  # the first event of all
        (None, None, None, None),
    ],
)
def test_the_first_day_is_mended_where_the_changed_people_do_not_decide_it(held, before, now, expected):
    assert _mended(held, before, now, earliest=True) == expected


def test_the_last_day_is_mended_the_same_way_from_the_other_end():
    assert _mended(D2, None, D1, earliest=False) == D2
    assert _mended(D2, None, D3, earliest=False) == D3
    assert _mended(D2, D2, D1, earliest=False) is _UNDECIDED
    assert _mended(D2, D2, D3, earliest=False) == D3


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("by_person")
    settings = Settings(warehouse=root / "warehouse")
    report = refresh(write_front_door_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    assert report.outcome == "completed", report.error
    return settings.warehouse


def _repeat_victims(warehouse: Path) -> tuple[int, int]:
    con = Warehouse(warehouse).connect_read_only()
    try:
        frame = compute(con, "repeat_3plus_not_marac_pct", Filters(period=YEAR), rule=DisclosureRule.unsuppressed())
    finally:
        con.close()
    (row,) = frame.iter_rows(named=True)
    return row["numerator"], row["denominator"]


def test_a_later_hearing_and_its_move_to_another_victim_mend_the_earlier_year(base, tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse"
    shutil.copytree(base, warehouse)
    settings = Settings(warehouse=warehouse)
    assert _repeat_victims(warehouse) == (1, 3)
    mended: list[set[tuple[date, date]]] = []
    mend = by_person.ChangedPeople.mend_windows

    def spy(self, key, windows):
        changed = mend(self, key, windows)
        mended.append(changed if key == KEY else set())
        return changed

    monkeypatch.setattr(by_person.ChangedPeople, "mend_windows", spy)
    for position, victim in enumerate(("VR2", "VR5")):
        drop = tmp_path / f"drop{position}"
        drop.mkdir()
        (drop / f"marac_cases_2026-03-2{position + 1}.csv").write_text(
            MARAC + f"MC9,{victim},2026-03-20,police,0,female,45-54,white,E05990002\n"
        )
        report = refresh(drop, warehouse=warehouse, settings=settings)
        assert (report.outcome, report.kind) == ("completed", "incremental"), report.error
        assert _repeat_victims(warehouse) == ((0, 3) if victim == "VR2" else (1, 3))
        # the year's sums changed by VR2's row, mended rather than summed again
        assert (YEAR.start, YEAR.end) in mended[-1]
    incremental = Warehouse(warehouse).current_path()
    (tmp_path / "empty").mkdir()
    assert refresh(tmp_path / "empty", warehouse=warehouse, settings=settings, full=True).kind == "full"
    assert _differences(incremental, Warehouse(warehouse).current_path()) == {}


REFERRALS = (
    "referral_id,service_id,person_id,person_role,referred_at,started_at,ended_at,end_reason,"
    "sex,age_band,ethnicity,disability,lgbt,ward_code\n"
)
SUPPORT_KEY = "people_starting_support?person_role=victim"


@pytest.fixture(scope="module")
def with_referrals(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("by_person_support")
    settings = Settings(warehouse=root / "warehouse")
    drop = write_tiny_drop(root / "drop")
    (drop / "service_referrals_2025-11-25.csv").write_text(
        REFERRALS + "R01,SVC01,V001,victim,2025-05-01T09:00,2025-05-03T09:00,,,female,25-34,white,no,no,E05990001\n"
        "R02,SVC02,V002,victim,2025-06-01T09:00,2025-06-02T09:00,,,female,35-44,asian,no,no,E05990002\n"
    )
    report = refresh(drop, warehouse=settings.warehouse, settings=settings)
    assert report.outcome == "completed", report.error
    return settings.warehouse


def _support_totals(warehouse: Path) -> list[tuple]:
    con = Warehouse(warehouse).connect_read_only()
    try:
        return con.execute(
            "select period_date, numerator from precomputed_totals where query_key = ? and source = 'window by year' "
            "and grouping_set = 'district' order by window_start, period_date",
            [SUPPORT_KEY],
        ).fetchall()
    finally:
        con.close()


def test_the_sparklines_of_people_whose_support_started_are_mended_by_the_changed_people(with_referrals, tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse"
    shutil.copytree(with_referrals, warehouse)
    settings = Settings(warehouse=warehouse)
    before = _support_totals(warehouse)
    assert before and all(numerator == 2 for _, numerator in before)  # V001 and V002, both in 2025/26
    mended: list[tuple[str, object]] = []
    mend = totals._mend

    def spy(con, people, key, window, identity, grain):
        mended.append((key, identity["source"]))
        return mend(con, people, key, window, identity, grain)

    monkeypatch.setattr(totals, "_mend", spy)
    drop = tmp_path / "drop"
    drop.mkdir()
    # R02's support now started a year earlier, and V001's referral is now V003's
    (drop / "service_referrals_2026-07-01.csv").write_text(
        REFERRALS + "R01,SVC01,V003,victim,2025-05-01T09:00,2025-05-03T09:00,,,female,25-34,white,no,no,E05990003\n"
        "R02,SVC02,V002,victim,2024-06-01T09:00,2024-06-02T09:00,,,female,35-44,asian,no,no,E05990002\n"
    )
    report = refresh(drop, warehouse=warehouse, settings=settings)
    assert (report.outcome, report.kind) == ("completed", "incremental"), report.error
    assert (SUPPORT_KEY, "window by year") in mended
    after = _support_totals(warehouse)
    assert after != before
    incremental = Warehouse(warehouse).current_path()
    (tmp_path / "empty").mkdir()
    assert refresh(tmp_path / "empty", warehouse=warehouse, settings=settings, full=True).kind == "full"
    assert _differences(incremental, Warehouse(warehouse).current_path()) == {}


HIDDEN_NEED_KEY = "hidden_need_reporting_ratio"
INCIDENT_ROW = {
    "INC001": "INC001,{day}T22:14:00,E05990001,,V001,female,25-34,white,high,15,2,yes,yes,CR001",
    "INC003": "INC003,{day}T12:30:00,,E01990001,V001,female,25-34,white,medium,11,1,no,true,CR003",
}


def _hidden_need_cell(warehouse: Path, month: date) -> list[tuple]:
    """The year's cell of women 25-34, white, in Northfield dated `month`: known victims and expected victims."""
    con = Warehouse(warehouse).connect_read_only()
    try:
        return con.execute(
            "select numerator, denominator > 0 from precomputed_windows where query_key = ? and window_start = ? "
            "and window_end = ? and period_date = ? and ward_code = 'E05990001' and sex = 'female' "
            "and age_band = '25-34' and ethnicity = 'white'",
            [HIDDEN_NEED_KEY, YEAR.start, YEAR.end, month],
        ).fetchall()
    finally:
        con.close()


def test_known_victims_are_mended_beside_the_expected_ones_and_a_cell_they_fill_stays(tmp_path_factory, monkeypatch):
    root = tmp_path_factory.mktemp("by_person_hidden_need")
    warehouse = root / "warehouse"
    settings = Settings(warehouse=warehouse)
    assert refresh(write_hidden_need_drop(root / "drop"), warehouse=warehouse, settings=settings).outcome == "completed"
    april = YEAR.start  # the expected victims are dated by the period's first day
    assert _hidden_need_cell(warehouse, april) == [(0.0, True)]  # V001 is placed by her later incident, INC003
    mended: list[set[tuple[date, date]]] = []
    mend = by_person.ChangedPeople.mend_windows

    def spy(self, key, windows):
        changed = mend(self, key, windows)
        if key == HIDDEN_NEED_KEY:
            mended.append(changed)
        return changed

    monkeypatch.setattr(by_person.ChangedPeople, "mend_windows", spy)
    # INC003 moves to before the year, so V001 joins the April cell the expected victims fill; then INC001 moves to
    # May, so she leaves it, and the cell stays with no known victim, as a full rebuild holds it
    steps = [("INC003", "2025-03-01", [(1.0, True)]), ("INC001", "2025-05-02", [(0.0, True)])]
    for position, (incident, day, cell) in enumerate(steps):
        drop = root / f"drop{position}"
        drop.mkdir()
        (drop / f"police_incidents_2026-01-0{position + 1}.csv").write_text(
            incidents_csv([INCIDENT_ROW[incident].format(day=day)])
        )
        report = refresh(drop, warehouse=warehouse, settings=settings)
        assert (report.outcome, report.kind) == ("completed", "incremental"), report.error
        assert (YEAR.start, YEAR.end) in mended[-1]
        assert _hidden_need_cell(warehouse, april) == cell
    # a new population changes every expected victim: the sums are made again, not mended
    calls = len(mended)
    drop = root / "population"
    drop.mkdir()
    (drop / "population.csv").write_text(POPULATION_CSV.replace(",1000\n", ",1200\n"))
    assert refresh(drop, warehouse=warehouse, settings=settings).outcome == "completed"
    assert len(mended) == calls
    incremental = Warehouse(warehouse).current_path()
    (root / "empty").mkdir()
    assert refresh(root / "empty", warehouse=warehouse, settings=settings, full=True).kind == "full"
    assert _differences(incremental, Warehouse(warehouse).current_path()) == {}
