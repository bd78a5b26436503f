"""compute_many hands back what it cannot cut in its place, and reads nothing for nothing. That each request gets the
frame `compute` gives it alone is held in the read harness, tests/metrics/test_read.py, against the queries run
themselves."""

from __future__ import annotations

from metrics.aggregate import UnsupportedCut
from metrics.compute import Filters, Request, compute_many
from metrics.disclosure import DisclosureRule


def test_a_cut_an_indicator_refuses_comes_back_in_its_place(sample_warehouse):
    asked = [Request("idva_caseload_per_fte", Filters(by="ward")), Request("prevalence_incidents_per_1000")]
    refused, frame = compute_many(sample_warehouse, asked, rule=DisclosureRule(7, 5))
    assert isinstance(refused, UnsupportedCut) and "idva_caseload_per_fte cannot be cut by ward" in str(refused)
    assert frame.height == 1 and frame["cut_value"][0] == "district"


def test_an_empty_batch_reads_nothing(sample_warehouse):
    assert compute_many(sample_warehouse, [], rule=DisclosureRule(7, 5)) == []
