"""The Metadata sheet of the gap-analysis workbook: its filters, disclosure rule, how need and capacity are
estimated, the assumptions, the extracts held and the definitions of the indicators used."""

from __future__ import annotations

import re
from datetime import datetime

import polars as pl

from etl.contract.extracts import BY_NAME
from metrics.export.columns import Column
from metrics.export.gap_what_if import scenario_of
from metrics.export.workbook_cells import SUPPRESSED_LEGEND, SheetWriter, moment_text
from metrics.registry import get
from metrics.service_gaps import GapAnalysis


def write_metadata(
    writer: SheetWriter,
    sheet,
    analysis: GapAnalysis,
    extracts: pl.DataFrame,
    generated_at: datetime,
    data_as_at: datetime | None,
    what_if: GapAnalysis | None,
) -> None:
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 110)
    rule = analysis.rule
    facts = [
        ("Generated at", moment_text(generated_at)),
        ("Data as at (last refresh finished)", moment_text(data_as_at)),
        ("Filter: period", f"{analysis.period.label} ({analysis.period.start:%Y-%m-%d} to {analysis.period.end:%Y-%m-%d})"),
        ("Filter: ward", analysis.area + (f" ({analysis.ward_code})" if analysis.ward_code else "")),
        ("Filter: sex, age band, ethnic group", "all: the analysis is by client group (the columns), not cut by these"),
        ("Disclosure rule", rule.describe()),
        ("Disclosure settings", f"threshold {rule.threshold}, rounding base {rule.rounding_base}; {SUPPRESSED_LEGEND}"),
        (
            "Estimated need",
            "Adult groups: victims the Crime Survey for England and Wales predicts among residents "
            "(residents x last-year rate for their sex and age band, and any further breakdown the "
            "rates loaded carry, x years). Children: children present at police incidents. "
            "Perpetrators: known perpetrators of police incidents. LGBT+ and disabled victims: not "
            "estimated (no population figures held).",
        ),
        (
            "Unmet need",
            "Published estimated need less published people whose support started (less places a "
            "scenario adds), never below 0; where reach is too small to show it is taken as none. Its 95% "
            "limits are the need's (exact Poisson below 10, Byar's from 10) less the same: chance variation "
            "in the victims a population of this size gives, not the survey's own sampling error.",
        ),
        (
            "Places (capacity)",
            "Each service's registered places a year times the years in the period, split over the "
            "wards it serves in proportion to the residents it is for; counted in full for each group.",
        ),
        (
            "Nearest service that could extend",
            "A service taking the group that already serves the ward (of several, "
            "the one with most room; a helpline last), else the one whose nearest "
            "served ward is closest, between ward centroids.",
        ),
        *analysis.assumptions.stated(),
        ("Data date for contract risk", "not known" if analysis.data_date is None else f"{analysis.data_date:%d %B %Y}"),
    ]
    if what_if is not None:
        facts.append(
            (
                "What-if scenario",
                f"{scenario_of(what_if).name}: "
                + "; ".join(scenario_of(what_if).describe())
                + ". The scenario as given is on the What-if sheet.",
            )
        )
    sheet.write(0, 0, "About this workbook", writer.title)
    for row, (name, value) in enumerate(facts, start=1):
        sheet.write_string(row, 0, name, writer.header)
        sheet.write_string(row, 1, value, writer.text)
    row = len(facts) + 2
    bases = analysis.coverage.select("group_label", "need_basis").unique(maintain_order=True)
    row = writer.table(
        sheet,
        row,
        "How need is estimated for each client group",
        bases,
        (Column("group_label", "Client group"), Column("need_basis", "How need is estimated")),
        widths=False,
    )
    extract_rows = extracts.with_columns(
        pl.col("last_loaded_at", "latest_event_at").dt.strftime("%Y-%m-%d %H:%M"),
        extract=pl.col("extract").map_elements(_extract_title, return_dtype=pl.String),
    )
    row = writer.table(
        sheet,
        row,
        "Extracts in the warehouse",
        extract_rows,
        (
            Column("extract", "Extract"),
            Column("file_names", "Files"),
            Column("last_loaded_at", "Last loaded"),
            Column("latest_event_at", "Latest event held"),
        ),
        widths=False,
    )
    definitions = pl.DataFrame(
        [_definition(indicator_id) for indicator_id in analysis.indicators["indicator_id"]],
        schema={
            name: pl.String
            for name in ("title", "description", "unit", "numerator", "denominator", "method", "benchmarks", "sources", "notes")
        },
    )
    writer.table(
        sheet,
        row,
        "Definitions of the indicators used",
        definitions,
        tuple(Column(name, name.capitalize()) for name in definitions.columns),
        widths=False,
    )


def _extract_title(name: str) -> str:
    """The contract's title for an extract (declared once with its model), else its name in words."""
    model = BY_NAME.get(name)
    if model is not None:
        return model.title
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:]


def _definition(indicator_id: str) -> dict[str, str]:
    indicator = get(indicator_id)
    return {name: _in_words(text) for name, text in _definition_text(indicator).items()}


def _in_words(text: str) -> str:
    """Names of extracts and columns (`prevalence_rates`) in words, so no cell shows a code."""
    return re.sub(r"`?\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b`?", lambda match: match.group(1).replace("_", " "), text)


def _definition_text(indicator) -> dict[str, str]:
    return {
        "title": indicator.title,
        "description": indicator.description,
        "unit": indicator.unit,
        "numerator": indicator.numerator,
        "denominator": indicator.denominator,
        "method": indicator.ci_method,
        "benchmarks": "; ".join(f"{item.label}: {item.value:g} ({item.source})" for item in indicator.benchmarks),
        "sources": ", ".join(source.replace("_", " ") for source in indicator.source_extracts),
        "notes": indicator.notes,
    }
