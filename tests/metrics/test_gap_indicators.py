"""The gap analysis's district indicators: counts rounded, and every figure beside them worked out from those."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from metrics.disclosure import DisclosureRule
from metrics.gap_indicators import area_indicators
from metrics.periods import rolling_12_months
from metrics.registry import get
from metrics.result_values import interval


def test_a_district_value_is_worked_out_from_its_rounded_counts(sample_warehouse):
    rule = DisclosureRule(7, 5)
    frame = area_indicators(sample_warehouse, rolling_12_months(date(2026, 9, 30)), rule, None)
    shown = frame.filter(pl.col("value").is_not_null())
    assert shown.height >= 10
    for row in shown.iter_rows(named=True):
        assert row["numerator"] % 5 == 0, row["indicator_id"]
        expected = interval(get(row["indicator_id"]), row["numerator"], row["denominator"], 0.95)
        assert expected is not None
        assert (row["value"], row["lower_95"], row["upper_95"]) == pytest.approx(
            (expected.value, expected.lower, expected.upper)
        ), row["indicator_id"]
