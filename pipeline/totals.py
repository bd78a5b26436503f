"""The precomputed event sums added up to the district and its commonest cuts, so a page asking for dozens of
figures reads them in one query of a few thousand rows.

`pipeline.precompute` sums each indicator query's events by month, ward, sex, age band and ethnic group. A
page mostly asks for the district, a ward, a sex, or a ward and a sex, and the action plan, the scorecard and
the Services page ask for dozens of such figures at once. `precomputed_totals` holds the same sums added up
to each of GROUPING_SETS, with rows for the cuts a set leaves out set to null. By `source`:
- `month`: precompute's monthly sums (any whole-month period of a query summable by month);
- `window`: precompute's sums of each period it holds whole, and those of the extra windows `build` is
  given, summed the same way (the residents' shares the local comparators read for each period offered);
- `window by year`: extra windows summed by financial year, not month, for asks cut by nothing finer (the
  five-year spans the scorecard's sparklines draw).
An extra window held before, of a query whose rows are each one person's (pipeline/by_person.py), is mended by the
changed people's rows, added up the same way, rather than summed again.
The manifest (`precomputed_manifest`, product `totals`) lists the query keys (monthly) and windows held. metrics/read.py answers every ask
held whose cut and filters one grouping set covers; the rest run as before. Rows are ordered by grouping set
first, so the district's come from a short stretch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import duckdb

from metrics.definitions import Grain, Indicator
from metrics.periods import Period, financial_year, financial_year_of, month_end
from metrics.precomputed import GROUPING_SETS, MANIFEST, HeldGrain, Product
from metrics.queries import PERIOD_EXPRESSIONS, PERSON_COLUMNS, WIDE_OPEN, bind, query_key, query_sql
from pipeline import by_person
from pipeline.stale import Reach, Staleness, among, month_runs, reach_of

SCHEMA = """
    create or replace temp table _totals_staging (
        query_key varchar, grouping_set varchar, source varchar, window_start date, window_end date, period_date date,
        ward_code varchar, sex varchar, age_band varchar, ethnicity varchar, numerator double, denominator double);
"""
# the columns naming the rows of one window of one query key in precomputed_totals
_WINDOW = ("query_key", "source", "window_start", "window_end")
# the columns naming one row of precomputed_totals
_TOTALS_CELL = (*_WINDOW, "grouping_set", "period_date", "ward_code", "sex", "age_band", "ethnicity")
# a window's totals' changes, mended person by person
_CHANGE = "_totals_change"
# each row carries its period labels, as `aggregate` makes them, so a cut by year reads them as they are
_LABELS = ", ".join(f"{expression} as {cut}" for cut, expression in PERIOD_EXPRESSIONS.items())
# the type each total is summed in (`_rolled_up`)
EXACT = "decimal(38, 9)"
FINANCIAL_YEAR_START = "make_date(year(period_date) - (month(period_date) < 4)::integer, 4, 1)"


@dataclass(frozen=True)
class ExtraWindows:
    """Windows to sum an indicator's (or a residents' share's) query over, by month or by financial year."""

    indicator: Indicator
    windows: Sequence[Period]
    by_year: bool = False


def build(con: duckdb.DuckDBPyConnection, extra: Sequence[ExtraWindows] = (), stale: Staleness | None = None) -> None:
    """Create the table from precompute's sums (built before), and sum each extra window; with `stale`, add up
    again only the months and windows precompute summed again, and the extra windows the changes reach."""
    stale = stale or Staleness.everything(con)
    con.execute(SCHEMA)
    if stale.full:
        con.execute(_rolled_up(("query_key", "'month'", "null::date", "null::date"), ["query_key"], "from precomputed_monthly"))
        con.execute(
            _rolled_up(
                ("query_key", "'window'", "window_start", "window_end"),
                ["query_key", "window_start", "window_end"],
                "from precomputed_windows",
            )
        )
    else:
        _add_up_again(con, stale)
    # the totals hold every month and window the events are held for
    stale.write_manifest()
    con.execute(
        f"insert into {MANIFEST} select distinct $totals, query_key, grain, window_start, window_end from {MANIFEST} "
        "where product = $events",
        {"totals": Product.TOTALS.value, "events": Product.EVENTS.value},
    )
    # the (query key, window) pairs held already, summed by month or year: an extra window among them is not summed
    held = {
        (key, start, end)
        for key, start, end in con.sql(
            f"select query_key, window_start, window_end from {MANIFEST} where product = $totals and grain in ($window, $by_year)",
            params={"totals": Product.TOTALS.value, "window": HeldGrain.WINDOW.value, "by_year": HeldGrain.WINDOW_BY_YEAR.value},
        ).fetchall()
    }
    gone: list[dict[str, object]] = []
    for windows in extra:
        for window in windows.windows:
            _sum_window(con, windows.indicator, window, by_year=windows.by_year, stale=stale, held=held, gone=gone)
    stale.write_manifest()
    if stale.full:
        con.execute(
            f"create or replace table precomputed_totals as select *, {_LABELS} from _totals_staging "
            "order by grouping_set, query_key, source, window_start, window_end, period_date"
        )
    else:
        # the extra windows' rows summed again, in one statement (all of a window's, or those of the years it names)
        whole_windows, whole_values = among(_WINDOW, [row for row in gone if "period_date" not in row], "windows")
        years, years_values = among((*_WINDOW, "period_date"), [row for row in gone if "period_date" in row], "years")
        if gone:
            con.execute(f"delete from precomputed_totals where {whole_windows} or {years}", {**whole_values, **years_values})
        # windows no longer held (no longer offered) go
        con.execute(
            f"delete from precomputed_totals where source <> 'month' and not exists (select 1 from {MANIFEST} held "
            "where held.product = $totals and held.query_key = precomputed_totals.query_key "
            "and held.grain = precomputed_totals.source and held.window_start = precomputed_totals.window_start "
            "and held.window_end = precomputed_totals.window_end)",
            {"totals": Product.TOTALS.value},
        )
        con.execute(
            f"insert into precomputed_totals select *, {_LABELS} from _totals_staging "
            "order by grouping_set, query_key, source, window_start, window_end, period_date"
        )
    con.execute("drop table _totals_staging")


def _add_up_again(con: duckdb.DuckDBPyConnection, stale: Staleness) -> None:
    """The totals of the months and windows precompute summed again, in place of those held (one statement each)."""
    whole = sorted(key for key, months in stale.monthly_redone.items() if months is None)
    months = [
        {"query_key": key, "period_date": month}
        for key, changed in sorted(stale.monthly_redone.items())
        for month in sorted(changed or ())
    ]
    windows = [{"query_key": key, "window_start": start, "window_end": end} for key, start, end in sorted(stale.windows_redone)]
    # each list a semi-join (a hash table of a few rows), not a search of the list for every row
    whole_redone, whole_values = among(("query_key",), whole, "whole")
    months_redone, months_values = among(("query_key", "period_date"), months, "months")
    month_redone, month_values = f"({whole_redone} or {months_redone})", {**whole_values, **months_values}
    window_redone, window_values = among(("query_key", "window_start", "window_end"), windows, "windows")
    con.execute(
        f"delete from precomputed_totals where (source = 'month' and {month_redone}) or (source = 'window' and {window_redone})",
        {**month_values, **window_values},
    )
    con.execute(
        _rolled_up(
            ("query_key", "'month'", "null::date", "null::date"), ["query_key"], f"from precomputed_monthly where {month_redone}"
        ),
        month_values,
    )
    con.execute(
        _rolled_up(
            ("query_key", "'window'", "window_start", "window_end"),
            ["query_key", "window_start", "window_end"],
            f"from precomputed_windows where {window_redone}",
        ),
        window_values,
    )


def _sum_window(
    con: duckdb.DuckDBPyConnection,
    indicator: Indicator,
    window: Period,
    *,
    by_year: bool,
    stale: Staleness,
    held: set[tuple[str, date, date]],
    gone: list[dict[str, object]],
) -> None:
    """The query's events over `window`, summed by month (or financial year) and each grouping set, as precompute
    sums a window; nothing when the window is `held` already, or was held before and no change reaches it. The rows
    it replaces are added to `gone` (a window's, or those of some of its months or years, each dated by its first day
    within the window)."""
    key = query_key(indicator)
    if (key, window.start, window.end) in held:
        return
    held.add((key, window.start, window.end))
    sql = query_sql(indicator.sql_name)
    parameters = {
        **WIDE_OPEN,
        **indicator.query_parameters,
        "start": window.start,
        "end": window.end,
        "period_years": window.years,
    }
    source, grain = ("window by year", FINANCIAL_YEAR_START) if by_year else ("window", "date_trunc('month', period_date)")
    held_grain = HeldGrain.WINDOW_BY_YEAR if by_year else HeldGrain.WINDOW
    everything = {**WIDE_OPEN, **indicator.query_parameters}
    held_before = (
        stale.held(Product.TOTALS, key, held_grain, window)
        # a window held before as precompute's was added up from its sums, not summed from the query here
        and not stale.held(Product.EVENTS, key, HeldGrain.WINDOW, window)
    )
    kept = held_before and not stale.window_stale(sql, everything, window, reach_of(indicator.sql_name, everything))
    identity = {"key": key, "source": source, "window_start": window.start, "window_end": window.end}
    # a query whose rows are each one person's, its window held before, is mended by the changed people's rows
    people = by_person.changed_people(con, stale, indicator.sql_name, sql, everything) if held_before and not kept else None
    if people is not None and people.references:
        people = None  # rows counting no one fill totals too; a total left with no one could not tell if it stays
    if people is not None:
        if people.people:
            _mend(con, people, key, window, identity, grain)
        people.drop()
    elif not kept:
        parts = (
            _parts_changed(stale, sql, everything, window, by_year=by_year)
            if indicator.grain is Grain.MONTHLY
            and reach_of(indicator.sql_name, everything) == Reach()  # it reads no rows beyond the period asked for
            and held_before
            else None
        )
        if not stale.full:  # its rows held (those of the months or years summed again) go before the new ones go in
            summed = {"query_key": key, "source": source, "window_start": window.start, "window_end": window.end}
            gone += [summed] if parts is None else [{**summed, "period_date": day} for part in parts for day in part.dated]
        # each row dated within the window, in its month or financial year
        events = (
            f"from (select greatest({grain}, $window_start)::date as period_date, ward_code, sex, age_band, ethnicity, "
            f"numerator, denominator from ({sql}))"
        )
        # the whole window, or (a query summable by month, held before) only the months or financial years a change
        # reached: its rows dated in them are the query's rows over them (metrics/definitions.Grain)
        for start, end in [(window.start, window.end)] if parts is None else [(part.start, part.end) for part in parts]:
            con.execute(
                _rolled_up(("$key", "$source", "$window_start::date", "$window_end::date"), [], events),
                {**bind(sql, {**parameters, "start": start, "end": end}), **identity},
            )
    stale.list_held(Product.TOTALS, key, held_grain, window)


def _mend(
    con: duckdb.DuckDBPyConnection,
    people: by_person.ChangedPeople,
    key: str,
    window: Period,
    identity: Mapping[str, object],
    grain: str,
) -> None:
    """Add to a window's totals held the changed people's rows as they are, less their rows as they were, added up
    the same way (`grain` dates them); a total left counting no one goes, as a full rebuild would not hold it."""
    events = (
        f"from (select greatest({grain}, $window_start)::date as period_date, ward_code, sex, age_band, ethnicity, "
        f"numerator, denominator from {people.signed_rows(key, window)})"
    )
    con.execute(f"create or replace temp table {_CHANGE} as select * from _totals_staging limit 0")
    con.execute(_rolled_up(("$key", "$source", "$window_start::date", "$window_end::date"), [], events, into=_CHANGE), identity)
    con.execute(f"delete from {_CHANGE} where numerator = 0 and denominator = 0")
    by_person.add_cells(
        con,
        "precomputed_totals",
        _CHANGE,
        f"*, {_LABELS}",
        [f"held.{column} is not distinct from cells.{column}" for column in _TOTALS_CELL],
        "query_key = $key and source = $source and window_start = $window_start and window_end = $window_end "
        f"and {people.counted_in} = 0",
        identity,
    )
    con.execute(f"drop table {_CHANGE}")


@dataclass(frozen=True)
class WindowPart:
    """Days of a window summed again together (`start` to `end`), and the dates its rows carry (`dated`): each month's
    or financial year's first day within the window."""

    start: date
    end: date
    dated: tuple[date, ...]


def _parts_changed(
    stale: Staleness, sql: str, everything: Mapping[str, object], window: Period, *, by_year: bool
) -> list[WindowPart] | None:
    """The parts of `window` a change of a monthly query's tables reached, as its sums date their rows: each financial
    year (`by_year`) or each run of consecutive months, cut to the window; None when any month may have changed."""
    months = stale.months(sql, everything)
    if months is None:
        return None
    reached = {month for month in months if month <= window.end and month_end(month) >= window.start}
    spans: list[tuple[date, date, tuple[date, ...]]]
    if by_year:
        years = [financial_year(year) for year in sorted({financial_year_of(month) for month in reached})]
        spans = [(year.start, year.end, (year.start,)) for year in years]
    else:
        spans = [(first, last, tuple(sorted(m for m in reached if first <= m <= last))) for first, last in month_runs(reached)]
    return [
        WindowPart(max(first, window.start), min(last, window.end), tuple(max(day, window.start) for day in dated))
        for first, last, dated in spans
    ]


def _rolled_up(identity: tuple[str, str, str, str], grouped: list[str], events: str, into: str = "_totals_staging") -> str:
    """The statement adding events (`from ...` rows by period_date and the person columns) up to each grouping
    set; `identity` gives the rows' query key, source, window start and end, `grouped` those that vary among them."""

    columns = ", ".join(PERSON_COLUMNS.values())
    # grouping() sets a bit for each column a set leaves out, the first column's the highest
    names = " ".join(
        f"when {sum(1 << (len(PERSON_COLUMNS) - 1 - position) for position, cut in enumerate(PERSON_COLUMNS) if cut not in kept)} "
        f"then '{name}'"
        for name, kept in GROUPING_SETS.items()
    )
    sets = ", ".join(
        "(" + ", ".join([*grouped, "period_date", *(PERSON_COLUMNS[cut] for cut in kept)]) + ")"
        for kept in GROUPING_SETS.values()
    )
    key, source, window_start, window_end = identity
    # a sum of doubles depends on the order its rows come in, and a window mended (pipeline/by_person.py) holds its
    # cells in another order than a full rebuild: each total is summed exactly, as decimals of 9 places
    summed = ", ".join(f"sum({column}::{EXACT})::double" for column in ("numerator", "denominator"))
    return (
        f"insert into {into} select {key}, case grouping({columns}) {names} end, {source}, {window_start}, "
        f"{window_end}, period_date, {columns}, {summed} {events} group by grouping sets ({sets})"
    )
