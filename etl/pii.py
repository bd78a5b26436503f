"""The direct-identifier guard: a file naming or holding a person's identifiers is refused whole.

The contract forbids names, dates of birth, addresses, full postcodes, NHS numbers, phone
numbers, e-mail addresses and national identity numbers (National Insurance and its European
equivalents). Everything is normalised before it is matched (Unicode NFKC, zero-width
characters dropped, case folded, accents and separators set aside), so a full-width `＠`, a
no-break space inside a postcode or dots between an NHS number's digits hide nothing.

- Headers are split into words (snake_case, camelCase, digits, brackets) and matched word by
  word against the names agencies' systems use in English and the common European languages.
- Values are read in one set-based SQL pass that picks out the few values that could hold an
  identifier; only those are classified in Python: phone numbers by Google's `phonenumbers`,
  NHS numbers by their own modulus-11 check digit, the rest by their published formats.

Findings never repeat the offending value: the point of the guard is that the value goes no
further. They record the kind of identifier and where it was found.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb
import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

LINE_COLUMN = "_line"
HEADER_FINDING = "identifier_column"

VALUE_KINDS: dict[str, str] = {
    "nhs_number": "an NHS number",
    "postcode": "a full postcode",
    "email": "an e-mail address",
    "phone": "a phone number",
    "ni_number": "a National Insurance number",
    "date_of_birth": "a date of birth",
    "address": "a street address",
}

# ---- normalising ---------------------------------------------------------------------------


def normalise_text(value: object) -> str:
    """NFKC (full-width forms, no-break spaces, ligatures to their plain forms), format characters
    such as zero-width spaces dropped."""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(character for character in text if unicodedata.category(character) != "Cf")


def _fold(text: str) -> str:
    """Case folded and accents removed (`Prénom` -> `prenom`, `Straße` -> `strasse`)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character))


# ---- values --------------------------------------------------------------------------------

_SEP = r"[ .\-]"
# ISO dates and time stamps are the commonest digits in an extract; they are set aside before
# looking for phone and NHS numbers, so a time stamp's digits never run together into one.
ISO_MOMENT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_ISO_MOMENT_RE = re.compile(ISO_MOMENT)
_DAY_MONTH_YEAR = r"[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-](?:[0-9]{4}|[0-9]{2})"
_MONTHS = ("jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
           "september|october|november|december")
_ANY_DATE = rf"(?:{ISO_MOMENT}|{_DAY_MONTH_YEAR}|[0-9]{{1,2}}(?:st|nd|rd|th)? (?:{_MONTHS}) [0-9]{{4}})"
# A decimal (one point, not a dotted group of digits) is a measure, never part of a phone number.
_DECIMAL_RE = re.compile(r"(?<![0-9.])[+\-]?[0-9]+\.[0-9]+(?![0-9.])")
_DATE_RE = re.compile(rf"(?<![0-9])(?:{_DAY_MONTH_YEAR})(?:[T ][0-9]{{1,2}}:[0-9]{{2}}(?::[0-9]{{2}})?)?(?![0-9])")

# NHS number: ten digits, straight or grouped 3-3-4 or 4-3-3 with one kind of separator, perhaps
# written straight after "NHS". Digits glued to an id's letters or punctuation are part of that id.
_NHS_RE = re.compile(
    r"(?:(?<=nhs)|(?<=nhs )|(?<=nhs:)|(?<=nhs#)|(?<![0-9a-z.+/_\-]))"
    r"([0-9]{10}|[0-9]{3}([ .\-])[0-9]{3}\2[0-9]{4}|[0-9]{4}([ .\-])[0-9]{3}\3[0-9]{3})"
)
_NHS_AFTER_OK = re.compile(r"(?:\.0+)?(?:$|[^0-9a-z_.])|\.(?![0-9])")

# Full UK postcode (outward and inward code); a district alone (BD7) is not a full postcode.
_OUTWARD = r"[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRV-Y])"
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
# Lower-case text is matched too, but then ordinals ("b2 3rd", "m62 1st") are not inward codes.
_INWARD_NOT_ORDINAL = (
    r"[0-9](?:[ABD-HJLPQUW-Z][ABD-HJLNP-UW-Z]|[NR][ABE-HJLNP-UW-Z]|S[ABD-HJLNP-SUW-Z]|T[ABD-GJLNP-UW-Z])"
)
_POSTCODE_SEP = r"[ \-.]{0,3}"
_POSTCODE_RE = re.compile(
    rf"\b(?:{_OUTWARD}{_POSTCODE_SEP}{_INWARD}|GIR ?0AA|(?i:{_OUTWARD}{_POSTCODE_SEP}{_INWARD_NOT_ORDINAL}))\b"
)

# The lookbehind starts a match only where a run of address characters starts: without it a long run
# with no `@` is rescanned from each of its characters (a 70,000 character cell took seconds).
_EMAIL_RE = re.compile(r"(?<![\w.%+\-])[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}")


def _ni_prefixes() -> str:
    """HMRC never issues D, F, I, Q, U, V first, D, F, I, O, Q, U, V second, or BG GB KN NK NT TN ZZ."""
    firsts = [c for c in string.ascii_uppercase if c not in "DFIQUV"]
    seconds = [c for c in string.ascii_uppercase if c not in "DFIOQUV"]
    unused = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
    return "|".join(first + "[" + "".join(s for s in seconds if first + s not in unused) + "]" for first in firsts)


_NI_RE = re.compile(rf"(?i)\b(?:{_ni_prefixes()}){_SEP}?[0-9]{{2}}{_SEP}?[0-9]{{2}}{_SEP}?[0-9]{{2}}{_SEP}?[A-D]\b")

_BIRTH_WORDS = r"(?:dob|d\.o\.b\.?|date of birth|birth ?date|birthday|born(?: on)?|b\.|geb\.?|geboren|née|nee|ur\.)"
_DOB_RE = re.compile(rf"(?i)\b{_BIRTH_WORDS}\s*[:\-]?\s*{_ANY_DATE}")

_STREET_TYPES = (r"street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|terrace|grove|place|court|"
                 r"gardens|gdns|square|sq|mews|walk|parade|hill|row|view|fold|green|rise")
_ADDRESS_RE = re.compile(
    rf"(?i)\b[0-9]{{1,4}}[a-z]?,? +(?:flat +[0-9]+,? +)?(?:[a-z'\-]+ +){{1,3}}(?:{_STREET_TYPES})\b"
    r"|\b[a-zäöüß]+(?:strasse|straße|str\.|weg|platz|gasse|allee) +[0-9]{1,4}[a-z]?\b"
    r"|\b[0-9]{1,4},? +(?:rue|avenue|boulevard|bd|chemin|allée|impasse|calle|via|viale|rua|ulica|ul\.) +[a-z]"
    r"|\b(?:ul\.|ulica|calle|via|rua) +[^\W\d_]+ +[0-9]{1,4}[a-z]?\b"
)


def _phone_numbers(text: str) -> bool:
    """Any phone number, UK or international, found by Google's `phonenumbers`.

    Only numbers written as people write phone numbers count (a trunk 0 or an international +):
    those `phonenumbers` calls valid, and possible ones of ten digits or more, which covers the
    ranges Ofcom keeps for drama and any range the library's metadata does not know yet.
    """
    for match in PhoneNumberMatcher(text, "GB", leniency=Leniency.POSSIBLE):
        raw = match.raw_string.lstrip("(")
        if raw[:1] not in ("0", "+"):
            continue  # ten bare digits are an id more often than a number someone would dial
        if match.start and (text[match.start - 1].isalnum() or text[match.start - 1] in "._/-"):
            continue  # digits glued to an id (E00490000) are part of it
        if phonenumbers.is_valid_number(match.number):
            return True
        digits = sum(character.isdigit() for character in raw)
        if digits >= 10 and phonenumbers.is_possible_number(match.number):
            national = phonenumbers.national_significant_number(match.number)
            if match.number.country_code != 44 or national[:1] in "12378":
                return True
    return False


def _nhs_numbers(folded: str) -> bool:
    for match in _NHS_RE.finditer(folded):
        after = folded[match.end():]
        if not _NHS_AFTER_OK.match(after):
            continue
        digits = re.sub(r"[^0-9]", "", match.group(1))
        if nhs_check_digit_holds(digits):
            return True
    return False


def nhs_check_digit_holds(digits: str) -> bool:
    """Modulus 11: weights 10..2 on the first nine digits; 11 - (sum mod 11) is the tenth (11 means 0, 10 never)."""
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1)))
    return (11 - total % 11) % 11 == int(digits[9])


def identifier_kinds(value: object) -> list[str]:
    """The kinds of direct identifier (keys of VALUE_KINDS) one value holds, in VALUE_KINDS order."""
    if value is None:
        return []
    text = normalise_text(value)
    if not text.strip():
        return []
    folded = _fold(text)
    without_dates = _DATE_RE.sub(" ", _ISO_MOMENT_RE.sub(" ", text))
    found = []
    if _nhs_numbers(_fold(without_dates)):
        found.append("nhs_number")
    if _POSTCODE_RE.search(text):
        found.append("postcode")
    if _EMAIL_RE.search(text):
        found.append("email")
    if "nhs_number" not in found and _phone_numbers(_DECIMAL_RE.sub(" ", without_dates)):
        found.append("phone")
    if _NI_RE.search(text):
        found.append("ni_number")
    if _DOB_RE.search(text) or _DOB_RE.search(folded):
        found.append("date_of_birth")
    if _ADDRESS_RE.search(text):
        found.append("address")
    return found


def describe_kinds(kinds: Iterable[str]) -> str:
    return ", ".join(VALUE_KINDS[kind] for kind in kinds)


_CALENDAR_DATE = re.compile(rf"(?i)(?<![0-9])(?:[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}|{_DAY_MONTH_YEAR}|[0-9]{{1,2}}(?:st|nd|rd|th)? (?:{_MONTHS}) [0-9]{{4}})(?![0-9])")
_WITH_TIME = re.compile(r"[T ][0-9]{1,2}:[0-9]{2}")
_PERSON_LIKE_WORD = re.compile(r"[^\W\d_][^\W\d_'\-]*[^\W\d_]")
WITHHELD = "(withheld: {})"
# "Jane Smith", "Mary-Ann O'Neil": two or three capitalised words and nothing else.
_PERSON_NAME_SHAPE = re.compile(r"[A-ZÀ-Þ][a-zß-ÿ'\-]+(?: [A-ZÀ-Þ][a-zß-ÿ'\-]+){1,2}")


def withheld_reason(value: object) -> str | None:
    """Why a rejected value must not be kept, or None when it is safe to keep for the person fixing it.

    Only the shapes a fix needs are kept: codes, numbers, time stamps, a single lower-case word.
    Anything that could be a person's identifier is replaced by what it looked like; the rejected
    row's file, line and column still find it at source.
    """
    if value is None:
        return None
    text = normalise_text(value).strip()
    if not text:
        return None
    kinds = identifier_kinds(text)
    if kinds:
        return WITHHELD.format("looks like " + describe_kinds(kinds))
    if len(text) > 64:
        return WITHHELD.format("long text may name a person")
    if _CALENDAR_DATE.search(text) and not _WITH_TIME.search(text):
        return WITHHELD.format("a date without a time may be a date of birth")
    words = _PERSON_LIKE_WORD.findall(text)
    if len(words) >= 2 or re.search(r"\s", text):
        return WITHHELD.format("text of several words may name a person or a place")
    if words and words[0] == text and text[:1].isupper() and text[1:].islower() and len(text) > 1:
        return WITHHELD.format("a capitalised word may be a person's name")
    return None


# The SQL pass: a value goes on to the Python checks when it could hold any identifier. Each
# alternative is looser than the check it stands for, so nothing the checks would flag is passed
# over: any non-ASCII character (normalising may change it), an @, eight digits with short gaps
# once ISO dates are set aside, a postcode's or NI number's shape, a birth word, a street word.
SUSPECT_PATTERNS = {
    "non_ascii": r"[^\x01-\x7f]",
    "at_sign": r"@",
    "digits": r"[0-9](?:[^0-9A-Za-z]{0,3}[0-9]){7,}",
    "postcode_shape": r"(?i)[a-z][a-z]?[0-9][0-9a-z]?[^0-9a-z]{0,3}[0-9][a-z]{2}",
    "ni_shape": r"(?i)[a-z]{2}[^0-9a-z]{0,2}[0-9]{2}[^0-9a-z]{0,2}[0-9]{2}[^0-9a-z]{0,2}[0-9]{2}[^0-9a-z]{0,2}[a-d]",
    "birth_word": r"(?i)(?:dob|d\.o\.b|birth|born|b\.|geb|née|nee|ur\.)",
    "street_word": rf"(?i)(?:[0-9] .*\b(?:{_STREET_TYPES})\b|strasse|str\.|weg|platz|gasse|allee|rue|chemin|calle|via|rua|ul\.|ulica)",
}
ANY_SUSPECT = "|".join(
    "(?i:" + pattern.removeprefix("(?i)") + ")" if pattern.startswith("(?i)") else "(?:" + pattern + ")"
    for pattern in SUSPECT_PATTERNS.values())
_SQL_PARAMETERS = {"any_suspect": ANY_SUSPECT, "iso_moment": ISO_MOMENT}


# ---- headers -------------------------------------------------------------------------------

# Words (after folding) that name an identifier, in English and the languages European case
# systems export: French, German, Dutch, Spanish, Italian, Portuguese, Polish.
HEADER_WORDS: dict[str, frozenset[str]] = {
    "a person's name": frozenset(
        "name names forename forenames surname surnames firstname lastname fullname givenname familyname middlename "
        "maidenname nickname initials prenom prenoms nom vorname vornamen nachname familienname nazwisko imie imiona "
        "nombre apellido apellidos cognome nome voornaam achternaam naam sobrenome apelido".split()),
    "a date of birth": frozenset(
        "dob dateofbirth birthdate birthday birth births naissance geburtsdatum geburtstag geboortedatum "
        "geboren nacimiento nascita urodzenia nascimento".split()),
    "an address": frozenset(
        "address addresses addr street streetname adresse anschrift strasse adres indirizzo direccion morada endereco "
        "ulica adresa domicile domicilio wohnort woonadres".split()),
    "a postcode": frozenset(
        "postcode postcodes postalcode zipcode zip pcd pcds plz postleitzahl codepostal postnummer cpostal".split()),
    "a phone number": frozenset(
        "phone phones phonenumber telephone tel telno telnr mobile mob mobilephone landline fax cell cellphone "
        "telefon telefono telefone telefoon telephon handy mobil portable komorka movil cellulare".split()),
    "an e-mail address": frozenset("email emails emailaddress mail courriel correo".split()),
    "an NHS number": frozenset("nhs nhsno nhsnumber nhsnum".split()),
    "a national identity number": frozenset("nino pesel bsn nir dni nif ssn insee".split()),
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
    "district districts sector area outward prefix known provided recorded withheld flag present missing available "
    "supplied sent verified consent contact type method preference count changed valid quality trust trusts region "
    "england organisation organization org provider board funded status opt".split())
# "<thing> name" is an organisation's or a place's name, not a person's, when <thing> is one of these.
NON_PERSON_NAMES = frozenset(
    "ward lsoa msoa lad la area geography district borough authority region county locality service "
    "school organisation organization org provider agency team unit department commissioner court "
    "station force hospital practice programme program project trust file extract column field table "
    "dataset source indicator measure metric category type group offence crime outcome site location "
    "place building venue setting partnership board scheme course intervention country".split()
)
_NAME_WORDS = frozenset({"name", "names", "naam", "nom", "nombre", "nome"})
_FLAG_FIRST_WORDS = frozenset({"is", "has"})
_BIRTH_NEUTRAL_BEFORE = frozenset({"country", "nationality", "place", "year", "month"})


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
    return "_".join(header_words(name))


def header_words(name: object) -> list[str]:
    """A header as folded words: `VictimName` -> victim, name; `phone1` -> phone, 1; `Prénom` -> prenom."""
    text = normalise_text(name)
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", text)
    text = _fold(text)
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
        after = words[position + width:]
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


def find_identifier_columns(column_names: Iterable[str], *, allowed_columns: Iterable[str] = ()) -> list[PiiFinding]:
    """Headers whose words say they hold a direct identifier. Declared contract columns are allowed."""
    allowed = list(allowed_columns)
    findings = []
    for column in column_names:
        what = header_identifier(column, allowed)
        if what:
            # a header flagged for its words ("Mobile Number") is a column name, only withheld if it holds a value
            message = f"column {safe_label(column, shapes=False)}: the name says it holds {what}, which the contract forbids"
            findings.append(PiiFinding(column, HEADER_FINDING, None, None, message))
    return findings


def safe_label(text: object, *, shapes: bool = True) -> str:
    """A header or name fit to repeat in a message: withheld when it holds an identifier itself, or
    when it reads like a person's name or a date (a file sent without its header row makes its
    first record the header)."""
    kinds = identifier_kinds(text)
    if kinds:
        return f"(a name withheld: it holds {describe_kinds(kinds)})"
    label = normalise_text(text).strip()
    looks_personal = bool(_PERSON_NAME_SHAPE.fullmatch(label)) or bool(
        _CALENDAR_DATE.search(label) and not _WITH_TIME.search(label))
    if shapes and looks_personal:
        return "(a name withheld: it reads like a person's name or a date)"
    return label


def safe_file_name(path: object) -> str:
    """A file's name fit to report and store: withheld when the name itself holds an identifier."""
    name = getattr(path, "name", None) or str(path)
    stem = name.rsplit(".", 1)[0]
    kinds = identifier_kinds(stem.replace("_", " "))
    return f"(a file name withheld: it holds {describe_kinds(kinds)})" if kinds else name


# ---- scanning a staged table ---------------------------------------------------------------


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
    parts = [
        f"select {index} as _column, _text, {_quote(LINE_COLUMN)} as _line from ("
        f"select cast({_quote(column)} as varchar) as _text, {_quote(LINE_COLUMN)} from {_quote(table)}) "
        f"where _text is not null and ({_suspect_sql()})"
        for index, column in enumerate(scanned)
    ]
    sql = f"select _column, _text, min(_line), count(*) from ({' union all '.join(parts)}) group by all"
    suspects = con.execute(sql, _SQL_PARAMETERS).fetchall()
    tally: dict[tuple[int, str], list[int]] = {}
    for column_index, text, first_line, count in suspects:
        for kind in identifier_kinds(text):
            entry = tally.setdefault((column_index, kind), [first_line, 0])
            entry[0] = min(entry[0], first_line)
            entry[1] += count
    findings = []
    for column_index, column in enumerate(scanned):
        for kind in VALUE_KINDS:
            if (column_index, kind) not in tally:
                continue
            first_line, count = tally[(column_index, kind)]
            plural = "value" if count == 1 else "values"
            message = f"column {column}, line {first_line}: looks like {VALUE_KINDS[kind]} ({count} {plural})"
            findings.append(PiiFinding(column, kind, int(first_line), int(count), message))
    return findings


def _suspect_sql() -> str:
    """A value is a suspect when any loose pattern matches it once ISO dates are set aside: one
    regular expression of alternatives, so each value is read once."""
    return "regexp_matches(regexp_replace(_text, $iso_moment, ' ', 'g'), $any_suspect)"


def find_direct_identifiers(
    con: duckdb.DuckDBPyConnection, table: str, *, allowed_columns: Iterable[str] = ()
) -> list[PiiFinding]:
    """Both checks over every column of a staged table: headers first, then values."""
    columns = [column for column in _table_columns(con, table) if column != LINE_COLUMN]
    return find_identifier_columns(columns, allowed_columns=allowed_columns) + scan_values(con, table, columns)


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
