"""The gap-analysis workbook: every sheet, the page's own numbers, no small counts, and its provenance."""

from __future__ import annotations

import io
import re
from datetime import datetime

import openpyxl
import pytest
from typer.testing import CliRunner

from metrics.compute import default_period
from metrics.disclosure import Audience, DisclosureError, DisclosureRule, rule_for
from metrics.export.gap_analysis import SHEETS, build_gap_analysis
from metrics.export.gap_sheets import COVERAGE_BLOCKS
from metrics.export.workbook_cells import NOT_ESTIMATED
from metrics.periods import month
from metrics.service_gaps import GROUP_SHORT_LABELS
from oversight.cli import app as cli
from oversight.settings import Settings
from ui.cache import QUERIES

GENERATED_AT = datetime(2026, 11, 26, 9, 30)
DATA_AS_AT = datetime(2026, 11, 26, 2, 15)
NORTHERN_WARD = "E05990003"  # Kestrel Edge: few people, so a month there hides many counts
# Columns and blocks whose small whole numbers are not counts of people: services, places,
# case workers, shares, limits, estimates and indicator values.
NOT_PEOPLE = ("services taking", "places", "fte", "%", "expected", "limit", "value")


@pytest.fixture(scope="module")
def rule():
    return rule_for(Audience.COMMISSIONER, Settings())


@pytest.fixture(scope="module", params=["district, latest 12 months", "northern ward, one month"])
def selection(request, sample_warehouse, rule):
    """(period, ward code, the workbook opened, the page's gap analysis for the same filters)."""
    if request.param.startswith("district"):
        period, ward_code = default_period(sample_warehouse), None
    else:
        period, ward_code = month(2026, 8), NORTHERN_WARD
    workbook = build_gap_analysis(
        sample_warehouse, period=period, ward_code=ward_code, rule=rule, generated_at=GENERATED_AT, data_as_at=DATA_AS_AT
    )
    page_rule = rule_for(Audience.BOARD, Settings())
    analysis = QUERIES["gap_analysis"](sample_warehouse, page_rule, period=period, ward_code=ward_code)
    return period, ward_code, openpyxl.load_workbook(io.BytesIO(workbook)), analysis


def tables(sheet) -> list[tuple[str, list, list[tuple]]]:
    """(title, header, rows) of each titled table on a sheet: a title row, a header row, rows to a blank line."""
    found, rows = [], list(sheet.iter_rows(values_only=True))
    index = 0
    while index < len(rows):
        filled = [value for value in rows[index] if value is not None]
        if (
            len(filled) == 1
            and rows[index][0] is not None
            and index + 1 < len(rows)
            and sum(value is not None for value in rows[index + 1]) > 1
        ):
            end = index + 2
            while end < len(rows) and any(value is not None for value in rows[end]):
                end += 1
            found.append((rows[index][0], list(rows[index + 1]), rows[index + 2 : end]))
            index = end
        else:
            index += 1
    return found


def table(sheet, title_start: str):
    return next((header, rows) for title, header, rows in tables(sheet) if title.startswith(title_start))


def shown(value, flag: bool | None):
    return "*" if value is None and flag else value


def test_every_sheet_is_there(selection):
    _, _, book, _ = selection
    assert book.sheetnames == list(SHEETS)


def test_coverage_sheet_holds_the_numbers_the_page_shows(selection):
    _, _, book, analysis = selection
    expected = {(row["ward_code"], row["client_group"]): row for row in analysis.coverage.iter_rows(named=True)}
    groups_by_label = {label: group for group, label in GROUP_SHORT_LABELS.items()}
    checked = 0
    numbers = [block for block in COVERAGE_BLOCKS if block[1] != "gap"]  # the gap block is words
    for block_title, column, flag, _ in numbers:
        header, rows = table(book["Coverage"], block_title)
        assert len(rows) == analysis.coverage["ward_code"].n_unique()
        for row in rows:
            for label, cell in zip(header[2:], row[2:], strict=True):
                source = expected[(row[0], groups_by_label[label])]
                want = shown(source[column], flag and source[flag])
                if want is None:  # a blank is never left unexplained: need is not estimated for the group
                    want = NOT_ESTIMATED
                assert cell == (pytest.approx(want) if isinstance(want, float) else want), (row[1], label, column)
                checked += 1
    assert checked == len(numbers) * analysis.coverage.height


def test_coverage_gap_words_match_the_flags(selection):
    _, _, book, analysis = selection
    header, rows = table(book["Coverage"], "Gaps:")
    marked = {(row[0], label) for row in rows for label, cell in zip(header[2:], row[2:], strict=True) if cell}
    flagged = {
        (row["ward_code"], GROUP_SHORT_LABELS[row["client_group"]])
        for row in analysis.coverage.iter_rows(named=True)
        if row["has_no_service"] or row["has_low_reach"]
    }
    assert marked == flagged


def test_indicators_sheet_holds_the_values_the_page_shows(selection):
    _, _, book, analysis = selection
    header, rows = table(book["Indicators"], "Indicators for")
    by_title = {row[header.index("Indicator")]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_title) == set(analysis.indicators["title"])
    columns = {
        "Numerator": ("numerator", "numerator_suppressed"),
        "Denominator": ("denominator", "denominator_suppressed"),
        "Value": ("value", "value_suppressed"),
        "Lower 95% limit": ("lower_95", "value_suppressed"),
        "Upper 95% limit": ("upper_95", "value_suppressed"),
    }
    for source in analysis.indicators.iter_rows(named=True):
        written = by_title[source["title"]]
        for header_name, (column, flag) in columns.items():
            want = shown(source[column], source.get(flag))
            got = written[header_name]
            assert got == (pytest.approx(want) if isinstance(want, float) else want), (source["indicator_id"], header_name)


def test_no_count_from_1_to_7_appears_anywhere(selection):
    _, _, book, _ = selection
    offenders = []
    for sheet in book.worksheets:
        for title, header, rows in tables(sheet):
            for row in rows:
                for column, value in enumerate(row):
                    name = f"{title} / {header[column] if column < len(header) else ''}"
                    if isinstance(value, str) and re.fullmatch(r"\s*[1-7]\s*", value):
                        offenders.append((sheet.title, name, value))
                    is_small = isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value <= 7
                    if is_small and value == int(value) and not any(word in name.lower() for word in NOT_PEOPLE):
                        offenders.append((sheet.title, name, value))
    assert offenders == []


def test_a_value_the_page_hides_is_a_star_in_the_workbook(selection):
    _, _, book, analysis = selection
    hidden = (
        analysis.indicators["value_suppressed"].sum()
        + analysis.coverage["people_reached_suppressed"].sum()
        + analysis.idva["n_marac_cases_suppressed"].sum()
    )
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    assert hidden > 0
    assert "*" in cells


def test_metadata_records_the_filters_and_the_disclosure_rule(selection, rule):
    period, ward_code, book, analysis = selection
    facts = {row[0]: row[1] for row in book["Metadata"].iter_rows(values_only=True) if row[0] and row[1]}
    assert period.label in facts["Filter: period"]
    assert str(period.start) in facts["Filter: period"] and str(period.end) in facts["Filter: period"]
    assert facts["Filter: ward"] == ("the whole district" if ward_code is None else f"{analysis.area} ({ward_code})")
    assert facts["Disclosure rule"] == rule.describe()
    assert f"threshold {rule.threshold}" in facts["Disclosure settings"]
    assert facts["Generated at"] == "26 November 2026, 09:30"
    assert facts["Data as at (last refresh finished)"] == "26 November 2026, 02:15"
    _, extracts = table(book["Metadata"], "Extracts in the warehouse")
    assert {row[0] for row in extracts} >= {
        "Police: domestic abuse incidents and crimes",
        "MARAC: cases heard",
        "Specialist services: referrals, starts and ends",
        "Reference: the register of services",
    }
    _, definitions = table(book["Metadata"], "Definitions of the indicators used")
    assert {row[0] for row in definitions} == set(analysis.indicators["title"])


def test_an_unsuppressed_export_is_refused(sample_warehouse):
    with pytest.raises(DisclosureError):
        build_gap_analysis(
            sample_warehouse,
            period=default_period(sample_warehouse),
            rule=DisclosureRule.unsuppressed(),
            generated_at=GENERATED_AT,
            data_as_at=DATA_AS_AT,
        )


def test_the_command_writes_a_workbook(tmp_path, sample_warehouse_path):
    out = tmp_path / "gap.xlsx"
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "gap-analysis",
            "--out",
            str(out),
            "--warehouse",
            str(sample_warehouse_path),
            "--ward",
            NORTHERN_WARD,
            "--from",
            "2026-04-01",
            "--to",
            "2026-09-30",
        ],
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == list(SHEETS)
    facts = {row[0]: row[1] for row in book["Metadata"].iter_rows(values_only=True) if row[0] and row[1]}
    assert "2026-04-01 to 2026-09-30" in facts["Filter: period"]
    assert NORTHERN_WARD in facts["Filter: ward"]


def test_the_command_explains_a_missing_warehouse_or_ward(tmp_path, sample_warehouse_path):
    runner = CliRunner()
    missing = runner.invoke(cli, ["export", "gap-analysis", "--out", str(tmp_path / "a.xlsx"), "--warehouse", str(tmp_path)])
    assert missing.exit_code == 2
    assert "no warehouse has been published" in missing.output
    unknown = runner.invoke(
        cli,
        [
            "export",
            "gap-analysis",
            "--out",
            str(tmp_path / "b.xlsx"),
            "--warehouse",
            str(sample_warehouse_path),
            "--ward",
            "E05000000",
        ],
    )
    assert unknown.exit_code == 2
    assert "no ward 'E05000000'" in unknown.output
    assert not (tmp_path / "a.xlsx").exists() and not (tmp_path / "b.xlsx").exists()
