"""IDVA case workers and MARAC administrators needed against those registered, by SafeLives' guide."""

from __future__ import annotations

import duckdb
import polars as pl

from metrics import read
from metrics.coverage import Assumptions
from metrics.disclosure import DisclosureRule, protect_frame
from metrics.periods import Period
from metrics.service_columns import hidden_when, shown_columns


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
    served = (read.rows(con, "services_served_wards") if served is None else served).filter(pl.col("service_type") == "idva")
    fte = served.group_by("ward_code").agg(idva_fte=(pl.col("fte") * pl.col("ward_share")).sum())
    wards = (
        read.rows(con, "idva_capacity", period)
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
            hidden_when("n_marac_cases_suppressed", column)
            for column in ("idva_fte_needed_for_cases_heard", "fte_gap_for_cases_heard", "marac_admin_fte_needed_for_cases_heard")
        ),
        hidden_when("n_idva_starts_suppressed", "caseload_per_fte").round(1),
    ).select(
        "level",
        "ward_code",
        "ward_name",
        "women_16_plus",
        "expected_marac_cases",
        "idva_fte_needed",
        "idva_fte",
        "fte_gap",
        *shown_columns(["n_marac_cases"]),
        "idva_fte_needed_for_cases_heard",
        "fte_gap_for_cases_heard",
        "marac_admin_fte_needed",
        "marac_admin_fte_needed_for_cases_heard",
        *shown_columns(["n_idva_starts"]),
        "caseload_per_fte",
    )


def _protect_with_total(frame: pl.DataFrame, counts: list[str], rule: DisclosureRule) -> pl.DataFrame:
    """Protect ward rows against their district total (secondary suppression), then the total itself."""
    is_district = pl.col("level") == "district"
    wards = protect_frame(frame, count_columns=counts, ratio_columns={}, rule=rule, level_column="level").filter(~is_district)
    district = protect_frame(frame.filter(is_district), count_columns=counts, ratio_columns={}, rule=rule)
    return pl.concat([district, wards])
