"""The direct-identifier guard: headers and values that identify a person, and the ones that do not."""

from __future__ import annotations

import re
from datetime import datetime

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import etl.pii.scan as scan_module
from etl.contract import ALL_MODELS
from etl.pii.scan import (
    HEADER_FINDING,
    PiiScanError,
    find_direct_identifiers,
    find_identifier_columns,
    scan_values,
)
from tests.examples import examples

IDENTIFIER_HEADERS = [
    "name",
    "first_name",
    "Surname",
    "full_name",
    "Forename",
    "victim_name",
    "perpetrator_name",
    "caseworker_name",
    "DOB",
    "date_of_birth",
    "Date of Birth",
    "birth_date",
    "address",
    "Address Line 1",
    "address1",
    "street",
    "home_address",
    "postcode",
    "post_code",
    "Victim Postcode",
    "pcds",
    "nhs_number",
    "NHS No",
    "nhsno",
    "email",
    "E-mail",
    "email_address",
    "phone",
    "telephone",
    "mobile",
    "Mobile Number",
    "tel_no",
    "contact_number",
    "ni_number",
    "NI No.",
    "national_insurance_number",
    "nino",
]
ORDINARY_HEADERS = [
    "ward_name",
    "service name",
    "school_name",
    "school_id",
    "victim_id",
    "ward_code",
    "lsoa_code",
    "WD22NM",
    "LSOA11NM",
    "postcode_district",
    "phone_contact",
    "is_email_sent",
    "has_address",
    "notes",
    "reported_at",
    "provider",
    "n_children_present",
    "geography_name",
    "commissioner",
    "name_known",
    "contact_id",
    "source",
]

NHS_VALID = ["943 476 5919", "9434765919", "943-476-5919", "9434765919.0", "401 023 2137"]
NHS_INVALID = ["943 476 5918", "9434765910", "1234567890", "0.9434765919", "9434765919.5", "94347659190", "INC-9434765919"]

ONE_OF_EACH = {
    "nhs_number": ("943 476 5919", "NHS no 943 476 5919 recorded at triage"),
    "postcode": ("BD7 1AA", "victim lives at BD7 1AA with two children"),
    "email": ("jo.bloggs@example.org", "contact via jo.bloggs@example.org please"),
    "phone": ("07700 900123", "called her on 07700 900123 twice"),
    "ni_number": ("AB 12 34 56 C", "NI AB123456C on file"),
}
MORE_OF_EACH = {
    "postcode": ["SW1A 1AA", "BD100AA", "bd7 1aa", "B1  1AA", "M1 1AE"],
    "email": ["a@b.co", "first.last+tag@nhs.net"],
    "phone": [
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)113 496 0000",
        "(0113) 496 0000",
        "020 7946 0958",
        "01274 123456",
        "0113 496 0000",
    ],
    "ni_number": ["ab123456c", "JH-12-34-56-A"],
}
CLEAN_VALUES = [
    "E05001341",
    "E01000001",
    "W05000980",
    "2026-11-25T22:14:00",
    "2026-11-25 22:14:00.123456",
    "2026-11-25",
    "INC-000123",
    "CR/2026/000123",
    "12.345",
    "-0.5",
    "553044",
    "BD7",
    "BD 7",
    "BD1",
    "Bradford 016A",
    "QQ 12 34 56 C",
    "GB123456A",
    "b2 3rd floor",
    "junction of the m62 1st exit",
    "01-02-2026 12:34",
    "01/02/2026",
    "dash score 14 of 24",
    "9434765918",
    "1234567890",
    "high",
    "unknown",
    "E05001341;E05001342",
    "",
]


def python_nhs_check_holds(digits: str) -> bool:
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    return (11 - total % 11) % 11 == int(digits[9])


def quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def staged(con: duckdb.DuckDBPyConnection, table: str = "staged", **columns: list[str | None]) -> str:
    """An all-VARCHAR table like the refresh stages, with file line numbers (the header is line 1)."""
    names = list(columns)
    rows = list(zip(*columns.values(), strict=True))
    definitions = ", ".join(f"{quoted(name)} VARCHAR" for name in names)
    con.execute(f"CREATE OR REPLACE TABLE {quoted(table)} (_line BIGINT, {definitions})")
    placeholders = ", ".join("?" for _ in range(len(names) + 1))
    con.executemany(f"INSERT INTO {quoted(table)} VALUES ({placeholders})", [(line, *row) for line, row in enumerate(rows, 2)])
    return table


def kinds_found(values: list[str | None]) -> set[str]:
    con = duckdb.connect()
    return {finding.kind for finding in scan_values(con, staged(con, notes=values), ["notes"])}


@pytest.mark.parametrize("header", IDENTIFIER_HEADERS)
def test_identifier_headers_are_found(header):
    (finding,) = find_identifier_columns([header])
    assert finding.column == header and finding.kind == HEADER_FINDING
    assert finding.message.startswith(f"column {header}: ") and "forbids" in finding.message


@pytest.mark.parametrize("header", ORDINARY_HEADERS)
def test_ordinary_headers_are_not_identifiers(header):
    assert find_identifier_columns([header]) == []


def test_declared_contract_columns_are_allowed():
    for model in ALL_MODELS:
        declared = list(model.model_fields)
        assert find_identifier_columns(declared, allowed_columns=declared) == []
    # Only the service register's organisation name needs the allowance.
    flagged = {(model.extract_name, f.column) for model in ALL_MODELS for f in find_identifier_columns(list(model.model_fields))}
    assert flagged == {("services", "name")}
    assert [f.column for f in find_identifier_columns(["Name ", "victim_name"], allowed_columns=["name"])] == ["victim_name"]


@pytest.mark.parametrize("value", NHS_VALID)
def test_valid_nhs_numbers_are_found(value):
    assert kinds_found([value]) == {"nhs_number"}


@pytest.mark.parametrize("value", NHS_INVALID)
def test_numbers_failing_the_nhs_check_or_inside_other_numbers_are_not(value):
    assert kinds_found([value]) == set()


@given(st.from_regex(r"[0-9]{10}", fullmatch=True))
@settings(max_examples=examples(60), deadline=None)
def test_nhs_check_digit_in_sql_agrees_with_python(digits):
    phone_shaped = digits.startswith("0")  # 01, 02, 03, 07, 08: any ten digits after a trunk 0 can be dialled
    found = kinds_found([digits]) - ({"phone"} if phone_shaped else set())
    assert found == ({"nhs_number"} if python_nhs_check_holds(digits) else set())


@pytest.mark.parametrize("kind", list(ONE_OF_EACH))
@pytest.mark.parametrize("where", ["alone", "in free text"])
def test_each_kind_is_found_alone_and_hidden_in_free_text(kind, where):
    alone, in_text = ONE_OF_EACH[kind]
    assert kinds_found([alone if where == "alone" else in_text]) == {kind}


@pytest.mark.parametrize(("kind", "value"), [(kind, value) for kind, values in MORE_OF_EACH.items() for value in values])
def test_other_common_formats_are_found(kind, value):
    assert kinds_found([value]) == {kind}


@pytest.mark.parametrize("value", CLEAN_VALUES)
def test_ordinary_values_stay_clean(value):
    assert kinds_found([value]) == set()


def test_first_line_count_and_column_are_reported():
    con = duckdb.connect()
    notes = ["nothing here", None, "at BD7 1AA", "fine", "moved to LS1 4AP", "ok", "BD3 9QQ"]
    ids = ["INC-1", "INC-2", "INC-3", "INC-4", "INC-5", "INC-6", "INC-7"]
    (finding,) = scan_values(con, staged(con, incident_id=ids, notes=notes), ["incident_id", "notes"])
    assert (finding.column, finding.kind, finding.first_line, finding.count) == ("notes", "postcode", 4, 3)
    assert finding.message == "column notes, line 4: looks like a full postcode (3 values)"


def test_messages_never_contain_the_value():
    con = duckdb.connect()
    values = [alone for alone, _ in ONE_OF_EACH.values()] + [text for _, text in ONE_OF_EACH.values()]
    findings = scan_values(con, staged(con, notes=values), ["notes"])
    assert {finding.kind for finding in findings} == set(ONE_OF_EACH)
    for finding in findings:
        for value in values:
            assert value not in finding.message
            for fragment in re.findall(r"[0-9A-Za-z@.+]{4,}", value):
                if re.search(r"[0-9@]", fragment):
                    assert fragment not in finding.message


def test_skipped_columns_line_column_and_nulls():
    con = duckdb.connect()
    table = staged(con, notes=["BD7 1AA", None], other=[None, None])
    assert scan_values(con, table, ["notes", "other", "_line"], skip_columns=["notes"]) == []
    assert scan_values(con, table, []) == []


def test_awkward_identifiers_are_quoted():
    con = duckdb.connect()
    table = staged(con, 'my "odd" table', **{'free text; "notes"': ["ring 07700 900123"]})
    (finding,) = scan_values(con, table, ['free text; "notes"'])
    assert finding.kind == "phone" and finding.column == 'free text; "notes"'


def test_missing_table_or_column_is_a_named_error():
    con = duckdb.connect()
    table = staged(con, notes=["x"])
    with pytest.raises(PiiScanError, match="no column absent"):
        scan_values(con, table, ["absent"])
    with pytest.raises(PiiScanError, match="does not exist"):
        scan_values(con, "nowhere", ["notes"])
    con.execute("CREATE TABLE no_lines (notes VARCHAR)")
    with pytest.raises(PiiScanError, match="_line"):
        scan_values(con, "no_lines", ["notes"])


def test_find_direct_identifiers_checks_headers_then_values():
    con = duckdb.connect()
    table = staged(con, name=["Bradford IDVA"], victim_dob=["1990-01-01"], notes=["email me at x@y.org"])
    findings = find_direct_identifiers(con, table, allowed_columns=["name"])
    assert [(f.column, f.kind) for f in findings] == [("victim_dob", HEADER_FINDING), ("notes", "email")]


ONS_CODES = st.from_regex(r"[EW]0[0-9][0-9]{6}", fullmatch=True)
IDS = st.from_regex(r"[A-Z]{2,4}-[0-9]{1,8}", fullmatch=True)
TIMESTAMPS = st.builds(
    lambda moment, spec, sep: moment.isoformat(sep=sep, timespec=spec),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["minutes", "seconds", "milliseconds", "microseconds"]),
    st.sampled_from(["T", " "]),
)
# Nine integer digits at most: a ten-digit integer printed with ".0" is how a spreadsheet shows an NHS number.
DECIMALS = st.builds(
    lambda number, places: f"{number:.{places}f}",
    st.floats(min_value=-1e8, max_value=1e8, allow_nan=False),
    st.integers(min_value=1, max_value=6),
)
FAILING_TEN_DIGIT_IDS = st.from_regex(r"[1-9][0-9]{9}", fullmatch=True).filter(lambda ds: not python_nhs_check_holds(ds))
ORDINARY = st.one_of(ONS_CODES, IDS, TIMESTAMPS, DECIMALS, FAILING_TEN_DIGIT_IDS, TIMESTAMPS.map(lambda t: t[:10]))


@given(st.lists(ORDINARY, min_size=1, max_size=8))
@settings(max_examples=examples(150), deadline=None)
def test_codes_ids_timestamps_and_numbers_never_trigger(values):
    assert kinds_found([*values, " ".join(values), "; ".join(values)]) == set()


# Headers and values a careless or hostile agency sent, each of which once loaded.
MISSED_HEADERS = {
    "birth": "a date of birth",
    "VictimName": "a person's name",
    "name_of_victim": "a person's name",
    "Prénom": "a person's name",
    "Nachname": "a person's name",
    "Geburtsdatum": "a date of birth",
    "Nazwisko": "a person's name",
    "phone1": "a phone number",
    "Date of birth (dd/mm/yyyy)": "a date of birth",
    "Mobile Number (UK)": "a phone number",
    "Name (victim)": "a person's name",
    "NHS": "an NHS number",
    "dob_victim": "a date of birth",
    "postcode_2": "a postcode",
    "initials": "a person's name",
    "n_address": "an address",
    "E-Mail-Adresse": "an e-mail address",
    "Téléphone": "a phone number",
    "Straße": "an address",
    "Code postal": "a postcode",
    "PESEL": "a national identity number",
    "victim\u200b_name": "a person's name",
    "ＤＯＢ": "a date of birth",
}
MISSED_VALUES = {
    "BD7-1AA": "postcode",
    "BD7   1AA": "postcode",
    "BD7\u00a01AA": "postcode",
    "943.476.5919": "nhs_number",
    "NHS9434765919": "nhs_number",
    "9434 765 919": "nhs_number",
    "+44-7700-900123": "phone",
    "07700.900.123": "phone",
    "+48 512 345 678": "phone",
    "0300 123 4567": "phone",
    "jo@exämple.org": "email",
    "jo＠example.org": "email",
    "DOB 12/03/1985": "date_of_birth",
    "AB.12.34.56.C": "ni_number",
    "12 High Street": "address",
    "born 3 March 1985": "date_of_birth",
    "Hauptstraße 12": "address",
    "９４３ ４７６ ５９１９": "nhs_number",
}
STILL_CLEAN = [
    "Bradford Road IDVA service",
    "a 2nd visit",
    "3 children",
    "High risk",
    "Court 2",
    "Main Street team",
    "2025-04-02 22:14:00",
    "rated 0.75 of 1.00",
    "0.5 1000000.25",
    "E05990001 E05990002",
]


@pytest.mark.parametrize(("header", "what"), list(MISSED_HEADERS.items()))
def test_headers_in_any_spelling_and_language_are_found(header, what):
    (finding,) = find_identifier_columns([header])
    assert what in finding.message


@pytest.mark.parametrize(("value", "kind"), list(MISSED_VALUES.items()))
def test_values_are_found_after_normalising_and_stripping_separators(value, kind):
    assert kinds_found([value]) == {kind}
    assert kinds_found([f"note: {value} (checked)"]) >= {kind}


@pytest.mark.parametrize("value", STILL_CLEAN)
def test_ordinary_text_with_numbers_and_street_words_stays_clean(value):
    assert kinds_found([value]) == set()


def test_a_header_holding_an_identifier_is_not_repeated_in_the_message():
    (finding,) = find_identifier_columns(["jo.bloggs@example.org phone"])
    assert "jo.bloggs" not in finding.message and "withheld" in finding.message


SCAN_VALUES = [
    "E05000001",
    "E05000001",
    "E05000001",
    "yes",
    "yes",
    "2026-01-31T09:30:00",
    "2026-01-31 09:30",
    "2026-01-31",
    "2026-01-31T09:30:00 call 07700 900123",
    "2026-01-31T09:30:00.123456",
    "BD7 1AA",
    "BD7 1AA",
    None,
    "dob 1990-01-01",
    "x@y.org",
]


@pytest.mark.parametrize("share", [0.0, 2.0], ids=["every column filtered first", "every column grouped first"])
def test_grouping_or_filtering_first_finds_the_same(monkeypatch, share):
    """Whether a column's values are grouped or filtered before the patterns changes the cost, not the findings."""
    con = duckdb.connect()
    table = staged(con, notes=SCAN_VALUES, other=list(reversed(SCAN_VALUES)))
    monkeypatch.setattr(scan_module, "REPEATING_SHARE", share)
    findings = {(f.column, f.kind, f.first_line, f.count) for f in scan_values(con, table, ["notes", "other"])}
    assert ("notes", "postcode", 12, 2) in findings and ("other", "postcode", 5, 2) in findings
    assert {("notes", "phone", 10, 1), ("notes", "email", 16, 1), ("notes", "date_of_birth", 15, 1)} <= findings
    assert {kind for column, kind, _, _ in findings if column == "notes"} == {"postcode", "phone", "email", "date_of_birth"}


ISO_PARTS = st.tuples(
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.sampled_from(["", "T", " "]),
    st.from_regex(r"[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?", fullmatch=True),
    st.sampled_from(["", " ", "Z", "+01:00", " 07700 900123", "x", "-", "1", "@a.bc"]),
)


@given(ISO_PARTS)
@settings(max_examples=examples(200), deadline=None)
def test_a_whole_iso_moment_is_passed_over_as_its_rewrite_would_be(parts):
    """The suspect test skips rewriting a value that is one ISO date or time stamp; its verdict is the rewrite's."""
    day, separator, time_of_day, tail = parts
    text = day + (separator + time_of_day if separator else "") + tail
    con = duckdb.connect()
    rewritten = (
        "regexp_matches(case when contains(_text, '-') then regexp_replace(_text, $iso_moment, ' ', 'g') "
        "else _text end, $any_suspect)"
    )
    row = con.execute(
        f"select {scan_module._suspect_sql()}, {rewritten} from (select $text as _text)",
        {**scan_module._SQL_PARAMETERS, "text": text},
    ).fetchone()
    assert row is not None and row[0] == row[1]
