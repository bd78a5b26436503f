"""Directly age-standardised rates (European Standard Population 2013) by ward, beside the crude rates.

Wards differ in age: a ward of students and a ward of pensioners have different crude rates of domestic
abuse for that reason alone. The directly standardised rate (DSR) applies each ward's age-specific rates
to one standard population, the European Standard Population 2013, so wards are compared as if they had
the same ages. Limits are Dobson's, as in PHEindicatormethods' `phe_dsr` (`metrics.stats.dsr_ci`), not
shown below 10 events. Wards are compared with the district's standardised rate, their limits widened for
overdispersion (Spiegelhalter 2005, on the standard errors the Dobson limits imply) when they vary more
than chance allows, as the crude comparisons are. Events of unknown age cannot be placed in a band and are left out; the frame says
how many.

The ESP 2013 five-year weights (per 100,000) are summed onto the contract's age bands: a band that splits a
five-year group takes its share by years (10-14 gives 5-10 one fifth and 11-15 four fifths; 15-19 gives
11-15 one fifth and 16-17 and 18-19 two fifths each).
"""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.aggregate import GroupFilters, aggregate
from metrics.compare import Comparison, compare_to_comparator
from metrics.definitions import Indicator, Method
from metrics.disclosure import DisclosureRule
from metrics.disclosure.rule import is_small, rounded
from metrics.periods import Period
from metrics.overdispersion import NO_ADJUSTMENT, Dispersion, from_z_scores
from metrics.stats import SMALL_COUNT_LIMIT, dsr_ci, rate_ci, z_for

# ESP 2013 on the contract's bands (per 100,000; 100,000 in all, 82,900 aged 16 and over).
ESP_2013 = {
    "0-4": 5000.0, "5-10": 5500.0 + 1100.0, "11-15": 4400.0 + 1100.0, "16-17": 2200.0, "18-19": 2200.0,
    "20-24": 6000.0, "25-34": 12500.0, "35-44": 14000.0, "45-54": 14000.0, "55-64": 12500.0, "65-74": 10500.0,
    "75+": 9000.0,
}
STANDARD = "European Standard Population 2013"
STANDARDISED_COLUMNS = ("standardised", "standardised_lower_95", "standardised_upper_95", "standardised_lower_998",
                        "standardised_upper_998")
COUNT_AND_CRUDE_COLUMNS = ("events", "events_of_unknown_age", "person_years", "crude", "crude_lower_95", "crude_upper_95")
STANDARDISED_INDICATORS = ("prevalence_incidents_per_1000", "prevalence_incidents_per_1000_16plus", "crimes_per_1000")


class NotStandardisable(ValueError):
    """The indicator is not an age-standardisable rate, or has no residents by age band."""


def standardised_by_ward(con: duckdb.DuckDBPyConnection, indicator: Indicator, period: Period,
                         groups: GroupFilters = GroupFilters(), *, rule: DisclosureRule | None = None) -> pl.DataFrame:
    """One row per ward and one for the district: crude and age-standardised rates per the indicator's
    multiplier with 95% and 99.8% limits, each ward compared with the district on the standardised rate.

    Under a disclosure `rule` every count by age band is protected first (rounded; from 1 to the threshold
    hidden), and the rates are worked out from the protected counts, as the rule asks of derived figures; a
    ward with a hidden band count has no standardised rate shown (`value_suppressed`).
    """
    if indicator.method is not Method.RATE or "age_band" not in indicator.dimensions:
        raise NotStandardisable(f"{indicator.title} is not a rate over residents by age, so it cannot be age-standardised")
    if groups.age_band:
        raise NotStandardisable("a single age band needs no age standardisation")
    across_wards = GroupFilters(None, groups.sex, None, groups.ethnicity)
    by_band = aggregate(con, indicator, period, dims=("ward", "age_band"), filters=across_wards)
    hidden_wards: set[str] = set()
    if rule is not None and not rule.is_identity:
        counts = by_band["numerator"].to_numpy()
        hidden_wards = set(by_band.filter(pl.Series(is_small(counts, rule)))["ward"].to_list())
        by_band = by_band.with_columns(numerator=pl.Series(rounded(counts, rule), dtype=pl.Float64))
    known = by_band.filter(pl.col("age_band").is_in(list(ESP_2013)) & (pl.col("denominator") > 0))
    rows = [_row("district", "District", known, by_band, indicator)]
    names = dict(con.sql("select ward_code, ward_name from mart_wards").fetchall())
    for code in sorted(names, key=lambda code: names[code]):
        rows.append(_row(code, names[code], known.filter(pl.col("ward") == code),
                         by_band.filter(pl.col("ward") == code), indicator))
    frame = pl.DataFrame(rows, orient="row", schema=_schema())
    if rule is not None and not rule.is_identity:
        # The counts and crude rates are on the page already, protected by `compute`; worked out again here from
        # rounded bands they would be a second rounding of the same counts to difference against, so only the
        # standardised rates (from the protected band counts) are published.
        frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(column) for column in COUNT_AND_CRUDE_COLUMNS)
    suppressed = pl.col("ward_code").is_in(list(hidden_wards | ({"district"} if hidden_wards and len(hidden_wards) == len(names) else set())))
    frame = frame.with_columns(
        [pl.when(suppressed).then(None).otherwise(pl.col(column)).alias(column) for column in STANDARDISED_COLUMNS]
    ).with_columns(value_suppressed=suppressed)
    district = frame.row(0, named=True)["standardised"]
    dispersion = _dispersion(frame.slice(1), district)
    return frame.with_columns(comparison=pl.Series([
        Comparison.NOT_COMPARED.value if index == 0 else _compare(row, district, indicator, dispersion)
        for index, row in enumerate(frame.iter_rows(named=True))], dtype=pl.String),
        overdispersion=pl.lit(dispersion.describe() if dispersion.is_overdispersed else None, dtype=pl.String))


def _dispersion(wards: pl.DataFrame, district: float | None) -> Dispersion:
    """Spiegelhalter's overdispersion of the wards' standardised rates about the district's, each with the
    standard error its Dobson 95% interval implies."""
    shown = wards.filter(pl.col("standardised").is_not_null())
    if district is None or shown.height < 2:
        return NO_ADJUSTMENT
    s = ((shown["standardised_upper_95"] - shown["standardised_lower_95"]) / (2 * z_for(0.95))).to_numpy()
    return from_z_scores((shown["standardised"].to_numpy() - district) / s, s)


def _row(code: str, name: str, known: pl.DataFrame, everything: pl.DataFrame, indicator: Indicator) -> tuple:
    events, residents = float(everything["numerator"].sum()), float(everything["denominator"].sum())
    unknown_age = float(everything.filter(~pl.col("age_band").is_in(list(ESP_2013)))["numerator"].sum())
    crude = rate_ci(events, residents, multiplier=indicator.multiplier) if residents > 0 else None
    if known.is_empty() or known["numerator"].sum() < SMALL_COUNT_LIMIT:
        limits95 = limits998 = None
    else:
        counts, populations = known["numerator"].to_list(), known["denominator"].to_list()
        weights = [ESP_2013[band] for band in known["age_band"]]
        limits95 = dsr_ci(counts, populations=populations, standard_populations=weights, multiplier=indicator.multiplier)
        limits998 = dsr_ci(counts, populations=populations, standard_populations=weights, multiplier=indicator.multiplier,
                           confidence=0.998)
    standardised = (limits95.value, limits95.lower, limits95.upper) if limits95 else (None, None, None)
    widest = (limits998.lower, limits998.upper) if limits998 else (None, None)
    crude_values = (crude.value, crude.lower, crude.upper) if crude else (None, None, None)
    return (code, name, events, unknown_age, residents, *crude_values, *standardised, *widest)


def _compare(row: dict, district: float | None, indicator: Indicator, dispersion: Dispersion) -> str:
    """The ward's standardised rate against the district's: Dobson limits, widened for overdispersion when
    the wards call for it (the ward's value +/- z x its widened standard error)."""
    if row["standardised"] is None or district is None:
        return Comparison.NOT_COMPARED.value
    if not dispersion.is_overdispersed:
        return compare_to_comparator(lower95=row["standardised_lower_95"], upper95=row["standardised_upper_95"],
                                     lower998=row["standardised_lower_998"], upper998=row["standardised_upper_998"],
                                     comparator=district, polarity=indicator.polarity).value
    s = (row["standardised_upper_95"] - row["standardised_lower_95"]) / (2 * z_for(0.95))
    spread = float(dispersion.standard_error(s))
    value = row["standardised"]
    return compare_to_comparator(lower95=value - z_for(0.95) * spread, upper95=value + z_for(0.95) * spread,
                                 lower998=value - z_for(0.998) * spread, upper998=value + z_for(0.998) * spread,
                                 comparator=district, polarity=indicator.polarity).value


def _schema() -> dict:
    floats = ("events", "events_of_unknown_age", "person_years", "crude", "crude_lower_95", "crude_upper_95",
              "standardised", "standardised_lower_95", "standardised_upper_95", "standardised_lower_998",
              "standardised_upper_998")
    return {"ward_code": pl.String, "ward_name": pl.String, **dict.fromkeys(floats, pl.Float64)}
