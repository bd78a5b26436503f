"""The justice figures read from the refresh's monthly sums are the figures of the incidents and crimes
themselves, and the sums are read only for periods they can answer."""

from __future__ import annotations

from datetime import date

import pytest
from polars.testing import assert_frame_equal

import metrics.read
from metrics.read import attrition_relation
from metrics.aggregate import GroupFilters
from metrics.attrition import attrition_funnel
from metrics.attrition_days import days_between_stages
from metrics.precomputed import STAGE_COUNTS, STEP_DAYS
from metrics.compute import default_period
from metrics.disclosure import DisclosureRule
from metrics.periods import between, financial_year, month, quarter

OPEN = DisclosureRule.unsuppressed()
CUTS = [None, "ward", "sex", "age_band", "ethnicity"]
SELECTIONS = [GroupFilters(), GroupFilters(ward_code="E05990025"), GroupFilters(sex="female"),
              GroupFilters(ward_code="E05990025", sex="female", age_band="25-34"), GroupFilters(ethnicity="white")]


def read(con, summed, period, by, groups, *, precomputed):
    frame = attrition_relation(con, summed, period, by, groups, precomputed=precomputed).pl()
    return frame.sort(frame.columns, nulls_last=True)


@pytest.mark.parametrize("summed", [STAGE_COUNTS, STEP_DAYS], ids=["stage counts", "step days"])
@pytest.mark.parametrize("by", CUTS)
def test_precomputed_and_live_figures_agree(sample_warehouse, summed, by):
    for period in (default_period(sample_warehouse), financial_year(2024), quarter(2026, 1), month(2025, 11)):
        for groups in SELECTIONS:
            assert_frame_equal(read(sample_warehouse, summed, period, by, groups, precomputed=True),
                               read(sample_warehouse, summed, period, by, groups, precomputed=False), check_exact=True)


def test_the_sample_reaches_every_stage_and_step(sample_warehouse):
    # so the agreement above is over real figures, not zeros
    period = default_period(sample_warehouse)
    counts = read(sample_warehouse, STAGE_COUNTS, period, None, GroupFilters(), precomputed=True)
    assert all(count > 0 for count in counts.drop("is_total", "cut_value").row(0))
    days = read(sample_warehouse, STEP_DAYS, period, "ward", GroupFilters(), precomputed=True)
    assert days["step"].n_unique() == 6 and days["cut_value"].n_unique() > 20
    assert (days["p90_days"] % 1 > 0).any()  # some percentiles fall between two cases


def test_only_whole_months_are_read_from_the_sums():
    assert month(2024, 2).is_whole_months
    assert financial_year(2024).is_whole_months
    assert not between(date(2025, 1, 15), date(2025, 6, 30)).is_whole_months
    assert not between(date(2025, 1, 1), date(2025, 6, 29)).is_whole_months


def test_a_period_the_sums_cannot_answer_reads_the_cases(sample_warehouse, monkeypatch):
    read_cases = attrition_relation

    def cases_only(*args, precomputed):
        assert not precomputed, "read the monthly sums"
        return read_cases(*args, precomputed=precomputed)

    monkeypatch.setattr(metrics.read, "attrition_relation", cases_only)
    period = between(date(2025, 1, 15), date(2025, 6, 3))
    funnel = attrition_funnel(sample_warehouse, period, rule=OPEN, by="sex")
    assert funnel.filter(funnel["is_total"] & (funnel["stage"] == "incident"))["count"][0] > 0
    days = days_between_stages(sample_warehouse, period, rule=OPEN, by="sex")
    assert days.filter(days["is_total"])["cases"][0] > 0


def test_a_warehouse_without_the_sums_reads_the_cases(tiny_warehouse):
    assert tiny_warehouse.sql("select count(*) from duckdb_tables() where table_name like 'precomputed_attrition%'"
                              ).fetchall() == [(0,)]
    period = financial_year(2025)
    funnel = attrition_funnel(tiny_warehouse, period, rule=OPEN)
    live = attrition_relation(tiny_warehouse, STAGE_COUNTS, period, None, GroupFilters(), precomputed=False).pl()
    assert funnel.filter(funnel["stage"] == "incident")["count"][0] == live["incidents"][0]
    days = days_between_stages(tiny_warehouse, period, rule=OPEN, min_cases=1)
    assert days.height == 6
