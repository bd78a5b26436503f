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
- LGBT+ and disabled victims: no population figures are held for them, so need is not estimated;
- unmet need: published need less published people reached, with the need's Poisson limits (coverage_matrix);
- IDVA and MARAC administrator capacity: SafeLives' guide, with the caseloads as settings (`Assumptions`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from etl.contract.values import ClientGroup as RegisterGroup
from metrics import coverage_counts, read
from metrics.coverage_counts import PERPETRATOR_PROGRAMME
from metrics.disclosure import DisclosureRule, plain_percent, protect_frame, wilson_percent
from metrics.periods import Period
from metrics.stats import byars_limits, exact_poisson_limits, wilson_ci

# SafeLives: 40 MARAC cases a year per 10,000 adult women; one full-time IDVA per ~100 cases a year;
# one MARAC administrator per 400 cases a year. Defaults of the settings of the same names.
MARAC_CASES_PER_10000_WOMEN = 40.0
MARAC_CASES_PER_IDVA_FTE = 100.0
MARAC_CASES_PER_ADMINISTRATOR = 400.0
# A ward and group whose people reached fall below this share of estimated need is flagged (a setting).
REACH_GAP_PCT = 25.0
CONTRACT_RISK_MONTHS = 6


@dataclass(frozen=True)
class Assumptions:
    """The commissioning assumptions a figure rests on; each is a setting, and the page and workbook state them."""

    reach_gap_pct: float = REACH_GAP_PCT
    marac_cases_per_10000_women: float = MARAC_CASES_PER_10000_WOMEN
    idva_cases_per_fte: float = MARAC_CASES_PER_IDVA_FTE
    marac_cases_per_administrator: float = MARAC_CASES_PER_ADMINISTRATOR
    contract_risk_months: int = CONTRACT_RISK_MONTHS

    @classmethod
    def from_settings(cls, settings) -> Assumptions:
        return cls(
            reach_gap_pct=settings.gap_reach_threshold_pct,
            marac_cases_per_10000_women=settings.marac_cases_per_10000_women,
            idva_cases_per_fte=settings.idva_cases_per_fte,
            marac_cases_per_administrator=settings.marac_cases_per_administrator,
            contract_risk_months=settings.contract_risk_months,
        )

    def stated(self) -> list[tuple[str, str]]:
        """(name, value in words) of each assumption, as the page and the workbook's metadata state them."""
        return [
            (
                "Gap threshold",
                f"a ward and client group is a gap when support started for fewer than {self.reach_gap_pct:g}% "
                "of its estimated need, or no service takes the group there (setting "
                "OVERSIGHT_GAP_REACH_THRESHOLD_PCT); gaps are ranked by unmet need in people",
            ),
            (
                "Expected MARAC cases",
                f"{self.marac_cases_per_10000_women:g} a year per 10,000 women aged 16+ "
                "(SafeLives; setting OVERSIGHT_MARAC_CASES_PER_10000_WOMEN)",
            ),
            (
                "IDVA caseload",
                f"one full-time IDVA per {self.idva_cases_per_fte:g} MARAC cases a year "
                "(SafeLives; setting OVERSIGHT_IDVA_CASES_PER_FTE)",
            ),
            (
                "MARAC administrator",
                f"one full-time administrator per {self.marac_cases_per_administrator:g} MARAC cases "
                "a year (SafeLives; setting OVERSIGHT_MARAC_CASES_PER_ADMINISTRATOR)",
            ),
            (
                "Contract risk window",
                f"contracts ending within {self.contract_risk_months} months of the data date "
                "(setting OVERSIGHT_CONTRACT_RISK_MONTHS)",
            ),
        ]


def services_by_ward(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Services per ward by service type and by client group (`breakdown`, `category`, `n_services`).

    A service serving `all` wards counts in every ward, one for `all` groups in every group. A
    perpetrator programme counts under `perpetrators`, not under the groups it names (a programme
    for men is not a service for male victims). Zero rows are kept so maps show every ward.
    """
    served, wards = _run(con, "services_served_wards"), _run(con, "coverage_wards")
    groups = [group.value for group in RegisterGroup if group is not RegisterGroup.all] + ["perpetrators"]
    by_group = served.with_columns(
        category=pl.when(pl.col("service_type") == PERPETRATOR_PROGRAMME)
        .then(pl.lit(["perpetrators"]))
        .when(pl.col("client_groups").list.contains("all"))
        .then(pl.lit(groups[:-1]))
        .otherwise(pl.col("client_groups"))
    ).explode("category")
    pieces = []
    for breakdown, rows, categories in (
        ("service_type", served.with_columns(category=pl.col("service_type")), served["service_type"].unique().sort()),
        ("client_group", by_group, pl.Series(groups)),
    ):
        counts = rows.group_by("ward_code", "category").agg(n_services=pl.col("service_id").n_unique())
        grid = wards.join(pl.DataFrame({"category": categories}), how="cross")
        pieces.append(
            grid.join(counts, on=["ward_code", "category"], how="left").with_columns(
                breakdown=pl.lit(breakdown), n_services=pl.col("n_services").fill_null(0).cast(pl.Int64)
            )
        )
    return pl.concat(pieces).select("ward_code", "ward_name", "breakdown", "category", "n_services")


def coverage_matrix(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    rule: DisclosureRule,
    *,
    reach_gap_pct: float = REACH_GAP_PCT,
    served: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Ward x client group: services, capacity, people reached, estimated need, unmet need in people, and gaps in words.

    Need is the need estimate of coverage_counts (and so carries whatever adjustments that estimate makes). A row is
    a gap when no service takes the group in the ward (unless its estimated need is zero: no residents or no
    incidents of the group), or when the people whose support started in the period (plus any places a scenario
    adds) are fewer than `reach_gap_pct`% of the estimated need, both as published (see _low_reach_reason).

    `unmet_need` is published need less published people reached (less places a scenario adds), so it is worked
    out from figures already shown and reveals nothing more; where reach is too small to show it is taken as none.
    Its 95% limits come from the need's: the victims a population of this size and survey rate gives vary by
    chance (exact Poisson limits below 10, Byar's from 10); the survey's own sampling error is not included.

    `served` replaces the register's services (rows shaped like services_served_wards) for a what-if scenario:
    services and places are recounted from it, and places beyond today's are `added_places`.
    """
    matrix = coverage_counts.counts(con, period).with_columns(added_places=pl.lit(0.0))
    if served is not None:
        keys = ["client_group", "ward_code"]
        changed = coverage_counts.services_by_group(served, period).rename(
            {"n_services": "scenario_services", "capacity_places": "scenario_places"}
        )
        matrix = (
            matrix.join(changed, on=keys, how="left")
            .with_columns(
                # whole places: a scenario adds places, not fractions of one
                added_places=(pl.col("scenario_places").fill_null(0.0) - pl.col("capacity_places"))
                .clip(lower_bound=0.0)
                .round(0),
                n_services=pl.col("scenario_services").fill_null(0).cast(pl.Int64),
                capacity_places=pl.col("scenario_places").fill_null(0.0).round(1),
            )
            .drop("scenario_services", "scenario_places")
        )
    matrix = matrix.with_columns(
        reach_pct_of_need=_pct("people_reached", "estimated_need"), capacity_pct_of_need=_pct("capacity_places", "estimated_need")
    )
    no_service = pl.when((pl.col("n_services") == 0) & pl.col("estimated_need").fill_null(1).gt(0)).then(
        pl.format("no service for {} in this ward", "group_label")
        # people of the group can still be reached by services for others (an Asian woman by a women's service)
        + pl.when(pl.col("people_reached") > 0)
        .then(pl.lit(" (those reached came through services for other groups)"))
        .otherwise(pl.lit(""))
    )
    protected = protect_frame(
        matrix.with_columns(no_service_reason=no_service),
        count_columns=["people_reached", "estimated_need"],
        ratio_columns={"reach_pct_of_need": ("people_reached", "estimated_need")},
        rule=rule,
        recompute={"reach_pct_of_need": plain_percent},
    )
    reasons = pl.concat_list(pl.col("no_service_reason"), _low_reach_reason(reach_gap_pct, rule)).list.drop_nulls()
    protected = protected.with_columns(is_gap=reasons.list.len() > 0, gap_reason=reasons.list.join("; ")).drop(
        "no_service_reason"
    )
    if not rule.is_identity:  # places are from the register; need is a count, so the share is of need as published
        need = pl.col("estimated_need").cast(pl.Float64)
        protected = protected.with_columns(capacity_pct_of_need=pl.when(need > 0).then(pl.col("capacity_places") / need * 100))
    protected = _with_unmet_need(protected, rule)
    return (
        protected.with_columns(_hidden_when("estimated_need_suppressed", "capacity_pct_of_need"))
        .select(
            "ward_code",
            "ward_name",
            "client_group",
            "group_label",
            "n_services",
            "capacity_places",
            "added_places",
            *_shown(["people_reached", "estimated_need"]),
            "need_basis",
            "reach_pct_of_need",
            "reach_pct_of_need_suppressed",
            "capacity_pct_of_need",
            *_shown(["unmet_need"]),
            "unmet_need_lower_95",
            "unmet_need_upper_95",
            "is_gap",
            "gap_reason",
        )
        .sort("ward_code", "client_group")
    )


def _low_reach_reason(reach_gap_pct: float, rule: DisclosureRule) -> pl.Expr:
    """The flag "reach below the threshold share of need", decided from the counts as published (on protected rows, as every
    derived figure is): said only when every value the published reach and need allow is below it. A reach shown as
    `*` may be anything from 1 to the threshold, a need shown as `*` anything from 1; so the flag never narrows a
    band that the published counts leave open (13 reached of 60, published as 15 of 60, is not called below 25%)."""
    hidden_reach, hidden_need = pl.col("people_reached_suppressed"), pl.col("estimated_need_suppressed")
    most_covered = pl.when(hidden_reach).then(pl.lit(rule.threshold)).otherwise(pl.col("people_reached")) + pl.col("added_places")
    least_need = pl.when(hidden_need).then(pl.lit(1)).otherwise(pl.col("estimated_need"))
    return pl.when(most_covered < least_need * reach_gap_pct / 100).then(
        pl.lit(f"reach below {reach_gap_pct:g}% of estimated need")
    )


def _with_unmet_need(protected: pl.DataFrame, rule: DisclosureRule) -> pl.DataFrame:
    """Unmet need and its 95% limits from the published need and reach (see coverage_matrix), protected as a count."""
    need, reached, added = protected["estimated_need"], protected["people_reached"].fill_null(0), protected["added_places"]
    unmet: list[float | None] = []
    lower: list[float | None] = []
    upper: list[float | None] = []
    for shown_need, shown_reached, places in zip(need, reached, added, strict=True):
        if shown_need is None:
            unmet.append(None)
            lower.append(None)
            upper.append(None)
            continue
        low, high = (exact_poisson_limits if shown_need < 10 else byars_limits)(shown_need, 0.95)
        covered = shown_reached + places
        unmet.append(max(round(shown_need - covered), 0))
        lower.append(max(math.floor(low - covered), 0))
        upper.append(max(math.ceil(high - covered), 0))
    frame = protected.with_columns(
        pl.Series("unmet_need", unmet, dtype=pl.Int64),
        pl.Series("unmet_need_lower_95", lower, dtype=pl.Int64),
        pl.Series("unmet_need_upper_95", upper, dtype=pl.Int64),
    )
    frame = protect_frame(frame, count_columns=["unmet_need"], ratio_columns={}, rule=rule)
    frame = frame.with_columns(unmet_need_suppressed=pl.col("unmet_need_suppressed") | pl.col("estimated_need_suppressed"))
    return frame.with_columns(
        _hidden_when("unmet_need_suppressed", "unmet_need_lower_95"), _hidden_when("unmet_need_suppressed", "unmet_need_upper_95")
    )


def capacity_vs_demand(
    con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule, *, places_a_year: dict[str, float] | None = None
) -> pl.DataFrame:
    """Per service: places for the period (capacity_per_year x years) against referrals and starts.

    `places_a_year` replaces some services' registered places a year (a what-if scenario).
    """
    return _capacity_vs_demand(_per_service(_run(con, "services_referral_outcomes", period)), period, rule, places_a_year)


def service_outcomes(con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule) -> pl.DataFrame:
    """Per service, for referrals received in the period: how many started, completed, disengaged, declined.

    Completion and drop-out (disengagement) rates are shares of the support that started and has
    ended, with Wilson 95% limits; support still going on is left out of both.
    """
    return _service_outcomes(_per_service(_run(con, "services_referral_outcomes", period)), rule)


def referral_tables(
    con: duckdb.DuckDBPyConnection, period: Period, rule: DisclosureRule, *, places_a_year: dict[str, float] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`capacity_vs_demand` and `service_outcomes`, from one read of the referrals."""
    services = _per_service(_run(con, "services_referral_outcomes", period))
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
        capacity_places=places, demand_pct_of_capacity=_pct("n_referrals", places), utilisation_pct=_pct("n_started", places)
    )
    counts = ["n_referrals", "n_started"]
    protected = protect_frame(services, count_columns=counts, ratio_columns={}, rule=rule)
    if not rule.is_identity:  # shares of the places, from the counts as published (the places are on the register)
        protected = protected.with_columns(
            demand_pct_of_capacity=_pct("n_referrals", places), utilisation_pct=_pct("n_started", places)
        )
    return protected.with_columns(
        _hidden_when("n_referrals_suppressed", "demand_pct_of_capacity"),
        _hidden_when("n_started_suppressed", "utilisation_pct"),
    ).select(
        "service_id",
        "service_name",
        "provider",
        "service_type",
        "capacity_per_year",
        "capacity_places",
        *_shown(counts),
        "demand_pct_of_capacity",
        "utilisation_pct",
    )


def _service_outcomes(services: pl.DataFrame, rule: DisclosureRule) -> pl.DataFrame:
    rates = {"completion_pct": ("n_completed", "n_ended_after_start"), "dropout_pct": ("n_disengaged", "n_ended_after_start")}
    counts = ["n_referrals", "n_started", "n_ended_after_start", "n_completed", "n_disengaged", "n_declined"]
    return _protected_with_rates(services, rates, counts, rule).select(
        "service_id", "service_name", "provider", "service_type", *_shown(counts, rates)
    )


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
    rates = {
        "start_pct": ("n_started", "n_offered"),
        "completion_pct": ("n_completed", "n_ended_after_start"),
        "completed_pct_of_offered": ("n_completed", "n_offered"),
    }
    counts = ["n_offered", "n_started", "n_ended_after_start", "n_completed", "n_disengaged"]
    return _protected_with_rates(programmes, rates, counts, rule).select(
        "service_id", "programme_name", "provider", *_shown(counts, rates)
    )


def idva_capacity(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    rule: DisclosureRule,
    *,
    assumptions: Assumptions = Assumptions(),
    served: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """IDVA case workers and MARAC administrators needed against those registered, for the district and each ward.

    Two needs, both per SafeLives' guide with the caseload a setting: for the MARAC cases expected (40 a year per
    10,000 women aged 16+) and for the MARAC cases actually heard; `fte_gap` and `fte_gap_for_cases_heard` above 0
    are shortfalls. Ward FTE is each IDVA service's FTE split over the wards it serves (as capacity is); the
    district's is each service's FTE once. Both gaps are worked out from the FTE figures as shown (to 2 places), so
    adding FTE in a scenario moves each gap by exactly that amount. MARAC administrators needed are the cases a year
    over the cases one administrator supports; the register holds no administrator posts to set against them.
    Caseload is victims whose IDVA support started, per FTE per year. `served` replaces the register's services
    (rows shaped like services_served_wards) for a what-if scenario.
    """
    served = (_run(con, "services_served_wards") if served is None else served).filter(pl.col("service_type") == "idva")
    fte = served.group_by("ward_code").agg(idva_fte=(pl.col("fte") * pl.col("ward_share")).sum())
    wards = (
        _run(con, "idva_capacity", period)
        .join(fte, on="ward_code", how="left")
        .with_columns(level=pl.lit("ward"), idva_fte=pl.col("idva_fte").fill_null(0.0))
    )
    district = wards.select(
        *(pl.col(column).sum() for column in ("women_16_plus", "n_marac_cases", "n_idva_starts")),
        level=pl.lit("district"),
        ward_code=pl.lit("district"),
        ward_name=pl.lit("District"),
        idva_fte=pl.lit(float(served.unique("service_id")["fte"].fill_null(0.0).sum())),
    )  # each service once
    expected_a_year = pl.col("women_16_plus") * assumptions.marac_cases_per_10000_women / 10_000
    heard_a_year = pl.col("n_marac_cases") / period.years
    per_fte = assumptions.idva_cases_per_fte
    rows = (
        pl.concat([district, wards.select(district.columns)])
        .with_columns(
            expected_marac_cases=(expected_a_year * period.years).round(1),
            idva_fte_needed=(expected_a_year / per_fte).round(2),
            idva_fte_needed_for_cases_heard=(heard_a_year / per_fte).round(2),
            marac_admin_fte_needed=(expected_a_year / assumptions.marac_cases_per_administrator).round(2),
            marac_admin_fte_needed_for_cases_heard=(heard_a_year / assumptions.marac_cases_per_administrator).round(2),
            caseload_per_fte=pl.when(pl.col("idva_fte") > 0).then(pl.col("n_idva_starts") / period.years / pl.col("idva_fte")),
            idva_fte=pl.col("idva_fte").round(2),
        )
        .with_columns(
            fte_gap=(pl.col("idva_fte_needed") - pl.col("idva_fte")).round(2) + 0.0,  # no "-0.0"
            fte_gap_for_cases_heard=(pl.col("idva_fte_needed_for_cases_heard") - pl.col("idva_fte")).round(2) + 0.0,
        )
    )
    protected = _protect_with_total(rows, ["n_marac_cases", "n_idva_starts"], rule)
    if not rule.is_identity:  # from the counts as published: FTE to 2 decimals would give the cases back
        heard_shown = pl.col("n_marac_cases") / period.years
        protected = protected.with_columns(
            idva_fte_needed_for_cases_heard=(heard_shown / per_fte).round(2),
            marac_admin_fte_needed_for_cases_heard=(heard_shown / assumptions.marac_cases_per_administrator).round(2),
            caseload_per_fte=pl.when(pl.col("idva_fte") > 0).then(pl.col("n_idva_starts") / period.years / pl.col("idva_fte")),
        ).with_columns(fte_gap_for_cases_heard=(pl.col("idva_fte_needed_for_cases_heard") - pl.col("idva_fte")).round(2) + 0.0)
    return protected.with_columns(
        *(
            _hidden_when("n_marac_cases_suppressed", column)
            for column in ("idva_fte_needed_for_cases_heard", "fte_gap_for_cases_heard", "marac_admin_fte_needed_for_cases_heard")
        ),
        _hidden_when("n_idva_starts_suppressed", "caseload_per_fte").round(1),
    ).select(
        "level",
        "ward_code",
        "ward_name",
        "women_16_plus",
        "expected_marac_cases",
        "idva_fte_needed",
        "idva_fte",
        "fte_gap",
        *_shown(["n_marac_cases"]),
        "idva_fte_needed_for_cases_heard",
        "fte_gap_for_cases_heard",
        "marac_admin_fte_needed",
        "marac_admin_fte_needed_for_cases_heard",
        *_shown(["n_idva_starts"]),
        "caseload_per_fte",
    )


def contract_risks(register: pl.DataFrame, capacity: pl.DataFrame, *, as_of: date, months: int) -> pl.DataFrame:
    """Services at risk, one row each with its reasons in words: a contract that ends within `months` of `as_of`
    (or has ended), referrals beyond its places, or a "by and for" service (six times less likely to get
    statutory funding, the Domestic Abuse Commissioner found). Most urgent first: contracts ending, soonest first,
    then overload, most over first.

    `register` is service_gaps.service_register's; `capacity` is capacity_vs_demand's (published figures).
    """
    horizon = _add_months(as_of, months)
    demand = _published_demand(capacity)
    rows = []
    for service in register.iter_rows(named=True):
        reasons, ends = [], service.get("contract_ends_on")
        ending = ends is not None and ends <= horizon
        if ends is not None and ending:
            reasons.append(
                f"contract {'ended' if ends < as_of else 'ends'} on {ends:%d %B %Y}"
                + ("" if ends < as_of else f", within {months} months of the data date ({as_of:%d %B %Y})")
            )
        over = demand.get(service["service_id"])
        if over is not None and over > 100:
            reasons.append(f"referrals at {over:.0f}% of its places")
        if service.get("is_by_and_for"):
            reasons.append("a 'by and for' service" + ("" if service.get("is_commissioned") else ", not commissioned"))
        if reasons:
            rows.append(
                {
                    "service_id": service["service_id"],
                    "service_name": service["service_name"],
                    "provider": service["provider"],
                    "contract_ends_on": ends,
                    "contract_ending": ending,
                    "contract_ends": "none registered" if ends is None else f"{ends:%d %B %Y}",
                    "demand_pct_of_capacity": over,
                    "over_capacity": over is not None and over > 100,
                    "by_and_for": bool(service.get("is_by_and_for")),
                    "risk": "; ".join(reasons),
                }
            )
    schema = {
        "service_id": pl.String,
        "service_name": pl.String,
        "provider": pl.String,
        "contract_ends_on": pl.Date,
        "contract_ending": pl.Boolean,
        "contract_ends": pl.String,
        "demand_pct_of_capacity": pl.Float64,
        "over_capacity": pl.Boolean,
        "by_and_for": pl.Boolean,
        "risk": pl.String,
    }
    frame = pl.DataFrame(rows, schema=schema)
    ending_on = pl.when(pl.col("contract_ending")).then(pl.col("contract_ends_on"))
    return frame.sort(
        ~pl.col("contract_ending"),
        ending_on,
        ~pl.col("over_capacity"),
        -pl.col("demand_pct_of_capacity").fill_null(0),
        nulls_last=True,
    )


def nearest_services(served: pl.DataFrame, centroids: pl.DataFrame, capacity: pl.DataFrame) -> pl.DataFrame:
    """For each ward and client group, the service taking the group that could most easily extend to it.

    (ward_code, client_group, nearest_service, nearest_service_km): a service already serving the ward comes
    first (0 km; of several, the one with most room, lowest referrals against places, a helpline last), else the service whose
    nearest served ward's centroid is closest to the ward's centroid (a refuge's address is never used).
    """
    demand = _published_demand(capacity)
    points = {row["ward_code"]: (row["centroid_lat"], row["centroid_lon"]) for row in centroids.iter_rows(named=True)}
    rows = []
    for group in coverage_counts.GROUPS:
        taking = served.filter(coverage_counts.serves(group.name))
        wards_of = {service_id: set(frame["ward_code"]) for (service_id,), frame in taking.group_by("service_id")}
        names = dict(zip(taking["service_id"], taking["service_name"], strict=True))
        types = dict(zip(taking["service_id"], taking["service_type"], strict=True))
        for ward_code, point in points.items():
            options = []
            for service_id, wards in wards_of.items():
                km = 0.0 if ward_code in wards else min(_km(point, points[other]) for other in wards if other in points)
                # a helpline answers calls from anywhere: name it only when no other service takes the group
                options.append((km, types[service_id] == "helpline", demand.get(service_id) or 0.0, names[service_id]))
            if options:
                km, _, _, name = min(options)
                rows.append(
                    {
                        "ward_code": ward_code,
                        "client_group": group.name,
                        "nearest_service": name,
                        "nearest_service_km": round(km, 1),
                    }
                )
    schema = {"ward_code": pl.String, "client_group": pl.String, "nearest_service": pl.String, "nearest_service_km": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


def _published_demand(capacity: pl.DataFrame) -> dict[str, float | None]:
    """Each service's referrals as a % of its places, from the published (rounded) referrals, so a sentence or a
    choice made from it tells no more than the published counts do."""
    if "n_referrals" not in capacity.columns:  # a frame of shares alone
        return dict(zip(capacity["service_id"], capacity["demand_pct_of_capacity"], strict=True))
    share = pl.when(pl.col("capacity_places") > 0).then(pl.col("n_referrals") / pl.col("capacity_places") * 100)
    published = capacity.select("service_id", share=share)
    return dict(zip(published["service_id"], published["share"], strict=True))


def _km(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> float:
    """Great-circle distance between two (latitude, longitude) points in kilometres; far when either is unknown."""
    (lat1, lon1), (lat2, lon2) = a, b
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return math.inf
    lat1, lon1, lat2, lon2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _run(con: duckdb.DuckDBPyConnection, name: str, period: Period | None = None) -> pl.DataFrame:
    return read.rows(con, name, period)


def _per_service(outcomes: pl.DataFrame) -> pl.DataFrame:
    """The outcome counts of each service summed over the roles of the people referred."""
    keys = ["service_id", "service_name", "provider", "service_type", "capacity_per_year", "fte"]
    counts = [column for column in outcomes.columns if column.startswith("n_")]
    return outcomes.group_by(keys, maintain_order=True).agg(pl.col(counts).sum().cast(pl.Int64))


def _protected_with_rates(
    frame: pl.DataFrame, rates: dict[str, tuple[str, str]], counts: list[str], rule: DisclosureRule
) -> pl.DataFrame:
    """Add each rate with Wilson 95% limits, then protect the counts and hide rates with them."""
    for rate, (numerator, denominator) in rates.items():
        limits = [
            wilson_ci(top, bottom) if bottom else None for top, bottom in zip(frame[numerator], frame[denominator], strict=True)
        ]
        parts = {rate: "value", f"{rate}_lower_95": "lower", f"{rate}_upper_95": "upper"}
        frame = frame.with_columns(
            pl.Series(name, [getattr(ci, part, None) for ci in limits], dtype=pl.Float64) for name, part in parts.items()
        )
    return protect_frame(
        frame,
        count_columns=counts,
        ratio_columns=rates,
        rule=rule,
        interval_columns={rate: (f"{rate}_lower_95", f"{rate}_upper_95") for rate in rates},
        recompute={rate: wilson_percent() for rate in rates},
    )


def _shown(counts: list[str], rates: dict[str, tuple[str, str]] | None = None) -> list[str]:
    """The published columns: each count with its flag, then each rate with its limits and flag."""
    return [name for count in counts for name in (count, f"{count}_suppressed")] + [
        name for rate in rates or {} for name in (rate, f"{rate}_lower_95", f"{rate}_upper_95", f"{rate}_suppressed")
    ]


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
