"""`compute`: an indicator and filters in, a tidy frame out, where every row describes itself.

Each row carries the cut, numerator, denominator, value, 95% and 99.8% limits, method,
comparator and its value, the comparison in words, the trend marker, and disclosure flags.
Indicators that declare a local population share are also compared with it (`local_*` columns).
Pages, exports and the CLI render these frames and never recompute them.

`compute_many` makes many results at once (the scorecard's, the action plan's): it gathers every sum
they need and asks for them together, so the warehouse is read a few times, not a few times per result.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb
import polars as pl

from metrics import completeness, maturity, periods
from metrics.aggregate import (
    Ask,
    GroupFilters,
    UnsupportedCut,
    aggregate_many,
    data_coverages,
)
from metrics.comparisons import PERIOD_DIMS, comparator_ask, comparators, trends
from metrics.definitions import Indicator, Method
from metrics.disclosure import DisclosureRule, is_protected
from metrics.holding_tables import hidden_where_a_table_hides, holding_tables
from metrics.local_share import local_comparators, local_share_ask
from metrics.periods import Period, trend_span
from metrics.queries import query_key
from metrics.registry import get
from metrics.result_frame import Result
from metrics.result_protection import protect
from metrics.trend import TrendMarker

# cuts whose rows add up to a total shown beside them (a period's months and quarters add up to the period's figure)
CUTS_OF_A_TOTAL = ("ward", "sex", "age_band", "ethnicity", "month", "quarter")
__all__ = ["Filters", "Request", "UnsupportedCut", "compute", "compute_many", "default_period"]


@dataclass(frozen=True)
class Filters:
    """What to compute: a period (default: the latest 12 whole months), a cut and group filters."""

    period: Period | None = None
    by: str | None = None
    groups: GroupFilters = field(default_factory=GroupFilters)


@dataclass(frozen=True)
class Request:
    """One result of `compute_many`: what `compute` is given."""

    indicator_id: str
    filters: Filters = field(default_factory=Filters)
    with_trend: bool = True


def default_period(
    con: duckdb.DuckDBPyConnection, indicator: Indicator | None = None, coverage: completeness.Coverage | None = None
) -> Period:
    """The latest 12 complete months that every source the indicator uses covers (`metrics.completeness`);
    without an indicator, every event source. With no data at all, the 12 months to today."""
    coverage = coverage or completeness.read(con)
    period = coverage.default_period(indicator.source_extracts if indicator else None)
    return period or periods.rolling_12_months(date.today())


def compute(
    con: duckdb.DuckDBPyConnection,
    indicator_id: str,
    filters: Filters = Filters(),
    *,
    rule: DisclosureRule,
    with_trend: bool = True,
) -> pl.DataFrame:
    """The result frame for one indicator, passed through disclosure control under `rule`."""
    (result,) = compute_many(con, [Request(indicator_id, filters, with_trend)], rule=rule)
    if isinstance(result, UnsupportedCut):
        raise result
    return result


def compute_many(
    con: duckdb.DuckDBPyConnection,
    requests: Sequence[Request],
    *,
    rule: DisclosureRule,
) -> list[pl.DataFrame | UnsupportedCut]:
    """`compute` of each request, or the UnsupportedCut it raises, in the order asked."""
    coverage = completeness.read(con)
    siblings = [_sibling_requests(request, coverage) if not rule.is_identity else [] for request in requests]
    results = _compute_all(con, [*requests, *(sibling for listed in siblings for sibling, _ in listed)], rule, coverage)
    own, rest = results[: len(requests)], iter(results[len(requests) :])
    return [
        hidden_where_a_table_hides(result, [(next(rest), cut_value) for _, cut_value in listed])
        for result, listed in zip(own, siblings, strict=True)
    ]


def _sibling_requests(request: Request, coverage: completeness.Coverage) -> list[tuple[Request, str]]:
    """The requests for the tables holding the figure `request` asks for as one of their rows (`holding_tables`),
    each with that row's cut value; none for a request that is itself a table."""
    filters = request.filters
    if filters.by:
        return []
    return [
        (Request(request.indicator_id, Filters(table.period, table.by, table.groups), with_trend=False), table.cut_value)
        for table in holding_tables(filters.period, filters.groups, coverage)
    ]


def _compute_all(
    con: duckdb.DuckDBPyConnection, requests: Sequence[Request], rule: DisclosureRule, coverage: completeness.Coverage
) -> list[pl.DataFrame | UnsupportedCut]:
    indicators = [get(request.indicator_id) for request in requests]
    lag = maturity_lag_months() if any(indicator.matures for indicator in indicators) else 0
    plans = [
        _Plan(
            indicator,
            request.filters.period or default_period(con, indicator, coverage),
            request.filters,
            mature_through=_mature_through(indicator, coverage, lag),
            lag=lag,
            look_back_from=_look_back_from(indicator, coverage),
        )
        for indicator, request in zip(indicators, requests, strict=True)
    ]
    trended = [
        plan
        for plan, request in zip(plans, requests, strict=True)
        if request.with_trend and plan.indicator.method is not Method.COUNT and plan.has_trend()
    ]
    coverages = data_coverages(con, [plan.indicator for plan in trended]) if trended else {}
    for plan in trended:
        plan.trend_over(coverages[query_key(plan.indicator)])
    sums = iter(aggregate_many(con, [ask for plan in plans for ask in plan.asks()]))
    lookups = _Lookups(con)
    results = [plan.result(sums, lookups, rule) for plan in plans]
    protected = iter(protect([result for result in results if isinstance(result, Result)], rule))
    return [result if isinstance(result, UnsupportedCut) else next(protected) for result in results]


class _Plan:
    """The sums one result needs (its own, its comparator's, its local share's and its trend's), and the
    result made from them."""

    def __init__(
        self,
        indicator: Indicator,
        period: Period,
        filters: Filters,
        *,
        mature_through: date | None = None,
        lag: int = 0,
        look_back_from: date | None = None,
    ):
        if mature_through is not None:
            period = maturity.mature_period(period, mature_through, lag)
        self.indicator, self.period, self.filters = indicator, period, filters
        self.mature_through = mature_through
        self.look_back_from = look_back_from
        self.main = Ask(indicator, period, (filters.by,) if filters.by else (), filters.groups)
        self.comparator = comparator_ask(indicator, period, filters.by, filters.groups)
        self.local = local_share_ask(indicator, period, by=filters.by, groups=filters.groups)
        self.trend: Ask | None = None
        self.trends_without_sums: dict[str | None, tuple[str, str | None]] = {}
        # One ward picked by the filters is compared with the district as the ward funnel compares every ward: with
        # the limits widened when wards vary more than chance allows, which every ward's sums are needed to tell.
        self.wards = (
            Ask(
                indicator,
                period,
                ("ward",),
                GroupFilters(None, filters.groups.sex, filters.groups.age_band, filters.groups.ethnicity),
            )
            if not filters.by and filters.groups.ward_code and indicator.method is not Method.COUNT
            else None
        )

    def has_trend(self) -> bool:
        return self.filters.by not in PERIOD_DIMS and "year" in self.indicator.dimensions

    def trend_over(self, coverage: tuple[date, date] | None) -> None:
        """Trend markers over the complete financial years held (none without data)."""
        if coverage is None:
            return
        if self.mature_through is not None:  # an immature year is not set beside mature ones
            coverage = (coverage[0], min(coverage[1], self.mature_through))
        if self.look_back_from is not None:  # nor a year whose events could not look back far enough
            coverage = (max(coverage[0], self.look_back_from), coverage[1])
        span = trend_span(*coverage)
        if span is None:
            self.trends_without_sums = {None: (TrendMarker.CANNOT_BE_CALCULATED.value, "no complete financial year of data")}
            return
        dims = (self.filters.by, "year") if self.filters.by else ("year",)
        self.trend = Ask(self.indicator, span, dims, self.filters.groups)

    def asks(self) -> list[Ask]:
        return [ask for ask in (self.main, self.comparator, self.local, self.trend, self.wards) if ask is not None]

    def is_protected(self) -> bool:
        groups = self.filters.groups
        return is_protected(cut=self.filters.by, groups=groups.as_parameters(), start=self.period.start, end=self.period.end)

    def result(
        self, sums: Iterator[pl.DataFrame | UnsupportedCut], lookups: _Lookups, rule: DisclosureRule
    ) -> Result | UnsupportedCut:
        """The result's rows from the sums of its asks (taken from `sums` in the order `asks` gave them).

        Under a rule that rounds, a protected result's comparator and trend are worked out from rounded counts."""
        main = next(sums)
        comparator, local, trend, wards = (
            next(sums) if ask is not None else None for ask in (self.comparator, self.local, self.trend, self.wards)
        )
        if isinstance(main, UnsupportedCut):
            return main
        if isinstance(comparator, UnsupportedCut):
            return comparator
        if isinstance(trend, UnsupportedCut):
            return trend
        indicator, filters = self.indicator, self.filters
        cut_values = (
            main[filters.by].cast(pl.String).to_list() if filters.by else [filters.groups.ward_code or "district"] * main.height
        )
        rows: list[tuple[str | None, float, float]] = list(
            zip(cut_values, main["numerator"].to_list(), main["denominator"].to_list(), strict=True)
        )
        if filters.by in PERIOD_DIMS and self.look_back_from is not None:  # truncated periods stay out of the series
            rows = [row for row in rows if row[0] is None or _cut_start(filters.by, row[0]) >= self.look_back_from]
        period = self.period
        if self.look_back_from is not None and period.start < self.look_back_from:
            period = Period(
                period.start,
                period.end,
                f"{period.label} (look-back incomplete: the data start less than {indicator.look_back_days} days before it)",
            )
        if filters.by == "ward":  # every ward gets a row, so a ward with no events reads as none, not missing
            rows = _every_ward(rows, lookups)
        every_ward = (
            _every_ward(
                list(
                    zip(
                        wards["ward"].cast(pl.String).to_list(),
                        wards["numerator"].to_list(),
                        wards["denominator"].to_list(),
                        strict=True,
                    )
                ),
                lookups,
            )
            if isinstance(wards, pl.DataFrame)
            else None
        )
        named = filters.by == "ward" or (not filters.by and filters.groups.ward_code)
        protected = self.is_protected()
        return Result(
            indicator=indicator,
            period=period,
            cut=filters.by or ("ward" if filters.groups.ward_code else "district"),
            rows=sorted(rows, key=_cut_order),
            labels=lookups.ward_names() if named else {},
            comparators=comparators(indicator, self.period, filters.by, filters.groups, comparator, rule),
            local=local_comparators(indicator, filters.by, local),
            trends=trends(indicator, filters.by, filters.groups, trend, rule if protected else None)
            if trend is not None
            else self.trends_without_sums,
            district_level=not protected,
            parts_of_a_total=filters.by in CUTS_OF_A_TOTAL,
            every_ward=every_ward,
        )


def _every_ward(rows: list[tuple[str | None, float, float]], lookups: _Lookups) -> list[tuple[str | None, float, float]]:
    """A row for every ward, a ward with no events at none rather than missing."""
    summed = {cut_value: (numerator, denominator) for cut_value, numerator, denominator in rows}
    every: list[tuple[str | None, float, float]] = []
    for code in lookups.ward_codes():
        numerator, denominator = summed.get(code, (None, None))
        every.append((code, numerator if numerator is not None else 0.0, denominator if denominator is not None else 0.0))
    return every


def maturity_lag_months() -> int:
    """The maturity lag setting (`OVERSIGHT_MATURITY_LAG_MONTHS`)."""
    from oversight.settings import get_settings

    return get_settings().maturity_lag_months


def _mature_through(indicator: Indicator, coverage: completeness.Coverage, lag: int) -> date | None:
    """The last day of the latest month an outcome-type indicator may be read to; None for other indicators."""
    if not indicator.matures or lag == 0:  # a lag of 0 reads every period as it stands
        return None
    through = coverage.complete_through(indicator.source_extracts)
    return None if through is None else maturity.cutoff(through, lag)


def _look_back_from(indicator: Indicator, coverage: completeness.Coverage) -> date | None:
    """The first day whose events a look-back measure sees whole: the data's start plus its look-back."""
    if not indicator.look_back_days:
        return None
    start = coverage.complete_from(indicator.source_extracts)
    return None if start is None else start + timedelta(days=indicator.look_back_days)


def _cut_start(dimension: str, label: str) -> date:
    """The first day of a month ('2025-04'), quarter ('2025 Q2') or financial year ('2025/26') cut."""
    if dimension == "month":
        year, number = label.split("-")
        return date(int(year), int(number), 1)
    if dimension == "quarter":
        year, number = label.split(" Q")
        return date(int(year), 3 * int(number) - 2, 1)
    return date(int(label.split("/")[0]), 4, 1)


class _Lookups:
    """The wards, read once for all the results of a batch and only if one needs them."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con
        self._wards: list[tuple[str, str]] | None = None

    def _read(self) -> list[tuple[str, str]]:
        if self._wards is None:
            self._wards = self._con.sql("select ward_code, ward_name from mart_wards").fetchall()
        return self._wards

    def ward_codes(self) -> list[str]:
        return [code for code, _ in self._read()]

    def ward_names(self) -> dict[str, str]:
        return dict(self._read())


def _cut_order(row: tuple) -> tuple[bool, str]:
    """Rows in order of their cut value, an unknown (null) value first, as a sort of the frame puts them."""
    return row[0] is not None, row[0] or ""
