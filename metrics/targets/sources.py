"""Where a target's figures come from: the warehouse through `compute`, or values given by hand.

An assessment asks a `ValueSource` two things: which days the indicator's data cover, and the value
(with its 95% interval) for one cut over one period. Every period asked for is 12 whole months, so a
source given by hand is keyed by the last day of each 12-month period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import duckdb
import polars as pl

from metrics import periods, read
from metrics.aggregate import GroupFilters, UnsupportedCut
from metrics.compute import Filters, Request, compute_many
from metrics.disclosure import Audience, DisclosureRule, rule_for
from metrics.periods import Period
from metrics.queries import query_key
from metrics.registry import get
from metrics.targets.model import CUT_DIMENSIONS, Cut
from oversight.settings import get_settings


class NotComputable(Exception):
    """The indicator cannot be computed for this cut from the loaded data; the message says why."""


@dataclass(frozen=True)
class Coverage:
    first_day: date
    last_day: date

    def holds(self, period: Period) -> bool:
        """Whether the data reach over the whole period; the month of the last event counts as whole."""
        return self.first_day <= period.start and period.end <= periods.month_end(self.last_day)


@dataclass(frozen=True)
class Measurement:
    """One figure for one period, as `compute` publishes it under the disclosure rule."""

    period: Period
    value: float | None
    lower_95: float | None = None
    upper_95: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    suppressed: bool = False

    @property
    def is_shown(self) -> bool:
        return self.value is not None and not self.suppressed

    @property
    def shown_value(self) -> float:
        """The value of a figure that is shown; asking it of a hidden figure is a programming error."""
        if self.value is None or self.suppressed:
            raise ValueError(f"the figure for {self.period.label} is not shown")
        return self.value

    def limits(self) -> tuple[float | None, float | None]:
        """The 95% limits; a figure published without any (a count) is compared as exact."""
        if self.lower_95 is None and self.upper_95 is None and self.is_shown:
            return self.value, self.value
        return self.lower_95, self.upper_95

    def why_not_shown(self) -> str:
        if self.suppressed:
            return f"too few people to show safely in {self.period.label}"
        return f"nothing to measure in {self.period.label} (no events or no population)"


class ValueSource(Protocol):
    def coverage(self, indicator_id: str) -> Coverage | None:
        """First and last days the indicator's data reach; None when nothing is loaded."""

    def measure(self, indicator_id: str, cut: Cut, period: Period) -> Measurement:
        """The figure for `cut` over `period`; raises NotComputable when it cannot be had."""


def twelve_months_to(day: date) -> Period:
    """The 12 whole months ending with the month that holds `day`: a financial year when that is March."""
    if day.month == 3:
        return periods.financial_year(day.year - 1)
    return periods.rolling_12_months(day)


class WarehouseValues:
    """Figures from the warehouse, through `compute` under a disclosure rule (the board's by default)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, rule: DisclosureRule | None = None):
        self.con = con
        self.rule = rule if rule is not None else rule_for(Audience.BOARD, get_settings())
        self._coverage: dict[str, Coverage | None] = {}
        self._measured: dict[tuple[str, Cut, Period], Measurement | Exception] = {}

    def coverage(self, indicator_id: str) -> Coverage | None:
        if indicator_id not in self._coverage:
            self._coverage[indicator_id] = self._read_coverage(indicator_id)
        return self._coverage[indicator_id]

    def prefetch_coverage(self, indicator_ids: Iterable[str]) -> None:
        """Read the precomputed coverage of every indicator not read yet at once; `coverage` then has it."""
        wanted = [get(indicator_id) for indicator_id in dict.fromkeys(indicator_ids) if indicator_id not in self._coverage]
        held = read.held_event_dates(self.con, wanted, events_only=True)
        for indicator in wanted:
            key = query_key(indicator)
            if key in held:  # the rest are read one by one, running the query where it is not precomputed
                dates = held[key]
                self._coverage[indicator.id] = None if dates is None else Coverage(*dates)

    def _read_coverage(self, indicator_id: str) -> Coverage | None:
        try:
            dates = read.event_dates(self.con, get(indicator_id), events_only=True)
        except duckdb.Error as error:  # a table the indicator reads was never loaded
            raise NotComputable(f"its data are not loaded ({error.__class__.__name__})") from error
        return None if dates is None else Coverage(*dates)

    def measure(self, indicator_id: str, cut: Cut, period: Period) -> Measurement:
        key = (indicator_id, cut, period)
        if key not in self._measured:
            self.prefetch([key])
        measured = self._measured[key]
        if isinstance(measured, Exception):
            raise measured
        return measured

    def prefetch(self, wanted: Iterable[tuple[str, Cut, Period]]) -> None:
        """Compute every figure not measured yet in one batch (`compute_many`); `measure` then reads them."""
        requests: dict[tuple[str, Cut, Period], Request] = {}
        for key in dict.fromkeys(wanted):
            if key in self._measured:
                continue
            indicator_id, cut, period = key
            unknown = sorted(set(cut.dimensions()) - set(CUT_DIMENSIONS))
            if unknown:
                self._measured[key] = NotComputable(f"no indicator can be cut by {', '.join(unknown)}")
                continue
            try:
                groups = GroupFilters(ward_code=cut.ward, sex=cut.sex, age_band=cut.age_band, ethnicity=cut.ethnicity)
            except UnsupportedCut as error:  # a group outside the contract's values: raised as it is, not as NotComputable
                self._measured[key] = error
                continue
            requests[key] = Request(indicator_id, Filters(period=period, groups=groups), with_trend=False)
        frames = compute_many(self.con, list(requests.values()), rule=self.rule)
        for (indicator_id, cut, period), frame in zip(requests, frames, strict=True):
            self._measured[(indicator_id, cut, period)] = _measurement(period, frame)


def _measurement(period: Period, frame: pl.DataFrame | UnsupportedCut) -> Measurement | NotComputable:
    if isinstance(frame, UnsupportedCut):
        failure = NotComputable(str(frame))
        failure.__cause__ = frame
        return failure
    if frame.is_empty():
        return Measurement(period, None)
    row = frame.row(0, named=True)
    if row["period"] != period.label:  # an outcome-type indicator read over its mature months instead (metrics/maturity.py)
        period = Period(row["period_start"], row["period_end"], row["period"])
    return Measurement(
        period,
        row["value"],
        row["lower_95"],
        row["upper_95"],
        row["numerator"],
        row["denominator"],
        suppressed=bool(row["value_suppressed"]),
    )


GivenValue = Measurement | tuple[float, float, float] | float | None


class KnownValues:
    """Figures given by hand, keyed by the last day of each 12-month period; the same for every indicator.

    A value is a `Measurement`, a (value, lower 95%, upper 95%) tuple, a bare value (no interval), or
    None for a figure hidden as too few people to show safely. Coverage runs from the first day of the
    earliest period to the last key, unless given.
    """

    def __init__(self, values: Mapping[date, GivenValue], *, coverage: Coverage | None = None, not_computable: str | None = None):
        self._values = {periods.month_end(day): value for day, value in values.items()}
        self._not_computable = not_computable
        if coverage is None and self._values:
            coverage = Coverage(twelve_months_to(min(self._values)).start, max(self._values))
        self._coverage = coverage

    def coverage(self, indicator_id: str) -> Coverage | None:
        return self._coverage

    def measure(self, indicator_id: str, cut: Cut, period: Period) -> Measurement:
        if self._not_computable:
            raise NotComputable(self._not_computable)
        if period.end not in self._values:
            return Measurement(period, None)
        given = self._values[period.end]
        if given is None:
            return Measurement(period, None, suppressed=True)
        if isinstance(given, Measurement):
            return given
        if isinstance(given, tuple):
            value, lower, upper = given
            return Measurement(period, value, lower, upper)
        return Measurement(period, float(given))
