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

Wards are standardised over a fixed set of broader bands (`STANDARD_BANDS`: 0-15, 16-24, 25-34, 35-44, 45-54,
55+), the same for every ward, every group and every period so that any two standardised rates are
comparable. The reason is disclosure: a protected audience's rates are worked out from the protected counts,
and a hidden count hides everything derived from it. On the contract's twelve bands a ward's 16-17 or 75+ count
is often small enough to hide, which hid the standardised rate of nearly every ward; on the broad bands almost
every ward has enough events in each band for the rule to publish it (rounded, above the threshold), while the
bands still separate the ages where rates differ most (young adults against older people). A ward with a small
count in a broad band (more likely in a narrow cut, such as men only) has no standardised rate; the page
names it and gives its crude rate.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import polars as pl

from metrics.aggregate import GroupFilters, aggregate
from metrics.compare import Comparison, compare_to_comparator, describe
from metrics.definitions import Indicator, Method
from metrics.disclosure import DisclosureRule
from metrics.disclosure.rule import is_small, rounded
from metrics.funnel import FunnelLimits, curve_denominators, rate_funnel, widened_for_overdispersion
from metrics.overdispersion import NO_ADJUSTMENT, Dispersion, from_z_scores
from metrics.periods import Period
from metrics.stats import SMALL_COUNT_LIMIT, dsr_ci, rate_ci, z_for

# ESP 2013 on the contract's bands (per 100,000; 100,000 in all, 82,900 aged 16 and over).
ESP_2013 = {
    "0-4": 5000.0,
    "5-10": 5500.0 + 1100.0,
    "11-15": 4400.0 + 1100.0,
    "16-17": 2200.0,
    "18-19": 2200.0,
    "20-24": 6000.0,
    "25-34": 12500.0,
    "35-44": 14000.0,
    "45-54": 14000.0,
    "55-64": 12500.0,
    "65-74": 10500.0,
    "75+": 9000.0,
}
# The contract's bands summed into the broad bands wards are standardised over (see the module's docstring for why),
# and the ESP 2013 weights summed the same way: 0-15 17,100; 16-24 10,400; 25-34 12,500; 35-44 14,000;
# 45-54 14,000; 55+ 32,000 (82,900 aged 16 and over, as on the contract's bands).
STANDARD_BANDS = {
    "0-4": "0-15",
    "5-10": "0-15",
    "11-15": "0-15",
    "16-17": "16-24",
    "18-19": "16-24",
    "20-24": "16-24",
    "25-34": "25-34",
    "35-44": "35-44",
    "45-54": "45-54",
    "55-64": "55+",
    "65-74": "55+",
    "75+": "55+",
}
ESP_2013_BROAD: dict[str, float] = {}
for _band, _broad in STANDARD_BANDS.items():
    ESP_2013_BROAD[_broad] = ESP_2013_BROAD.get(_broad, 0.0) + ESP_2013[_band]
STANDARD = "European Standard Population 2013"
STANDARDISED_COLUMNS = (
    "standardised",
    "standardised_lower_95",
    "standardised_upper_95",
    "standardised_lower_998",
    "standardised_upper_998",
)
COUNT_AND_CRUDE_COLUMNS = ("events", "events_of_unknown_age", "person_years", "crude", "crude_lower_95", "crude_upper_95")
STANDARDISED_INDICATORS = ("prevalence_incidents_per_1000", "prevalence_incidents_per_1000_16plus", "crimes_per_1000")


class NotStandardisable(ValueError):
    """The indicator is not an age-standardisable rate, or has no residents by age band."""


def standardised_by_ward(
    con: duckdb.DuckDBPyConnection,
    indicator: Indicator,
    period: Period,
    groups: GroupFilters = GroupFilters(),
    *,
    rule: DisclosureRule | None = None,
) -> pl.DataFrame:
    """One row per ward and one for the district: crude and age-standardised rates per the indicator's
    multiplier with 95% and 99.8% limits, each ward compared with the district on the standardised rate.

    Counts are summed into the broad `STANDARD_BANDS` first. Under a disclosure `rule` every broad band's count
    is protected (rounded; from 1 to the threshold hidden), and the rates are worked out from the protected
    counts, as the rule asks of derived figures; a ward with a hidden band count has no standardised rate shown
    (`value_suppressed`).
    """
    if indicator.method is not Method.RATE or "age_band" not in indicator.dimensions:
        raise NotStandardisable(f"{indicator.title} is not a rate over residents by age, so it cannot be age-standardised")
    if groups.age_band:
        raise NotStandardisable("a single age band needs no age standardisation")
    across_wards = GroupFilters(None, groups.sex, None, groups.ethnicity)
    by_band = broad_bands(aggregate(con, indicator, period, dims=("ward", "age_band"), filters=across_wards))
    hidden_wards: set[str] = set()
    if rule is not None and not rule.is_identity:
        counts = by_band["numerator"].to_numpy()
        # only the bands the rate is standardised over can hide it: events of unknown age are left out of it
        used = by_band["age_band"].is_in(list(ESP_2013_BROAD)) & (by_band["denominator"] > 0)
        hidden_wards = set(by_band.filter(pl.Series(is_small(counts, rule)) & used)["ward"].to_list())
        by_band = by_band.with_columns(numerator=pl.Series(rounded(counts, rule), dtype=pl.Float64))
    known = by_band.filter(pl.col("age_band").is_in(list(ESP_2013_BROAD)) & (pl.col("denominator") > 0))
    rows = [_row("district", "District", known, by_band, indicator)]
    names = dict(con.sql("select ward_code, ward_name from mart_wards").fetchall())
    for code in sorted(names, key=lambda code: names[code]):
        rows.append(
            _row(code, names[code], known.filter(pl.col("ward") == code), by_band.filter(pl.col("ward") == code), indicator)
        )
    frame = pl.DataFrame(rows, orient="row", schema=_schema())
    if rule is not None and not rule.is_identity:
        # The counts and crude rates are on the page already, protected by `compute`; worked out again here from
        # rounded bands they would be a second rounding of the same counts to difference against, so only the
        # standardised rates (from the protected band counts) are published.
        frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(column) for column in COUNT_AND_CRUDE_COLUMNS)
    suppressed = pl.col("ward_code").is_in(
        list(hidden_wards | ({"district"} if hidden_wards and len(hidden_wards) == len(names) else set()))
    )
    frame = frame.with_columns(
        [pl.when(suppressed).then(None).otherwise(pl.col(column)).alias(column) for column in STANDARDISED_COLUMNS]
    ).with_columns(value_suppressed=suppressed)
    district = frame.row(0, named=True)["standardised"]
    dispersion = _dispersion(frame.slice(1), district)
    return frame.with_columns(
        comparison=pl.Series(
            [
                Comparison.NOT_COMPARED.value if index == 0 else _compare(row, district, indicator, dispersion)
                for index, row in enumerate(frame.iter_rows(named=True))
            ],
            dtype=pl.String,
        ),
        overdispersion=pl.lit(dispersion.describe() if dispersion.is_overdispersed else None, dtype=pl.String),
    )


EQUIVALENT_SIZE = (
    "equivalent residents (person-years a crude rate would need for the precision of the ward's age-standardised rate)"
)
STANDARDISED_COMPARATOR = "district (age-standardised)"


class NoStandardisedFunnel(ValueError):
    """Too few wards or events to draw the age-standardised funnel."""


def standardised_points(frame: pl.DataFrame, indicator: Indicator) -> pl.DataFrame:
    """Every ward's age-standardised rate in the shape of a result frame (the funnel's point columns), for the map
    and the funnel; `denominator` is the ward's equivalent size (see `standardised_funnel`), null when hidden."""
    district = frame.filter(pl.col("ward_code") == "district")
    centre = district["standardised"][0] if district.height else None
    wards = frame.filter(pl.col("ward_code") != "district")
    spread = (pl.col("standardised_upper_95") - pl.col("standardised_lower_95")) / (2 * z_for(0.95))
    size = pl.when(spread > 0).then(pl.col("standardised") * indicator.multiplier / spread**2)
    return wards.select(
        pl.col("ward_code").alias("cut_value"),
        pl.col("ward_name").alias("cut_label"),
        pl.lit(indicator.unit).alias("unit"),
        pl.lit(None, dtype=pl.Float64).alias("numerator"),
        size.alias("denominator"),
        pl.col("standardised").alias("value"),
        pl.col("standardised_lower_95").alias("lower_95"),
        pl.col("standardised_upper_95").alias("upper_95"),
        pl.lit(STANDARDISED_COMPARATOR).alias("comparator"),
        pl.lit(centre, dtype=pl.Float64).alias("comparator_value"),
        "comparison",
        pl.col("comparison")
        .map_elements(lambda value: describe(Comparison(value), STANDARDISED_COMPARATOR), return_dtype=pl.String)
        .alias("comparison_text"),
        "value_suppressed",
    )


def standardised_funnel(frame: pl.DataFrame, indicator: Indicator) -> tuple[pl.DataFrame, FunnelLimits]:
    """The wards' age-standardised rates on a funnel around the district's, from `standardised_by_ward`'s frame.

    A standardised rate has no single denominator, so each ward is placed by its *equivalent size*: the
    person-years a crude rate of the same value would need to be as precise, n = DSR x multiplier / s^2
    with s the standard error its Dobson 95% interval implies. Limits are the crude rate funnel's (exact
    Poisson) around the district's standardised rate at those sizes, widened for overdispersion as the
    comparisons are; each point keeps the comparison `standardised_by_ward` made.
    """
    points = standardised_points(frame, indicator)
    centre = points["comparator_value"][0] if points.height else None
    shown = points.filter(pl.col("value").is_not_null() & (pl.col("denominator") > 0))
    if centre is None or centre <= 0 or shown.height < 2:
        raise NoStandardisedFunnel("Too few wards have an age-standardised rate for this selection to draw a funnel.")
    sizes: list[float] = shown["denominator"].to_list()
    curve = curve_denominators(min(sizes) * 0.8, max(sizes) / 0.8)
    # the exact Poisson funnel of a crude rate equal to the district's standardised rate
    limits = rate_funnel(curve, district_count=centre, district_denominator=indicator.multiplier, multiplier=indicator.multiplier)
    limits = replace(limits, method=f"age-standardised ({STANDARD}); {limits.method}")
    dispersion = _dispersion(frame.slice(1), centre)
    # the funnel works on the rate as a fraction (rate / multiplier), the between-ward variance in the rate's units
    on_the_funnel_s_scale = replace(dispersion, tau2=dispersion.tau2 / indicator.multiplier**2)
    return shown, widened_for_overdispersion(limits, on_the_funnel_s_scale, proportion=False)


def _dispersion(wards: pl.DataFrame, district: float | None) -> Dispersion:
    """Spiegelhalter's overdispersion of the wards' standardised rates about the district's, each with the
    standard error its Dobson 95% interval implies."""
    shown = wards.filter(pl.col("standardised").is_not_null())
    if district is None or shown.height < 2:
        return NO_ADJUSTMENT
    s = ((shown["standardised_upper_95"] - shown["standardised_lower_95"]) / (2 * z_for(0.95))).to_numpy()
    return from_z_scores((shown["standardised"].to_numpy() - district) / s, s)


def broad_bands(by_band: pl.DataFrame) -> pl.DataFrame:
    """Counts and residents by ward and contract age band summed into the broad `STANDARD_BANDS`; events of
    unknown age keep their own row (`unknown`)."""
    broad = pl.col("age_band").replace(STANDARD_BANDS)
    return (
        by_band.with_columns(broad.alias("age_band"))
        .group_by("ward", "age_band", maintain_order=True)
        .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
    )


def _row(code: str, name: str, known: pl.DataFrame, everything: pl.DataFrame, indicator: Indicator) -> tuple:
    events, residents = float(everything["numerator"].sum()), float(everything["denominator"].sum())
    unknown_age = float(everything.filter(~pl.col("age_band").is_in(list(ESP_2013_BROAD)))["numerator"].sum())
    crude = rate_ci(events, residents, multiplier=indicator.multiplier) if residents > 0 else None
    if known.is_empty() or known["numerator"].sum() < SMALL_COUNT_LIMIT:
        limits95 = limits998 = None
    else:
        counts, populations = known["numerator"].to_list(), known["denominator"].to_list()
        weights = [ESP_2013_BROAD[band] for band in known["age_band"]]
        limits95 = dsr_ci(counts, populations=populations, standard_populations=weights, multiplier=indicator.multiplier)
        limits998 = dsr_ci(
            counts, populations=populations, standard_populations=weights, multiplier=indicator.multiplier, confidence=0.998
        )
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
        return compare_to_comparator(
            lower95=row["standardised_lower_95"],
            upper95=row["standardised_upper_95"],
            lower998=row["standardised_lower_998"],
            upper998=row["standardised_upper_998"],
            comparator=district,
            polarity=indicator.polarity,
        ).value
    s = (row["standardised_upper_95"] - row["standardised_lower_95"]) / (2 * z_for(0.95))
    spread = float(dispersion.standard_error(s))
    value = row["standardised"]
    return compare_to_comparator(
        lower95=value - z_for(0.95) * spread,
        upper95=value + z_for(0.95) * spread,
        lower998=value - z_for(0.998) * spread,
        upper998=value + z_for(0.998) * spread,
        comparator=district,
        polarity=indicator.polarity,
    ).value


def _schema() -> dict:
    floats = (
        "events",
        "events_of_unknown_age",
        "person_years",
        "crude",
        "crude_lower_95",
        "crude_upper_95",
        "standardised",
        "standardised_lower_95",
        "standardised_upper_95",
        "standardised_lower_998",
        "standardised_upper_998",
    )
    return {"ward_code": pl.String, "ward_name": pl.String, **dict.fromkeys(floats, pl.Float64)}
