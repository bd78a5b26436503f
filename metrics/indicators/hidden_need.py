"""Hidden need: how many of the victims the crime survey predicts are known to the police."""

from __future__ import annotations

import duckdb
import polars as pl

from etl.warehouse import one_value
from metrics.compare import Polarity
from metrics.definitions import CSEW, PERSON_DIMENSIONS, Benchmark, Grain, Indicator, Method, Topic
from metrics.queries import query_sql

INDICATORS = (
    Indicator(
        id="hidden_need_reporting_ratio",
        title="Known victims per 100 the crime survey predicts",
        description="Victims aged 16 and over known to police in the period for every 100 victims that national "
        "survey rates predict among local residents: low values point to hidden need.",
        topic=Topic.HIDDEN_NEED,
        unit="known victims per 100 expected",
        polarity=Polarity.HIGH_IS_GOOD,
        method=Method.RATIO,
        numerator="Distinct victims aged 16 or over (or of unknown age) with a police incident in the period, "
        "placed by the ward and group of their latest incident.",
        denominator="Expected victims: residents aged 16 and over in each sex and age band times the crime survey's "
        "last-year domestic abuse rate for them (for the ward's IMD deprivation quintile where the "
        "reference data holds rates by quintile and the ward reference gives the ward's quintile), "
        "times the years in the period.",
        source_extracts=("police_incidents", "population", "prevalence_rates"),
        grain=Grain.WINDOW,
        dimensions=PERSON_DIMENSIONS,
        multiplier=100,
        benchmarks=(
            Benchmark(
                "England and Wales estimate",
                20.0,
                f"{CSEW}: about one victim of domestic abuse in five reports it to the police. The survey table and year "
                "this figure comes from could not be traced, so it carries no year. The share reporting moves between "
                "survey years: ONS found a significant fall in female partner-abuse victims reporting to the police "
                "between the years ending March 2015 and March 2018 (Partner abuse in detail, England and Wales: year "
                "ending March 2018).",
            ),
        ),
        notes="Expected victims use the most specific survey rate the prevalence_rates reference data holds: the age "
        "band's rate for the ward's IMD quintile, else the band's rate for all areas, else the sex-level rate "
        "for the quintile, else the sex-level rate; each rate's source says which was used, and the page says "
        "what the estimate was adjusted for (age, sex, deprivation). Without deprivation, more deprived wards "
        "read as reporting more only because abuse is commoner there. With the "
        "shipped CSEW figures, 16-17 and 18-19 take the 16-19 rate and 20-24 its own rate (year ending March "
        "2017), and every band from 25 the sex-level rate for ages 16+ (year ending March 2023). The value is a "
        "percentage: 20 means one victim in five is known. The denominator is the expected number of victims. "
        "A 12-month survey rate is scaled by the period's length, so periods longer than a year overstate "
        "expected victims (some people are victims in more than one year). Survey rates are national: a "
        "community with more or less abuse than average moves the ratio as well as reporting does. Known "
        "victims of unknown sex or age band have no expected victims to set against them. Limits are exact "
        "Poisson (below 10 victims) or Byar's on the known victims, treating expected victims as fixed.",
        query="hidden_need_reporting_ratio",
        headline=True,
    ),
)


def rates_applied(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The survey rate used for each sex and adult age band, its source, and whether it is the band's own."""
    return con.sql(query_sql("hidden_need_rates_applied")).pl()


def adjusted_for(con: duckdb.DuckDBPyConnection) -> str:
    """What the expected victims were adjusted for, in one or two plain sentences for the page and its definition."""
    applied = rates_applied(con)
    bases = set(applied["basis"].drop_nulls().to_list()) if not applied.is_empty() else set()
    by_age = any(basis.startswith("age band") for basis in bases)
    by_deprivation = any("deprivation" in basis for basis in bases)
    what = ["sex"] + (["age band"] if by_age else []) + (["deprivation (the ward's IMD quintile)"] if by_deprivation else [])
    sentence = "Expected victims are adjusted for " + (", ".join(what[:-1]) + " and " + what[-1] if len(what) > 1 else what[0])
    if by_deprivation:
        unplaced = applied.filter(pl.col("imd_quintile").is_null()).height
        return sentence + (
            ". Wards with no IMD quintile in the ward reference take the rates for all areas." if unplaced else "."
        )
    quintile_rates = one_value(con, query_sql("prevalence_rates_by_quintile"))
    reason = (
        "no survey rates by deprivation quintile are loaded"
        if not quintile_rates
        else "no ward in the ward reference carries an IMD quintile"
    )
    return (
        f"{sentence}, not for deprivation: {reason}, so more deprived wards can read as reporting more only "
        "because abuse is commoner there."
    )
