"""The written sheets of the gap-analysis workbook that show its figures: the Summary with its chart, the coloured
Coverage grid and the IDVA chart. (The table sheets are metrics/export/gap_analysis.py's `sheet_tables`; the
What-if sheet and its scenario file are metrics/export/gap_what_if.py's; the Metadata sheet
metrics/export/gap_metadata.py's.)"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from metrics.disclosure import SUPPRESSED_TEXT
from metrics.export.workbook_cells import DARK, LIGHT, MIDDLE, NOT_ESTIMATED, SUPPRESSED_LEGEND, SheetWriter, moment_text
from metrics.gap_summary import summary
from metrics.service_gaps import GROUP_SHORT_LABELS, GapAnalysis

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
        f"{moment_text(data_as_at)}. {SUPPRESSED_LEGEND}. A gap: {analysis.assumptions.stated()[0][1]}. Need, reach "
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
