"""Outcome maturity: a crime recorded last month has not had time to reach an arrest, a charge or a closure.

Outcome-type indicators (`Indicator.matures`) count crimes recorded in the period by what has happened to
them since. Read over the latest months, they are biased: in the sample district only about half the
crimes recorded in the last quarter have an outcome yet. So such an indicator is reported for the same
length of period ending no later than its maturity cut-off, the end of the month `lag` months before the
latest month every source it uses covers whole (`lag` is the `OVERSIGHT_MATURITY_LAG_MONTHS` setting,
6 by default). A period that ends after the cut-off moves back to end on it, and its label says so;
trends stop at it too, so an immature year is never set beside a mature one as if they were alike.
"""

from __future__ import annotations

from datetime import date

from metrics import periods
from metrics.periods import Period


def cutoff(complete_through: date, lag_months: int) -> date:
    """The last day of the month `lag_months` before the month ending `complete_through`."""
    months = complete_through.year * 12 + complete_through.month - 1 - lag_months
    return periods.month_end(date(months // 12, months % 12 + 1, 1))


def mature_period(period: Period, mature_through: date, lag_months: int) -> Period:
    """`period`, or the period of the same length ending on `mature_through` when it ends later."""
    if period.end <= mature_through:
        return period
    note = f"(outcomes given {lag_months} months to mature)"
    months = period.months
    if months is not None:
        end = mature_through
        start_index = end.year * 12 + end.month - months
        start = date(start_index // 12, start_index % 12 + 1, 1)
        return Period(start, end, f"{months} months to {end:%b %Y} {note}")
    shift = period.end - mature_through
    start = period.start - shift
    return Period(start, mature_through, f"{start:%d %b %Y} to {mature_through:%d %b %Y} {note}")
