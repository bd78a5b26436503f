"""What a column's name says it holds: headers split into words (snake_case, camelCase, digits,
brackets) and matched word by word against the names agencies' systems use in English and the
common European languages."""

from __future__ import annotations

import re
from collections.abc import Iterable

from etl.pii.values import fold, normalise_text

# Words (after folding) that name an identifier, in English and the languages European case
# systems export: French, German, Dutch, Spanish, Italian, Portuguese, Polish.
HEADER_WORDS: dict[str, frozenset[str]] = {
    "a person's name": frozenset(
        [
            "name",
            "names",
            "forename",
            "forenames",
            "surname",
            "surnames",
            "firstname",
            "lastname",
            "fullname",
            "givenname",
            "familyname",
            "middlename",
            "maidenname",
            "nickname",
            "initials",
            "prenom",
            "prenoms",
            "nom",
            "vorname",
            "vornamen",
            "nachname",
            "familienname",
            "nazwisko",
            "imie",
            "imiona",
            "nombre",
            "apellido",
            "apellidos",
            "cognome",
            "nome",
            "voornaam",
            "achternaam",
            "naam",
            "sobrenome",
            "apelido",
        ]
    ),
    "a date of birth": frozenset(
        [
            "dob",
            "dateofbirth",
            "birthdate",
            "birthday",
            "birth",
            "births",
            "naissance",
            "geburtsdatum",
            "geburtstag",
            "geboortedatum",
            "geboren",
            "nacimiento",
            "nascita",
            "urodzenia",
            "nascimento",
        ]
    ),
    "an address": frozenset(
        [
            "address",
            "addresses",
            "addr",
            "street",
            "streetname",
            "adresse",
            "anschrift",
            "strasse",
            "adres",
            "indirizzo",
            "direccion",
            "morada",
            "endereco",
            "ulica",
            "adresa",
            "domicile",
            "domicilio",
            "wohnort",
            "woonadres",
        ]
    ),
    "a postcode": frozenset(
        [
            "postcode",
            "postcodes",
            "postalcode",
            "zipcode",
            "zip",
            "pcd",
            "pcds",
            "plz",
            "postleitzahl",
            "codepostal",
            "postnummer",
            "cpostal",
        ]
    ),
    "a phone number": frozenset(
        [
            "phone",
            "phones",
            "phonenumber",
            "telephone",
            "tel",
            "telno",
            "telnr",
            "mobile",
            "mob",
            "mobilephone",
            "landline",
            "fax",
            "cell",
            "cellphone",
            "telefon",
            "telefono",
            "telefone",
            "telefoon",
            "telephon",
            "handy",
            "mobil",
            "portable",
            "komorka",
            "movil",
            "cellulare",
        ]
    ),
    "an e-mail address": frozenset(["email", "emails", "emailaddress", "mail", "courriel", "correo"]),
    "an NHS number": frozenset(["nhs", "nhsno", "nhsnumber", "nhsnum"]),
    "a national identity number": frozenset(["nino", "pesel", "bsn", "nir", "dni", "nif", "ssn", "insee"]),
}
HEADER_PAIRS: dict[tuple[str, str], str] = {
    ("e", "mail"): "an e-mail address",
    ("post", "code"): "a postcode",
    ("postal", "code"): "a postcode",
    ("zip", "code"): "a postcode",
    ("code", "postal"): "a postcode",
    ("codigo", "postal"): "a postcode",
    ("kod", "pocztowy"): "a postcode",
    ("house", "number"): "an address",
    ("house", "no"): "an address",
    ("house", "name"): "an address",
    ("contact", "number"): "a phone number",
    ("contact", "no"): "a phone number",
    ("ni", "number"): "a national identity number",
    ("ni", "no"): "a national identity number",
    ("ni", "num"): "a national identity number",
    ("national", "insurance"): "a national identity number",
    ("nat", "ins"): "a national identity number",
    ("insurance", "number"): "a national identity number",
    ("social", "security"): "a national identity number",
    ("d", "o"): "a date of birth",
}
# A word after the identifier that makes the column about it, not the identifier itself:
# "postcode_district", "phone_contact", "email_sent", "nhs_trust", "name_known".
NEUTRAL_AFTER = frozenset(
    [
        "district",
        "districts",
        "sector",
        "area",
        "outward",
        "prefix",
        "known",
        "provided",
        "recorded",
        "withheld",
        "flag",
        "present",
        "missing",
        "available",
        "supplied",
        "sent",
        "verified",
        "consent",
        "contact",
        "type",
        "method",
        "preference",
        "count",
        "changed",
        "valid",
        "quality",
        "trust",
        "trusts",
        "region",
        "england",
        "organisation",
        "organization",
        "org",
        "provider",
        "board",
        "funded",
        "status",
        "opt",
    ]
)
# "<thing> name" is an organisation's or a place's name, not a person's, when <thing> is one of these.
NON_PERSON_NAMES = frozenset(
    [
        "ward",
        "lsoa",
        "msoa",
        "lad",
        "la",
        "area",
        "geography",
        "district",
        "borough",
        "authority",
        "region",
        "county",
        "locality",
        "service",
        "school",
        "organisation",
        "organization",
        "org",
        "provider",
        "agency",
        "team",
        "unit",
        "department",
        "commissioner",
        "court",
        "station",
        "force",
        "hospital",
        "practice",
        "programme",
        "program",
        "project",
        "trust",
        "file",
        "extract",
        "column",
        "field",
        "table",
        "dataset",
        "source",
        "indicator",
        "measure",
        "metric",
        "category",
        "type",
        "group",
        "offence",
        "crime",
        "outcome",
        "site",
        "location",
        "place",
        "building",
        "venue",
        "setting",
        "partnership",
        "board",
        "scheme",
        "course",
        "intervention",
        "country",
    ]
)
_NAME_WORDS = frozenset({"name", "names", "naam", "nom", "nombre", "nome"})
_FLAG_FIRST_WORDS = frozenset({"is", "has"})
_BIRTH_NEUTRAL_BEFORE = frozenset({"country", "nationality", "place", "year", "month"})


def normalise_column_name(name: str) -> str:
    return "_".join(header_words(name))


def header_words(name: object) -> list[str]:
    """A header as folded words: `VictimName` -> victim, name; `phone1` -> phone, 1; `Prénom` -> prenom."""
    text = normalise_text(name)
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", text)
    text = fold(text)
    text = re.sub(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])", " ", text)
    return re.findall(r"[a-z0-9]+", text)


def header_identifier(name: object, allowed: Iterable[str] = ()) -> str | None:
    """What identifier a header's words say the column holds, or None."""
    words = header_words(name)
    if not words or "_".join(words) in {normalise_column_name(column) for column in allowed}:
        return None
    if words[0] in _FLAG_FIRST_WORDS:
        return None
    for position, word in enumerate(words):
        what = None
        width = 1
        if position + 1 < len(words) and (word, words[position + 1]) in HEADER_PAIRS:
            what, width = HEADER_PAIRS[(word, words[position + 1])], 2
        else:
            what = next((kind for kind, vocabulary in HEADER_WORDS.items() if word in vocabulary), None)
            if what is None and (word.startswith(("geburt", "birth")) or word.endswith("strasse")):
                what = "a date of birth" if word.startswith(("geburt", "birth")) else "an address"
        if what is None:
            continue
        after = words[position + width :]
        if any(later in NEUTRAL_AFTER for later in after):
            continue
        before = words[position - 1] if position else None
        if what == "a person's name" and word in _NAME_WORDS and _names_a_thing(before, after):
            continue
        if what == "a date of birth" and before == "of" and position >= 2 and words[position - 2] in _BIRTH_NEUTRAL_BEFORE:
            continue
        return what
    return None


def _names_a_thing(before: str | None, after: list[str]) -> bool:
    if before in NON_PERSON_NAMES:
        return True
    return len(after) >= 2 and after[0] == "of" and after[1] in NON_PERSON_NAMES
