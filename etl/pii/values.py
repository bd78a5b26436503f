"""What a direct identifier looks like in a value, and what of a value may be kept or repeated.

The contract forbids names, dates of birth, addresses, full postcodes, NHS numbers, phone
numbers, e-mail addresses and national identity numbers (National Insurance and its European
equivalents). Everything is normalised before it is matched (Unicode NFKC, zero-width
characters dropped, case folded, accents and separators set aside), so a full-width `＠`, a
no-break space inside a postcode or dots between an NHS number's digits hide nothing.
Phone numbers are found by Google's `phonenumbers`, NHS numbers by their own modulus-11 check
digit, the rest by their published formats.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

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


def fold(text: str) -> str:
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
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
    "september|october|november|december"
)
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
_INWARD_NOT_ORDINAL = r"[0-9](?:[ABD-HJLPQUW-Z][ABD-HJLNP-UW-Z]|[NR][ABE-HJLNP-UW-Z]|S[ABD-HJLNP-SUW-Z]|T[ABD-GJLNP-UW-Z])"
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

STREET_TYPES = (
    r"street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|terrace|grove|place|court|"
    r"gardens|gdns|square|sq|mews|walk|parade|hill|row|view|fold|green|rise"
)
_ADDRESS_RE = re.compile(
    rf"(?i)\b[0-9]{{1,4}}[a-z]?,? +(?:flat +[0-9]+,? +)?(?:[a-z'\-]+ +){{1,3}}(?:{STREET_TYPES})\b"
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
        after = folded[match.end() :]
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
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    return (11 - total % 11) % 11 == int(digits[9])


def identifier_kinds(value: object) -> list[str]:
    """The kinds of direct identifier (keys of VALUE_KINDS) one value holds, in VALUE_KINDS order."""
    if value is None:
        return []
    text = normalise_text(value)
    if not text.strip():
        return []
    folded = fold(text)
    without_dates = _DATE_RE.sub(" ", _ISO_MOMENT_RE.sub(" ", text))
    found = []
    if _nhs_numbers(fold(without_dates)):
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


_CALENDAR_DATE = re.compile(
    rf"(?i)(?<![0-9])(?:[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}|{_DAY_MONTH_YEAR}|[0-9]{{1,2}}(?:st|nd|rd|th)? (?:{_MONTHS}) [0-9]{{4}})(?![0-9])"
)
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


def safe_label(text: object, *, shapes: bool = True) -> str:
    """A header or name fit to repeat in a message: withheld when it holds an identifier itself, or
    when it reads like a person's name or a date (a file sent without its header row makes its
    first record the header)."""
    kinds = identifier_kinds(text)
    if kinds:
        return f"(a name withheld: it holds {describe_kinds(kinds)})"
    label = normalise_text(text).strip()
    looks_personal = bool(_PERSON_NAME_SHAPE.fullmatch(label)) or bool(
        _CALENDAR_DATE.search(label) and not _WITH_TIME.search(label)
    )
    if shapes and looks_personal:
        return "(a name withheld: it reads like a person's name or a date)"
    return label


def safe_file_name(path: object) -> str:
    """A file's name fit to report and store: withheld when the name itself holds an identifier."""
    name = getattr(path, "name", None) or str(path)
    stem = name.rsplit(".", 1)[0]
    kinds = identifier_kinds(stem.replace("_", " "))
    return f"(a file name withheld: it holds {describe_kinds(kinds)})" if kinds else name
