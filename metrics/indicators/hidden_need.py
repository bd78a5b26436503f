"""Hidden need: how many of the victims the crime survey predicts are known to the police."""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.queries import query_sql
from metrics.compare import Polarity
from metrics.definitions import CSEW, PERSON_DIMENSIONS, Benchmark, Grain, Indicator, Method, Topic

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
                    "last-year domestic abuse rate for them, times the years in the period.",
        source_extracts=("police_incidents", "population", "prevalence_rates"),
        grain=Grain.WINDOW,
        dimensions=PERSON_DIMENSIONS,
        multiplier=100,
        benchmarks=(
            Benchmark("England and Wales estimate", 20.0,
                      f"{CSEW}: about 1 in 5 victims of domestic abuse report it to the police"),
        ),
        notes="Expected victims use the age band's own survey rate where the prevalence_rates reference data holds "
              "one, and otherwise the sex-level rate for that sex; each rate's source says which was used. With the "
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
