"""Financial-year values of the indicators the sample action plan targets, read off the sample itself.

Baselines and milestones in the plan come from these, so the plan agrees with the data it
will be checked against. They follow the indicator registry's definitions in simple form.
"""

from __future__ import annotations

import polars as pl

from etl.sample.population import Population, deprivation_factors

ADULT_BANDS = ("16-17", "18-19", "20-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
# The survey rate used for each band: the band's own where published, otherwise the sex-level rate.
SURVEY_RATE = {
    "female": {"16-17": 0.105, "18-19": 0.105, "20-24": 0.096},
    "male": {"16-17": 0.069, "18-19": 0.069, "20-24": 0.055},
}
SEX_LEVEL_RATE = {"female": 0.057, "male": 0.032}


def financial_year(column: str) -> pl.Expr:
    moment = pl.col(column)
    return pl.when(moment.dt.month() >= 4).then(moment.dt.year()).otherwise(moment.dt.year() - 1).alias("fy")


def _share(frame: pl.DataFrame, when: str, hit: pl.Expr, *, among: pl.Expr | None = None, scale: float = 100) -> dict[int, float]:
    rows = frame.filter(among) if among is not None else frame
    result = rows.group_by(financial_year(when)).agg((hit.cast(pl.Float64).mean() * scale).alias("value"))
    return dict(result.drop_nulls("fy").iter_rows())


def _residents(population: Population, frame_filter: pl.Expr, codes: list[str]) -> dict[int, float]:
    table = population.frame(codes).filter(frame_filter).group_by("year").agg(pl.col("population").sum())
    return dict(table.iter_rows())


def indicator_values(
    frames: dict[str, pl.DataFrame],
    population: Population,
    codes: list[str],
    *,
    idva_fte: float,
    quintiles: list[int] | None = None,
) -> dict[str, dict[int, float]]:
    incidents = frames["police_incidents"]
    crimes = frames["crime_outcomes"]
    marac = frames["marac_cases"].with_columns(pl.col("heard_on").cast(pl.Datetime("ms")))
    referrals = frames["service_referrals"]
    residents = _residents(population, pl.lit(True), codes)
    adult_women = _residents(population, (pl.col("sex") == "female") & pl.col("age_band").is_in(ADULT_BANDS), codes)

    per_fy = incidents.group_by(financial_year("reported_at")).agg(pl.len().alias("n"))
    values = {
        "prevalence_incidents_per_1000": {fy: n / residents[fy] * 1000 for fy, n in per_fy.iter_rows() if fy in residents},
        "repeat_victimisation_pct": _repeat_victims(incidents),
        "hidden_need_reporting_ratio": _reporting_ratio(incidents, population, codes, quintiles),
        "child_spoken_to_pct": _share(
            incidents, "reported_at", pl.col("is_child_spoken_to"), among=pl.col("n_children_present") > 0
        ),
        "arrest_rate_per_100_crimes": _share(incidents, "reported_at", pl.col("is_arrest"), among=pl.col("is_crime")),
        "charge_rate_pct": _share(
            crimes,
            "charge_decision_at",
            pl.col("charge_decision") == "charged",
            among=pl.col("charge_decision").is_in(["charged", "no_further_action", "out_of_court"]),
        ),
        "conviction_rate_pct": _share(
            crimes, "court_outcome_at", pl.col("court_outcome") == "convicted", among=pl.col("court_outcome_at").is_not_null()
        ),
        "outcome16_pct": _share(crimes, "outcome_at", pl.col("outcome_code") == 16, among=pl.col("outcome_at").is_not_null()),
        "mash_decision_24h_pct": _share(
            frames["mash_contacts"], "received_at", (pl.col("decided_at") - pl.col("received_at")) <= pl.duration(hours=24)
        ),
        "service_completion_pct": _share(
            referrals, "ended_at", pl.col("end_reason") == "completed", among=pl.col("ended_at").is_not_null()
        ),
    }
    marac_per_fy = marac.group_by(financial_year("heard_on")).agg(pl.len().alias("n"))
    values["marac_cases_per_10000_women"] = {
        fy: n / adult_women[fy] * 10_000 for fy, n in marac_per_fy.iter_rows() if fy in adult_women
    }
    repeat = marac.sort("heard_on", "case_id").with_columns(
        ((pl.col("heard_on") - pl.col("heard_on").shift(1).over("victim_id")) <= pl.duration(days=365))
        .fill_null(False)
        .alias("is_repeat")
    )
    values["marac_repeat_pct"] = _share(repeat, "heard_on", pl.col("is_repeat"))
    idva = referrals.filter(pl.col("service_id") == "SVC01").group_by(financial_year("referred_at")).agg(pl.len().alias("n"))
    values["idva_caseload_per_fte"] = {fy: n / idva_fte for fy, n in idva.iter_rows()}
    values["school_notified_next_day_pct"] = _school_on_time(frames["school_notifications"], incidents)
    return values


def _repeat_victims(incidents: pl.DataFrame) -> dict[int, float]:
    ordered = incidents.select("victim_id", "reported_at").sort("victim_id", "reported_at")
    gap = pl.col("reported_at") - pl.col("reported_at").shift(1).over("victim_id")
    flagged = ordered.with_columns(
        (gap <= pl.duration(days=365)).fill_null(False).alias("is_repeat"), financial_year("reported_at")
    )
    victims = flagged.group_by("fy", "victim_id").agg(pl.col("is_repeat").any())
    return dict(victims.group_by("fy").agg(pl.col("is_repeat").mean() * 100).iter_rows())


def _reporting_ratio(
    incidents: pl.DataFrame, population: Population, codes: list[str], quintiles: list[int] | None = None
) -> dict[int, float]:
    """Known victims per 100 expected, expected as the product works it out from the sample's reference data:
    each band's rate for the ward's IMD quintile when the wards carry one."""
    rates = [(sex, band, SURVEY_RATE[sex].get(band, SEX_LEVEL_RATE[sex])) for sex in SEX_LEVEL_RATE for band in ADULT_BANDS]
    rate_table = pl.DataFrame(rates, schema=["sex", "age_band", "rate"], orient="row")
    residents = population.frame(codes).join(rate_table, on=["sex", "age_band"])
    if quintiles is not None:
        factors = deprivation_factors()
        by_ward = pl.DataFrame({"area_code": codes, "factor": [factors[str(quintile)] for quintile in quintiles]})
        residents = residents.join(by_ward, on="area_code").with_columns(
            (pl.col("rate") * pl.col("factor")).round(5).alias("rate")
        )
    expected = residents.group_by("year").agg((pl.col("population") * pl.col("rate")).sum().alias("expected"))
    known = (
        incidents.filter(pl.col("victim_age_band").is_in([*ADULT_BANDS, "unknown"]))
        .group_by(financial_year("reported_at"))
        .agg(pl.col("victim_id").n_unique().alias("known"))
    )
    joined = known.join(expected, left_on="fy", right_on="year")
    return {fy: k / e * 100 for fy, k, e in joined.select("fy", "known", "expected").iter_rows()}


def _school_on_time(notifications: pl.DataFrame, incidents: pl.DataFrame) -> dict[int, float]:
    """Notified before 9am on the next weekday after the incident (school holidays aside)."""
    joined = notifications.join(incidents.select("incident_id", "reported_at"), on="incident_id")
    weekday = pl.col("reported_at").dt.weekday()  # Monday 1 ... Sunday 7
    ahead = pl.when(weekday == 5).then(3).when(weekday == 6).then(2).otherwise(1)
    deadline = pl.col("reported_at").dt.truncate("1d") + pl.duration(days=ahead) + pl.duration(hours=9)
    return _share(joined, "reported_at", pl.col("notified_at") <= deadline)
