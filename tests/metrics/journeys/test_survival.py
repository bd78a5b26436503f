"""The log-rank comparison of time to an event between groups, on literal counts of people per (group, day,
outcome): under a protecting rule it says no more than the published curves do."""

from __future__ import annotations

import polars as pl
import pytest

from metrics.disclosure import DisclosureRule
from metrics.journeys.survival import _comparison

BOARD = DisclosureRule(threshold=7, rounding_base=5)


def counts(women_on_day_10: int) -> pl.DataFrame:
    """120 women and 80 men: women mostly supported in their first fortnight, men later; the rest followed a year."""
    rows = [
        ("female", "Female", 3, True, 40),
        ("female", "Female", 10, True, women_on_day_10),
        ("female", "Female", 11, True, 30 - women_on_day_10),
        ("female", "Female", 60, False, 20),
        ("female", "Female", 365, False, 30),
        ("male", "Male", 20, True, 15),
        ("male", "Male", 90, True, 20),
        ("male", "Male", 150, False, 15),
        ("male", "Male", 365, False, 30),
    ]
    return pl.DataFrame(rows, schema=["group_value", "group_label", "days", "is_event", "people"], orient="row")


def test_a_change_no_published_count_shows_leaves_the_protected_test_as_it_was():
    # one woman supported on day 11 instead of day 10: both days are between the curve's days 7 and 14, so every
    # published count is the same, and so is the test; the exact test moves with her
    before, after = (_comparison(counts(day_10), BOARD, measure="support", by="sex").row(0, named=True) for day_10 in (12, 11))
    assert (before["test_statistic"], before["p_value"], before["sentence"]) == (
        after["test_statistic"],
        after["p_value"],
        after["sentence"],
    )
    exact = [_comparison(counts(day_10), DisclosureRule.unsuppressed(), measure="support", by="sex") for day_10 in (12, 11)]
    assert exact[0]["test_statistic"][0] != exact[1]["test_statistic"][0]


def test_the_protected_test_reaches_the_exact_tests_verdict():
    protected = _comparison(counts(12), BOARD, measure="support", by="sex").row(0, named=True)
    exact = _comparison(counts(12), DisclosureRule.unsuppressed(), measure="support", by="sex").row(0, named=True)
    assert protected["groups_compared"] == exact["groups_compared"] == 2
    assert protected["p_value"] < 0.001 and exact["p_value"] < 0.001
    assert protected["test_statistic"] == pytest.approx(exact["test_statistic"], rel=0.25)
    assert protected["sentence"].startswith("How soon specialist support starts differs between sexes")
