"""Every precomputed product reads the same numbers as the warehouse's own rows: the one harness.

metrics/read.py reads a precomputed table only where the refresh's manifest lists it, so a connection whose
manifest is read as empty (`live`) runs every query itself. Each product the refresh builds (pipeline/) is
compared with that, over the sample district:
- indicator events: monthly sums and windows (with the totals, and without them), event dates, the action plan's;
- totals: batched asks, residents' shares, the windows summed by year;
- rows kept for the Services page, and the coverage matrix's counts;
- the Justice page's monthly sums of stage counts and days between stages;
- each source's coverage.
"""

from __future__ import annotations

import re
from datetime import date

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics import completeness, coverage_counts, periods, read
from metrics.aggregate import Ask, GroupFilters, UnsupportedCut, aggregate_many, data_coverage
from metrics.attrition import attrition_funnel
from metrics.attrition_days import days_between_stages
from metrics.compute import Filters, Request, compute, compute_many, default_period
from metrics.definitions import Grain
from metrics.disclosure import DisclosureRule
from metrics.local_share import residents_of
from metrics.periods import Period, annual_span, between, financial_year, month, quarter, trend_span
from metrics.precomputed import PERIOD_QUERIES, STAGE_COUNTS, STATIC_QUERIES, STEP_DAYS, HeldGrain, Product
from metrics.queries import bind, query_key, query_sql
from metrics.registry import all_indicators, headline_indicators
from metrics.targets.sources import WarehouseValues
from pipeline.precompute import offered_periods

INDICATORS = all_indicators()
IDS = [indicator.id for indicator in INDICATORS]
WARD = "E05990025"
OPEN = DisclosureRule.unsuppressed()


def live(monkeypatch, *, keep: tuple[Product, ...] = ()) -> None:
    """Read the warehouse as if the refresh had precomputed nothing (but the products in `keep`)."""
    listed = read.manifest
    monkeypatch.setattr(read, "manifest", lambda con, product, keys: listed(con, product, keys) if product in keep else [])


def same(precomputed, expected) -> None:
    if isinstance(expected, UnsupportedCut):
        assert isinstance(precomputed, UnsupportedCut) and str(precomputed) == str(expected)
        return
    keys = [column for column in expected.columns if column not in ("numerator", "denominator")]
    assert_frame_equal(
        precomputed.sort(keys) if keys else precomputed,
        expected.sort(keys) if keys else expected,
        check_dtypes=False,
        check_column_order=False,
        check_exact=False,
        rel_tol=1e-12,
    )


# --- indicator events and the totals made from them ---------------------------------------------------------

CUTS = [
    ((), GroupFilters()),
    (("ward",), GroupFilters()),
    (("year",), GroupFilters()),
    (("month",), GroupFilters()),
    ((), GroupFilters(ward_code=WARD)),
    (("sex",), GroupFilters(ward_code=WARD)),
    (("year",), GroupFilters(ward_code=WARD, sex="female")),
    ((), GroupFilters(sex="male")),
    (("ethnicity",), GroupFilters(age_band="25-34")),
    (("ward", "year"), GroupFilters(sex="female")),
    (("ward", "year"), GroupFilters(age_band="25-34")),
]  # no grouping set holds the last: the sums by month do


def asks_of(con, indicator) -> list[Ask]:
    latest = default_period(con)
    coverage = data_coverage(con, indicator)
    span = trend_span(*coverage) if coverage else None
    chosen = [
        latest,
        periods.financial_year(2024),
        periods.quarter(2026, 1),
        annual_span(latest),
        periods.between(date(2025, 1, 15), date(2025, 6, 3)),
        *([span] if span else []),
    ]
    return [Ask(indicator, period, dims, groups) for period in chosen for dims, groups in CUTS]


@pytest.mark.parametrize("held", ["totals and sums", "sums only"])
@pytest.mark.parametrize("indicator", INDICATORS, ids=IDS)
def test_indicator_events_agree_with_their_query(sample_warehouse, monkeypatch, indicator, held):
    asks = asks_of(sample_warehouse, indicator)
    with monkeypatch.context() as patched:
        if held == "sums only":
            live(patched, keep=(Product.EVENTS, Product.COVERAGE, Product.SOURCE_COVERAGE))
        batched = aggregate_many(sample_warehouse, asks)
        coverage = data_coverage(sample_warehouse, indicator)
    with monkeypatch.context() as patched:
        live(patched)
        assert data_coverage(sample_warehouse, indicator) == coverage
        for ask, result in zip(asks, batched, strict=True):
            same(result, aggregate_many(sample_warehouse, [ask])[0])


@pytest.mark.parametrize("indicator", INDICATORS, ids=IDS)
def test_the_action_plan_reads_the_same_first_and_last_event_dates(sample_warehouse, monkeypatch, indicator):
    values = WarehouseValues(sample_warehouse)
    values.prefetch_coverage([indicator.id])
    precomputed = values.coverage(indicator.id)
    live(monkeypatch)
    assert WarehouseValues(sample_warehouse).coverage(indicator.id) == precomputed


@pytest.mark.parametrize("rule", [DisclosureRule(7, 5), OPEN], ids=["board", "unsuppressed"])
def test_a_batch_of_figures_gives_what_each_query_run_itself_gives(sample_warehouse, monkeypatch, rule):
    latest = default_period(sample_warehouse)
    cuts = [
        Filters(latest),
        Filters(latest, None, GroupFilters(ward_code=WARD)),
        Filters(latest, "ward"),
        Filters(latest, "sex", GroupFilters(ward_code=WARD)),
        Filters(periods.financial_year(2024), "ethnicity"),
        Filters(latest, None, GroupFilters(ward_code=WARD, sex="female")),
        Filters(periods.financial_year(2025), "year"),
        Filters(periods.between(latest.start, latest.end.replace(day=15)), "quarter"),
        Filters(),
    ]
    chosen = (
        "prevalence_incidents_per_1000",
        "marac_cases_per_10000_women",
        "marac_minoritised_pct",
        "hidden_need_reporting_ratio",
        "honour_based_abuse_count",
        "idva_caseload_per_fte",
        "repeat_victimisation_pct",
        "people_reached_per_1000",
        "reach_vs_need_pct",
    )
    asked = [
        Request(indicator_id, filters, with_trend) for indicator_id in chosen for filters in cuts for with_trend in (True, False)
    ]
    batched = compute_many(sample_warehouse, asked, rule=rule)
    live(monkeypatch)
    for request, result in zip(asked, batched, strict=True):
        try:
            alone = compute(sample_warehouse, request.indicator_id, request.filters, rule=rule, with_trend=request.with_trend)
        except UnsupportedCut as error:
            alone = error
        if isinstance(alone, UnsupportedCut):
            assert isinstance(result, UnsupportedCut) and str(result) == str(alone)
        else:
            assert_frame_equal(result, alone, check_exact=False, rel_tol=1e-12)


def test_the_residents_shares_of_each_period_offered_agree_with_their_queries(sample_warehouse, monkeypatch):
    latest = default_period(sample_warehouse)
    asks = [
        Ask(residents_of(indicator), period, dims, groups)
        for indicator in all_indicators()
        if indicator.local_share
        for period in [latest, periods.financial_year(2025)]
        for dims, groups in [((), GroupFilters()), (("ward",), GroupFilters()), (("sex",), GroupFilters(ward_code=WARD))]
    ]
    batched = aggregate_many(sample_warehouse, asks)
    assert len(read.totals(sample_warehouse, dict(enumerate(asks)))) == len(asks)
    live(monkeypatch)
    for ask, result in zip(asks, batched, strict=True):
        same(result, aggregate_many(sample_warehouse, [ask])[0])


@pytest.mark.parametrize("indicator", INDICATORS, ids=IDS)
def test_the_default_period_and_trend_span_are_read_from_the_precomputed_sums(sample_warehouse, indicator):
    latest = default_period(sample_warehouse)
    assert "precomputed_" in read.events(sample_warehouse, indicator, latest)[0]
    first, last = data_coverage(sample_warehouse, indicator)
    span = trend_span(first, last)
    if span:
        assert "precomputed_" in read.events(sample_warehouse, indicator, span)[0]


def test_a_period_not_in_whole_months_runs_the_query_itself(sample_warehouse):
    indicator = INDICATORS[0]
    period = periods.between(date(2025, 1, 15), date(2025, 6, 3))
    assert read.events(sample_warehouse, indicator, period) == (query_sql(indicator.sql_name), {})


def test_the_totals_hold_what_the_busiest_pages_ask_for(sample_warehouse):
    latest = default_period(sample_warehouse)
    sparklines = [indicator for indicator in headline_indicators() if "year" in indicator.dimensions]
    wanted = [
        Ask(indicator, period, dims, groups)
        for indicators, period, dims in [(headline_indicators(), latest, ()), (sparklines, annual_span(latest), ("year",))]
        for indicator in indicators
        for groups in [GroupFilters(), GroupFilters(ward_code=WARD, sex="female")]
    ]
    shares = [
        Ask(residents_of(indicator), latest, (), GroupFilters(ward_code=WARD))
        for indicator in all_indicators()
        if indicator.local_share
    ]
    asks = dict(enumerate([*wanted, *shares]))
    assert sorted(read.totals(sample_warehouse, asks)) == sorted(asks)


def test_a_window_summed_by_year_answers_no_cut_by_month(sample_warehouse):
    span = annual_span(default_period(sample_warehouse))
    indicator = headline_indicators()[0]
    by_month, by_year = Ask(indicator, span, ("month",)), Ask(indicator, span, ("year",))
    assert sorted(read.totals(sample_warehouse, {0: by_month, 1: by_year})) == [1]


def test_an_ask_with_no_events_has_one_row_of_zeros(sample_warehouse):
    indicator = headline_indicators()[0]
    (frame,) = read.totals(sample_warehouse, {0: Ask(indicator, periods.month(1990, 1))}).values()
    assert frame.to_dicts() == [{"numerator": 0.0, "denominator": 0.0}]
    assert frame.schema == pl.Schema({"numerator": pl.Float64, "denominator": pl.Float64})


# --- the declared grain ---------------------------------------------------------------------------------------

# The rule the refresh once applied to each query's SQL to decide whether it could be summed by month: the
# registry now declares it (Grain), and this holds the declarations to what the rule decided.
_ONE_PERIOD_FILTER = re.compile(r"between\s+\$start\s+and\s+\$end", re.IGNORECASE)
_PERIOD_DEPENDENT = re.compile(r"group\s+by|\bover\s*\(|\$period_years|distinct", re.IGNORECASE)


def merely_filters_to_the_period(sql: str) -> bool:
    sql = re.sub(r"--[^\n]*", "", sql)
    return (
        len(_ONE_PERIOD_FILTER.findall(sql)) == 1
        and sql.count("$start") == 1
        and sql.count("$end") == 1
        and not _PERIOD_DEPENDENT.search(sql)
    )


@pytest.mark.parametrize(
    ("sql", "summable"),
    [
        ("select reported_on as period_date, 1 as numerator from mart_incidents where reported_on between $start and $end", True),
        (
            "-- counted once per victim, group by victim\nselect reported_on as period_date from t where d between $start and $end",
            True,
        ),
        ("select max(d) as period_date from t where d between $start and $end group by victim_id", False),
        ("select d as period_date, $period_years as denominator from t where d between $start and $end", False),
        ("select d as period_date from t where d >= $start and d <= $end", False),
        ("select d as period_date, count(*) over (partition by v) from t where d between $start and $end", False),
    ],
)
def test_the_old_rule_reads_sql_as_it_did(sql, summable):
    assert merely_filters_to_the_period(sql) is summable


@pytest.mark.parametrize(
    "indicator",
    [*INDICATORS, *(residents_of(i) for i in INDICATORS if i.local_share)],
    ids=[*IDS, *(f"{i.id} residents" for i in INDICATORS if i.local_share)],
)
def test_each_declared_grain_is_what_its_query_allows(indicator):
    assert (indicator.grain is Grain.MONTHLY) is merely_filters_to_the_period(query_sql(indicator.sql_name))


def test_indicators_sharing_a_query_declare_one_grain():
    grains: dict[str, set[Grain]] = {}
    for indicator in INDICATORS:
        grains.setdefault(query_key(indicator), set()).add(indicator.grain)
    assert {key: found for key, found in grains.items() if len(found) > 1} == {}


# --- the manifest -----------------------------------------------------------------------------------------------


def test_the_manifest_lists_every_indicator_query_at_its_grain(sample_warehouse):
    keys = {query_key(indicator): indicator.grain for indicator in INDICATORS}
    held = read.manifest(sample_warehouse, Product.EVENTS, keys)
    assert {entry.key for entry in held} == set(keys)
    for entry in held:
        assert (entry.grain is HeldGrain.MONTHLY) is (keys[entry.key] is Grain.MONTHLY)
    assert {entry.key for entry in read.manifest(sample_warehouse, Product.COVERAGE, keys)} == set(keys)


def test_the_manifest_lists_every_table_it_names(sample_warehouse):
    tables = {name for (name,) in sample_warehouse.sql("select table_name from duckdb_tables()").fetchall()}
    products = sample_warehouse.sql("select distinct product, query_key from precomputed_manifest").fetchall()
    named = {
        "events": lambda key: {"precomputed_monthly", "precomputed_windows"} & tables,
        "coverage": lambda key: {"precomputed_coverage"} & tables,
        "totals": lambda key: {"precomputed_totals"} & tables,
        "rows": lambda key: {f"precomputed_rows_{key}"} & tables,
        "attrition": lambda key: {key} & tables,
        "source coverage": lambda key: {key} & tables,
    }
    assert {product for product, _ in products} == set(named)
    assert [(product, key) for product, key in products if not named[product](key)] == []


def test_a_warehouse_without_a_manifest_runs_every_query_itself(tmp_path):
    con = duckdb.connect(str(tmp_path / "bare.duckdb"))
    indicator = INDICATORS[0]
    assert read.manifest(con, Product.EVENTS, [query_key(indicator)]) == []
    assert read.events(con, indicator, periods.financial_year(2024)) == (query_sql(indicator.sql_name), {})
    assert read.held_event_dates(con, [indicator]) == {}
    assert read.totals(con, {0: Ask(indicator, periods.financial_year(2024))}) == {}


# --- rows kept for the Services page and the coverage matrix ----------------------------------------------------


def run(con, name: str, period: Period | None = None) -> pl.DataFrame:
    sql = query_sql(name)
    values = {} if period is None else {"start": period.start, "end": period.end, "period_years": period.years}
    return con.sql(sql, params=bind(sql, values)).pl()


@pytest.mark.parametrize("name", PERIOD_QUERIES)
def test_each_period_offered_reads_the_rows_its_query_returns(sample_warehouse, name):
    for period in offered_periods(sample_warehouse):
        assert_frame_equal(read.rows(sample_warehouse, name, period), run(sample_warehouse, name, period), check_exact=True)


@pytest.mark.parametrize("name", STATIC_QUERIES)
def test_a_query_of_no_period_reads_the_rows_it_returns(sample_warehouse, name):
    assert_frame_equal(read.rows(sample_warehouse, name), run(sample_warehouse, name), check_exact=True)


def test_any_other_period_runs_the_query(sample_warehouse):
    latest = default_period(sample_warehouse)
    other = Period(latest.start.replace(day=2), latest.end, "not offered")
    assert read.kept_rows(sample_warehouse, coverage_counts.KEPT, other) is None
    assert_frame_equal(read.rows(sample_warehouse, "idva_capacity", other), run(sample_warehouse, "idva_capacity", other))


def test_the_coverage_counts_kept_are_the_counts_made_here(sample_warehouse):
    for period in offered_periods(sample_warehouse):
        kept = read.kept_rows(sample_warehouse, coverage_counts.KEPT, period)
        assert kept is not None
        assert_frame_equal(
            kept.sort("ward_code", "client_group"),
            coverage_counts.counted(sample_warehouse, period).sort("ward_code", "client_group"),
            check_exact=True,
        )


# --- the Justice page's monthly sums ------------------------------------------------------------------------------

SELECTIONS = [
    GroupFilters(),
    GroupFilters(ward_code=WARD),
    GroupFilters(sex="female"),
    GroupFilters(ward_code=WARD, sex="female", age_band="25-34"),
    GroupFilters(ethnicity="white"),
]


def figures(con, summed, period, by, groups, *, precomputed):
    frame = read.attrition_relation(con, summed, period, by, groups, precomputed=precomputed).pl()
    return frame.sort(frame.columns, nulls_last=True)


@pytest.mark.parametrize("summed", [STAGE_COUNTS, STEP_DAYS], ids=["stage counts", "step days"])
@pytest.mark.parametrize("by", [None, "ward", "sex", "age_band", "ethnicity"])
def test_justice_figures_agree_with_their_cases(sample_warehouse, summed, by):
    for period in (default_period(sample_warehouse), financial_year(2024), quarter(2026, 1), month(2025, 11)):
        for groups in SELECTIONS:
            assert_frame_equal(
                figures(sample_warehouse, summed, period, by, groups, precomputed=True),
                figures(sample_warehouse, summed, period, by, groups, precomputed=False),
                check_exact=True,
            )


def test_the_sample_reaches_every_stage_and_step(sample_warehouse):
    # so the agreement above is over real figures, not zeros
    period = default_period(sample_warehouse)
    counts = figures(sample_warehouse, STAGE_COUNTS, period, None, GroupFilters(), precomputed=True)
    assert all(count > 0 for count in counts.drop("is_total", "cut_value").row(0))
    days = figures(sample_warehouse, STEP_DAYS, period, "ward", GroupFilters(), precomputed=True)
    assert days["step"].n_unique() == 6 and days["cut_value"].n_unique() > 20
    assert (days["p90_days"] % 1 > 0).any()  # some percentiles fall between two cases


def test_only_whole_months_are_read_from_the_sums():
    assert month(2024, 2).is_whole_months
    assert financial_year(2024).is_whole_months
    assert not between(date(2025, 1, 15), date(2025, 6, 30)).is_whole_months
    assert not between(date(2025, 1, 1), date(2025, 6, 29)).is_whole_months


def test_a_period_the_sums_cannot_answer_reads_the_cases(sample_warehouse, monkeypatch):
    read_cases = read.attrition_relation

    def cases_only(*args, precomputed):
        assert not precomputed, "read the monthly sums"
        return read_cases(*args, precomputed=precomputed)

    monkeypatch.setattr(read, "attrition_relation", cases_only)
    period = between(date(2025, 1, 15), date(2025, 6, 3))
    funnel = attrition_funnel(sample_warehouse, period, rule=OPEN, by="sex")
    assert funnel.filter(funnel["is_total"] & (funnel["stage"] == "incident"))["count"][0] > 0
    days = days_between_stages(sample_warehouse, period, rule=OPEN, by="sex")
    assert days.filter(days["is_total"])["cases"][0] > 0


def test_a_warehouse_without_the_sums_reads_the_cases(tiny_warehouse):
    assert tiny_warehouse.sql("select count(*) from duckdb_tables() where table_name like 'precomputed_%'").fetchall() == [(0,)]
    period = financial_year(2025)
    funnel = attrition_funnel(tiny_warehouse, period, rule=OPEN)
    cases = read.attrition_relation(tiny_warehouse, STAGE_COUNTS, period, None, GroupFilters(), precomputed=False).pl()
    assert funnel.filter(funnel["stage"] == "incident")["count"][0] == cases["incidents"][0]
    days = days_between_stages(tiny_warehouse, period, rule=OPEN, min_cases=1)
    assert days.height == 6


# --- each source's coverage ---------------------------------------------------------------------------------------


def test_each_sources_coverage_agrees_with_its_rows(sample_warehouse, monkeypatch):
    precomputed = completeness.read(sample_warehouse)
    assert read.source_coverage_held(sample_warehouse, completeness.COVERAGE_TABLE)
    live(monkeypatch)
    assert completeness.read(sample_warehouse) == precomputed
