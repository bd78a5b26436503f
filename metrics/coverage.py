"""Service coverage: which services reach which wards and groups, against need and capacity.

Each function takes a read-only warehouse connection and plain arguments and returns a polars
frame. Counts of people (referrals, people reached, cases, estimated need) pass through
disclosure control under `rule`, each with a `<column>_suppressed` flag, and every rate or
percentage is hidden with its count. Register figures (numbers of services, capacity, case
workers) describe services, not people, and are shown as registered.

Estimates, stated once here and in the `need_basis` column:
- capacity: a service's `capacity_per_year` (none when not registered) times the years in the
  period, split over the wards it serves in proportion to the residents it is for
  (metrics/sql/services_served_wards.sql); it counts in full for each group it serves;
- need of an adult group: the victims the crime survey predicts among its residents aged 16+
  (residents x last-year rate for their sex and age band x years; metrics/sql/coverage_expected_need.sql);
- need of children: children present at police incidents in the period, and of perpetrators:
  known perpetrators of police incidents (metrics/sql/coverage_incident_need.sql);
- LGBT+ and disabled victims: no population figures are held for them, so need is not estimated.
"""

from __future__ import annotations

import duckdb
import polars as pl

from etl.contract.values import ClientGroup as RegisterGroup
from metrics import coverage_counts, precomputed_rows
from metrics.coverage_counts import PERPETRATOR_PROGRAMME
from metrics.disclosure import DisclosureRule, plain_percent, protect_frame, wilson_percent
from metrics.periods import Period
from metrics.stats import wilson_ci

# SafeLives: 40 MARAC cases a year per 10,000 adult women; one full-time IDVA per ~100 cases a year.
MARAC_CASES_PER_10000_WOMEN = 40.0
MARAC_CASES_PER_IDVA_FTE = 100.0
# A ward and group whose people reached fall below this share of estimated need is flagged.
REACH_GAP_PCT = 25.0
def services_by_ward(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Services per ward by service type and by client group (`breakdown`, `category`, `n_services`).

    A service serving `all` wards counts in every ward, one for `all` groups in every group. A
    perpetrator programme counts under `perpetrators`, not under the groups it names (a programme
    for men is not a service for male victims). Zero rows are kept so maps show every ward.
    """
    served, wards = _run(con, "services_served_wards"), _run(con, "coverage_wards")
    groups = [group.value for group in RegisterGroup if group is not RegisterGroup.all] + ["perpetrators"]
    by_group = served.with_columns(
        category=pl.when(pl.col("service_type") == PERPETRATOR_PROGRAMME).then(pl.lit(["perpetrators"]))
        .when(pl.col("client_groups").list.contains("all")).then(pl.lit(groups[:-1]))
        .otherwise(pl.col("client_groups"))
    ).explode("category")
    pieces = []
    for breakdown, rows, categories in (
        ("service_type", served.with_columns(category=pl.col("service_type")), served["service_type"].unique().sort()),
        ("client_group", by_group, pl.Series(groups)),
    ):
        counts = rows.group_by("ward_code", "category").agg(n_services=pl.col("service_id").n_unique())
        grid = wards.join(pl.DataFrame({"category": categories}), how="cross")
        pieces.append(grid.join(counts, on=["ward_code", "category"], how="left").with_columns(
            breakdown=pl.lit(breakdown), n_services=pl.col("n_services").fill_null(0).cast(pl.Int64)))
    return pl.concat(pieces).select("ward_code", "ward_name", "breakdown", "category", "n_services")


def coverage_matrix(
    con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule, *, reach_gap_pct: float = REACH_GAP_PCT,
) -> pl.DataFrame:
    """Ward x client group: services, capacity, people reached, estimated need, and gaps in plain words.

    A row is a gap when no service takes the group in the ward (unless its estimated need is
    zero: no residents or no incidents of the group), or when the people whose support started in
    the period are fewer than `reach_gap_pct`% of the estimated need.
    """
    matrix = coverage_counts.counts(con, period).with_columns(
        reach_pct_of_need=_pct("people_reached", "estimated_need"), capacity_pct_of_need=_pct("capacity_places", "estimated_need"))
    reasons = pl.concat_list(
        pl.when((pl.col("n_services") == 0) & pl.col("estimated_need").fill_null(1).gt(0))
        .then(pl.format("no service for {} in this ward", "group_label")),
        # a count that will be hidden (1 to the threshold) is called low only where any such count would be
        pl.when((pl.col("reach_pct_of_need") < reach_gap_pct) & (~pl.col("people_reached").is_between(1, rule.threshold)
                | (pl.col("estimated_need") * reach_gap_pct / 100 > rule.threshold)))
        .then(pl.lit(f"reach below {reach_gap_pct:g}% of estimated need")),
    ).list.drop_nulls()
    matrix = matrix.with_columns(is_gap=reasons.list.len() > 0, gap_reason=reasons.list.join("; "))
    protected = protect_frame(matrix, count_columns=["people_reached", "estimated_need"],
                              ratio_columns={"reach_pct_of_need": ("people_reached", "estimated_need")}, rule=rule,
                              recompute={"reach_pct_of_need": plain_percent})
    if not rule.is_identity:  # places are from the register; need is a count, so the share is of need as published
        need = pl.col("estimated_need").cast(pl.Float64)
        protected = protected.with_columns(capacity_pct_of_need=pl.when(need > 0).then(pl.col("capacity_places") / need * 100))
    return protected.with_columns(_hidden_when("estimated_need_suppressed", "capacity_pct_of_need")).select(
        "ward_code", "ward_name", "client_group", "group_label", "n_services", "capacity_places",
        *_shown(["people_reached", "estimated_need"]), "need_basis", "reach_pct_of_need", "reach_pct_of_need_suppressed",
        "capacity_pct_of_need", "is_gap", "gap_reason",
    ).sort("ward_code", "client_group")


def capacity_vs_demand(con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule) -> pl.DataFrame:
    """Per service: places for the period (capacity_per_year x years) against referrals and starts."""
    return _capacity_vs_demand(_per_service(_run(con, "services_referral_outcomes", period)), period, rule)


def service_outcomes(con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule) -> pl.DataFrame:
    """Per service, for referrals received in the period: how many started, completed, disengaged, declined.

    Completion and drop-out (disengagement) rates are shares of the support that started and has
    ended, with Wilson 95% limits; support still going on is left out of both.
    """
    return _service_outcomes(_per_service(_run(con, "services_referral_outcomes", period)), rule)


def referral_tables(con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`capacity_vs_demand` and `service_outcomes`, from one read of the referrals."""
    services = _per_service(_run(con, "services_referral_outcomes", period))
    return _capacity_vs_demand(services, period, rule), _service_outcomes(services, rule)


def _capacity_vs_demand(services: pl.DataFrame, period: Period, rule: DisclosureRule) -> pl.DataFrame:
    places = pl.col("capacity_per_year") * period.years
    services = services.with_columns(
        capacity_places=places.round(1), demand_pct_of_capacity=_pct("n_referrals", places),
        utilisation_pct=_pct("n_started", places))
    counts = ["n_referrals", "n_started"]
    protected = protect_frame(services, count_columns=counts, ratio_columns={}, rule=rule)
    if not rule.is_identity:  # shares of the places, from the counts as published (the places are on the register)
        protected = protected.with_columns(demand_pct_of_capacity=_pct("n_referrals", places),
                                           utilisation_pct=_pct("n_started", places))
    return protected.with_columns(
        _hidden_when("n_referrals_suppressed", "demand_pct_of_capacity"), _hidden_when("n_started_suppressed", "utilisation_pct"),
    ).select("service_id", "service_name", "provider", "service_type", "capacity_per_year", "capacity_places",
             *_shown(counts), "demand_pct_of_capacity", "utilisation_pct")


def _service_outcomes(services: pl.DataFrame, rule: DisclosureRule) -> pl.DataFrame:
    rates = {"completion_pct": ("n_completed", "n_ended_after_start"), "dropout_pct": ("n_disengaged", "n_ended_after_start")}
    counts = ["n_referrals", "n_started", "n_ended_after_start", "n_completed", "n_disengaged", "n_declined"]
    return _protected_with_rates(services, rates, counts, rule).select(
        "service_id", "service_name", "provider", "service_type", *_shown(counts, rates))


def perpetrator_interventions(con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule) -> pl.DataFrame:
    """Per perpetrator programme, for perpetrators referred (offered a place) in the period:
    offered -> started -> completed, with conversion rates and Wilson 95% limits.

    `completion_pct` is of programmes that started and ended (those still going are left out);
    `completed_pct_of_offered` follows every offer to its end so far.
    """
    referrals = _run(con, "services_referral_outcomes", period).filter(pl.col("service_type") == PERPETRATOR_PROGRAMME)
    # partners referred for support alongside a programme are not offers of the programme
    referrals = referrals.with_columns(pl.when(pl.col("person_role") == "perpetrator").then(pl.col("^n_.*$")).otherwise(0))
    programmes = _per_service(referrals).rename({"n_referrals": "n_offered", "service_name": "programme_name"})
    rates = {"start_pct": ("n_started", "n_offered"), "completion_pct": ("n_completed", "n_ended_after_start"),
             "completed_pct_of_offered": ("n_completed", "n_offered")}
    counts = ["n_offered", "n_started", "n_ended_after_start", "n_completed", "n_disengaged"]
    return _protected_with_rates(programmes, rates, counts, rule).select(
        "service_id", "programme_name", "provider", *_shown(counts, rates))


def idva_capacity(con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule) -> pl.DataFrame:
    """IDVA case workers needed (SafeLives) against those registered, for the district and each ward.

    Expected MARAC cases are 40 a year per 10,000 women aged 16+ (shown for the period); one
    full-time IDVA is needed per 100 cases a year, for the expected and for the cases heard. Ward
    FTE is each IDVA service's FTE split over the wards it serves (as capacity is). Caseload is
    victims whose IDVA support started, per FTE per year; `fte_gap` above 0 is a shortfall.
    """
    served = _run(con, "services_served_wards").filter(pl.col("service_type") == "idva")
    fte = served.group_by("ward_code").agg(idva_fte=(pl.col("fte") * pl.col("ward_share")).sum())
    wards = _run(con, "idva_capacity", period).join(fte, on="ward_code", how="left").with_columns(
        level=pl.lit("ward"), idva_fte=pl.col("idva_fte").fill_null(0.0))
    district = wards.select(
        level=pl.lit("district"), ward_code=pl.lit("district"), ward_name=pl.lit("District"),
        *(pl.col(column).sum() for column in ("women_16_plus", "n_marac_cases", "n_idva_starts")),
        idva_fte=pl.lit(float(served.unique("service_id")["fte"].fill_null(0.0).sum())))  # each service once
    expected_a_year = pl.col("women_16_plus") * MARAC_CASES_PER_10000_WOMEN / 10_000
    rows = pl.concat([district, wards.select(district.columns)]).with_columns(
        expected_marac_cases=(expected_a_year * period.years).round(1),
        idva_fte_needed=expected_a_year / MARAC_CASES_PER_IDVA_FTE,
        idva_fte_needed_for_cases_heard=(pl.col("n_marac_cases") / period.years / MARAC_CASES_PER_IDVA_FTE).round(2),
        caseload_per_fte=pl.when(pl.col("idva_fte") > 0).then(pl.col("n_idva_starts") / period.years / pl.col("idva_fte")),
    ).with_columns(fte_gap=(pl.col("idva_fte_needed") - pl.col("idva_fte")).round(2) + 0.0,  # no "-0.0"
                   idva_fte_needed=pl.col("idva_fte_needed").round(2), idva_fte=pl.col("idva_fte").round(2))
    protected = _protect_with_total(rows, ["n_marac_cases", "n_idva_starts"], rule)
    if not rule.is_identity:  # from the counts as published: FTE to 2 decimals would give the cases back
        protected = protected.with_columns(
            idva_fte_needed_for_cases_heard=(pl.col("n_marac_cases") / period.years / MARAC_CASES_PER_IDVA_FTE).round(2),
            caseload_per_fte=pl.when(pl.col("idva_fte") > 0).then(pl.col("n_idva_starts") / period.years / pl.col("idva_fte")))
    return protected.with_columns(_hidden_when("n_marac_cases_suppressed", "idva_fte_needed_for_cases_heard"),
                                  _hidden_when("n_idva_starts_suppressed", "caseload_per_fte").round(1)).select("level", "ward_code", "ward_name", "women_16_plus", "expected_marac_cases", "idva_fte_needed",
             "idva_fte", "fte_gap", *_shown(["n_marac_cases"]), "idva_fte_needed_for_cases_heard",
             *_shown(["n_idva_starts"]), "caseload_per_fte")


def _run(con: duckdb.DuckDBPyConnection, name: str, period: Period | None = None) -> pl.DataFrame:
    return precomputed_rows.read(con, name, period)


def _per_service(outcomes: pl.DataFrame) -> pl.DataFrame:
    """The outcome counts of each service summed over the roles of the people referred."""
    keys = ["service_id", "service_name", "provider", "service_type", "capacity_per_year", "fte"]
    counts = [column for column in outcomes.columns if column.startswith("n_")]
    return outcomes.group_by(keys, maintain_order=True).agg(pl.col(counts).sum().cast(pl.Int64))


def _protected_with_rates(frame: pl.DataFrame, rates: dict[str, tuple[str, str]], counts: list[str],
                          rule: DisclosureRule) -> pl.DataFrame:
    """Add each rate with Wilson 95% limits, then protect the counts and hide rates with them."""
    for rate, (numerator, denominator) in rates.items():
        limits = [wilson_ci(top, bottom) if bottom else None for top, bottom in zip(frame[numerator], frame[denominator])]
        parts = {rate: "value", f"{rate}_lower_95": "lower", f"{rate}_upper_95": "upper"}
        frame = frame.with_columns(pl.Series(name, [getattr(ci, part, None) for ci in limits], dtype=pl.Float64)
                                   for name, part in parts.items())
    return protect_frame(frame, count_columns=counts, ratio_columns=rates, rule=rule,
                         interval_columns={rate: (f"{rate}_lower_95", f"{rate}_upper_95") for rate in rates},
                         recompute={rate: wilson_percent() for rate in rates})


def _shown(counts: list[str], rates: dict[str, tuple[str, str]] | None = None) -> list[str]:
    """The published columns: each count with its flag, then each rate with its limits and flag."""
    return ([name for count in counts for name in (count, f"{count}_suppressed")]
            + [name for rate in rates or {} for name in (rate, f"{rate}_lower_95", f"{rate}_upper_95", f"{rate}_suppressed")])


def _protect_with_total(frame: pl.DataFrame, counts: list[str], rule: DisclosureRule) -> pl.DataFrame:
    """Protect ward rows against their district total (secondary suppression), then the total itself."""
    is_district = pl.col("level") == "district"
    wards = protect_frame(frame, count_columns=counts, ratio_columns={}, rule=rule, level_column="level").filter(~is_district)
    district = protect_frame(frame.filter(is_district), count_columns=counts, ratio_columns={}, rule=rule)
    return pl.concat([district, wards])


def _pct(numerator: str, denominator: str | pl.Expr) -> pl.Expr:
    bottom = pl.col(denominator) if isinstance(denominator, str) else denominator
    return pl.when(bottom > 0).then(pl.col(numerator) / bottom * 100)


def _hidden_when(flag: str, column: str) -> pl.Expr:
    return pl.when(pl.col(flag)).then(None).otherwise(pl.col(column)).alias(column)
