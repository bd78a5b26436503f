"""Service coverage tables on a tiny literal drop, against hand-computed rows.

The drop (`write_services_drop`), financial year 2025/26 (a whole year: YEARS = 1, as Fingertips counts it):
- wards Northfield N (E05990001), Eastgate E (E05990002), Southmoor S (E05990003); residents 16+
  N 2,200 (women 25-34 1,000, women 65-74 200, men 25-34 1,000; plus 300 boys aged 5-10),
  E 1,600 (Asian: women 25-34 800, women 16-17 100, men 25-34 700), S 1,000 (white women 500,
  Black men 500); survey rates: women 5% (16-17: 10%), men 2%;
- services: SVC01 IDVA for women, every ward (300 places, 3 FTE); SVC02 refuge for women and
  children in N (40); SVC03 outreach for men in N and E (20); SVC04 perpetrator programme for men,
  every ward (30); SVC05 outreach for Asian and minoritised women in E (50); SVC06 a helpline for
  `all` groups in E (no capacity registered). So no service takes men in Southmoor;
- people whose support started in the year: N 13 women (V101-V112 at the IDVA, V101 at the refuge
  too, and V161, referred in March 2025), 1 man, 2 children, 8 perpetrators; E 4 Asian women (one,
  V133, aged 16-17 and LGBT+); S 2 women (V150 as the partner of a programme perpetrator);
- incidents: N children 2 and 3 (V101), 1 (V121), perpetrators P301, P302; E 1 child, P303; MARAC: N 3, E 1.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from etl.sample.generate import generate_sample
from etl.warehouse import Warehouse
from metrics import coverage, idva_capacity, service_referrals
from metrics.disclosure import DisclosureRule
from metrics.periods import financial_year, rolling_12_months
from metrics.stats import wilson_ci
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import wards_geojson

YEAR, YEARS = financial_year(2025), 1.0  # a whole financial year is one year (count / mid-year population)
OPEN = DisclosureRule.unsuppressed()
DEFAULT = DisclosureRule.from_settings(Settings())
N, E, S = "E05990001", "E05990002", "E05990003"

POPULATION_CSV = """area_code,year,sex,age_band,ethnicity,population
E05990001,2025,female,25-34,white,1000
E05990001,2025,female,65-74,white,200
E05990001,2025,male,25-34,white,1000
E05990001,2025,male,5-10,white,300
E05990002,2025,female,25-34,asian,800
E05990002,2025,female,16-17,asian,100
E05990002,2025,male,25-34,asian,700
E05990003,2025,female,25-34,white,500
E05990003,2025,male,25-34,black,500
"""

PREVALENCE_RATES_CSV = """source,period,sex,age_band,rate
Test survey,year ending March 2023,female,all,0.05
Test survey,year ending March 2023,female,16-17,0.10
Test survey,year ending March 2023,male,all,0.02
"""

SERVICES_CSV = """service_id,name,provider,service_type,client_groups,wards_served,capacity_per_year,fte,is_commissioned
SVC01,Haven IDVA service,Haven Trust,idva,women,all,300,3,yes
SVC02,Northfield refuge,Safe Homes,refuge,women;children,E05990001,40,4,yes
SVC03,Men's outreach,Men's Advice,outreach,men,E05990001;E05990002,20,1,yes
SVC04,Choices programme,Fresh Start,perpetrator_programme,men,all,30,1.5,yes
SVC05,Asian women's network,Sanjhi,outreach,women;asian;minoritised,E05990002,50,1,no
SVC06,Eastgate helpline,Eastgate Trust,helpline,all,E05990002,,,no
"""

REFERRALS_HEADER = (
    "referral_id,service_id,person_id,person_role,referred_at,started_at,ended_at,end_reason,"
    "sex,age_band,ethnicity,disability,lgbt,ward_code"
)
IDVA_ENDS = ["completed"] * 6 + ["disengaged"] * 3 + ["transferred"] + [""] * 2  # V101-V112


def _referral_rows() -> list[str]:
    rows = [
        f"R{100 + n},SVC01,V{100 + n},victim,2025-05-01T09:00,2025-05-03T09:00,"
        f"{'2025-08-01T09:00' if end else ''},{end},female,25-34,white,no,no,{N}"
        for n, end in enumerate(IDVA_ENDS, start=1)
    ]
    start, at = "2025-06-01T09:00", "T09:00"
    programme = (
        [(start, "2025-12-01" + at, "completed")] * 4
        + [(start, "2025-08-01" + at, "disengaged")] * 2
        + [(start, "", "")] * 2
        + [("", "2025-05-20" + at, "declined"), ("", "", "")]
    )  # P301-P310
    rows += [
        f"R{300 + n},SVC04,P{300 + n},perpetrator,2025-05-10{at},{started},{ended},{end},male,25-34,white,no,no,{N}"
        for n, (started, ended, end) in enumerate(programme, start=1)
    ]
    return [
        *rows,
        f"R201,SVC02,V101,victim,2025-06-01T09:00,2025-06-01T12:00,2025-07-01T09:00,completed,female,25-34,white,no,no,{N}",
        f"R202,SVC02,C201,child,2025-06-01T09:00,2025-06-02T09:00,,,male,5-10,white,no,no,{N}",
        f"R203,SVC02,C202,child,2025-06-01T09:00,2025-06-02T09:00,,,female,5-10,white,no,no,{N}",
        f"R204,SVC03,V120,victim,2025-07-01T09:00,2025-07-05T09:00,2025-09-01T09:00,completed,male,25-34,white,no,no,{N}",
        f"R205,SVC01,V121,victim,2025-07-01T09:00,,2025-07-05T09:00,declined,female,65-74,white,no,no,{N}",
        f"R206,SVC01,V160,victim,2025-03-15T09:00,2025-03-20T09:00,,,female,25-34,white,no,no,{N}",
        f"R207,SVC01,V161,victim,2025-03-25T09:00,2025-04-02T09:00,,,female,25-34,white,no,no,{N}",
        *(
            f"R{208 + n},SVC05,V{130 + n},victim,2025-08-01T09:00,2025-08-02T09:00,,,female,25-34,asian,no,no,{E}"
            for n in range(3)
        ),
        f"R211,SVC06,V133,victim,2025-08-01T09:00,2025-08-01T10:00,,,female,16-17,asian,no,yes,{E}",
        f"R212,SVC06,V134,victim,2025-08-01T09:00,,2025-08-03T09:00,not_eligible,male,25-34,asian,no,no,{E}",
        f"R213,SVC01,V141,victim,2025-10-01T09:00,2025-10-01T12:00,,,female,25-34,white,no,no,{S}",
        f"R214,SVC04,V150,victim,2025-10-01T09:00,2025-10-02T09:00,,,female,25-34,white,no,no,{S}",
    ]


INCIDENTS_CSV = f"""incident_id,reported_at,ward_code,victim_id,perpetrator_id,victim_sex,victim_age_band,victim_ethnicity,dash_risk,n_children_present,is_crime
I1,2025-04-10T22:00,{N},V101,P301,female,25-34,white,high,2,no
I2,2025-05-10T22:00,{N},V101,P301,female,25-34,white,high,3,no
I3,2025-06-10T22:00,{N},V102,P302,female,25-34,white,medium,0,no
I4,2025-06-20T22:00,{N},V121,,female,65-74,white,standard,1,no
I5,2025-07-01T22:00,{E},V130,P303,female,25-34,asian,standard,1,no
"""

MARAC_CSV = f"""case_id,heard_on,victim_id,referral_agency,n_children_in_household,victim_sex,victim_age_band,victim_ethnicity,ward_code
M1,2025-05-01,V101,police,2,female,25-34,white,{N}
M2,2025-06-01,V102,police,0,female,25-34,white,{N}
M3,2025-07-01,V103,idva,0,female,25-34,white,{N}
M4,2025-08-01,V130,police,1,female,25-34,asian,{E}
M5,2025-02-01,V104,police,0,female,25-34,white,{N}
"""


def write_services_drop(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "wards.geojson": wards_geojson(),
        "population.csv": POPULATION_CSV,
        "services.csv": SERVICES_CSV,
        "prevalence_rates.csv": PREVALENCE_RATES_CSV,
        "police_incidents_2026-04-01.csv": INCIDENTS_CSV,
        "marac_cases_2026-04-01.csv": MARAC_CSV,
        "service_referrals_2026-04-01.csv": "\n".join([REFERRALS_HEADER, *_referral_rows()]) + "\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def build_services_warehouse(root: Path):
    settings = Settings(warehouse=root / "warehouse")
    report = refresh(write_services_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    assert all(file.rows_rejected == 0 for file in report.files), [(f.file_name, f.message) for f in report.files]
    return Warehouse(settings.warehouse).connect_read_only()


@pytest.fixture
def con(services_warehouse):
    return services_warehouse


def by_key(frame: pl.DataFrame, *keys: str) -> dict:
    return {tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]: row for row in frame.iter_rows(named=True)}


def test_services_by_ward_counts_types_and_groups_with_all_expanded(con):
    counts = {
        (row["ward_code"], row["breakdown"], row["category"]): row["n_services"]
        for row in coverage.services_by_ward(con).iter_rows(named=True)
    }
    expected = {  # (breakdown, category): services in N, E, S
        ("service_type", "outreach"): [1, 2, 0],
        ("service_type", "idva"): [1, 1, 1],
        ("client_group", "women"): [2, 3, 1],
        # the helpline for `all` groups counts for every group in Eastgate; the programme only as `perpetrators`
        ("client_group", "men"): [1, 2, 0],
        ("client_group", "deaf"): [0, 1, 0],
        ("client_group", "perpetrators"): [1, 1, 1],
    }
    for (breakdown, category), n_services in expected.items():
        assert [counts[(ward, breakdown, category)] for ward in (N, E, S)] == n_services, category


def test_coverage_matrix_rows_by_hand(con):
    matrix = by_key(coverage.coverage_matrix(con, YEAR, OPEN), "ward_code", "client_group")
    women = matrix[(N, "women")]
    assert women["n_services"] == 2
    # IDVA share of Northfield: 2,200 of 4,800 residents aged 16+; the refuge serves Northfield alone
    assert women["capacity_places"] == pytest.approx(round((300 * 2200 / 4800 + 40) * YEARS, 1))
    assert women["people_reached"] == 13  # V101-V112 and V161; V101 once; V121 never started, V160 before the year
    assert women["estimated_need"] == 60  # (1,000 + 200) x 5% x YEARS
    assert women["reach_pct_of_need"] == pytest.approx(13 / 60 * 100)
    assert women["capacity_pct_of_need"] == pytest.approx(women["capacity_places"] / 60 * 100)
    assert (women["is_gap"], women["gap_reason"]) == (True, "reach below 25% of estimated need")
    children = matrix[(N, "children")]
    assert (children["people_reached"], children["estimated_need"], children["is_gap"]) == (2, 4, False)
    perpetrators = matrix[(N, "perpetrators")]
    assert (perpetrators["n_services"], perpetrators["people_reached"], perpetrators["estimated_need"]) == (1, 8, 2)
    asian = matrix[(E, "asian")]
    assert (asian["n_services"], asian["people_reached"], asian["estimated_need"]) == (2, 4, 64)  # (40 + 10 + 14) x YEARS
    assert matrix[(E, "young_people")]["estimated_need"] == 10  # 100 women aged 16-17 x 10%
    assert matrix[(E, "lgbt")]["people_reached"] == 1
    assert matrix[(E, "lgbt")]["estimated_need"] is None and not matrix[(E, "lgbt")]["is_gap"]
    assert matrix[(S, "black")]["estimated_need"] == 10


def test_a_ward_and_group_with_no_service_is_flagged_as_a_gap(con):
    matrix = by_key(coverage.coverage_matrix(con, YEAR, OPEN), "ward_code", "client_group")
    men = matrix[(S, "men")]
    assert (men["n_services"], men["people_reached"], men["estimated_need"]) == (0, 0, 10)
    assert men["is_gap"]
    assert men["gap_reason"] == "no service for men in this ward; reach below 25% of estimated need"
    assert matrix[(N, "lgbt")]["gap_reason"] == "no service for LGBT+ victims in this ward"  # need not estimated
    assert matrix[(N, "men")]["gap_reason"] == "reach below 25% of estimated need"  # 1 of 20
    # no service, but no need either: no Asian residents in Northfield, no incident with children in Southmoor
    assert (matrix[(N, "asian")]["n_services"], matrix[(N, "asian")]["estimated_need"]) == (0, 0)
    assert not matrix[(N, "asian")]["is_gap"] and not matrix[(S, "children")]["is_gap"]


def test_without_survey_rates_need_is_unknown_and_gaps_without_a_service_still_show(tiny_warehouse):
    # tests/drops.py: no survey rates; V001's incidents (2 children, then 1) place her in Southmoor
    matrix = by_key(coverage.coverage_matrix(tiny_warehouse, YEAR, OPEN), "ward_code", "client_group")
    assert matrix[(N, "women")]["estimated_need"] is None and not matrix[(N, "women")]["is_gap"]
    assert matrix[(N, "women")]["need_basis"] == "not estimated: no survey rates or no population loaded"
    children = matrix[(S, "children")]
    assert (children["estimated_need"], children["gap_reason"]) == (
        2,
        "no service for children in this ward; reach below 25% of estimated need",
    )


def test_capacity_vs_demand_per_service(con):
    services = by_key(service_referrals.capacity_vs_demand(con, YEAR, OPEN), "service_id")
    idva = services["SVC01"]
    assert (idva["n_referrals"], idva["n_started"]) == (14, 13)
    assert idva["capacity_places"] == round(300 * YEARS)  # whole places, never a fraction of one
    assert idva["utilisation_pct"] == pytest.approx(13 / round(300 * YEARS) * 100)
    assert idva["demand_pct_of_capacity"] == pytest.approx(14 / round(300 * YEARS) * 100)
    helpline = services["SVC06"]
    assert (helpline["n_referrals"], helpline["capacity_places"], helpline["utilisation_pct"]) == (2, None, None)


def test_service_outcomes_with_wilson_limits(con):
    services = by_key(service_referrals.service_outcomes(con, YEAR, OPEN), "service_id")
    idva = services["SVC01"]
    assert [
        idva[c] for c in ("n_referrals", "n_started", "n_ended_after_start", "n_completed", "n_disengaged", "n_declined")
    ] == [14, 13, 10, 6, 3, 1]
    expected = wilson_ci(6, 10)
    assert (idva["completion_pct"], idva["completion_pct_lower_95"], idva["completion_pct_upper_95"]) == pytest.approx(
        (expected.value, expected.lower, expected.upper)
    )
    assert idva["dropout_pct"] == pytest.approx(30.0)
    assert services["SVC06"]["completion_pct"] is None  # nothing ended after a start
    assert services["SVC04"]["n_referrals"] == 11  # ten perpetrators and one partner


def test_perpetrator_interventions_offered_started_completed(con):
    (programme,) = service_referrals.perpetrator_interventions(con, YEAR, OPEN).iter_rows(named=True)
    assert programme["programme_name"] == "Choices programme"
    assert [programme[c] for c in ("n_offered", "n_started", "n_ended_after_start", "n_completed", "n_disengaged")] == [
        10,
        8,
        6,
        4,
        2,
    ]
    for rate, (top, bottom) in {"start_pct": (8, 10), "completion_pct": (4, 6), "completed_pct_of_offered": (4, 10)}.items():
        expected = wilson_ci(top, bottom)
        assert (programme[rate], programme[f"{rate}_lower_95"], programme[f"{rate}_upper_95"]) == pytest.approx(
            (expected.value, expected.lower, expected.upper)
        )


def test_idva_capacity_for_the_district_and_wards(con):
    rows = by_key(idva_capacity.idva_capacity(con, YEAR, OPEN), "ward_code")
    district = rows["district"]
    assert district["women_16_plus"] == 2600
    assert district["expected_marac_cases"] == pytest.approx(round(2600 * 40 / 10_000 * YEARS, 1))
    assert district["idva_fte_needed"] == pytest.approx(0.10)  # 10.4 cases a year / 100
    assert (district["idva_fte"], district["fte_gap"]) == (3.0, pytest.approx(-2.9))
    assert (district["n_marac_cases"], district["n_idva_starts"]) == (4, 14)
    assert district["caseload_per_fte"] == pytest.approx(round(14 / YEARS / 3.0, 1))
    assert district["idva_fte_needed_for_cases_heard"] == pytest.approx(round(4 / YEARS / 100, 2))
    northfield = rows[N]
    assert (northfield["n_marac_cases"], northfield["n_idva_starts"]) == (3, 13)
    assert northfield["idva_fte"] == pytest.approx(3.0 * 2200 / 4800, abs=0.006)
    assert northfield["idva_fte_needed"] == pytest.approx(0.05)  # 1,200 women x 40 / 10,000 / 100
    eastgate = rows[E]
    assert (eastgate["n_idva_starts"], eastgate["caseload_per_fte"], eastgate["idva_fte"]) == (0, 0.0, 1.0)
    assert rows[S]["fte_gap"] == pytest.approx(round(0.02 - 3.0 * 1000 / 4800, 2))


def test_no_count_of_people_escapes_disclosure_control(con):
    """Under the default rule every count column is 0, hidden, or a multiple of 5 above the threshold."""
    for function in (
        coverage.coverage_matrix,
        service_referrals.capacity_vs_demand,
        service_referrals.service_outcomes,
        service_referrals.perpetrator_interventions,
        idva_capacity.idva_capacity,
    ):
        frame, name = function(con, YEAR, DEFAULT), function.__name__
        counts = [
            column.removesuffix("_suppressed")
            for column in frame.columns
            if column.endswith("_suppressed") and frame.schema.get(column.removesuffix("_suppressed"), pl.String).is_integer()
        ]
        assert counts, name
        for column in counts:
            values = frame[column].drop_nulls().to_list()
            assert all(v == 0 or (v > DEFAULT.threshold and v % DEFAULT.rounding_base == 0) for v in values), (name, column)
            hidden = frame.filter(pl.col(f"{column}_suppressed"))[column]
            assert hidden.null_count() == hidden.len(), (name, column)


def test_rates_hide_with_their_counts_and_ward_totals_get_secondary_suppression(con):
    outcomes = by_key(service_referrals.service_outcomes(con, YEAR, DEFAULT), "service_id")
    idva_service = outcomes["SVC01"]
    assert (idva_service["n_referrals"], idva_service["n_completed"], idva_service["completion_pct_lower_95"]) == (15, None, None)
    idva = by_key(idva_capacity.idva_capacity(con, YEAR, DEFAULT), "ward_code")
    # Southmoor's single start is hidden, so Northfield's 13 is hidden too: 15 - 0 - N would give it away
    assert idva["district"]["n_idva_starts"] == 15 and idva[S]["n_idva_starts_suppressed"] and idva[N]["n_idva_starts_suppressed"]
    assert idva[S]["caseload_per_fte"] is None and idva[N]["caseload_per_fte"] is None
    matrix = by_key(coverage.coverage_matrix(con, YEAR, DEFAULT), "ward_code", "client_group")
    assert matrix[(N, "women")]["people_reached"] == 15 and matrix[(N, "women")]["estimated_need"] == 60
    assert matrix[(N, "men")]["people_reached"] is None and matrix[(N, "men")]["reach_pct_of_need"] is None
    # 1 reached of 20 is hidden; "below 25%" (under 5) would narrow the hidden 1-7, so it is not said
    assert matrix[(N, "men")]["gap_reason"] == ""
    assert matrix[(E, "asian")]["gap_reason"] == "reach below 25% of estimated need"  # any of 1-7 is under 16 of 64
    assert matrix[(S, "men")]["gap_reason"].startswith("no service for men")


def test_the_low_reach_flag_is_decided_from_the_published_counts(con):
    """Northfield's women: 13 reached of 60 needed is below 25%, but it is published as 15 of 60, which is not.
    Flagging it would say the rounded 15 stands for 13 or 14, narrowing the band the rounding left open."""
    assert by_key(coverage.coverage_matrix(con, YEAR, OPEN), "ward_code", "client_group")[(N, "women")]["is_gap"]
    women = by_key(coverage.coverage_matrix(con, YEAR, DEFAULT), "ward_code", "client_group")[(N, "women")]
    assert (women["people_reached"], women["estimated_need"], women["reach_pct_of_need"]) == (15, 60, 25.0)
    assert (women["is_gap"], women["gap_reason"]) == (False, "")
    widened = by_key(coverage.coverage_matrix(con, YEAR, DEFAULT, reach_gap_pct=30.0), "ward_code", "client_group")
    assert widened[(N, "women")]["gap_reason"] == "reach below 30% of estimated need"  # 15 of 60 is below 30%


def test_the_planted_gap_in_the_sample_district_is_found(tmp_path):
    """The sample generator plants one client group that no service reaches in part of the district."""
    summary = generate_sample(tmp_path / "drop", scale=0.05, years=1, end=date(2026, 9, 30))
    planted = summary.signals["service_gap"]
    settings = Settings(warehouse=tmp_path / "warehouse")
    refresh(summary.out_dir, warehouse=settings.warehouse, settings=settings)
    with Warehouse(settings.warehouse).connect_read_only() as sample:
        matrix = coverage.coverage_matrix(sample, rolling_12_months(date(2026, 9, 30)), DEFAULT)
    no_service = f"no service for {planted['group']} in this ward"
    flagged = matrix.filter(pl.col("client_group") == planted["group"], pl.col("gap_reason").str.starts_with(no_service))
    assert sorted(flagged["ward_code"]) == sorted(planted["wards"])
