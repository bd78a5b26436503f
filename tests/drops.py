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
        features.append({
            "type": "Feature",
            "properties": {"ward_code": code, "ward_name": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        })
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
