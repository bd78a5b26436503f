"""Service coverage: which services reach which wards and groups, against need, on the commissioning assumptions.

Each function takes a read-only warehouse connection and plain arguments and returns a polars
frame. Counts of people (people reached, estimated need) pass through disclosure control under
`rule`, each with a `<column>_suppressed` flag, and every rate or percentage is hidden with its
count. Register figures (numbers of services, capacity) describe services, not people, and are
shown as registered. The services' places against demand and how support ended are in
metrics/service_referrals; IDVA and MARAC administrator capacity in metrics/idva_capacity; services
at risk and the nearest service to extend in metrics/commissioning.

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

import duckdb
import polars as pl

from etl.contract.values import ClientGroup as RegisterGroup
from metrics import coverage_counts, read
from metrics.coverage_counts import PERPETRATOR_PROGRAMME
from metrics.disclosure import DisclosureRule, plain_percent, protect_frame
from metrics.periods import Period
from metrics.service_columns import hidden_when, percent, shown_columns
from metrics.stats import byars_limits, exact_poisson_limits

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
    served, wards = read.rows(con, "services_served_wards"), read.rows(con, "coverage_wards")
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
        reach_pct_of_need=percent("people_reached", "estimated_need"),
        capacity_pct_of_need=percent("capacity_places", "estimated_need"),
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
        protected.with_columns(hidden_when("estimated_need_suppressed", "capacity_pct_of_need"))
        .select(
            "ward_code",
            "ward_name",
            "client_group",
            "group_label",
            "n_services",
            "capacity_places",
            "added_places",
            *shown_columns(["people_reached", "estimated_need"]),
            "need_basis",
            "reach_pct_of_need",
            "reach_pct_of_need_suppressed",
            "capacity_pct_of_need",
            *shown_columns(["unmet_need"]),
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
        hidden_when("unmet_need_suppressed", "unmet_need_lower_95"), hidden_when("unmet_need_suppressed", "unmet_need_upper_95")
    )
