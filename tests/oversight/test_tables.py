"""Terminal tables: keys and numbers whole, descriptive text wrapped then dropped, no markup, no e-notation."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from oversight.tables import Column, format_number, layout, number_formatter, render


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (16571.649555, "16,572"),
        (16570.0, "16,570"),
        (1234567, "1,234,567"),
        (13.879125, "13.88"),
        (0.000123456, "0.0001235"),
        (9.842, "9.842"),
        (100.0, "100"),
        (-2.5, "-2.500"),
        (0, "0"),
    ],
)
def test_numbers_print_in_full_without_scientific_notation(value, shown):
    assert format_number(value) == shown


def test_a_column_of_fractions_shares_its_decimal_places():
    formatted = number_formatter([12.56, 9.8421, None, 3])
    assert [formatted(value) for value in (12.56, 9.8421, None, 3)] == ["12.56", "9.84", "", "3"]


def _printed(columns, rows, width: int) -> str:
    buffer = io.StringIO()
    render(Console(file=buffer, width=width, markup=False, highlight=False), columns, rows, title="[bold]t[/bold]")
    return buffer.getvalue()


COLUMNS = [Column("id", kind="key"), Column("count", kind="number"), Column("title", drop=2), Column("notes", drop=1)]
ROWS = [
    (
        "prevalence_incidents_per_1000_16plus",
        16571.6,
        "Domestic abuse incidents and crimes per 1,000 residents aged 16 and over",
        "counted once per incident, with the crimes it led to",
    )
]


def test_descriptive_columns_wrap_then_go_while_ids_and_numbers_stay_whole():
    wide = _printed(COLUMNS, ROWS, 160)
    assert "notes" in wide and "Not shown" not in wide
    narrow = _printed(COLUMNS, ROWS, 80)
    assert all(len(line.rstrip()) <= 80 for line in narrow.splitlines())
    assert "prevalence_incidents_per_1000_16plus" in narrow and "16,572" in narrow
    assert "Not shown at this width: notes" in narrow and "Domestic abuse" in narrow  # title kept, wrapped
    tiny = _printed(COLUMNS, ROWS, 30)  # even the id alone is wider: the table grows rather than cut it
    assert "prevalence_incidents_per_1000_16plus" in tiny and "16,572" in tiny
    assert "Not shown at this width: title, notes" in " ".join(tiny.split())


def test_headers_wrap_between_words_and_nothing_is_read_as_markup():
    columns = [Column("code", "[red]ward code[/red]", kind="key"), Column("n", "people counted here", kind="number")]
    printed = _printed(columns, [("E05990001", 12), ("[bold]x", 3)], 24)
    assert "[bold]t[/bold]" in printed and "[bold]x" in printed and "[red]ward" in printed
    assert "E05990001" in printed


def test_layout_drops_in_the_declared_order():
    cells = {"id": ["a_long_identifier"], "count": ["1"], "title": ["word " * 10], "notes": ["note " * 10]}
    plan = layout(COLUMNS, cells, 50)
    assert [column.name for column in plan.left_out] == ["notes"]
    assert plan.width <= 50
