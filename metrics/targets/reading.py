"""Which figures a target's assessment reads: each complete financial year its data hold (back HISTORY_YEARS,
for the history and the chart), the current 12 months, and the 12 months to each milestone due.

`assess` reads them one by one as it goes; `figures_read` lists them first, so a source can fetch them together.
"""

from __future__ import annotations

from datetime import date, timedelta

from metrics import periods
from metrics.definitions import Indicator
from metrics.periods import Period
from metrics.registry import UnknownIndicator, get
from metrics.targets.model import Cut, Target
from metrics.targets.sources import (
    Coverage,
    NotComputable,
    ValueSource,
    twelve_months_to,
)

HISTORY_YEARS = 10  # the Achievable check looks back this far; older years say little about today's pace


def figures_read(target: Target, source: ValueSource, *, as_of: date | None = None) -> list[tuple[str, Cut, Period]]:
    """Every figure `assess` (and the target's chart) may ask the source for, so it can fetch them together first.

    The same periods `assess` reads: each complete financial year held, the current 12 months and each
    milestone due; a milestone it leaves unread (the current figure hidden, say) is read here all the same.
    """
    as_of = as_of or date.today()
    indicator = registered(target.indicator)
    if indicator is None or any(dimension not in indicator.dimensions for dimension in target.cut.dimensions()):
        return []
    try:
        coverage = seen_by(source.coverage(indicator.id), as_of)
    except NotComputable:
        return []
    if coverage is None:
        return []
    due = [
        twelve_months_to(milestone.by)
        for milestone in target.milestones
        if milestone.by is not None and milestone.value is not None and milestone.by < as_of
    ]
    wanted = [
        *(periods.financial_year(year) for year in history_years(coverage)),
        current_period(target, coverage, as_of),
        *(period for period in due if coverage.holds(period)),
    ]
    return [(indicator.id, target.cut, period) for period in wanted]


def current_period(target: Target, coverage: Coverage, as_of: date) -> Period:
    """The 12 months ending at the target date once it has passed and the data hold them; else the latest held."""
    by = target.target_date
    if by is not None and by < as_of and coverage.holds(twelve_months_to(by)):
        return twelve_months_to(by)
    return twelve_months_to(coverage.last_day)


def seen_by(coverage: Coverage | None, as_of: date) -> Coverage | None:
    """What the board could have seen on `as_of`: whole months before it (None: no data before it)."""
    if coverage is None or as_of > coverage.last_day:
        return coverage
    seen = Coverage(coverage.first_day, as_of.replace(day=1) - timedelta(days=1))
    return None if seen.last_day < seen.first_day else seen


def history_years(coverage: Coverage) -> list[int]:
    """The complete financial years held, back HISTORY_YEARS from the last."""
    last_year = periods.financial_year_of(coverage.last_day)
    return [year for year in range(last_year - HISTORY_YEARS, last_year + 1) if coverage.holds(periods.financial_year(year))]


def registered(indicator_id: str | None) -> Indicator | None:
    if not indicator_id:
        return None
    try:
        return get(indicator_id)
    except UnknownIndicator:
        return None
