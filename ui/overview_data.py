"""The Overview's first screen, gathered through the cached queries every page uses (so the disclosure
tests read each figure) and put together by `metrics.board.overview`."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.aggregate import GroupFilters
from metrics.board.overview import PREVALENCE, Overview, monthly_filters, overview, top_ward
from metrics.board.summary import immature_outcomes, incomplete_periods
from metrics.compute import Filters
from metrics.funnel_data import FunnelNotAvailable
from metrics.periods import Period
from metrics.standardisation import NotStandardisable
from metrics.targets import PlanFormatError, PlanMissing
from ui import cache


def first_screen(period: Period, previous: Period, groups: GroupFilters) -> Overview:
    """The scorecard for the sidebar's ward and groups; the ward and community named are the district's."""
    current = cache.scorecard(filters=Filters(period=period, groups=groups))
    before = cache.scorecard(filters=Filters(period=previous, groups=groups))
    ids = current["indicator_id"].to_list() if current.height else []
    series = {
        indicator_id: cache.indicator(indicator_id, filters)
        for indicator_id, filters in monthly_filters(ids, period.end, groups).items()
    }
    # wards are named from their age-standardised rates where the ages are known, as a ward of students and one of
    # pensioners differ for their ages alone; the crude funnel otherwise
    try:
        points = cache.standardised_ward_points(indicator_id=PREVALENCE, period=period, groups=GroupFilters())
    except NotStandardisable:
        points = None
    if points is None or points.filter(pl.col("value").is_not_null()).is_empty():
        try:
            points, _ = cache.ward_funnel(indicator_id=PREVALENCE, filters=Filters(period=period))
        except FunnelNotAvailable:
            points = None
    ward = top_ward(points) if points is not None else None
    ward_months = (
        cache.indicator(PREVALENCE, monthly_filters([PREVALENCE], period.end, GroupFilters(ward_code=ward))[PREVALENCE])
        if ward
        else None
    )
    groups_frame = cache.hidden_need_by_group(filters=Filters(period=period))
    try:
        targets = cache.plan_view(as_of=date.today()).targets
    except (PlanMissing, PlanFormatError):
        targets = None
    return overview(
        period=period,
        previous=previous,
        current=current,
        before=before,
        series=series,
        ward_points=points if points is not None else pl.DataFrame(),
        ward_months=ward_months,
        groups=groups_frame,
        targets=targets,
        immature=immature_outcomes(ids, period, cache.outcomes_mature_through()),
        incomplete=incomplete_periods(ids, (period, previous), status.coverage if (status := cache.load_status()) else None),
        rounded_to=cache.current_rule().rounding_base,
    )
