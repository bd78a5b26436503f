"""The shapes of the tables the refresh precomputes (pipeline/ writes them, metrics/read.py reads them).

Pure definitions, shared by the writer and the reader so both name the same tables and cuts.

The refresh lists what it precomputed in one table, `precomputed_manifest`, a row for each product held:
which query (or table) is held, at which grain, for which window. metrics/read.py reads only what the
manifest lists and runs the query itself for anything else; a warehouse without the table (one built by
the refresh without its sums) holds nothing precomputed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MANIFEST = "precomputed_manifest"
MANIFEST_SCHEMA = f"""
    create or replace table {MANIFEST} (
        product varchar not null, query_key varchar not null, grain varchar not null, window_start date, window_end date)
"""


class Product(StrEnum):
    """What a manifest row says is held (`query_key` is the query key, or the query or table named)."""

    EVENTS = "events"  # precomputed_monthly (grain monthly) or precomputed_windows (grain window)
    COVERAGE = "coverage"  # precomputed_coverage: the query's first and last event dates (grain all)
    TOTALS = "totals"  # precomputed_totals: by month, window, or window by year
    ROWS = "rows"  # precomputed_rows_<query>: its rows for a window (grain window), or its only rows (grain all)
    ATTRITION = "attrition"  # a Summed table, by month (grain monthly)
    SOURCE_COVERAGE = "source coverage"  # source_coverage: each source's first and last complete days (grain all)


class HeldGrain(StrEnum):
    """The span a manifest row holds: every month (any whole-month period is the sum of its months), exactly one
    window (its start and end given), a window summed by financial year, or all there is (no period)."""

    MONTHLY = "monthly"
    WINDOW = "window"
    WINDOW_BY_YEAR = "window by year"
    ALL = "all"


# grouping set of `precomputed_totals` -> the cuts it keeps (by the names asks use for them)
GROUPING_SETS: dict[str, tuple[str, ...]] = {
    "district": (),
    "ward": ("ward",),
    "sex": ("sex",),
    "age_band": ("age_band",),
    "ethnicity": ("ethnicity",),
    "ward and sex": ("ward", "sex"),
}
PERIOD_CUTS_BY_MONTH = ("month", "quarter")  # the cuts a `window by year` total cannot answer

# precomputed_rows_<query>: query -> the columns it orders its rows by (None: it leaves them in no order)
PERIOD_QUERIES: dict[str, str | None] = {
    "services_referral_outcomes": "service_id, person_role",
    "idva_capacity": "ward_code",
}
STATIC_QUERIES: dict[str, str | None] = {
    "services_served_wards": "service_id, ward_code",
    "service_register": "service_id",
    "ward_centroids": "ward_code",
}


@dataclass(frozen=True)
class Summed:
    """A Justice page figure whose cases the refresh sums by month (metrics/sql/_attrition_*.sql)."""

    cases: str  # SQL: the period's cases, a row each
    monthly: str  # SQL: `records` (the cases of all time) summed by month: the table's rows
    table: str
    precomputed: str  # SQL: the table's months of the period
    figures: str  # SQL: the figures for a selection and cut, from `records` (cases or monthly sums)


STAGE_COUNTS = Summed(
    "_attrition_funnel",
    "_attrition_funnel_monthly",
    "precomputed_attrition_stages",
    "_attrition_funnel_precomputed",
    "_attrition_funnel_counts",
)
STEP_DAYS = Summed(
    "_attrition_days",
    "_attrition_days_monthly",
    "precomputed_attrition_step_days",
    "_attrition_days_precomputed",
    "_attrition_days_percentiles",
)


def over_records(records: str, query: str) -> str:
    """`query` reading `records` (cases or their monthly sums) as a named subquery."""
    return f"with records as ({records})\nselect * from ({query})"
