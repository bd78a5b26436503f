"""The services' referrals in a period: places against demand, how support ended, and perpetrator programmes.

Per service, from the referrals received in the period (metrics/sql/services_referral_outcomes.sql). Counts of
people pass through disclosure control under `rule`, each with a `<column>_suppressed` flag; every rate or share
is hidden with its count. Places (capacity_per_year x years, whole places) are from the register, shown as registered.
"""

from __future__ import annotations

import duckdb
import polars as pl

from metrics import read
from metrics.coverage_counts import PERPETRATOR_PROGRAMME
from metrics.disclosure import DisclosureRule, protect_frame
from metrics.periods import Period
from metrics.service_columns import hidden_when, percent, protected_with_rates, shown_columns


def capacity_vs_demand(
    con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule, *, places_a_year: dict[str, float] | None = None
) -> pl.DataFrame:
    """Per service: places for the period (capacity_per_year x years) against referrals and starts.

    `places_a_year` replaces some services' registered places a year (a what-if scenario).
    """
    return _capacity_vs_demand(_per_service(read.rows(con, "services_referral_outcomes", period)), period, rule, places_a_year)


def service_outcomes(con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule) -> pl.DataFrame:
    """Per service, for referrals received in the period: how many started, completed, disengaged, declined.

    Completion and drop-out (disengagement) rates are shares of the support that started and has
    ended, with Wilson 95% limits; support still going on is left out of both.
    """
    return _service_outcomes(_per_service(read.rows(con, "services_referral_outcomes", period)), rule)


def referral_tables(
    con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule, *, places_a_year: dict[str, float] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`capacity_vs_demand` and `service_outcomes`, from one read of the referrals."""
    services = _per_service(read.rows(con, "services_referral_outcomes", period))
    return _capacity_vs_demand(services, period, rule, places_a_year), _service_outcomes(services, rule)


def _capacity_vs_demand(
    services: pl.DataFrame, period: Period, rule: DisclosureRule, places_a_year: dict[str, float] | None = None
) -> pl.DataFrame:
    if places_a_year:
        services = services.with_columns(
            capacity_per_year=pl.col("service_id")
            .replace_strict(
                {service: float(places) for service, places in places_a_year.items()},
                default=pl.col("capacity_per_year").cast(pl.Float64),
                return_dtype=pl.Float64,
            )
            .round(0)
            .cast(pl.Int64)
        )
    # places are whole: a part year's places are rounded to whole places, not shown as fractions
    places = (pl.col("capacity_per_year") * period.years).round(0)
    services = services.with_columns(
        capacity_places=places,
        demand_pct_of_capacity=percent("n_referrals", places),
        utilisation_pct=percent("n_started", places),
    )
    counts = ["n_referrals", "n_started"]
    protected = protect_frame(services, count_columns=counts, ratio_columns={}, rule=rule)
    if not rule.is_identity:  # shares of the places, from the counts as published (the places are on the register)
        protected = protected.with_columns(
            demand_pct_of_capacity=percent("n_referrals", places), utilisation_pct=percent("n_started", places)
        )
    return protected.with_columns(
        hidden_when("n_referrals_suppressed", "demand_pct_of_capacity"),
        hidden_when("n_started_suppressed", "utilisation_pct"),
    ).select(
        "service_id",
        "service_name",
        "provider",
        "service_type",
        "capacity_per_year",
        "capacity_places",
        *shown_columns(counts),
        "demand_pct_of_capacity",
        "utilisation_pct",
    )


def _service_outcomes(services: pl.DataFrame, rule: DisclosureRule) -> pl.DataFrame:
    rates = {"completion_pct": ("n_completed", "n_ended_after_start"), "dropout_pct": ("n_disengaged", "n_ended_after_start")}
    counts = ["n_referrals", "n_started", "n_ended_after_start", "n_completed", "n_disengaged", "n_declined"]
    return protected_with_rates(services, rates, counts, rule).select(
        "service_id", "service_name", "provider", "service_type", *shown_columns(counts, rates)
    )


def perpetrator_interventions(con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule) -> pl.DataFrame:
    """Per perpetrator programme, for perpetrators referred (offered a place) in the period:
    offered -> started -> completed, with conversion rates and Wilson 95% limits.

    `completion_pct` is of programmes that started and ended (those still going are left out);
    `completed_pct_of_offered` follows every offer to its end so far.
    """
    referrals = read.rows(con, "services_referral_outcomes", period).filter(pl.col("service_type") == PERPETRATOR_PROGRAMME)
    # partners referred for support alongside a programme are not offers of the programme
    referrals = referrals.with_columns(pl.when(pl.col("person_role") == "perpetrator").then(pl.col("^n_.*$")).otherwise(0))
    programmes = _per_service(referrals).rename({"n_referrals": "n_offered", "service_name": "programme_name"})
    rates = {
        "start_pct": ("n_started", "n_offered"),
        "completion_pct": ("n_completed", "n_ended_after_start"),
        "completed_pct_of_offered": ("n_completed", "n_offered"),
    }
    counts = ["n_offered", "n_started", "n_ended_after_start", "n_completed", "n_disengaged"]
    return protected_with_rates(programmes, rates, counts, rule).select(
        "service_id", "programme_name", "provider", *shown_columns(counts, rates)
    )


def _per_service(outcomes: pl.DataFrame) -> pl.DataFrame:
    """The outcome counts of each service summed over the roles of the people referred."""
    keys = ["service_id", "service_name", "provider", "service_type", "capacity_per_year", "fte"]
    counts = [column for column in outcomes.columns if column.startswith("n_")]
    return outcomes.group_by(keys, maintain_order=True).agg(pl.col(counts).sum().cast(pl.Int64))
