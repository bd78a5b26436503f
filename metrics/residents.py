"""Residents as the denominator of rates: people x years, the person-years the events happened in.

A rate's residents are those its `Denominator` names (all, aged 16 and over, children, women aged 16 and
over) under the ask's group filters, in the mid-year estimate for the period (`Period.mid_year`: the one within
it, so 2022/23 divides by mid-2022) or, where that year is not held, the latest held before it, else the earliest.
Exposure follows Fingertips: a whole year is one year (count / mid-year population), a part year is annualised by
its months (days / 365.25 only for a period that is not whole months). Cut by month, quarter or year, each cut
takes its own mid-year and its own length of exposure.
"""

from __future__ import annotations

import duckdb
import polars as pl

from etl.contract.values import CHILD_BANDS
from metrics import periods
from metrics.definitions import Denominator, Indicator
from metrics.periods import Period
from metrics.queries import PERSON_COLUMNS, GroupFilters, UnsupportedCut, query_sql

POPULATION_FILTERS = {
    Denominator.RESIDENTS: pl.lit(True),
    Denominator.RESIDENTS_16_PLUS: ~pl.col("age_band").is_in(CHILD_BANDS),
    Denominator.CHILDREN: pl.col("age_band").is_in((*CHILD_BANDS, "16-17")),
    Denominator.WOMEN_16_PLUS: (pl.col("sex") == "female") & ~pl.col("age_band").is_in(CHILD_BANDS),
}


def population_year(years_held: list[int], mid_year: int) -> int:
    """The mid-year a rate divides by among the sorted `years_held`: `mid_year` itself, or the latest held before
    it, else the earliest held. The SQL macro `population_year` (etl/sql/rules.sql) is the same rule."""
    return max((held for held in years_held if held <= mid_year), default=years_held[0])


class Residents:
    """The residents (`_population`), read once for all the asks of a batch and only if one needs them, with
    the counts each rate divides by kept for the asks after it."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con
        self._frame: pl.DataFrame | None = None
        self._chosen: dict[tuple, tuple[pl.DataFrame, list[int]]] = {}
        self._counted: dict[tuple, pl.DataFrame] = {}
        self._counted_by_year: dict[tuple, dict[int, float]] = {}

    def frame(self) -> pl.DataFrame:
        if self._frame is None:
            self._frame = self._con.sql(query_sql("_population")).pl()
        return self._frame

    def split_by_ethnicity(self) -> bool:
        return self.frame()["ethnicity"].unique().to_list() != ["all"]

    def by_cut(self, source: Denominator, filters: GroupFilters, person_dims: tuple[str, ...], year: int) -> pl.DataFrame:
        """Residents counted by `person_dims` in the mid-year for `year`: the latest held up to it, else the earliest."""
        population, years_held = self._chosen_by(source, filters)
        chosen = population_year(years_held, year)
        key = (source, filters, person_dims, chosen)
        if key not in self._counted:
            rows = population.filter(pl.col("year") == chosen).rename({PERSON_COLUMNS[d]: d for d in person_dims})
            self._counted[key] = (
                rows.group_by(person_dims).agg(pl.col("population").sum())
                if person_dims
                else rows.select(pl.col("population").sum())
            )
        return self._counted[key]

    def by_label(
        self,
        source: Denominator,
        filters: GroupFilters,
        person_dims: tuple[str, ...],
        period_dim: str,
        exposures: list[tuple[str, int, float]],
    ) -> pl.DataFrame:
        """`by_cut` of each (label, year, years of exposure), with the label and the person-years they lived."""
        population, years_held = self._chosen_by(source, filters)
        key = (source, filters, person_dims, "every year")
        if key not in self._counted:
            rows = population.rename({PERSON_COLUMNS[d]: d for d in person_dims})
            self._counted[key] = rows.group_by("year", *person_dims).agg(pl.col("population").sum())
        chosen = [population_year(years_held, year) for _, year, _ in exposures]
        # (a period cut may be called `year` itself: the mid-year and exposure take names no cut has)
        labels = pl.DataFrame(
            {
                period_dim: [label for label, _, _ in exposures],
                "_mid_year": pl.Series(chosen, dtype=population.schema["year"]),
                "_exposure": [years for _, _, years in exposures],
            },
            schema_overrides={period_dim: pl.String},
        )
        counted = labels.join(self._counted[key], left_on="_mid_year", right_on="year", how="inner" if person_dims else "left")
        if not person_dims:  # a label whose year holds no residents still gets its row, of none
            counted = counted.with_columns(pl.col("population").fill_null(0))
        return counted.select(*person_dims, "population", period_dim, person_years=pl.col("population") * pl.col("_exposure"))

    def count(self, source: Denominator, filters: GroupFilters, year: int) -> float:
        """`by_cut` with no cut: the one count, for the mid-year for `year` (0 where none are held)."""
        population, years_held = self._chosen_by(source, filters)
        key = (source, filters, "by year")
        if key not in self._counted_by_year:
            self._counted_by_year[key] = dict(population.group_by("year").agg(pl.col("population").sum()).iter_rows())
        chosen = population_year(years_held, year)
        return self._counted_by_year[key].get(chosen, 0)

    def _chosen_by(self, source: Denominator, filters: GroupFilters) -> tuple[pl.DataFrame, list[int]]:
        """The residents a rate over `source` under `filters` divides by, and the mid-years held for them."""
        if (source, filters) not in self._chosen:
            population = self.frame().filter(
                POPULATION_FILTERS[source],
                *(pl.col(PERSON_COLUMNS[dimension]) == value for dimension, value in filters.applied().items()),
            )
            years_held = sorted(population["year"].unique().to_list()) or [0]  # no residents match: every denominator is 0
            self._chosen[(source, filters)] = (population, years_held)
        return self._chosen[(source, filters)]


def with_residents(
    residents: Residents,
    indicator: Indicator,
    frame: pl.DataFrame,
    period: Period,
    *,
    dims: tuple[str, ...],
    filters: GroupFilters,
) -> pl.DataFrame:
    """Replace the denominator with residents x years: the person-years the events happened in."""
    if residents.frame().is_empty():
        raise UnsupportedCut("no population is loaded, so no rate can be calculated")
    source = indicator.denominator_source
    person_dims = tuple(d for d in dims if d in PERSON_COLUMNS)
    period_dim = next((d for d in dims if d not in PERSON_COLUMNS), None)
    if not person_dims:  # one count of residents a year: nothing to join
        if period_dim is None:
            person_years = float(residents.count(source, filters, period.mid_year)) * period.years
            return frame.with_columns(denominator=pl.lit(person_years or 0.0))
        person_years_by_label = {
            label: float(residents.count(source, filters, year)) * years
            for label in frame[period_dim].unique().to_list()
            for year, years in [_period_label_exposure(label, period_dim, period)]
        }
        return frame.filter(pl.col(period_dim).is_not_null()).select(
            period_dim,
            pl.col("numerator").fill_null(0.0),
            denominator=pl.col(period_dim).replace_strict(person_years_by_label, return_dtype=pl.Float64),
        )
    if period_dim is None:
        counted = residents.by_cut(source, filters, person_dims, period.mid_year).with_columns(
            person_years=pl.col("population") * period.years
        )
    else:
        labels = frame[period_dim].unique().to_list()
        exposures = [(label, *_period_label_exposure(label, period_dim, period)) for label in labels]
        counted = (
            residents.by_label(source, filters, person_dims, period_dim, exposures)
            if labels
            else frame.select(*person_dims, period_dim).with_columns(population=pl.lit(0.0), person_years=pl.lit(0.0))
        )
    keys = [*person_dims, *([period_dim] if period_dim else [])]
    joined = counted.join(frame.drop("denominator"), on=keys, how="full", coalesce=True)
    return (
        joined.with_columns(pl.col("numerator").fill_null(0.0), denominator=pl.col("person_years").fill_null(0.0))
        .drop("population", "person_years")
        .filter(pl.col(keys[0]).is_not_null())
    )


def _period_label_exposure(label: str, dimension: str, period: Period) -> tuple[int, float]:
    """(population year, years of exposure) of one period cut, clipped to the requested period."""
    if dimension == "month":
        year, number = (int(part) for part in label.split("-"))
        cut = periods.month(year, number)
    elif dimension == "quarter":
        year_text, quarter_text = label.split(" Q")
        cut = periods.quarter(int(year_text), int(quarter_text))
    else:
        cut = periods.financial_year(int(label.split("/")[0]))
    start, end = max(cut.start, period.start), min(cut.end, period.end)
    if end < start:
        return cut.mid_year, 0.0
    return cut.mid_year, periods.Period(start, end, cut.label).years
