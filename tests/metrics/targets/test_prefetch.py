"""The action plan fetches its figures together first: the same plan view, and nothing left to fetch one by one.

Assessed on 26 November 2026 as in test_sample_plan.py: the sample's data run to September 2026.
"""

from __future__ import annotations

import pickle
from datetime import date

from metrics.disclosure import DisclosureRule
from metrics.registry import BY_ID
from metrics.targets import WarehouseValues, assess_plan, plan_from_warehouse, view
from metrics.targets.chart_series import chart_points
from metrics.targets.reading import figures_read
from metrics.targets.view import plan_view

AS_OF = date(2026, 11, 26)
BOARD = DisclosureRule(threshold=7, rounding_base=5)


def test_the_plan_view_is_the_same_with_its_figures_fetched_one_by_one(sample_warehouse, monkeypatch):
    fetched_together = plan_view(sample_warehouse, BOARD, as_of=AS_OF)
    monkeypatch.setattr(WarehouseValues, "prefetch_coverage", lambda self, indicator_ids: None)
    monkeypatch.setattr(view, "figures_read", lambda *args, **kwargs: [])
    one_by_one = plan_view(sample_warehouse, BOARD, as_of=AS_OF)
    assert pickle.dumps(fetched_together) == pickle.dumps(one_by_one)


def test_every_figure_the_assessment_reads_was_fetched_first(sample_warehouse):
    plan = plan_from_warehouse(sample_warehouse)
    source = WarehouseValues(sample_warehouse, BOARD)
    source.prefetch_coverage(target.indicator for target in plan.targets if target.indicator in BY_ID)
    wanted = [figure for target in plan.targets for figure in figures_read(target, source, as_of=AS_OF)]
    source.prefetch(wanted)
    fetched = set(source._measured)
    assert len(fetched) > 50
    for assessment in assess_plan(plan, source, as_of=AS_OF):
        chart_points(assessment, source)
    assert set(source._measured) == fetched
