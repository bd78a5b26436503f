"""The direct-identifier guard: a file naming or holding a person's identifiers is refused whole.

The contract forbids names, dates of birth, addresses, full postcodes, NHS numbers, phone
numbers, e-mail addresses and National Insurance numbers. Headers are checked by name; values
are checked in one set-based SQL pass over the staged all-VARCHAR table, so even identifiers
typed into free text are found. Findings never repeat the offending value: the point of the
guard is that the value goes no further.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb

LINE_COLUMN = "_line"
HEADER_FINDING = "identifier_column"

# A number glued to letters or to an id's punctuation (INC-0123..., case_0123..., 1.0123...) is
# part of that id or decimal, not a free-standing identifier.
_FREE_START = r"(?:^|[^0-9A-Za-z.+/_\-])"
_FREE_END = r"(?:$|[^0-9A-Za-z])"

# NHS number: 10 digits, optionally spaced 3-3-4; an Excel-style ".0" tail is still the number.
# The candidate keeps one trailing character when it is a digit, letter or decimal part, so that
# longer numbers and decimals can be told apart from the number itself afterwards.
NHS_CANDIDATE = _FREE_START + r"([0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}(?:\.[0-9]+|[0-9A-Za-z_])?)"
NHS_PREFILTER = r"[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}"

# Full UK postcode (outward and inward code). A district alone (BD7) is not a full postcode.
_OUTWARD = r"[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRV-Y])"
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
# Lower-case text is matched too, but then ordinals ("b2 3rd", "m62 1st") are not inward codes.
_INWARD_NOT_ORDINAL = (
    r"[0-9](?:[ABD-HJLPQUW-Z][ABD-HJLNP-UW-Z]|[NR][ABE-HJLNP-UW-Z]|S[ABD-HJLNP-SUW-Z]|T[ABD-GJLNP-UW-Z])"
)
POSTCODE = rf"\b(?:{_OUTWARD} {{0,2}}{_INWARD}|GIR ?0AA|(?i:{_OUTWARD} {{0,2}}{_INWARD_NOT_ORDINAL}))\b"

EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"

# UK mobile (07) and landline (01, 02) numbers, national or +44, in the usual groupings. A
# separator must follow a group of area digits, so dd-mm-yyyy dates never look like numbers.
_PHONE_TAIL = r"(?:[0-9]{8,9}|[0-9]{2,4}\)?[ -][0-9]{4,6}|[0-9]{1,3}\)?[ -][0-9]{3,4}[ -][0-9]{3,4})"
PHONE = _FREE_START + r"(?:\+44 ?(?:\(0\) ?)?|0044 ?|\(?0)[127]" + _PHONE_TAIL + _FREE_END


def _ni_prefixes() -> str:
    """HMRC never issues D, F, I, Q, U, V first, D, F, I, O, Q, U, V second, or BG GB KN NK NT TN ZZ."""
    firsts = [c for c in string.ascii_uppercase if c not in "DFIQUV"]
    seconds = [c for c in string.ascii_uppercase if c not in "DFIOQUV"]
    unused = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
    return "|".join(first + "[" + "".join(s for s in seconds if first + s not in unused) + "]" for first in firsts)


NI_NUMBER = rf"(?i)\b(?:{_ni_prefixes()})[ -]?[0-9]{{2}}[ -]?[0-9]{{2}}[ -]?[0-9]{{2}}[ -]?[A-D]\b"

VALUE_KINDS: dict[str, str] = {
    "nhs_number": "an NHS number",
    "postcode": "a full postcode",
    "email": "an e-mail address",
    "phone": "a phone number",
    "ni_number": "a National Insurance number",
}
_PATTERNS = {"postcode": POSTCODE, "email": EMAIL, "phone": PHONE, "ni_number": NI_NUMBER}
# Any identifier at all: one pass of this over every value picks out the few rows worth the
# kind-by-kind checks. Each kind's pattern (or, for NHS numbers, its prefilter) is one of the
# alternatives, so no value any check would flag is passed over.
ANY_IDENTIFIER = "|".join(
    f"(?:{pattern})" for pattern in (NHS_PREFILTER, POSTCODE, EMAIL, PHONE, "(?i:" + NI_NUMBER.removeprefix("(?i)") + ")"))
_PARAMETERS = {
    "any_identifier": ANY_IDENTIFIER,
    "nhs_candidate": NHS_CANDIDATE,
    "nhs_prefilter": NHS_PREFILTER,
    "postcode": POSTCODE,
    "email": EMAIL,
    "phone": PHONE,
    "ni_number": NI_NUMBER,
}

# Header names, normalised (lower case, non-alphanumerics as "_"). The identifier must end the
# name: "victim_postcode" is an identifier, "postcode_district" and "phone_contact" are not.
_END = r"(?:_?(?:number|no|num)s?)?$"
HEADER_RULES: tuple[tuple[str, str], ...] = (
    ("an e-mail address", r"(?:^|_)e_?mails?(?:_?address(?:es)?)?$"),
    ("an NHS number", r"(?:^|_)nhs_?(?:number|no|num|id)s?$"),
    ("a National Insurance number", r"(?:^|_)(?:ni|nino|nat_?ins|national_?insurance)" + _END),
    ("a phone number", r"(?:^|_)(?:(?:tel|telephone|phone|mobile|landline|fax)" + _END
                       + r"|contact_?(?:number|no|num)s?$)"),
    ("a postcode", r"(?:^|_)(?:post_?code|postal_?code|zip_?code|pcds?[0-9]?)(?:_?full)?$"),
    ("a date of birth", r"(?:^|_)(?:dob|d_o_b|date_?of_?birth|birth_?date|birth_?day)$"),
    ("an address", r"(?:^|_)(?:address(?:es)?|addr|street(?:_?name)?|house_?(?:number|no|name))"
                   r"(?:_?line)?(?:_?[0-9]+)?$"),
    ("a person's name", r"(?:^|_)(?:names?|forenames?|surnames?|first_?name|last_?name|full_?name|given_?name|"
                        r"family_?name|middle_?name|maiden_?name|nick_?name)$"),
)
# "<thing>_name" is an organisation's or a place's name, not a person's, when <thing> is one of these.
NON_PERSON_NAMES = frozenset(
    "ward lsoa msoa lad la area geography district borough authority region county locality service "
    "school organisation organization org provider agency team unit department commissioner court "
    "station force hospital practice programme program project trust file extract column field table "
    "dataset source indicator measure metric category type group offence crime outcome site location "
    "place building venue setting partnership board scheme course intervention".split()
)
# Flags and counts about an identifier ("is_email_sent", "has_address", "n_phone") are not one.
_FLAG_PREFIX = re.compile(r"^(?:is|has|n)_")


class PiiScanError(ValueError):
    """The table cannot be scanned as asked (a column or the line-number column is missing)."""


@dataclass(frozen=True)
class PiiFinding:
    """A direct identifier found by header name or by value; the message never repeats a value."""

    column: str
    kind: str
    first_line: int | None
    count: int | None
    message: str


def normalise_column_name(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def find_identifier_columns(column_names: Iterable[str], *, allowed_columns: Iterable[str] = ()) -> list[PiiFinding]:
    """Headers whose name says they hold a direct identifier. Declared contract columns are allowed."""
    allowed = {normalise_column_name(name) for name in allowed_columns}
    findings = []
    for column in column_names:
        what = _header_identifier(normalise_column_name(column), allowed)
        if what:
            message = f"column {column}: the name says it holds {what}, which the contract forbids"
            findings.append(PiiFinding(column, HEADER_FINDING, None, None, message))
    return findings


def scan_values(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    *,
    skip_columns: Iterable[str] = (),
) -> list[PiiFinding]:
    """Per column and kind, the first line and number of values holding a direct identifier."""
    skipped = set(skip_columns)
    scanned = [column for column in columns if column not in skipped and column != LINE_COLUMN]
    _require_columns(con, table, [*scanned, LINE_COLUMN])
    if not scanned:
        return []
    checks = [(column, kind) for column in scanned for kind in VALUE_KINDS]
    flags = ", ".join(
        f"{_value_check(_quote(column), kind)} AS f{index}" for index, (column, kind) in enumerate(checks)
    )
    summaries = ", ".join(
        f"count(*) FILTER (WHERE f{index}), min(line) FILTER (WHERE f{index})" for index in range(len(checks))
    )
    suspect = " OR ".join(f"regexp_matches(CAST({_quote(column)} AS VARCHAR), $any_identifier)" for column in scanned)
    sql = (
        f"WITH suspects AS (SELECT * FROM {_quote(table)} WHERE {suspect}), "
        f"flags AS (SELECT {_quote(LINE_COLUMN)} AS line, {flags} FROM suspects) "
        f"SELECT {summaries} FROM flags"
    )
    row = con.execute(sql, _PARAMETERS).fetchone()
    findings = []
    for index, (column, kind) in enumerate(checks):
        count, first_line = row[2 * index], row[2 * index + 1]
        if count:
            plural = "value" if count == 1 else "values"
            message = f"column {column}, line {first_line}: looks like {VALUE_KINDS[kind]} ({count} {plural})"
            findings.append(PiiFinding(column, kind, int(first_line), int(count), message))
    return findings


def find_direct_identifiers(
    con: duckdb.DuckDBPyConnection, table: str, *, allowed_columns: Iterable[str] = ()
) -> list[PiiFinding]:
    """Both checks over every column of a staged table: headers first, then values."""
    columns = [column for column in _table_columns(con, table) if column != LINE_COLUMN]
    return find_identifier_columns(columns, allowed_columns=allowed_columns) + scan_values(con, table, columns)


def _header_identifier(name: str, allowed: set[str]) -> str | None:
    if not name or name in allowed or _FLAG_PREFIX.match(name):
        return None
    for what, pattern in HEADER_RULES:
        if re.search(pattern, name):
            if what == "a person's name" and _names_a_thing(name):
                return None
            return what
    return None


def _names_a_thing(name: str) -> bool:
    qualifier = re.sub(r"_?names?$", "", name)
    return bool(qualifier) and qualifier.split("_")[-1] in NON_PERSON_NAMES


def _value_check(value: str, kind: str) -> str:
    text = f"CAST({value} AS VARCHAR)"
    if kind != "nhs_number":
        return f"regexp_matches({text}, ${kind})"
    return (
        f"CASE WHEN regexp_matches({text}, $nhs_prefilter) THEN "
        f"len(list_filter(list_transform(regexp_extract_all({text}, $nhs_candidate, 1), "
        f"lambda candidate: {_nhs_digits('candidate')}), lambda digits: {_nhs_check_digit_holds('digits')})) > 0 "
        "ELSE false END"
    )


def _nhs_digits(candidate: str) -> str:
    """The candidate's digits once an Excel '.0' tail and the spacing are dropped."""
    return rf"""regexp_replace(regexp_replace({candidate}, '\.0$', ''), '[ -]', '', 'g')"""


def _nhs_check_digit_holds(digits: str) -> str:
    """Modulus 11: weights 10..2 on the first nine digits; 11 - (sum mod 11) is the tenth (11 means 0)."""
    weighted = " + ".join(
        f"{11 - position} * (ascii(substr({digits}, {position}, 1)) - 48)" for position in range(1, 10)
    )
    check = f"(ascii(substr({digits}, 10, 1)) - 48)"
    return f"(regexp_full_match({digits}, '[0-9]{{10}}') AND (11 - ({weighted}) % 11) % 11 = {check})"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    try:
        description = con.execute(f"SELECT * FROM {_quote(table)} LIMIT 0").description
    except duckdb.CatalogException as error:
        raise PiiScanError(f"table {table} does not exist") from error
    return [column[0] for column in description]


def _require_columns(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> None:
    present = set(_table_columns(con, table))
    missing = [column for column in columns if column not in present]
    if missing:
        raise PiiScanError(f"table {table} has no column {', '.join(missing)}")
