"""Tiny literal drops for tests: three square wards, a handful of rows per extract."""

from __future__ import annotations

import json
from pathlib import Path

WARDS = [("E05990001", "Northfield"), ("E05990002", "Eastgate"), ("E05990003", "Southmoor")]

POPULATION_CSV = """area_code,year,sex,age_band,ethnicity,population
E05990001,2025,female,25-34,white,1000
E05990001,2025,male,25-34,white,900
E05990002,2025,female,25-34,asian,800
E05990002,2025,male,25-34,asian,700
E01990001,2025,female,16-17,all,50
"""

LOOKUP_CSV = """lsoa_code,ward_code
E01990001,E05990003
E01990002,E05990001
"""

SERVICES_CSV = """service_id,name,provider,service_type,client_groups,wards_served,capacity_per_year,fte,is_commissioned
SVC01,Haven IDVA service,Haven Trust,idva,women;men,all,200,2.5,yes
SVC02,Northfield refuge,Safe Homes,refuge,women;children,E05990001,40,4,true
"""

INCIDENTS_HEADER = (
    "incident_id,reported_at,ward_code,lsoa_code,victim_id,victim_sex,victim_age_band,victim_ethnicity,"
    "dash_risk,dash_score,n_children_present,is_child_spoken_to,is_crime,crime_id"
)
INCIDENTS_ROWS = [
    "INC001,2025-04-02T22:14:00,E05990001,,V001,female,25-34,white,high,15,2,yes,yes,CR001",
    "INC002,2025-05-10T08:00,E05990002,,V002,male,35-44,asian,standard,3,0,,no,",
    "INC003,2025-06-01T12:30:00,,E01990001,V001,female,25-34,white,medium,11,1,no,true,CR003",
    "INC004,2025-07-01T12:30:00,E05990009,,V003,female,20-24,black,standard,2,0,,no,",
    "INC005,not a date,E05990001,,V004,female,20-24,purple,standard,2,0,,no,",
]

CRIMES_CSV = """crime_id,incident_id,victim_id,ward_code,recorded_at,arrested_at,cps_referred_at,charge_decision,charge_decision_at,outcome_code,outcome_at,court_outcome,court_outcome_at,victim_issue
CR001,INC001,V001,E05990001,2025-04-03T10:00,2025-04-03T12:00,2025-04-20T09:00,charged,2025-05-01T09:00,1,2025-05-01T09:00,convicted,2025-09-01T10:00,none
CR003,INC003,V001,E05990003,2025-06-02T10:00,2025-06-01T10:00,,,,,,,,
"""


def incidents_csv(rows: list[str] | None = None, header: str = INCIDENTS_HEADER) -> str:
    return "\n".join([header, *(INCIDENTS_ROWS if rows is None else rows)]) + "\n"


def wards_geojson(wards: list[tuple[str, str]] = WARDS) -> str:
    features = []
    for index, (code, name) in enumerate(wards):
        west = -1.80 + 0.02 * index
        ring = [[west, 53.80], [west + 0.02, 53.80], [west + 0.02, 53.82], [west, 53.82], [west, 53.80]]
        features.append(
            {
                "type": "Feature",
                "properties": {"ward_code": code, "ward_name": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features})


def write_reference_drop(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "wards.geojson").write_text(wards_geojson())
    (folder / "population.csv").write_text(POPULATION_CSV)
    (folder / "lsoa_ward_lookup.csv").write_text(LOOKUP_CSV)
    (folder / "services.csv").write_text(SERVICES_CSV)
    return folder


def write_tiny_drop(folder: Path) -> Path:
    write_reference_drop(folder)
    (folder / "police_incidents_2025-11-25.csv").write_text(incidents_csv())
    (folder / "crime_outcomes_2025-11-25.csv").write_text(CRIMES_CSV)
    return folder


# Survey rates for hidden need: a band rate for women 16-17, sex-level rates from two surveys (the later wins).
PREVALENCE_RATES_CSV = """source,period,sex,age_band,rate
CSEW 2017 ages 16-19,year ending March 2017,female,16-17,0.105
CSEW 2017 ages 16-59,year ending March 2017,female,all,0.075
CSEW 2023 ages 16+,year ending March 2023,female,all,0.057
CSEW 2023 ages 16+,year ending March 2023,male,all,0.032
"""

# Further incidents in 2025/26: a child victim (left out of hidden need), a victim of unknown age,
# and V002 again, now in Northfield.
HIDDEN_NEED_INCIDENT_ROWS = [
    "INC101,2025-08-01T10:00:00,E05990002,,V005,female,11-15,asian,standard,1,0,,no,",
    "INC102,2025-09-01T10:00:00,E05990001,,V006,female,unknown,white,standard,1,0,,no,",
    "INC103,2025-09-15T10:00:00,E05990001,,V002,male,35-44,asian,standard,2,0,,no,",
]

MARAC_HEADER = (
    "case_id,heard_on,victim_id,referral_agency,n_children_in_household,victim_sex,victim_age_band,"
    "victim_ethnicity,victim_disability,victim_lgbt,ward_code,lsoa_code"
)
# M01 (before 2025/26) makes M02 a repeat; M07 repeats M03; M05 is placed by its LSOA (Southmoor).
MARAC_ROWS = [
    "M01,2024-12-10,V101,police,1,female,25-34,white,no,no,E05990001,",
    "M02,2025-05-01,V101,police,1,female,25-34,white,no,no,E05990001,",
    "M03,2025-06-01,V102,idva,2,female,25-34,asian,yes,unknown,E05990002,",
    "M04,2025-07-01,V103,health,0,male,25-34,asian,no,yes,E05990002,",
    "M05,2025-08-01,V104,police,0,female,16-17,unknown,unknown,no,,E01990001",
    "M06,2025-09-01,V105,housing,3,female,25-34,black,,,E05990001,",
    "M07,2026-02-01,V102,police,2,female,25-34,asian,yes,unknown,E05990002,",
    "M08,2025-10-01,V106,police,0,unknown,unknown,unknown,unknown,unknown,E05990001,",
]


def write_hidden_need_drop(folder: Path) -> Path:
    """The tiny drop with survey rates and three more incidents."""
    write_tiny_drop(folder)
    (folder / "prevalence_rates.csv").write_text(PREVALENCE_RATES_CSV)
    (folder / "police_incidents_2025-12-01.csv").write_text(incidents_csv(HIDDEN_NEED_INCIDENT_ROWS))
    return folder


def write_marac_drop(folder: Path) -> Path:
    """The reference drop with eight MARAC cases."""
    write_reference_drop(folder)
    (folder / "marac_cases_2026-03-01.csv").write_text("\n".join([MARAC_HEADER, *MARAC_ROWS]) + "\n")
    return folder


# Justice path (tests/metrics/test_attrition.py, tests/metrics/indicators/test_attrition_indicators.py).
# Financial year 2025/26: nine incidents (seven flagged as crimes) and eight crimes recorded, plus
# J10/CR10 in March 2025 whose charge and conviction fall in 2025/26, and CR11 sent without its incident.
JUSTICE_INCIDENT_HEADER = (
    "incident_id,reported_at,ward_code,victim_id,victim_sex,victim_age_band,victim_ethnicity,"
    "dash_risk,n_children_present,is_crime,crime_id"
)
JUSTICE_INCIDENT_ROWS = [
    "J01,2025-04-01T20:00,E05990001,V01,female,25-34,white,high,0,yes,CR01",
    "J02,2025-04-05T09:00,E05990001,V02,female,35-44,asian,standard,0,yes,CR02",
    "J03,2025-05-01T09:00,E05990001,V03,male,25-34,white,standard,0,yes,CR03",
    "J04,2025-05-10T09:00,E05990001,V04,female,25-34,black,standard,0,no,",
    "J05,2025-06-01T09:00,E05990002,V05,female,20-24,asian,medium,0,yes,CR05",
    "J06,2025-06-02T09:00,E05990002,V06,female,25-34,asian,standard,0,yes,CR06",
    "J07,2025-06-03T09:00,E05990002,V07,male,35-44,asian,standard,0,yes,CR07",
    "J08,2025-07-01T09:00,E05990002,V08,female,25-34,white,standard,0,no,",
    "J09,2025-07-02T09:00,E05990003,V09,female,45-54,white,standard,0,yes,CR09",
    "J10,2025-03-20T09:00,E05990001,V10,female,25-34,white,standard,0,yes,CR10",
]
JUSTICE_CRIME_HEADER = (
    "crime_id,incident_id,victim_id,ward_code,recorded_at,arrested_at,cps_referred_at,charge_decision,"
    "charge_decision_at,outcome_code,outcome_at,court_outcome,court_outcome_at,victim_issue"
)
JUSTICE_CRIME_ROWS = [
    "CR01,J01,V01,E05990001,2025-04-02T10:00,2025-04-02T12:00,2025-04-12T10:00,charged,2025-04-20T10:00,1,2025-04-20T10:00,convicted,2025-08-18T10:00,none",
    "CR02,J02,V02,E05990001,2025-04-06T10:00,2025-04-08T10:00,2025-04-28T10:00,charged,2025-05-04T10:00,1,2025-05-04T10:00,discontinued,2025-07-03T10:00,retraction",
    "CR03,J03,V03,E05990001,2025-05-02T10:00,2025-05-03T10:00,2025-05-13T10:00,charged,2025-05-23T10:00,1,2025-05-23T10:00,acquitted,2025-10-20T10:00,none",
    "CR05,J05,V05,E05990002,2025-06-01T10:00,2025-06-05T10:00,2025-06-20T10:00,no_further_action,2025-06-30T10:00,16,2025-06-30T10:00,,,does_not_support",
    "CR06,J06,V06,E05990002,2025-06-03T10:00,,2025-06-23T10:00,charged,2025-07-03T10:00,1,2025-07-03T10:00,pending,,",
    "CR07,J07,V07,E05990002,2025-06-04T10:00,2025-06-04T12:00,2025-06-14T10:00,pending,,,,,,",
    "CR09,J09,V09,E05990003,2025-07-12T10:00,,,,,15,2025-08-01T10:00,,,none",
    "CR10,J10,V10,E05990001,2025-03-21T10:00,2025-03-21T12:00,2025-03-28T10:00,charged,2025-04-02T10:00,1,2025-04-02T10:00,convicted,2025-06-02T10:00,none",
    "CR11,,V01,E05990003,2025-08-01T10:00,2025-08-02T10:00,,,,16,2025-09-01T10:00,,,retraction",
]


def write_justice_drop(folder: Path) -> Path:
    """The reference drop with the justice-path incidents and crimes above."""
    write_reference_drop(folder)
    (folder / "police_incidents_2025-12-01.csv").write_text("\n".join([JUSTICE_INCIDENT_HEADER, *JUSTICE_INCIDENT_ROWS]) + "\n")
    (folder / "crime_outcomes_2025-12-01.csv").write_text("\n".join([JUSTICE_CRIME_HEADER, *JUSTICE_CRIME_ROWS]) + "\n")
    return folder


# Front door and safeguarding (tests/metrics/indicators/test_front_door.py). 4 April 2025 is a Friday.
# F01-F04 have children present; VR1-VR5 are repeat victims for the 3+ incidents in 12 months rule.
FRONT_DOOR_INCIDENT_HEADER = (
    "incident_id,reported_at,ward_code,victim_id,victim_sex,victim_age_band,victim_ethnicity,dash_risk,"
    "n_children_present,is_child_spoken_to,is_crime,is_referred_to_marac"
)
FRONT_DOOR_INCIDENT_ROWS = [
    "F01,2025-04-04T22:30,E05990001,VF1,female,25-34,white,high,2,yes,no,yes",
    "F02,2025-04-08T19:00,E05990001,VF2,female,35-44,asian,high,1,no,no,no",
    "F03,2025-04-09T07:00,E05990002,VF3,female,20-24,black,medium,1,yes,no,yes",
    "F04,2025-04-12T14:00,E05990002,VF4,male,25-34,asian,high,1,,no,",
    "R1A,2025-05-01T10:00,E05990001,VR1,female,25-34,white,standard,0,,no,no",
    "R1B,2025-06-01T10:00,E05990001,VR1,female,25-34,white,standard,0,,no,no",
    "R1C,2025-07-01T10:00,E05990001,VR1,female,25-34,white,medium,0,,no,yes",
    "R2A,2024-03-01T10:00,E05990002,VR2,female,45-54,white,standard,0,,no,yes",
    "R2B,2025-05-02T10:00,E05990002,VR2,female,45-54,white,standard,0,,no,no",
    "R2C,2025-08-01T10:00,E05990002,VR2,female,45-54,white,standard,0,,no,no",
    "R2D,2026-01-15T10:00,E05990002,VR2,female,45-54,white,standard,0,,no,no",
    "R3A,2024-01-10T10:00,E05990003,VR3,male,35-44,asian,standard,0,,no,no",
    "R3B,2024-09-01T10:00,E05990003,VR3,male,35-44,asian,standard,0,,no,no",
    "R3C,2025-06-01T10:00,E05990003,VR3,male,35-44,asian,standard,0,,no,no",
    "R4A,2025-04-20T10:00,E05990003,VR4,female,20-24,asian,standard,0,,no,no",
    "R4B,2025-05-20T10:00,E05990003,VR4,female,20-24,asian,standard,0,,no,no",
    "R4C,2025-06-20T10:00,E05990003,VR4,female,20-24,asian,standard,0,,no,no",
    "R5A,2024-06-01T10:00,E05990001,VR5,female,25-34,black,standard,0,,no,no",
    "R5B,2024-07-01T10:00,E05990001,VR5,female,25-34,black,standard,0,,no,no",
    "R5C,2024-08-01T10:00,E05990001,VR5,female,25-34,black,standard,0,,no,no",
]
FRONT_DOOR_SCHOOL_CSV = """notification_id,incident_id,child_id,school_id,notified_at
N1,F01,C1,SCH1,2025-04-07T08:15
N2,F01,C2,SCH2,2025-04-07T10:00
N3,F02,C3,SCH1,2025-04-09T08:59
N4,F03,C4,SCH3,2025-04-10T09:00
N5,F04,C5,SCH3,2025-04-14T11:00
"""
FRONT_DOOR_MASH_CSV = """contact_id,child_id,received_at,source,is_domestic_abuse,decision,decided_at,child_sex,child_age_band,child_ethnicity,ward_code
M1,C1,2025-04-07T10:00,police,yes,early_help,2025-04-08T09:00,female,5-10,white,E05990001
M2,C2,2025-04-07T10:00,police,yes,assessment,2025-04-08T10:00,male,11-15,white,E05990001
M3,C3,2025-04-08T10:00,education,yes,no_further_action,2025-04-09T10:01,female,11-15,asian,E05990002
M4,C4,2025-04-09T12:00,police,yes,pending,,male,5-10,black,E05990002
M5,C5,2025-04-10T12:00,health,no,no_further_action,2025-04-10T13:00,female,0-4,white,E05990001
M6,C6,2025-06-30T20:00,police,yes,,,female,0-4,white,E05990002
"""
FRONT_DOOR_MARAC_CSV = """case_id,victim_id,heard_on,referral_agency,n_children_in_household,victim_sex,victim_age_band,victim_ethnicity,ward_code
MC1,VR4,2025-07-15,idva,0,female,20-24,asian,E05990003
"""


def write_front_door_drop(folder: Path) -> Path:
    """The reference drop with the front-door incidents, school notifications, MASH contacts and a MARAC case."""
    write_reference_drop(folder)
    (folder / "police_incidents_2026-02-01.csv").write_text(
        "\n".join([FRONT_DOOR_INCIDENT_HEADER, *FRONT_DOOR_INCIDENT_ROWS]) + "\n"
    )
    (folder / "school_notifications_2026-02-01.csv").write_text(FRONT_DOOR_SCHOOL_CSV)
    (folder / "mash_contacts_2026-02-01.csv").write_text(FRONT_DOOR_MASH_CSV)
    (folder / "marac_cases_2026-02-01.csv").write_text(FRONT_DOOR_MARAC_CSV)
    return folder
