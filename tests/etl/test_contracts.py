"""Data contract v1 on tiny literal rows: what each extract accepts, and what it says when not.

Each case starts from a valid row of its extract, changes a cell or two, and lists the
problems `check_rows` must report, as (column, rule). The pydantic model must reach the
same verdict and name the same columns.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from pydantic import ValidationError

from etl.contract import BY_NAME, Extract
from etl.validate import check_rows

AS_OF = datetime(2026, 11, 25, 22, 0)
EARLIEST = date(2020, 1, 1)
CONTEXT = {"as_of": AS_OF, "earliest": EARLIEST}

DEMOGRAPHICS = {
    "victim_sex": "female",
    "victim_age_band": "25-34",
    "victim_ethnicity": "white",
    "victim_disability": "no",
    "victim_lgbt": "no",
}
VALID_ROWS: dict[str, dict[str, str]] = {
    "wards": {"ward_code": "E05000001", "ward_name": "Castle"},
    "lsoa_ward_lookup": {"lsoa_code": "E01000001", "ward_code": "E05000001"},
    "population": {
        "area_code": "E05000001",
        "year": "2025",
        "sex": "female",
        "age_band": "25-34",
        "ethnicity": "white",
        "population": "1234",
    },
    "services": {
        "service_id": "svc-01",
        "name": "Harbour IDVA service",
        "provider": "Harbour",
        "service_type": "idva",
        "client_groups": "women;lgbt",
        "wards_served": "E05000001;E05000002",
        "latitude": "50.37",
        "longitude": "-4.14",
        "capacity_per_year": "300",
        "fte": "4.5",
        "annual_funding_gbp": "180000",
        "is_commissioned": "yes",
        "commissioner": "County council",
        "contract_ends_on": "2028-03-31",
        "is_by_and_for": "no",
    },
    "prevalence_rates": {
        "source": "CSEW YE March 2023, table 1",
        "period": "year ending March 2023",
        "sex": "female",
        "age_band": "25-34",
        "rate": "0.071",
    },
    "police_incidents": DEMOGRAPHICS
    | {
        "incident_id": "INC-1",
        "reported_at": "2026-11-20T22:14:00",
        "ward_code": "E05000001",
        "lsoa_code": "",
        "victim_id": "V1",
        "perpetrator_id": "P1",
        "relationship": "partner",
        "dash_risk": "high",
        "dash_score": "17",
        "n_children_present": "2",
        "is_child_spoken_to": "yes",
        "is_crime": "true",
        "crime_id": "CR-1",
        "is_arrest": "y",
        "is_referred_to_marac": "1",
        "is_honour_based": "false",
    },
    "crime_outcomes": {
        "crime_id": "CR-1",
        "incident_id": "INC-1",
        "victim_id": "V1",
        "ward_code": "",
        "lsoa_code": "E01000001",
        "recorded_at": "2026-01-10T09:00",
        "arrested_at": "2026-01-10T12:30",
        "cps_referred_at": "2026-02-01T10:00",
        "charge_decision": "charged",
        "charge_decision_at": "2026-02-15T16:00",
        "outcome_code": "1",
        "outcome_at": "2026-02-15T16:00",
        "court_outcome": "convicted",
        "court_outcome_at": "2026-06-30T11:00",
        "victim_issue": "none",
    },
    "marac_cases": DEMOGRAPHICS
    | {
        "case_id": "M-1",
        "victim_id": "V1",
        "heard_on": "2026-11-19",
        "referral_agency": "idva",
        "n_children_in_household": "0",
        "ward_code": "E05000001",
        "lsoa_code": "",
    },
    "service_referrals": {
        "referral_id": "R-1",
        "service_id": "svc-01",
        "person_id": "V1",
        "person_role": "victim",
        "referred_at": "2026-03-01T09:00",
        "started_at": "2026-03-03T10:00",
        "ended_at": "2026-06-01T17:00",
        "end_reason": "completed",
        "source": "marac",
        "sex": "female",
        "age_band": "35-44",
        "ethnicity": "black",
        "disability": "yes",
        "lgbt": "no",
        "ward_code": "",
        "lsoa_code": "E01000002",
    },
    "mash_contacts": {
        "contact_id": "C-1",
        "child_id": "CH1",
        "received_at": "2026-11-21T08:05",
        "source": "police",
        "is_domestic_abuse": "Y",
        "decision": "early_help",
        "decided_at": "2026-11-21T15:00",
        "child_sex": "male",
        "child_age_band": "5-10",
        "child_ethnicity": "mixed",
        "ward_code": "E05000003",
        "lsoa_code": "",
    },
    "school_notifications": {
        "notification_id": "N-1",
        "incident_id": "INC-1",
        "child_id": "CH1",
        "school_id": "URN100001",
        "notified_at": "2026-11-21 08:30",
    },
}

REQUIRED, WHOLE, REAL_DATE = "a value is required", "expected a whole number", "expected a real calendar date as YYYY-MM-DD"
TIMESTAMP = "expected a date and time as YYYY-MM-DDTHH:MM[:SS]"
ID = "expected an id of letters, digits and _.:/- (at most 64)"
BOOLEAN = "expected true/false, yes/no, 1/0 or y/n"
WARD, LSOA = "expected a code like E05000001", "expected a code like E01000001"
GEOGRAPHY = ("ward_code/lsoa_code", "needs at least one of ward_code, lsoa_code")
SOURCES = "expected one of self, police, marac, health, education, social_care, other"

CASES: list[tuple[str, str, dict[str, str], list[tuple[str, str]]]] = [
    # (extract, what the case shows, cells changed, expected problems as (column, rule))
    ("wards", "missing ward name", {"ward_name": "  "}, [("ward_name", REQUIRED)]),
    ("wards", "ward code from the LSOA series", {"ward_code": "E01000001"}, [("ward_code", WARD)]),
    (
        "lsoa_ward_lookup",
        "codes swapped",
        {"lsoa_code": "E05000001", "ward_code": "E01000001"},
        [("lsoa_code", LSOA), ("ward_code", WARD)],
    ),
    ("population", "year before 1990", {"year": "1989"}, [("year", "must be at least 1990")]),
    ("population", "negative population", {"population": "-5"}, [("population", "must be at least 0")]),
    ("population", "population with decimals", {"population": "12.0"}, [("population", WHOLE)]),
    (
        "population",
        "MSOA code",
        {"area_code": "E02000001"},
        [("area_code", "expected a code like E05000001 (ward) or E01000001 (LSOA)")],
    ),
    ("population", "sex missing (not a demographic default here)", {"sex": ""}, [("sex", REQUIRED)]),
    (
        "services",
        "unknown client group",
        {"client_groups": "women;;everyone"},
        [
            (
                "client_groups",
                "expected a semicolon list of women, men, lgbt, children, young_people, asian, black, minoritised, disabled, deaf, older_people, all",
            )
        ],
    ),
    (
        "services",
        "client groups with no item",
        {"client_groups": ";;"},
        [("client_groups", "expected a semicolon-separated list with at least one item")],
    ),
    (
        "services",
        "all mixed with ward codes",
        {"wards_served": "all;E05000001"},
        [("wards_served", "expected `all` or a semicolon list of ward codes like E05000001")],
    ),
    ("services", "latitude off the globe", {"latitude": "91"}, [("latitude", "must be at most 90")]),
    ("services", "negative fte", {"fte": "-1"}, [("fte", "must be at least 0")]),
    ("services", "commissioned flag missing", {"is_commissioned": ""}, [("is_commissioned", REQUIRED)]),
    ("services", "name too long", {"name": "x" * 201}, [("name", "expected at most 200 characters")]),
    ("prevalence_rates", "rate above 1", {"rate": "1.5"}, [("rate", "must be at most 1")]),
    ("prevalence_rates", "rate as a percentage", {"rate": "7%"}, [("rate", "expected a number")]),
    (
        "prevalence_rates",
        "child age band",
        {"age_band": "0-4"},
        [("age_band", "expected one of 16-17, 18-19, 20-24, 25-34, 35-44, 45-54, 55-64, 65-74, 75+, all")],
    ),
    ("police_incidents", "missing incident id", {"incident_id": "   "}, [("incident_id", REQUIRED)]),
    ("police_incidents", "id with a space", {"victim_id": "V 1"}, [("victim_id", ID)]),
    (
        "police_incidents",
        "DASH risk outside the set",
        {"dash_risk": "very high"},
        [("dash_risk", "expected one of standard, medium, high, not_assessed")],
    ),
    (
        "police_incidents",
        "sex abbreviated",
        {"victim_sex": "f"},
        [("victim_sex", "expected one of female, male, other, unknown")],
    ),
    (
        "police_incidents",
        "dotted capital I is not i",
        {"relationship": "FAM\u0130LY"},
        [("relationship", "expected one of partner, ex_partner, family, other")],
    ),
    ("police_incidents", "ward code from another series", {"ward_code": "E06000001"}, [("ward_code", WARD)]),
    ("police_incidents", "no geography", {"ward_code": "", "lsoa_code": " "}, [GEOGRAPHY]),
    ("police_incidents", "hour 24", {"reported_at": "2026-11-20T24:00"}, [("reported_at", TIMESTAMP)]),
    ("police_incidents", "date only where a time is needed", {"reported_at": "2026-11-20"}, [("reported_at", TIMESTAMP)]),
    (
        "police_incidents",
        "30 February",
        {"reported_at": "2026-02-30T10:00"},
        [("reported_at", "expected a real calendar date and time")],
    ),
    ("police_incidents", "reported in the future", {"reported_at": "2026-11-25T22:00:01"}, [("reported_at", "is in the future")]),
    (
        "police_incidents",
        "reported before the earliest date",
        {"reported_at": "2019-12-31T23:59"},
        [("reported_at", "is before 2020-01-01")],
    ),
    (
        "police_incidents",
        "crime without a crime id",
        {"crime_id": ""},
        [("crime_id", "crime_id is required when is_crime is true")],
    ),
    (
        "police_incidents",
        "child spoken to but no children",
        {"n_children_present": "0"},
        [("is_child_spoken_to", "is_child_spoken_to is true but n_children_present is 0")],
    ),
    ("police_incidents", "negative count", {"n_children_present": "-1"}, [("n_children_present", "must be at least 0")]),
    ("police_incidents", "DASH score 25", {"dash_score": "25"}, [("dash_score", "must be at most 24")]),
    ("police_incidents", "DASH score 1.0", {"dash_score": "1.0"}, [("dash_score", WHOLE)]),
    ("police_incidents", "boolean outside the words", {"is_arrest": "maybe"}, [("is_arrest", BOOLEAN)]),
    (
        "police_incidents",
        "two problems, in column order",
        {"is_crime": "", "victim_id": ""},
        [("victim_id", REQUIRED), ("is_crime", REQUIRED)],
    ),
    ("crime_outcomes", "missing victim", {"victim_id": ""}, [("victim_id", REQUIRED)]),
    (
        "crime_outcomes",
        "arrest before the crime was recorded",
        {"arrested_at": "2026-01-09T12:00"},
        [("arrested_at", "arrested_at is before recorded_at")],
    ),
    (
        "crime_outcomes",
        "charge decision before CPS referral",
        {"charge_decision_at": "2026-01-31T10:00"},
        [("charge_decision_at", "charge_decision_at is before cps_referred_at")],
    ),
    (
        "crime_outcomes",
        "court outcome before charge, steps between blank",
        {"arrested_at": "", "cps_referred_at": "", "court_outcome_at": "2026-02-15T15:59"},
        [("court_outcome_at", "court_outcome_at is before charge_decision_at")],
    ),
    (
        "crime_outcomes",
        "outcome before the crime was recorded",
        {"outcome_at": "2026-01-01T00:00"},
        [("outcome_at", "outcome_at is before recorded_at")],
    ),
    ("crime_outcomes", "outcome code 23", {"outcome_code": "23"}, [("outcome_code", "must be at most 22")]),
    ("crime_outcomes", "outcome code 0", {"outcome_code": "0"}, [("outcome_code", "must be at least 1")]),
    (
        "crime_outcomes",
        "charge decision abbreviated",
        {"charge_decision": "nfa"},
        [("charge_decision", "expected one of charged, no_further_action, out_of_court, pending")],
    ),
    ("marac_cases", "31 February", {"heard_on": "2026-02-31"}, [("heard_on", REAL_DATE)]),
    ("marac_cases", "13th month", {"heard_on": "2026-13-01"}, [("heard_on", REAL_DATE)]),
    ("marac_cases", "a time on a date column", {"heard_on": "2026-11-19T10:00"}, [("heard_on", "expected a date as YYYY-MM-DD")]),
    ("marac_cases", "heard tomorrow", {"heard_on": "2026-11-26"}, [("heard_on", "is in the future")]),
    ("marac_cases", "heard before the earliest date", {"heard_on": "2019-06-01"}, [("heard_on", "is before 2020-01-01")]),
    (
        "marac_cases",
        "unknown referral agency",
        {"referral_agency": "gp"},
        [
            (
                "referral_agency",
                "expected one of police, idva, health, childrens_social_care, adult_social_care, housing, probation, education, voluntary, other",
            )
        ],
    ),
    ("marac_cases", "children count missing", {"n_children_in_household": ""}, [("n_children_in_household", REQUIRED)]),
    ("service_referrals", "missing service", {"service_id": ""}, [("service_id", REQUIRED)]),
    (
        "service_referrals",
        "person role outside the set",
        {"person_role": "mother"},
        [("person_role", "expected one of victim, child, perpetrator")],
    ),
    (
        "service_referrals",
        "started before referred",
        {"started_at": "2026-02-28T09:00"},
        [("started_at", "started_at is before referred_at")],
    ),
    (
        "service_referrals",
        "ended before referred, never started",
        {"started_at": "", "ended_at": "2026-02-01T09:00"},
        [("ended_at", "ended_at is before referred_at")],
    ),
    ("mash_contacts", "domestic abuse flag missing", {"is_domestic_abuse": ""}, [("is_domestic_abuse", REQUIRED)]),
    ("mash_contacts", "source outside the set", {"source": "school"}, [("source", SOURCES)]),
    (
        "mash_contacts",
        "decided before received",
        {"decided_at": "2026-11-21T08:04"},
        [("decided_at", "decided_at is before received_at")],
    ),
    ("mash_contacts", "lsoa code in the ward column", {"ward_code": "E01000001"}, [("ward_code", WARD)]),
    ("school_notifications", "second 60", {"notified_at": "2026-11-21 08:30:60"}, [("notified_at", TIMESTAMP)]),
    ("school_notifications", "time zone suffix", {"notified_at": "2026-11-21T08:30Z"}, [("notified_at", TIMESTAMP)]),
    ("school_notifications", "missing school", {"school_id": ""}, [("school_id", REQUIRED)]),
]


def checked(
    model: type[Extract],
    rows: list[dict[str, str | None]],
    keep_raw: set[str] | None = None,
) -> list[dict[str, Any]]:
    """The rows after `check_rows`: typed columns, raw text and `_problems`."""
    con = duckdb.connect()
    names = [spec.name for spec in model.columns()]
    source = {"_line": pa.array(range(1, len(rows) + 1), pa.int64())}
    source |= {name: pa.array([row.get(name) for row in rows], pa.string()) for name in names}
    con.register("source_rows", pa.table(source))
    check_rows(con, model, "source_rows", "checked_rows", as_of=AS_OF, earliest=EARLIEST, keep_raw=keep_raw)
    cursor = con.execute("select * from checked_rows order by _line")
    columns = [description[0] for description in cursor.description]
    return [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]


def check_one(model: type[Extract], row: dict[str, str | None]) -> dict[str, Any]:
    return checked(model, [row])[0]


def test_raw_text_is_kept_only_where_asked_and_problems_still_carry_it() -> None:
    model = BY_NAME["police_incidents"]
    row = VALID_ROWS["police_incidents"] | {"dash_score": " seventeen "}
    kept = checked(model, [row], keep_raw={"incident_id"})[0]
    assert [name for name in kept if name.startswith("_raw_")] == ["_raw_incident_id"]
    assert kept["_raw_incident_id"] == "INC-1"
    assert [(p["column"], p["value"]) for p in kept["_problems"]] == [("dash_score", " seventeen ")]
    assert len([name for name in check_one(model, row) if name.startswith("_raw_")]) == len(model.columns())


@pytest.mark.parametrize("extract", list(VALID_ROWS))
def test_valid_row_passes_both_checks(extract: str) -> None:
    model = BY_NAME[extract]
    assert check_one(model, VALID_ROWS[extract])["_problems"] == []
    model.model_validate(VALID_ROWS[extract], context=CONTEXT)


def test_every_model_has_a_valid_row() -> None:
    assert set(VALID_ROWS) == set(BY_NAME)


@pytest.mark.parametrize(("extract", "changes", "expected"), [pytest.param(e, c, x, id=f"{e}: {why}") for e, why, c, x in CASES])
def test_invalid_row_reports_its_problems(extract: str, changes: dict[str, str], expected: list[tuple[str, str]]) -> None:
    model = BY_NAME[extract]
    row = VALID_ROWS[extract] | changes
    problems = check_one(model, row)["_problems"]
    assert [(problem["column"], problem["rule"]) for problem in problems] == expected
    for problem in problems:  # the raw cell travels with the problem, for the rejects report
        assert problem["value"] == row.get(problem["column"])
    with pytest.raises(ValidationError) as refused:
        model.model_validate(row, context=CONTEXT)
    for column, _ in expected:
        assert column in str(refused.value)


@pytest.mark.parametrize(
    ("extract", "column"),
    [("police_incidents", c) for c in DEMOGRAPHICS]
    + [
        ("service_referrals", "ethnicity"),
        ("service_referrals", "lgbt"),
        ("mash_contacts", "child_age_band"),
    ],
)
@pytest.mark.parametrize("blank", ["", "  ", None])
def test_missing_demographic_becomes_unknown(extract: str, column: str, blank: str | None) -> None:
    model = BY_NAME[extract]
    row = VALID_ROWS[extract] | {column: blank}
    result = check_one(model, row)
    assert result["_problems"] == []
    assert result[column] == "unknown"
    assert model.model_validate(row, context=CONTEXT).model_dump()[column] == "unknown"


BOOLEAN_WORDS = {
    "true": True,
    "TRUE": True,
    "True": True,
    "yes": True,
    "Yes": True,
    "YES": True,
    "y": True,
    "Y": True,
    "1": True,
    "false": False,
    "FALSE": False,
    "no": False,
    "No": False,
    "n": False,
    "N": False,
    "0": False,
    " yes ": True,
    "\tn": False,
}
NOT_BOOLEANS = ["t", "f", "on", "off", "2", "-1", "01", "1.0", "yes please", "truee", "nope", "ja"]


def test_booleans_accept_exactly_the_listed_words_in_any_case() -> None:
    model = BY_NAME["mash_contacts"]
    words = list(BOOLEAN_WORDS) + NOT_BOOLEANS
    rows = [VALID_ROWS["mash_contacts"] | {"is_domestic_abuse": word} for word in words]
    for word, row, result in zip(words, rows, checked(model, rows), strict=True):
        if word in BOOLEAN_WORDS:
            assert result["_problems"] == [], word
            assert result["is_domestic_abuse"] is BOOLEAN_WORDS[word]
            assert model.model_validate(row, context=CONTEXT).is_domestic_abuse is BOOLEAN_WORDS[word]
        else:
            assert [(p["column"], p["rule"]) for p in result["_problems"]] == [("is_domestic_abuse", BOOLEAN)], word
            with pytest.raises(ValidationError):
                model.model_validate(row, context=CONTEXT)


TYPED_CASES = [
    ("police_incidents", {"ward_code": " e05000001\xa0", "dash_risk": " High"}, {"ward_code": "E05000001", "dash_risk": "high"}),
    (
        "police_incidents",
        {"reported_at": "2026-11-20 22:14", "dash_score": " +007 "},
        {"reported_at": datetime(2026, 11, 20, 22, 14), "dash_score": 7},
    ),
    ("police_incidents", {"reported_at": "2026-11-20T22:14:05.25"}, {"reported_at": datetime(2026, 11, 20, 22, 14, 5, 250000)}),
    (
        "police_incidents",
        {"is_crime": "no", "crime_id": "", "dash_score": ""},
        {"is_crime": False, "crime_id": None, "dash_score": None},
    ),
    (
        "police_incidents",
        {"n_children_present": "0", "is_child_spoken_to": "no"},
        {"n_children_present": 0, "is_child_spoken_to": False},
    ),
    ("marac_cases", {"heard_on": "2026-11-19T00:00:00"}, {"heard_on": date(2026, 11, 19)}),
    ("marac_cases", {"referral_agency": "\tIDVA\xa0"}, {"referral_agency": "idva"}),
    ("population", {"ethnicity": ""}, {"ethnicity": "all"}),
    ("population", {"year": "2025", "population": "0"}, {"year": 2025, "population": 0}),
    (
        "services",
        {"client_groups": " Women ; LGBT;;", "wards_served": " All "},
        {"client_groups": ["women", "lgbt"], "wards_served": ["all"]},
    ),
    (
        "services",
        {"wards_served": "e05000001; E05000002;", "latitude": "50.", "fte": ".5"},
        {"wards_served": ["E05000001", "E05000002"], "latitude": 50.0, "fte": 0.5},
    ),
    ("services", {"contract_ends_on": "2031-03-31"}, {"contract_ends_on": date(2031, 3, 31)}),
    ("prevalence_rates", {"rate": "1", "age_band": "ALL"}, {"rate": 1.0, "age_band": "all"}),
    (
        "crime_outcomes",
        {"outcome_code": "22", "outcome_at": "2026-01-10T09:00"},
        {"outcome_code": 22, "outcome_at": datetime(2026, 1, 10, 9, 0)},
    ),
]


@pytest.mark.parametrize(("extract", "changes", "typed"), TYPED_CASES)
def test_accepted_cells_are_typed_alike(extract: str, changes: dict[str, str], typed: dict[str, Any]) -> None:
    model = BY_NAME[extract]
    row = VALID_ROWS[extract] | changes
    result = check_one(model, row)
    assert result["_problems"] == []
    dumped = model.model_validate(row, context=CONTEXT).model_dump()
    for column, value in typed.items():
        assert result[column] == value and type(result[column]) is type(value), column
        assert dumped[column] == value and type(dumped[column]) is type(value), column


def test_every_count_and_number_has_plausibility_bounds_declared_once_in_the_model() -> None:
    from pathlib import Path

    from etl.contract import ALL_MODELS
    from etl.contract.columns import KindName

    unbounded = [
        f"{model.extract_name}.{spec.name}"
        for model in ALL_MODELS
        for spec in model.columns()
        if spec.kind.name in (KindName.integer, KindName.number) and (spec.ge is None or spec.le is None)
    ]
    assert unbounded == []
    contracts = (Path(__file__).resolve().parents[2] / "docs" / "contracts.md").read_text(encoding="utf-8")
    assert "| `n_children_present` | yes | whole number | digits, optionally signed; from 0 to 20 |" in contracts
