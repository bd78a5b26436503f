"""A tiny literal drop of people followed across agencies, with journeys worked out by hand.

Data end: 2025-12-31T10:00 (VC's incident, the latest timestamp in any extract).
- VA: high-risk incident A1 (1 April 2025, a child CA present and notified to school), crime CRA charged
  and convicted; referred to IDVA on 2 April, support started 5 April, completed 5 June; heard at MARAC
  on 15 April; another incident A2 on 1 June. VA is in the incident, high-risk and MARAC cohorts.
- VB: one incident (10 April) and nothing else in any agency's data.
- VG: incident and crime CRG, no further action on 20 May with the victim not supporting; never supported.
- VR: three incidents in three months, never at MARAC or a service (a missed opportunity).
- VH: high-risk incident with two children present, no school notification (a missed opportunity).
- VE: incident 25 June, crime CRE dropped on 20 July after retraction; referred 15 December, support
  started 20 December (178 days after the incident, after the charge decision).
- VF: incident 1 September, nothing after: censored at 121 days.
- VZ: referred to a service but never known to police (in no cohort); CZ: a MASH contact with no notification.
"""

from __future__ import annotations

from pathlib import Path

from tests.drops import write_reference_drop

INCIDENTS = """incident_id,reported_at,ward_code,victim_id,victim_sex,victim_age_band,victim_ethnicity,dash_risk,n_children_present,is_crime,crime_id
A1,2025-04-01T10:00,E05990001,VA,female,25-34,white,high,1,yes,CRA
A2,2025-06-01T10:00,E05990001,VA,female,25-34,white,medium,0,no,
B1,2025-04-10T10:00,E05990002,VB,male,35-44,asian,standard,0,no,
G1,2025-05-01T10:00,E05990002,VG,female,20-24,asian,standard,0,yes,CRG
R1,2025-05-01T10:00,E05990003,VR,female,45-54,white,standard,0,no,
R2,2025-06-01T10:00,E05990003,VR,female,45-54,white,standard,0,no,
R3,2025-07-01T10:00,E05990003,VR,female,45-54,white,standard,0,no,
H1,2025-05-05T10:00,E05990002,VH,female,25-34,asian,high,2,no,
E1,2025-06-25T10:00,E05990001,VE,female,25-34,white,medium,0,yes,CRE
F1,2025-09-01T10:00,E05990001,VF,female,25-34,white,standard,0,no,
Z1,2025-12-31T10:00,E05990003,VC,male,25-34,white,standard,0,no,
"""
CRIMES = """crime_id,incident_id,victim_id,ward_code,recorded_at,arrested_at,cps_referred_at,charge_decision,charge_decision_at,court_outcome,court_outcome_at,victim_issue
CRA,A1,VA,E05990001,2025-04-01T12:00,2025-04-01T14:00,2025-04-11T10:00,charged,2025-04-21T10:00,convicted,2025-08-01T10:00,none
CRG,G1,VG,E05990002,2025-05-01T12:00,,2025-05-10T10:00,no_further_action,2025-05-20T10:00,,,does_not_support
CRE,E1,VE,E05990001,2025-06-25T12:00,,2025-07-10T10:00,no_further_action,2025-07-20T10:00,,,retraction
"""
REFERRALS = """referral_id,service_id,person_id,person_role,referred_at,started_at,ended_at,end_reason,source,sex,age_band,ethnicity,ward_code
RF1,SVC01,VA,victim,2025-04-02T10:00,2025-04-05T10:00,2025-06-05T10:00,completed,police,female,25-34,white,E05990001
RF2,SVC01,VE,victim,2025-12-15T10:00,2025-12-20T10:00,,,self,female,25-34,white,E05990001
RF3,SVC01,VZ,victim,2025-05-01T10:00,2025-05-02T10:00,,,self,female,25-34,white,E05990002
"""
MARAC = """case_id,victim_id,heard_on,referral_agency,n_children_in_household,victim_sex,victim_age_band,victim_ethnicity,ward_code
MA1,VA,2025-04-15,police,1,female,25-34,white,E05990001
"""
SCHOOLS = """notification_id,incident_id,child_id,school_id,notified_at
N1,A1,CA,SCH1,2025-04-02T08:00
"""
MASH = """contact_id,child_id,received_at,source,is_domestic_abuse,decision,decided_at,child_sex,child_age_band,child_ethnicity,ward_code
M1,CA,2025-04-02T10:00,police,yes,early_help,2025-04-03T10:00,female,5-10,white,E05990001
M2,CZ,2025-05-02T10:00,health,yes,no_further_action,2025-05-03T10:00,male,0-4,white,E05990002
"""


def write_journey_drop(folder: Path) -> Path:
    write_reference_drop(folder)
    for name, text in {
        "police_incidents": INCIDENTS,
        "crime_outcomes": CRIMES,
        "service_referrals": REFERRALS,
        "marac_cases": MARAC,
        "school_notifications": SCHOOLS,
        "mash_contacts": MASH,
    }.items():
        (folder / f"{name}_2026-01-05.csv").write_text(text)
    return folder
