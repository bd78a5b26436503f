"""The agency-facing data contract, rendered as Markdown from the models.

`docs/contracts.md` is this module's output; `python -m etl.docs` rewrites it and a test
fails when it is stale, so the published contract cannot drift from what the loader checks.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

from etl.contract import EXTRACTS, REFERENCES, ColumnSpec, Extract
from etl.contract import values as value_sets
from etl.contract.columns import KindName
from etl.contract.rules import AtLeastOneOf, InOrder, OnlyWhen, RequiredWhen, Rule
from etl.contract.values import FALSE_WORDS, TRUE_WORDS

DOCS_PATH = Path(__file__).resolve().parents[1] / "docs" / "contracts.md"

INTRO = f"""\
# Data contract v1

<!-- Generated from the models in etl/contract by `python -m etl.docs`; edit the models, not this file. -->

This is what agencies send: anonymised extracts dropped into the incoming folder each night,
and the reference data the board keeps up to date. Every row is checked against this
contract; a row that breaks it is rejected with the column, the value and the rule, and the
rest of the file still loads. A rejected value that could identify someone (several words, a
capitalised word, a date without a time, or anything the identifier guard finds) is kept only
as what it looked like, never as written; a malformed line's text is never kept.

## Files

- **Naming.** A file's name starts with its extract name, e.g. `police_incidents_2026-11-25.csv`.
  A file that matches no extract is refused, with a message listing the known names.
- **Formats.** CSV (UTF-8, with or without BOM; comma or semicolon separated; lines ending in
  LF or CRLF), XLSX (the first sheet is loaded, every sheet is checked for identifiers) or
  Parquet. Boundary files for wards may be GeoJSON, GeoPackage or shapefile.
- **Only files in the drop.** A link is followed only to a file inside the drop; links out
  of it, dangling links and sub-folders are refused and reported.
- **Registers.** Wards, services and the LSOA lookup are replaced whole by a new file. A new
  register that leaves out a code rows still use is refused, and the last good one stays.
- **Bounds.** Every count and number has plausibility bounds, shown in its column's checks.
- **Columns.** Names are matched case-insensitively after trimming. Columns not listed here
  may be present; they are ignored and reported once per file.

## People

No names, dates of birth, addresses, full postcodes, NHS numbers, National Insurance or other
national identity numbers, phone numbers or e-mail addresses, ever. People appear only as
pseudonymous ids (`victim_id`, `perpetrator_id`, `child_id`, `person_id`), stable across
extracts and agencies. A file holding a direct identifier, found by column name (matched word
by word, in English and the common European languages) or by value (after Unicode NFKC
normalisation and with separators set aside: a valid NHS number, a full postcode, a phone
number, an e-mail address, a date of birth, a street address), is refused whole and nothing
from it is loaded. Reference files are checked too: every YAML key and value, every GeoJSON
property and every workbook sheet. The refusal says which kind of identifier was found and
where, never the value.

## Cells

- A blank cell (empty or only spaces) is a missing value. Spaces around a value are ignored.
- A missing demographic value (sex, age band, ethnicity, disability, LGBT+) is recorded as
  `unknown`, never dropped.
- Booleans: {", ".join(f"`{t}`/`{f}`" for t, f in zip(TRUE_WORDS, FALSE_WORDS, strict=True))}, in any case.
- Values from a value set, and codes, are matched in any case.
- Dates are `YYYY-MM-DD`; dates and times are ISO 8601, `YYYY-MM-DDTHH:MM`, optionally with
  seconds and up to six decimal places (a space may replace the `T`; no time zone).
- Dates and times may not be in the future (except where a column says otherwise), nor
  before the earliest date the board has set for its data.
"""

KIND_WORDS = {
    KindName.id: "id",
    KindName.text: "text",
    KindName.code: "code",
    KindName.enum: "one value from a set",
    KindName.demographic: "one value from a set",
    KindName.boolean: "yes/no",
    KindName.integer: "whole number",
    KindName.number: "number",
    KindName.date: "date",
    KindName.timestamp: "date and time",
    KindName.enum_list: "semicolon-separated list",
    KindName.ward_list: "semicolon-separated list",
}


def _cell(text: str) -> str:
    """Table cells may not hold a bare pipe or a line break."""
    return text.replace("|", "\\|").replace("\n", " ")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _values(values: tuple[str, ...]) -> str:
    return ", ".join(f"`{value}`" for value in values)


def _range(spec: ColumnSpec) -> str:
    if spec.ge is not None and spec.le is not None:
        return f"from {_number(spec.ge)} to {_number(spec.le)}"
    if spec.ge is not None:
        return f"{_number(spec.ge)} or more"
    if spec.le is not None:
        return f"{_number(spec.le)} or less"
    return ""


def allowed_values(spec: ColumnSpec) -> str:
    """What a cell may hold, in words, for the column table."""
    kind = spec.kind
    name = kind.name
    if name is KindName.id:
        parts = ["letters, digits and `_ . : / -`, starting with a letter or digit; at most 64 characters"]
    elif name is KindName.text:
        parts = [f"at most {kind.max_length} characters"]
    elif name is KindName.code:
        parts = [f"like {kind.description}; pattern `{kind.pattern}`"]
    elif name in (KindName.enum, KindName.demographic, KindName.enum_list):
        parts = [_values(spec.enum_values)]
    elif name is KindName.boolean:
        parts = ["/".join(f"`{word}`" for word in TRUE_WORDS + FALSE_WORDS)]
    elif name is KindName.integer:
        parts = ["digits, optionally signed"]
    elif name is KindName.number:
        parts = ["decimal point, no thousands separators or exponent"]
    elif name is KindName.date:
        parts = ["`YYYY-MM-DD`"]
    elif name is KindName.timestamp:
        parts = ["`YYYY-MM-DDTHH:MM`, optionally `:SS` and `.ffffff`"]
    elif name is KindName.ward_list:
        parts = ["ward codes like `E05000001`, or `all`"]
    else:  # pragma: no cover - every kind is described above
        raise ValueError(f"no words for column kind {name}")
    if _range(spec):
        parts.append(_range(spec))
    if name in (KindName.date, KindName.timestamp):
        parts.append("not in the future" if kind.not_future else "may be in the future")
    if isinstance(spec.default, str):
        parts.append(f"blank means `{spec.default}`")
    elif name is KindName.demographic:
        parts.append("blank means `unknown`")
    return "; ".join(parts)


def rule_in_words(rule: Rule) -> str:
    if isinstance(rule, AtLeastOneOf):
        return "At least one of " + ", ".join(f"`{column}`" for column in rule.columns) + " has a value."
    if isinstance(rule, InOrder):
        path = " → ".join(f"`{column}`" for column in rule.columns)
        return f"Dates along {path} never run backwards: each one given is not before any earlier one given."
    if isinstance(rule, RequiredWhen):
        shown = " or ".join(f"`{str(value).lower()}`" for value in rule.when_values)
        return f"`{rule.column}` is required when `{rule.when_column}` is {shown}."
    if isinstance(rule, OnlyWhen):
        return f"`{rule.column}` may be true only when `{rule.count_column}` is above 0."
    raise ValueError(f"no words for rule {rule!r}")  # pragma: no cover - every rule is described above


def column_table(model: type[Extract]) -> list[str]:
    lines = [
        "| Column | Required | Type | Allowed values | Description |",
        "|---|---|---|---|---|",
    ]
    for spec in model.columns():
        cells = [
            f"`{spec.name}`",
            "yes" if spec.required else "no",
            KIND_WORDS[spec.kind.name],
            allowed_values(spec),
            spec.description,
        ]
        lines.append("| " + " | ".join(_cell(text) for text in cells) + " |")
    return lines


def model_section(model: type[Extract]) -> list[str]:
    lines = [f"### {model.title} (`{model.extract_name}`)", "", *column_table(model), ""]
    if model.primary_key:
        key = ", ".join(f"`{column}`" for column in model.primary_key)
        lines.append(
            f"- **Primary key:** {key}. A row with a key loaded before replaces it; a key repeated within one file is rejected."
        )
    for column, table in model.references.items():
        lines.append(f"- **Reference:** `{column}` must exist in `{table}`.")
    for pattern, column in model.column_aliases.items():
        lines.append(f"- **Also recognised:** a column named like `{pattern}` (case-insensitive) is read as `{column}`.")
    if model.rules:
        lines += ["- **Rules across columns:**"] + [f"  - {rule_in_words(rule)}" for rule in model.rules]
    return [*lines, ""]


def _set_name(value_set: type[StrEnum]) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", value_set.__name__).lower()


def shared_value_sets() -> list[type[StrEnum]]:
    return [
        item for item in vars(value_sets).values() if isinstance(item, type) and issubclass(item, StrEnum) and item is not StrEnum
    ]


def value_set_section() -> list[str]:
    users: dict[tuple[str, ...], list[str]] = {}
    for model in EXTRACTS + REFERENCES:
        for spec in model.columns():
            if spec.enum_values:
                users.setdefault(spec.enum_values, []).append(f"`{model.extract_name}.{spec.name}`")
    lines = ["## Shared value sets", "", "| Value set | Values | Used by |", "|---|---|---|"]
    for value_set in shared_value_sets():
        members = tuple(member.value for member in value_set)
        name = f"`{_set_name(value_set)}`"
        if value_set.__doc__ and value_set.__doc__ != StrEnum.__doc__:
            name += " — " + value_set.__doc__.strip()
        lines.append(
            "| " + " | ".join(_cell(text) for text in (name, _values(members), ", ".join(users.get(members, [])))) + " |"
        )
    return [*lines, ""]


def render_contract_docs() -> str:
    lines = [INTRO, "## Extracts", ""]
    for model in EXTRACTS:
        lines += model_section(model)
    lines += ["## Reference data", ""]
    for model in REFERENCES:
        lines += model_section(model)
    lines += value_set_section()
    return "\n".join(lines).rstrip("\n") + "\n"


def write_contract_docs(path: Path = DOCS_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_contract_docs(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write_contract_docs()}")
