"""The written sheets of the gap-analysis workbook: the Summary with its chart, the coloured Coverage grid,
the IDVA chart, the What-if sheet and its scenario file, and the Metadata sheet. (The table sheets are
metrics/export/gap_analysis.py's `sheet_tables`.)"""

from __future__ import annotations

import re
from datetime import datetime

import polars as pl

from etl.contract.extracts import BY_NAME
from metrics.disclosure import SUPPRESSED_TEXT
from metrics.export.columns import Column
from metrics.export.workbook_cells import DARK, LIGHT, MIDDLE, NOT_ESTIMATED, SUPPRESSED_LEGEND, SheetWriter
from metrics.gap_summary import summary
from metrics.registry import get
from metrics.scenario import Scenario
from metrics.service_gaps import GROUP_SHORT_LABELS, GapAnalysis


def scenario_of(what_if: GapAnalysis) -> Scenario:
    """The scenario a what-if analysis was made from (an analysis of today has none)."""
    if what_if.scenario is None:
        raise ValueError("a what-if analysis is made from a scenario, and this one has none")
    return what_if.scenario


WHAT_IF_SHEET, SCENARIO_SHEET = "What-if", "Scenario file"
NO_SERVICE, LOW_REACH = "no service", "low reach"
CHART_GAPS = 10  # the Summary's chart shows this many of the largest gaps
# The Coverage sheet: one ward x client group block per measure, each under its title (colour: a scale or none).
COVERAGE_BLOCKS = (
    (
        "Unmet need (people): estimated need less people whose support started; darker is larger",
        "unmet_need",
        "unmet_need_suppressed",
        "unmet",
    ),
    ("People reached as % of estimated need; darker is lower", "reach_pct_of_need", "reach_pct_of_need_suppressed", "reach"),
    ("Estimated need (people)", "estimated_need", "estimated_need_suppressed", None),
    ("People whose support started in the period", "people_reached", "people_reached_suppressed", None),
    ("Specialist services taking the group", "n_services", None, "services"),
    (
        f"Gaps: '{NO_SERVICE}' = no service takes the group in the ward; '{LOW_REACH}' = support started for fewer "
        "than the gap threshold's share of the estimated need",
        "gap",
        None,
        None,
    ),
)


def write_summary(writer: SheetWriter, sheet, analysis: GapAnalysis, data_as_at: datetime | None) -> None:
    sheet.set_column(0, 0, 150)
    sheet.write(0, 0, f"Gap analysis: {analysis.area}, {analysis.period.label}", writer.title)
    sheet.write(
        1,
        0,
        f"Period {analysis.period.start:%d %B %Y} to {analysis.period.end:%d %B %Y}; data as at "
        f"{_when(data_as_at)}. {SUPPRESSED_LEGEND}. A gap: {analysis.assumptions.stated()[0][1]}. Need, reach "
        "and capacity are explained on the Metadata sheet.",
        writer.text,
    )
    row = 3
    for heading, lines in summary(analysis).items():
        sheet.write(row, 0, heading, writer.heading)
        for offset, line in enumerate(lines, start=1):
            sheet.write(row + offset, 0, line, writer.lead if heading == "In brief" else writer.text)
        row += len(lines) + 2
    _top_gaps_chart(writer, sheet, analysis, row)


def _top_gaps_chart(writer: SheetWriter, sheet, analysis: GapAnalysis, row: int) -> None:
    """A bar chart of the largest gaps in people with their 95% limits, above the little table it is drawn from."""
    top = analysis.top_gaps(CHART_GAPS)
    if top.is_empty():
        return
    data_row = row + 22
    sheet.write(data_row, 0, "The chart's figures: the largest gaps in people", writer.heading)
    sheet.set_column(1, 3, 14)
    for index, header in enumerate(["Ward and client group", "Unmet need (people)", "Lower 95% limit", "Upper 95% limit"]):
        sheet.write(data_row + 1, index, header, writer.header)
    for offset, gap in enumerate(top.iter_rows(named=True), start=data_row + 2):
        sheet.write_string(offset, 0, f"{gap['ward_name']}: {gap['group_label']}")
        for index, name in enumerate(("unmet_need", "unmet_need_lower_95", "unmet_need_upper_95"), start=1):
            writer.cell(sheet, offset, index, gap[name], "#,##0")
    first, last = data_row + 2, data_row + 1 + top.height
    plus = [(upper or value) - value for value, upper in zip(top["unmet_need"], top["unmet_need_upper_95"], strict=True)]
    minus = [value - (lower or value) for value, lower in zip(top["unmet_need"], top["unmet_need_lower_95"], strict=True)]
    chart = writer.book.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "Unmet need (people)",
            "categories": ["Summary", first, 0, last, 0],
            "values": ["Summary", first, 1, last, 1],
            "fill": {"color": DARK},
            "data_labels": {"value": True, "num_format": "#,##0"},
            "x_error_bars": {"type": "custom", "plus_values": plus, "minus_values": minus},
        }
    )
    chart.set_title({"name": f"The {top.height} largest gaps: people with estimated need not reached, with 95% limits"})
    chart.set_x_axis({"name": "People", "num_format": "#,##0", "min": 0})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_size({"width": 960, "height": 420})
    sheet.insert_chart(row + 1, 0, chart)


def write_idva_chart(writer: SheetWriter, sheet, analysis: GapAnalysis, row: int) -> None:
    """IDVA time for the area: registered against what the guide needs for the cases expected and the cases heard."""
    area = analysis.idva_area
    if area is None:
        return
    sheet.write(row, 0, "The chart's figures: IDVA full-time equivalents for the area", writer.heading)
    figures = [
        ("Registered", area["idva_fte"]),
        ("Needed for the MARAC cases expected", area["idva_fte_needed"]),
        ("Needed for the MARAC cases heard", area["idva_fte_needed_for_cases_heard"]),
    ]
    figures = [(name, value) for name, value in figures if value is not None]
    for offset, (name, value) in enumerate(figures, start=row + 1):
        sheet.write_string(offset, 0, name)
        sheet.write_number(offset, 1, value, writer.number("0.00"))
    chart = writer.book.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "IDVA FTE",
            "categories": [sheet.name, row + 1, 0, row + len(figures), 0],
            "values": [sheet.name, row + 1, 1, row + len(figures), 1],
            "fill": {"color": "#12436D"},
            "data_labels": {"value": True, "num_format": "0.0"},
        }
    )
    chart.set_title({"name": f"IDVA time for {analysis.area}: registered and needed (SafeLives' guide)"})
    chart.set_x_axis({"name": "Full-time equivalents", "min": 0})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_size({"width": 760, "height": 280})
    sheet.insert_chart(row + len(figures) + 2, 0, chart)


def write_coverage(writer: SheetWriter, sheet, analysis: GapAnalysis) -> None:
    coverage = analysis.coverage.with_columns(
        gap=pl.when(pl.col("has_no_service"))
        .then(pl.lit(NO_SERVICE))
        .when(pl.col("has_low_reach"))
        .then(pl.lit(LOW_REACH))
        .otherwise(pl.lit(""))
    )
    groups = [group for group in GROUP_SHORT_LABELS if group in set(coverage["client_group"])]
    wards = coverage.select("ward_code", "ward_name").unique(maintain_order=True).rows()
    cells = {(row["ward_code"], row["client_group"]): row for row in coverage.iter_rows(named=True)}
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 1 + len(groups), 13)
    scales = {
        "unmet": {"type": "2_color_scale", "min_color": LIGHT, "max_color": "#D7709A"},
        "reach": {"type": "2_color_scale", "min_color": "#D7709A", "max_color": LIGHT},
        "services": {"type": "2_color_scale", "min_color": MIDDLE, "max_color": LIGHT},
    }
    row = 0
    for title, name, flag, scale in COVERAGE_BLOCKS:
        sheet.write(row, 0, title, writer.heading)
        for index, header in enumerate(["Ward code", "Ward", *(GROUP_SHORT_LABELS[group] for group in groups)]):
            sheet.write(row + 1, index, header, writer.header)
        for offset, (ward_code, ward_name) in enumerate(wards, start=row + 2):
            sheet.write_string(offset, 0, ward_code)
            sheet.write_string(offset, 1, ward_name)
            for index, group in enumerate(groups, start=2):
                entry = cells[(ward_code, group)]
                value = entry[name]
                if flag and entry[flag] and value is None:
                    value = SUPPRESSED_TEXT
                elif value is None and name in ("unmet_need", "reach_pct_of_need", "estimated_need"):
                    value = NOT_ESTIMATED  # no population figures for the group: said, never a blank
                if name == "gap":
                    if value:
                        sheet.write_string(offset, index, value, writer.gap)
                else:
                    writer.cell(sheet, offset, index, value, "0.0" if name.endswith("_pct_of_need") else "#,##0")
        if scale and wards and groups:
            sheet.conditional_format(row + 2, 2, row + 1 + len(wards), 1 + len(groups), scales[scale])
        row += len(wards) + 3
    sheet.write(row, 0, f"{SUPPRESSED_LEGEND}. '{NOT_ESTIMATED}': need is not estimated for the group (no population figures).")
    sheet.repeat_rows(1)
    sheet.freeze_panes(2, 2)


def write_what_if(writer: SheetWriter, sheet, today: GapAnalysis, scenario: GapAnalysis) -> None:
    """The scenario's changes, its figures against today's, and the scenario itself as given."""
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 3, 18)
    sheet.write(0, 0, f"What-if: {scenario_of(scenario).name}", writer.title)
    row = 2
    sheet.write(row, 0, "The changes", writer.heading)
    changes = scenario_of(scenario).describe()
    for offset, line in enumerate(changes, start=1):
        sheet.write(row + offset, 0, line)
    row += len(changes) + 2
    sheet.write(row, 0, "Capacity: today against the scenario", writer.heading)
    for index, header in enumerate(["Figure", "Today", "With the scenario", "Change"]):
        sheet.write(row + 1, index, header, writer.header)
    now, then = today.idva_area or {}, scenario.idva_area or {}
    figures = [
        ("IDVA FTE registered", "idva_fte"),
        ("IDVA shortfall for the MARAC cases expected (FTE)", "fte_gap"),
        ("IDVA shortfall for the MARAC cases heard (FTE)", "fte_gap_for_cases_heard"),
    ]
    offset = row + 2
    for label, name in figures:
        before, after = now.get(name), then.get(name)
        sheet.write_string(offset, 0, label)
        writer.cell(sheet, offset, 1, before, "0.00")
        writer.cell(sheet, offset, 2, after, "0.00")
        if before is not None and after is not None:
            sheet.write_number(offset, 3, round(after - before, 2), writer.number("+0.00;-0.00;0.00"))
        offset += 1
    counts = [
        ("Ward and client group gaps", lambda analysis: int(analysis.coverage["is_gap"].sum())),
        ("Wards and groups with no service", lambda analysis: int(analysis.coverage["has_no_service"].sum())),
        (
            "Unmet need shown, all wards and groups (people)",
            lambda analysis: int(analysis.coverage["unmet_need"].fill_null(0).sum()),
        ),
    ]
    for label, measure in counts:
        before, after = measure(today), measure(scenario)
        sheet.write_string(offset, 0, label)
        sheet.write_number(offset, 1, before, writer.number("#,##0"))
        sheet.write_number(offset, 2, after, writer.number("#,##0"))
        sheet.write_number(offset, 3, after - before, writer.number("+#,##0;-#,##0;0"))
        offset += 1
    row = offset + 1
    changed = _changed_cells(today, scenario)
    row = writer.table(
        sheet,
        row,
        "Wards and client groups the scenario changes",
        changed,
        (
            Column("ward_name", "Ward"),
            Column("group_label", "Client group"),
            Column("services_today", "Services today", number_format="0"),
            Column("n_services", "Services with the scenario", number_format="0"),
            Column("added_places", "Places added in the period", number_format="#,##0"),
            Column("unmet_today", "Unmet need today (people)", "unmet_need_suppressed", "#,##0"),
            Column("unmet_need", "Unmet need with the scenario (people)", "unmet_need_suppressed", "#,##0"),
            Column("gap_today", "Gap today"),
            Column("gap_reason", "Gap with the scenario"),
        ),
        widths=False,
        filtered=True,
    )
    sheet.write(row, 0, f"The scenario file as given is on the '{SCENARIO_SHEET}' sheet (and in the export log).")


def write_scenario_file(writer: SheetWriter, sheet, scenario: Scenario) -> None:
    """The scenario as YAML, one line a row, so it can be copied out and run again."""
    sheet.set_column(0, 0, 100)
    sheet.write(0, 0, "The what-if scenario as given (YAML for oversight whatif --scenario)", writer.title)
    for row, line in enumerate(scenario.to_yaml().splitlines(), start=2):
        sheet.write_string(row, 0, line)


def _changed_cells(today: GapAnalysis, scenario: GapAnalysis) -> pl.DataFrame:
    keys = ["ward_code", "client_group"]
    before = today.coverage.select(*keys, services_today="n_services", unmet_today="unmet_need", gap_today="gap_reason")
    joined = scenario.coverage.join(before, on=keys, how="left")
    return joined.filter(
        (pl.col("n_services") != pl.col("services_today"))
        | (pl.col("added_places") > 0)
        | (pl.col("gap_reason") != pl.col("gap_today"))
    ).sort(pl.col("added_places"), descending=True)


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
        ("Generated at", _when(generated_at)),
        ("Data as at (last refresh finished)", _when(data_as_at)),
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


def _when(moment: datetime | None) -> str:
    return "not known" if moment is None else f"{moment:%d %B %Y, %H:%M}"
