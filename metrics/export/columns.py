"""Plain-words headers for the gap-analysis tables, shared by the Services page and the workbook.

A column that disclosure control can hide names the flag that says so, so the page and the
workbook both show `*` wherever a value is not shown, never a blank that would read as "none".
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from metrics.disclosure import SUPPRESSED_TEXT


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    hidden_with: str | None = None  # the flag column that is true where this value is not shown
    number_format: str | None = None  # Excel number format


def _count(name: str, header: str) -> Column:
    return Column(name, header, f"{name}_suppressed", "#,##0")


def _share(name: str, header: str, flag: str | None) -> Column:
    return Column(name, header, flag, "0.0")


def _rate_with_limits(name: str, header: str) -> tuple[Column, ...]:
    flag = f"{name}_suppressed"
    return (
        _share(name, header, flag),
        _share(f"{name}_lower_95", f"{header}: lower 95% limit", flag),
        _share(f"{name}_upper_95", f"{header}: upper 95% limit", flag),
    )


SERVICE = (Column("service_name", "Service"), Column("provider", "Provider"), Column("service_type", "Type"))
REGISTER = (
    *SERVICE,
    Column("client_groups", "Client groups"),
    Column("wards_served_names", "Wards served"),
    Column("capacity_per_year", "Places a year (registered)", number_format="#,##0"),
    Column("fte", "Case workers (FTE)", number_format="0.0"),
    Column("contract_ends", "Contract ends"),
    Column("by_and_for", "By and for"),
    Column("commissioner", "Commissioner"),
)
COVERAGE = (
    Column("ward_name", "Ward"),
    Column("group_label", "Client group"),
    _count("unmet_need", "Unmet need (people)"),
    Column("unmet_need_lower_95", "Unmet need: lower 95% limit", "unmet_need_suppressed", "#,##0"),
    Column("unmet_need_upper_95", "Unmet need: upper 95% limit", "unmet_need_suppressed", "#,##0"),
    _count("estimated_need", "Estimated need (people)"),
    _count("people_reached", "People whose support started"),
    _share("reach_pct_of_need", "Reached as % of need", "reach_pct_of_need_suppressed"),
    Column("n_services", "Services taking the group", number_format="0"),
    Column("capacity_places", "Places in the period (estimated)", number_format="#,##0"),
    Column("gap_reason", "Gap"),
    Column("nearest_service", "Nearest service that could extend"),
    Column("nearest_service_km", "Distance (km)", number_format="0.0"),
)
# The page's narrower views of the same rows: what fits a 1440-pixel screen beside the sidebar.
COVERAGE_ON_PAGE = (
    Column("ward_name", "Ward"),
    Column("group_short", "Client group"),
    _count("unmet_need", "Unmet need"),
    Column("unmet_need_lower_95", "Lower 95%", "unmet_need_suppressed", "#,##0"),
    Column("unmet_need_upper_95", "Upper 95%", "unmet_need_suppressed", "#,##0"),
    Column("gap_kind", "Gap"),
    Column("nearest_service", "Nearest service that could extend"),
)
REGISTER_ON_PAGE = (
    Column("service_name", "Service"),
    Column("service_type", "Type"),
    Column("client_groups", "Client groups"),
    Column("capacity_per_year", "Places a year", number_format="#,##0"),
    Column("fte", "FTE", number_format="0.0"),
    Column("contract_ends", "Contract ends"),
    Column("by_and_for", "By and for"),
)
IDVA = (
    Column("ward_name", "Area"),
    Column("women_16_plus", "Women aged 16+", number_format="#,##0"),
    Column("idva_fte", "IDVA FTE registered", number_format="0.00"),
    Column("expected_marac_cases", "MARAC cases expected (SafeLives)", number_format="#,##0.0"),
    Column("idva_fte_needed", "IDVA FTE needed for cases expected", number_format="0.00"),
    Column("fte_gap", "Shortfall for cases expected (FTE)", number_format="0.00"),
    _count("n_marac_cases", "MARAC cases heard"),
    Column("idva_fte_needed_for_cases_heard", "IDVA FTE needed for cases heard", "n_marac_cases_suppressed", "0.00"),
    Column("fte_gap_for_cases_heard", "Shortfall for cases heard (FTE)", "n_marac_cases_suppressed", "0.00"),
    Column("marac_admin_fte_needed", "MARAC administrators needed, cases expected", number_format="0.00"),
    Column(
        "marac_admin_fte_needed_for_cases_heard", "MARAC administrators needed, cases heard", "n_marac_cases_suppressed", "0.00"
    ),
    _count("n_idva_starts", "Victims starting IDVA support"),
    _share("caseload_per_fte", "Starts per FTE a year", "n_idva_starts_suppressed"),
)
IDVA_ON_PAGE = (
    Column("ward_name", "Area"),
    Column("idva_fte", "IDVA FTE", number_format="0.00"),
    Column("idva_fte_needed", "Needed: expected", number_format="0.00"),
    Column("fte_gap", "Shortfall: expected", number_format="0.00"),
    _count("n_marac_cases", "MARAC heard"),
    Column("idva_fte_needed_for_cases_heard", "Needed: heard", "n_marac_cases_suppressed", "0.00"),
    Column("fte_gap_for_cases_heard", "Shortfall: heard", "n_marac_cases_suppressed", "0.00"),
    Column("marac_admin_fte_needed_for_cases_heard", "Administrators: heard", "n_marac_cases_suppressed", "0.00"),
)
CAPACITY = (
    *SERVICE,
    Column("capacity_per_year", "Places a year", number_format="#,##0"),
    Column("capacity_places", "Places in the period", number_format="#,##0"),
    _count("n_referrals", "Referrals"),
    _count("n_started", "Support started"),
    _share("demand_pct_of_capacity", "Referrals as % of places", "n_referrals_suppressed"),
    _share("utilisation_pct", "Started as % of places", "n_started_suppressed"),
)
CAPACITY_ON_PAGE = (
    Column("service_name", "Service"),
    Column("service_type", "Type"),
    Column("capacity_places", "Places in the period", number_format="#,##0"),
    _count("n_referrals", "Referrals"),
    _count("n_started", "Started"),
    _share("demand_pct_of_capacity", "Referrals % of places", "n_referrals_suppressed"),
    _share("utilisation_pct", "Started % of places", "n_started_suppressed"),
)
RISKS = (
    Column("service_name", "Service"),
    Column("provider", "Provider"),
    Column("contract_ends", "Contract ends"),
    _share("demand_pct_of_capacity", "Referrals as % of places", None),
    Column("risk", "Why it is at risk"),
)
OUTCOMES = (
    Column("service_name", "Service"),
    Column("service_type", "Type"),
    _count("n_referrals", "Referrals received"),
    _count("n_started", "Support started"),
    _count("n_ended_after_start", "Support ended"),
    _count("n_completed", "Completed"),
    _count("n_disengaged", "Disengaged"),
    _count("n_declined", "Declined"),
    *_rate_with_limits("completion_pct", "Completed, % of support ended"),
    *_rate_with_limits("dropout_pct", "Disengaged, % of support ended"),
)
OUTCOMES_ON_PAGE = (
    Column("service_name", "Service"),
    _count("n_started", "Started"),
    _count("n_ended_after_start", "Ended"),
    Column("completion_pct_text", "Completed % (95% interval)"),
    Column("dropout_pct_text", "Disengaged % (95% interval)"),
)
INDICATORS = (
    Column("title", "Indicator"),
    Column("cut_label", "Area"),
    Column("period", "Period"),
    Column("unit", "Unit"),
    Column("numerator", "Numerator", "numerator_suppressed", "#,##0"),
    Column("denominator", "Denominator", "denominator_suppressed", "#,##0.0"),
    Column("value", "Value", "value_suppressed", "0.00"),
    *(
        Column(limit, f"{level} {percent} limit", "value_suppressed", "0.00")
        for limit, level, percent in (
            ("lower_95", "Lower", "95%"),
            ("upper_95", "Upper", "95%"),
            ("lower_998", "Lower", "99.8%"),
            ("upper_998", "Upper", "99.8%"),
        )
    ),
    Column("method", "Interval method"),
    Column("comparator", "Compared with"),
    Column("comparator_value", "Comparator value", number_format="0.00"),
    Column("comparison_text", "Comparison"),
    Column("local_comparator", "Local population comparator"),
    Column("local_comparator_value", "Local population value", number_format="0.00"),
    Column("local_comparison_text", "Against the local population"),
    Column("trend", "Trend"),
)
BENCHMARKS = (
    Column("title", "Indicator"),
    Column("value", "Value", "value_suppressed", "0.00"),
    Column("benchmark", "Benchmark"),
    Column("benchmark_value", "Benchmark value", number_format="0.0"),
    Column("comparison_text", "Comparison"),
    Column("source", "Source"),
)


def with_interval_text(frame: pl.DataFrame, *rates: str) -> pl.DataFrame:
    """Each rate with its 95% limits as one piece of text (`<rate>_text`): "59.1 (55.1 to 63.0)", `*` when hidden."""

    def text(rate: str) -> pl.Expr:
        value, lower, upper = (pl.col(name).round(1).cast(pl.String) for name in (rate, f"{rate}_lower_95", f"{rate}_upper_95"))
        return (
            pl.when(pl.col(f"{rate}_suppressed"))
            .then(pl.lit(SUPPRESSED_TEXT))
            .when(pl.col(rate).is_null())
            .then(pl.lit("none ended"))
            .otherwise(pl.format("{} ({} to {})", value, lower, upper))
            .alias(f"{rate}_text")
        )

    return frame.with_columns(text(rate) for rate in rates)


def is_hidden(row: dict, column: Column) -> bool:
    return row.get(column.name) is None and bool(column.hidden_with and row.get(column.hidden_with))


def cells(frame: pl.DataFrame, columns: tuple[Column, ...]) -> list[list[object]]:
    """The table's rows, column by column, with `*` wherever a value is not shown."""
    return [
        [SUPPRESSED_TEXT if is_hidden(row, column) else row.get(column.name) for column in columns]
        for row in frame.iter_rows(named=True)
    ]


def text_table(frame: pl.DataFrame, columns: tuple[Column, ...]) -> pl.DataFrame:
    """The table under its plain headers for a page: hideable columns as text, `*` where not shown."""
    shown = []
    for column in columns:
        value = pl.col(column.name)
        if column.hidden_with and column.hidden_with in frame.columns:
            places = len(column.number_format.partition(".")[2]) if column.number_format and "." in column.number_format else 1
            # as many decimals as the column's number format, and never "-0.0"
            as_text = (
                (value.round(places) + 0.0).cast(pl.String) if frame.schema[column.name].is_float() else value.cast(pl.String)
            )
            value = (
                pl.when(pl.col(column.hidden_with).fill_null(False) & value.is_null())
                .then(pl.lit(SUPPRESSED_TEXT))
                .otherwise(as_text)
            )
        shown.append(value.alias(column.header))
    return frame.select(shown)
