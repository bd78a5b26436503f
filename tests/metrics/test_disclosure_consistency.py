"""The same count is published the same way wherever it is shown: rounding is a fixed function of the count,
never of the page, the table around it, the period menu or the session, so two views of one cell cannot be
averaged or set against each other to narrow its band."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from metrics.aggregate import GroupFilters
from metrics.compute import Filters, compute
from metrics.disclosure import DisclosureRule, protect_count, protect_frame, protect_table
from metrics.periods import financial_year, quarter

RULE = DisclosureRule(threshold=7, rounding_base=5)
ALDERBROOK = "E05990012"
INDICATOR = "prevalence_incidents_per_1000"


@given(count=st.integers(0, 10_000), others=st.lists(st.integers(0, 10_000), max_size=6), position=st.integers(0, 6))
def test_a_shown_count_is_rounded_the_same_whatever_surrounds_it(count, others, position):
    """Alone, as a row of a frame among any others, or as a cell of a table: the same published value, or hidden."""
    alone = protect_count(count, RULE).value
    rows = [*others[:position], count, *others[position:]]
    where = min(position, len(others))
    framed = protect_frame(pl.DataFrame({"n": rows}), count_columns=["n"], ratio_columns={}, rule=RULE)
    tabled = protect_table(np.array([rows, [0] * len(rows)]), rule=RULE).cells[0][where].value
    for shown in (framed["n"][where], tabled):
        assert shown is None or shown == alone


def test_rounding_is_the_same_in_another_process():
    """No seed, salt or session enters the rule: a fresh interpreter publishes every count the same."""
    counts = list(range(0, 400))
    script = (
        "import json, sys; from metrics.disclosure import DisclosureRule, protect_count; "
        "rule = DisclosureRule(7, 5); print(json.dumps([protect_count(n, rule).value for n in range(400)]))"
    )
    fresh = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert fresh.strip() == str([protect_count(n, RULE).value for n in counts]).replace("None", "null")


def _shown(frame: pl.DataFrame, **where: object) -> tuple[object, object]:
    row = frame.filter(*(pl.col(column) == value for column, value in where.items())).row(0, named=True)
    return row["numerator"], row["value"]


def test_one_ward_quarter_is_published_the_same_on_every_route_to_it(sample_warehouse):
    """Alderbrook's incidents in 2025 Q4: as its own period (the ward chosen on a page), as a row of the wards
    for the quarter (the map and the pack's ward funnel), and as a quarter of its financial year (a trend cut):
    one published count, one rate, asked twice."""
    q4 = quarter(2025, 4)
    ward = GroupFilters(ward_code=ALDERBROOK)
    routes = [
        _shown(compute(sample_warehouse, INDICATOR, Filters(period=q4, groups=ward), rule=RULE, with_trend=False)),
        _shown(
            compute(sample_warehouse, INDICATOR, Filters(period=q4, by="ward"), rule=RULE, with_trend=False), cut_value=ALDERBROOK
        ),
        _shown(
            compute(
                sample_warehouse,
                INDICATOR,
                Filters(period=financial_year(2025), by="quarter", groups=ward),
                rule=RULE,
                with_trend=False,
            ),
            cut_label="2025 Q4",
        ),
    ]
    again = _shown(compute(sample_warehouse, INDICATOR, Filters(period=q4, groups=ward), rule=RULE, with_trend=False))
    numerators = {numerator for numerator, _ in [*routes, again]}
    assert len(numerators) == 1 and None not in numerators
    (numerator,) = numerators
    assert numerator % RULE.rounding_base == 0 and numerator > RULE.threshold
    values = {round(value, 6) for _, value in routes if value is not None}
    assert len(values) == 1, routes
