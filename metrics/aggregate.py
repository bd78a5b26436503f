"""Sum an indicator's numerator and denominator over a period, cut by chosen dimensions.

The indicator's query (metrics/sql/<name>.sql) yields rows with `period_date`, `ward_code`,
`sex`, `age_band`, `ethnicity`, `numerator` and `denominator`, taking $start and $end (and
$period_years where it needs them). Filters are bound parameters; the cut columns come
from a fixed list, never from user text.
"""

from __future__ import annotations

import re
from functools import cache
from dataclasses import dataclass
from datetime import date
from importlib import resources

import duckdb
import polars as pl

from etl.contract.columns import WARD_CODE_PATTERN
from etl.contract.values import AgeBand, Ethnicity, Sex
from metrics import precompute
from metrics.definitions import Denominator, Indicator
from metrics.periods import Period

PERSON_COLUMNS = {"ward": "ward_code", "sex": "sex", "age_band": "age_band", "ethnicity": "ethnicity"}
PERIOD_EXPRESSIONS = {
    "month": "strftime(date_trunc('month', period_date), '%Y-%m')",
    "quarter": "year(period_date) || ' Q' || quarter(period_date)",
    "year": "(case when month(period_date) >= 4 then year(period_date) else year(period_date) - 1 end)::varchar "
            "|| '/' || lpad(((case when month(period_date) >= 4 then year(period_date) else year(period_date) - 1 end + 1) % 100)::varchar, 2, '0')",
}
GROUP_FILTERS_SQL = """($ward is null or ward_code = $ward) and ($sex is null or sex = $sex)
    and ($age_band is null or age_band = $age_band) and ($ethnicity is null or ethnicity = $ethnicity)"""
CHILD_BANDS = ("0-4", "5-10", "11-15")
POPULATION_FILTERS = {
    Denominator.RESIDENTS: pl.lit(True),
    Denominator.RESIDENTS_16_PLUS: ~pl.col("age_band").is_in(CHILD_BANDS),
    Denominator.CHILDREN: pl.col("age_band").is_in((*CHILD_BANDS, "16-17")),
    Denominator.WOMEN_16_PLUS: (pl.col("sex") == "female") & ~pl.col("age_band").is_in(CHILD_BANDS),
}


class UnsupportedCut(ValueError):
    """The indicator cannot be cut or filtered this way (the registry lists its dimensions)."""


@dataclass(frozen=True)
class GroupFilters:
    ward_code: str | None = None
    sex: str | None = None
    age_band: str | None = None
    ethnicity: str | None = None

    def __post_init__(self) -> None:
        """A group outside the contract's value sets is a mistake to report, not an empty result."""
        allowed = {"sex": Sex, "age_band": AgeBand, "ethnicity": Ethnicity}
        for dimension, values in allowed.items():
            value = getattr(self, dimension)
            if value is not None and value not in {member.value for member in values}:
                raise UnsupportedCut(f"unknown {dimension.replace('_', ' ')} {value!r}; expected one of "
                                     + ", ".join(member.value for member in values))
        if self.ward_code is not None and not re.fullmatch(WARD_CODE_PATTERN, self.ward_code):
            raise UnsupportedCut(f"unknown ward code {self.ward_code!r}; expected an ONS ward code such as E05000001")

    def as_parameters(self) -> dict[str, str | None]:
        return {"ward": self.ward_code, "sex": self.sex, "age_band": self.age_band, "ethnicity": self.ethnicity}

    def applied(self) -> dict[str, str]:
        return {dimension: value for dimension, value in zip(PERSON_COLUMNS, self.as_parameters().values()) if value}


def bind(sql: str, parameters: dict[str, object]) -> dict[str, object]:
    """The parameters a statement uses: DuckDB refuses any it does not."""
    return {name: value for name, value in parameters.items() if f"${name}" in sql}


@cache  # the files ship with the package; every aggregate call would read one again
def query_sql(name: str) -> str:
    return resources.files("metrics").joinpath(f"sql/{name}.sql").read_text(encoding="utf-8")


def aggregate(
    con: duckdb.DuckDBPyConnection,
    indicator: Indicator,
    period: Period,
    *,
    dims: tuple[str, ...] = (),
    filters: GroupFilters = GroupFilters(),
) -> pl.DataFrame:
    """One row per combination of `dims` with numerator and denominator (person-years for rates)."""
    for dimension in (*dims, *filters.applied()):
        if dimension not in indicator.dimensions:
            allowed = ', '.join(indicator.dimensions) or 'nothing: it is a district figure'
            raise UnsupportedCut(f"{indicator.id} cannot be cut by {dimension}; it allows {allowed}")
    if ("ethnicity" in dims or filters.ethnicity) and _reads_residents(indicator) and not _population_split_by_ethnicity(con):
        raise UnsupportedCut("the population is not split by ethnic group, so rates cannot be cut by it")
    select_dims = [f"{PERSON_COLUMNS[d]} as {d}" if d in PERSON_COLUMNS else f"{PERIOD_EXPRESSIONS[d]} as {d}" for d in dims]
    totals = "sum(numerator)::double as numerator, sum(denominator)::double as denominator"
    precomputed = precompute.events_sql(con, indicator, period)
    events = f"with events as ({precomputed[0] if precomputed else query_sql(indicator.sql_name)})"
    if all(d in PERSON_COLUMNS for d in dims):
        sql = f"""
            {events}
            select {', '.join([*select_dims, ''])} {totals}
            from events where {GROUP_FILTERS_SQL} {'group by all' if dims else ''}
        """
    else:
        # A period label is text built per row, so events are summed by month (a cheap key)
        # first and the labels made for the few monthly rows.
        monthly_keys = [*(PERSON_COLUMNS[d] for d in dims if d in PERSON_COLUMNS), "date_trunc('month', period_date) as period_date"]
        sql = f"""
            {events},
            monthly as (select {', '.join(monthly_keys)}, {totals} from events where {GROUP_FILTERS_SQL} group by all)
            select {', '.join(select_dims)}, {totals} from monthly group by all
        """
    parameters = {"start": period.start, "end": period.end, "period_years": period.years, **filters.as_parameters(),
                  **indicator.query_parameters, **(precomputed[1] if precomputed else {})}
    frame = con.sql(sql, params=bind(sql, parameters)).pl()
    if not dims:
        frame = frame.with_columns(pl.col("numerator").fill_null(0.0), pl.col("denominator").fill_null(0.0))
    if indicator.denominator_source is not Denominator.EVENTS:
        frame = _with_population(con, indicator, frame, period, dims=dims, filters=filters)
    return frame


def _reads_residents(indicator: Indicator) -> bool:
    """A rate over residents, or a query that reads residents itself (expected victims, population shares)."""
    return indicator.denominator_source is not Denominator.EVENTS or "mart_population" in query_sql(indicator.sql_name)


def _population_split_by_ethnicity(con: duckdb.DuckDBPyConnection) -> bool:
    ethnicities = con.sql(query_sql("_population")).pl()["ethnicity"].unique().to_list()
    return ethnicities != ["all"]


def _with_population(
    con: duckdb.DuckDBPyConnection, indicator: Indicator, frame: pl.DataFrame, period: Period,
    *, dims: tuple[str, ...], filters: GroupFilters,
) -> pl.DataFrame:
    """Replace the denominator with residents x years: the person-years the events happened in."""
    population = con.sql(query_sql("_population")).pl()
    if population.is_empty():
        raise UnsupportedCut("no population is loaded, so no rate can be calculated")
    population = population.filter(POPULATION_FILTERS[indicator.denominator_source])
    for dimension, value in filters.applied().items():
        population = population.filter(pl.col(PERSON_COLUMNS[dimension]) == value)
    years_held = sorted(population["year"].unique().to_list()) or [0]  # no residents match: every denominator is 0
    person_dims = [d for d in dims if d in PERSON_COLUMNS]
    period_dim = next((d for d in dims if d not in PERSON_COLUMNS), None)

    def residents_in(year: int) -> pl.DataFrame:
        chosen = max((held for held in years_held if held <= year), default=years_held[0])
        rows = population.filter(pl.col("year") == chosen).rename({PERSON_COLUMNS[d]: d for d in person_dims})
        return rows.group_by(person_dims).agg(pl.col("population").sum()) if person_dims else rows.select(pl.col("population").sum())

    if period_dim is None:
        residents = residents_in(period.end.year).with_columns(person_years=pl.col("population") * period.years)
    else:
        labels = frame[period_dim].unique().to_list()
        pieces = [
            residents_in(year).with_columns(pl.lit(label).alias(period_dim), person_years=pl.col("population") * years)
            for label in labels
            for year, years in [_period_label_exposure(label, period_dim, period)]
        ]
        residents = pl.concat(pieces) if pieces else frame.select(person_dims + [period_dim]).with_columns(
            population=pl.lit(0.0), person_years=pl.lit(0.0))
    keys = [*person_dims, *([period_dim] if period_dim else [])]
    if not keys:
        return frame.with_columns(denominator=pl.lit(float(residents["person_years"][0] or 0.0)))
    joined = residents.join(frame.drop("denominator"), on=keys, how="full", coalesce=True)
    return joined.with_columns(
        pl.col("numerator").fill_null(0.0), denominator=pl.col("person_years").fill_null(0.0)
    ).drop("population", "person_years").filter(pl.col(keys[0]).is_not_null())


def _period_label_exposure(label: str, dimension: str, period: Period) -> tuple[int, float]:
    """(population year, years of exposure) of one period cut, clipped to the requested period."""
    from metrics import periods

    if dimension == "month":
        year, number = (int(part) for part in label.split("-"))
        cut = periods.month(year, number)
    elif dimension == "quarter":
        year_text, quarter_text = label.split(" Q")
        cut = periods.quarter(int(year_text), int(quarter_text))
    else:
        cut = periods.financial_year(int(label.split("/")[0]))
    start, end = max(cut.start, period.start), min(cut.end, period.end)
    return cut.end.year, max((end - start).days + 1, 0) / 365.25


def data_coverage(con: duckdb.DuckDBPyConnection, indicator: Indicator) -> tuple[date, date] | None:
    """First and last event dates the indicator's query can see."""
    held = precompute.coverage(con, indicator)
    if held is not None:
        return None if held[0] is None else held
    sql = f"with events as ({query_sql(indicator.sql_name)}) select min(period_date), max(period_date) from events"
    wide = {"start": date(1900, 1, 1), "end": date(2999, 12, 31), "period_years": 1.0, **indicator.query_parameters}
    first, last = con.sql(sql, params=bind(sql, wide)).fetchall()[0]
    return None if first is None else (first, last)
