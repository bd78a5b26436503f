"""Write the corpus's identifier cases: one folder per header or value that must refuse a file.

    .venv/bin/python -m tests.bad_inputs.make_identifier_cases

Each case is a police incidents file like the others in the corpus, with one identifier
planted in it; its `expected.json` says the file is refused, what the refusal names (the kind
of identifier, and the line for values) and that the planted value is never repeated. The
planted strings are declared here once, and `test_identifier_corpus.py` builds one warehouse
from every case and searches it for them. The outputs are kept in the repository.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

CASES = Path(__file__).parent / "cases"
FILE = "police_incidents_2025-12-01.csv"
HEADER = (
    "incident_id,reported_at,ward_code,lsoa_code,victim_id,victim_sex,victim_age_band,victim_ethnicity,"
    "dash_risk,dash_score,n_children_present,is_child_spoken_to,is_crime,crime_id"
)
ROW = "{id},2025-04-02T22:14:00,E05990001,,V{number},female,25-34,white,high,15,2,yes,no,"

# Header -> what the refusal says the column holds.
HEADERS = {
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
}
# What the identifying columns hold: made up, and never to be found anywhere once the file is refused.
HEADER_VALUE = "Zebedee Quillfeather"
# Value planted in free text on line 3 -> how the refusal describes it.
VALUES = {
    "BD7-1AA": "a full postcode",
    "BD7   1AA": "a full postcode",
    "BD7\u00a01AA": "a full postcode",
    "943.476.5919": "an NHS number",
    "NHS9434765919": "an NHS number",
    "9434 765 919": "an NHS number",
    "+44-7700-900123": "a phone number",
    "07700.900.123": "a phone number",
    "+48 512 345 678": "a phone number",
    "0300 123 4567": "a phone number",
    "jo@exämple.org": "an e-mail address",
    "jo\uff20example.org": "an e-mail address",
    "DOB 12/03/1985": "a date of birth",
    "AB.12.34.56.C": "a National Insurance number",
    "12 High Street": "a street address",
}


def slug(text: str) -> str:
    """A folder name for each spelling, distinct however little two spellings differ (a space, a no-break space)."""
    return "".join(c.lower() if c.isascii() and c.isalnum() else f"_{ord(c):x}" for c in text)


def header_case_name(header: str) -> str:
    return f"identifier_header_missed_{slug(header)}"


def value_case_name(value: str) -> str:
    return f"identifier_value_missed_{slug(value)}"


def csv_line(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if re.search(r'[,"\n]', value) else value


def write_case(name: str, csv_text: str, expected: dict) -> None:
    folder = CASES / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FILE).write_text(csv_text, encoding="utf-8")
    (folder / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    rows = [ROW.format(id=f"INC{400 + n}", number=400 + n) for n in range(3)]
    for header, what in HEADERS.items():
        text = "\n".join([HEADER + "," + csv_line(header), *(row + "," + HEADER_VALUE for row in rows)]) + "\n"
        write_case(
            header_case_name(header),
            text,
            {
                "about": f"a column headed {header!r}",
                "never_echo": [HEADER_VALUE],
                "files": {FILE: {"status": "refused", "message": ["direct identifiers", f"column {header}", what]}},
            },
        )
    for value, what in VALUES.items():
        cells = ["fine", f"seen {value} today", "fine"]
        text = (
            "\n".join([HEADER + ",comment", *(row + "," + csv_line(cell) for row, cell in zip(rows, cells, strict=True))]) + "\n"
        )
        write_case(
            value_case_name(value),
            text,
            {
                "about": f"{what} written as {value!r} in free text on line 3",
                "never_echo": [value],
                "files": {FILE: {"status": "refused", "message": ["direct identifiers", "line 3", what]}},
            },
        )


if __name__ == "__main__":
    main()
