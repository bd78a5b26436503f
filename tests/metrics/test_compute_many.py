"""compute_many gives each request the frame `compute` gives it alone (tests/metrics/test_read.py holds both to the
queries run themselves)."""

from __future__ import annotations

import pytest
from polars.testing import assert_frame_equal

from metrics import periods
from metrics.aggregate import GroupFilters, UnsupportedCut
from metrics.compute import Filters, Request, compute, compute_many, default_period
from metrics.disclosure import DisclosureRule

WARD = "E05990025"
INDICATORS = (
    "prevalence_incidents_per_1000",
    "marac_cases_per_10000_women",
    "marac_minoritised_pct",
    "hidden_need_reporting_ratio",
    "honour_based_abuse_count",
    "idva_caseload_per_fte",
    "repeat_victimisation_pct",
    "people_reached_per_1000",
    "reach_vs_need_pct",
)
RULES = (DisclosureRule(7, 5), DisclosureRule.unsuppressed())


def requests(con) -> list[Request]:
    latest = default_period(con)
    cuts = [
        Filters(latest),
        Filters(latest, None, GroupFilters(ward_code=WARD)),
        Filters(latest, "ward"),
        Filters(latest, "sex", GroupFilters(ward_code=WARD)),
        Filters(periods.financial_year(2024), "ethnicity"),
        Filters(latest, None, GroupFilters(ward_code=WARD, sex="female")),
        Filters(periods.financial_year(2025), "year"),
        Filters(periods.between(latest.start, latest.end.replace(day=15)), "quarter"),
        Filters(),
    ]
    return [
        Request(indicator_id, filters, with_trend)
        for indicator_id in INDICATORS
        for filters in cuts
        for with_trend in (True, False)
    ]


def alone(con, request: Request, rule: DisclosureRule):
    try:
        return compute(con, request.indicator_id, request.filters, rule=rule, with_trend=request.with_trend)
    except UnsupportedCut as error:
        return error


def same(batched, one) -> None:
    if isinstance(one, UnsupportedCut):
        assert isinstance(batched, UnsupportedCut) and str(batched) == str(one)
    else:
        assert_frame_equal(batched, one, check_exact=False, rel_tol=1e-12)


@pytest.mark.parametrize("rule", RULES, ids=["board", "unsuppressed"])
def test_a_batch_gives_each_request_its_own_frame(sample_warehouse, rule):
    asked = requests(sample_warehouse)
    for request, batched in zip(asked, compute_many(sample_warehouse, asked, rule=rule)):
        same(batched, alone(sample_warehouse, request, rule))


def test_a_cut_an_indicator_refuses_comes_back_in_its_place(sample_warehouse):
    asked = [Request("idva_caseload_per_fte", Filters(by="ward")), Request("prevalence_incidents_per_1000")]
    refused, frame = compute_many(sample_warehouse, asked, rule=DisclosureRule(7, 5))
    assert isinstance(refused, UnsupportedCut) and "idva_caseload_per_fte cannot be cut by ward" in str(refused)
    assert frame.height == 1 and frame["cut_value"][0] == "district"


def test_an_empty_batch_reads_nothing(sample_warehouse):
    assert compute_many(sample_warehouse, [], rule=DisclosureRule(7, 5)) == []
