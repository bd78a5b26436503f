"""Pieces of the Prevalence and need page: the measures it offers and the hidden-need findings in words.

Pure functions (no Streamlit).
"""

from __future__ import annotations

import polars as pl

from etl.contract.values import CHILD_BANDS
from metrics.definitions import Method, Topic
from metrics.disclosure import NOT_SHOWN
from metrics.hidden_need_groups import REPORTING_RATIO
from metrics.registry import all_indicators
from metrics.standardisation import ESP_2013_BROAD, STANDARDISED_INDICATORS
from ui.result_views import result_table

HIDDEN_NEED_CAVEAT = (
    "A low ratio can mean people are not reporting, or that there is less abuse here than national "
    "survey rates predict; either way it is where to look first."
)


def indicator_choices() -> dict[str, str]:
    """The prevalence and pattern measures, then the hidden-need reporting ratio: id -> title."""
    chosen = [indicator for indicator in all_indicators() if indicator.topic is Topic.PREVALENCE]
    chosen += [indicator for indicator in all_indicators() if indicator.id == REPORTING_RATIO]
    return {indicator.id: indicator.title for indicator in chosen}


def funnel_method_words(method: Method) -> str:
    """How the funnel's limits are drawn, for the caption under it."""
    if method is Method.PROPORTION:
        return "Wilson score limits for a percentage"
    return "exact Poisson limits on the count"


def hidden_need_summary(groups: pl.DataFrame, *, place: str, age_band: str | None = None) -> str:
    """Which groups police know significantly fewer victims in than the survey predicts, against the district
    (of the same age band when one is chosen)."""
    shown = groups.filter(pl.col("value").is_not_null()) if not groups.is_empty() else groups
    if shown.is_empty() or shown["comparator_value"].drop_nulls().is_empty():
        return f"No group's reporting ratio can be shown for {place}: too few people, or no residents to expect victims among."
    district = shown["comparator_value"].drop_nulls()[0]
    among = f", among people aged {age_band}," if age_band else ""
    opening = f"Across the district{among} police know of {district:.0f} victims for every 100 the crime survey predicts."
    below = shown.filter(pl.col("is_below_district"))
    if below.is_empty():
        return f"{opening} No group in {place} is significantly below that."
    names = ", ".join(f"{row['group']} ({row['value']:.0f} per 100)" for row in below.iter_rows(named=True))
    return f"{opening} Significantly fewer are known among these groups in {place}: {names}."


def hidden_groups_note(groups: pl.DataFrame) -> str | None:
    """How many groups are not shown because too few people are in them, or None when all are shown."""
    hidden = 0 if groups.is_empty() else groups.filter(pl.col("value_suppressed")).height
    if not hidden:
        return None
    return f"{hidden} group{'s are' if hidden > 1 else ' is'} {NOT_SHOWN}."


RATIO_WORDS = {"worse": "below", "better": "above"}


def known_vs_expected_table(frame: pl.DataFrame, *, label: str, label_column: str) -> pl.DataFrame:
    """Known victims against expected, for the table view and the download."""
    table = result_table(frame, label=label, label_column=label_column)
    return table.rename({"count": "known victims", "out of": "expected victims"}) if "count" in table.columns else table


STANDARDISED_CAPTION = (
    "Age-standardised rates apply each ward's rates at each age to one standard population (European Standard "
    "Population 2013), so wards with young or old populations are compared as if they had the same ages; 95% "
    f"limits by Dobson's method, not shown below 10 events. Every ward is standardised over the same broad age "
    f"bands ({', '.join(ESP_2013_BROAD)}), wide enough for most wards' counts in each to be shown safely. A ward "
    "whose count in one of them is too small to show safely has no standardised rate; its crude rate is in the "
    "tables."
)


def standardised_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The wards' standardised rates in the shape of a result frame (value, limits, comparison against the district)."""
    district = frame.filter(pl.col("ward_code") == "district")
    value = district["standardised"][0] if district.height else None
    return frame.filter(pl.col("ward_code") != "district").select(
        pl.col("ward_code").alias("cut_value"),
        pl.col("ward_name").alias("cut_label"),
        pl.col("standardised").alias("value"),
        pl.col("standardised_lower_95").alias("lower_95"),
        pl.col("standardised_upper_95").alias("upper_95"),
        "comparison",
        pl.lit("district (age-standardised)").alias("comparator"),
        pl.lit(value, dtype=pl.Float64).alias("comparator_value"),
        "value_suppressed",
    )


def standardised_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Crude and standardised rates side by side, for the table view and the download.

    Under the board's disclosure rule the counts and crude rates are left out of this frame (the ward chart above
    publishes them, protected), so their columns are dropped rather than shown empty; a ward with no standardised
    rate says why."""
    table = frame.select(
        pl.col("ward_name").alias("ward"),
        pl.col("events"),
        pl.col("events_of_unknown_age").alias("of unknown age (left out)"),
        pl.col("crude").round(2).alias("crude rate"),
        pl.col("standardised").round(2).alias("age-standardised rate"),
        pl.col("standardised_lower_95").round(2).alias("95% CI lower"),
        pl.col("standardised_upper_95").round(2).alias("95% CI upper"),
        pl.when(pl.col("value_suppressed"))
        .then(pl.lit(NO_STANDARDISED_RATE))
        .otherwise(pl.col("comparison"))
        .alias("comparison"),
    )
    left_out = [
        name for name in ("events", "of unknown age (left out)", "crude rate") if table[name].null_count() == table.height
    ]
    return table.drop(left_out)


def standardised_summary(frame: pl.DataFrame) -> str:
    """Which wards differ from the district once ages are allowed for, in one sentence."""
    from ui.result_views import comparison_summary

    words = comparison_summary(standardised_rows(frame), against="the district (age-standardised)")
    widened = frame["overdispersion"].drop_nulls()
    return words + (f" Limits widened for overdispersion: {widened[0]}." if widened.len() else "")


def unknown_age_words(age_cut: pl.DataFrame | None, place: str) -> str:
    """How many events of unknown age the standardised rates leave out, as the age-band chart publishes it."""
    unknown = None if age_cut is None else age_cut.filter(pl.col("cut_value") == "unknown")
    if unknown is None or unknown.is_empty():
        return "Events of unknown age cannot be placed in an age band and are left out of the age-standardised rates."
    count = unknown["numerator"][0]
    shown = NOT_SHOWN if count is None else f"{count:,}"
    return (
        f"Events of unknown age cannot be placed in an age band and are left out of the age-standardised rates: "
        f"{shown} in {place} (the 'unknown' band of the age chart)."
    )


STANDARDISED_BASIS = "age-standardised rate"
CRUDE_BASIS = "crude rate"
BASES = [STANDARDISED_BASIS, CRUDE_BASIS]


def standardisable(indicator_id: str, age_band: str | None) -> bool:
    """Whether the page offers the age-standardised rate for the wards (a single age band needs none)."""
    return indicator_id in STANDARDISED_INDICATORS and not age_band


def standardised_by_default(standardised: pl.DataFrame, crude: pl.DataFrame) -> bool:
    """Wards are compared on the age-standardised rate unless it is shown for fewer than half the wards that have a
    crude rate (under the disclosure rule a ward with a small count in a broad age band has no standardised rate:
    in a narrow cut such as men only, many may)."""
    return 2 * int(standardised["value"].is_not_null().sum()) >= int(crude["value"].is_not_null().sum())


def _without_standardised(standardised: pl.DataFrame, crude: pl.DataFrame) -> list[str]:
    """The wards with a crude rate but no standardised rate, by name."""
    shown = set(crude.filter(pl.col("value").is_not_null())["cut_value"])
    return standardised.filter(pl.col("value").is_null() & pl.col("cut_value").is_in(list(shown)))["cut_label"].to_list()


def basis_caption(
    basis: str, standardised: pl.DataFrame | None, crude: pl.DataFrame, *, indicator_id: str, age_band: str | None = None
) -> str | None:
    """Which rate the map and funnel compare wards on, and why, in one or two sentences; None for a measure that is
    never age-standardised."""
    if standardised is None:
        if indicator_id not in STANDARDISED_INDICATORS:
            return None
        return f"The map and the funnel compare wards on the crude rate: within one age band ({age_band}) no age standardisation is needed."
    missing = _without_standardised(standardised, crude)
    if basis == STANDARDISED_BASIS:
        words = (
            "The map and the funnel compare wards on the age-standardised rate (European Standard Population "
            "2013, Dobson limits), so a ward's ages do not decide its colour; the table gives the crude rate "
            "beside it."
        )
        if missing:
            words += (
                f" No age-standardised rate can be shown safely for {', '.join(missing)} (a small count in one of "
                "the broad age bands): grey on the map, with the crude rate in the table."
            )
        return words
    why = (
        f" Age-standardised rates cannot be shown safely for {len(missing)} of the wards "
        "(a small count in a broad age band), so the crude rate is shown by default."
        if not standardised_by_default(standardised, crude)
        else ""
    )
    return "The map and the funnel compare wards on the crude rate." + why


def funnel_caption(basis: str, method: Method, overdispersion: str | None) -> str:
    """Under the funnel: what its lines mean, the rate shown, and any widening for overdispersion."""
    words = (
        f"Wards outside the dashed lines differ from the district by more than chance would explain at 95%; "
        f"outside the dotted lines, at 99.8% ({funnel_method_words(method)}). Shown: the {basis}."
    )
    if overdispersion:
        words += (
            f" Here {overdispersion}: the wards differ for reasons beyond chance (their people, their "
            "policing), so only a ward well beyond that spread is flagged, in the funnel and in the ward table."
        )
    return words


NO_STANDARDISED_RATE = "no age-standardised rate: a count in a broad age band is too small to show safely"


def crude_and_standardised_table(crude: pl.DataFrame, standardised: pl.DataFrame) -> pl.DataFrame:
    """Each ward's crude rate (as published) beside its age-standardised rate, interval and comparison; a ward with
    no standardised rate keeps its crude rate and says why."""
    crude_rates = crude.select("cut_value", pl.col("value").round(2).alias("crude rate"))
    return standardised.join(crude_rates, on="cut_value", how="left").select(
        pl.col("cut_label").alias("ward"),
        "crude rate",
        pl.col("value").round(2).alias("age-standardised rate"),
        pl.col("lower_95").round(2).alias("95% CI lower"),
        pl.col("upper_95").round(2).alias("95% CI upper"),
        pl.when(pl.col("value").is_null() & pl.col("crude rate").is_not_null())
        .then(pl.lit(NO_STANDARDISED_RATE))
        .otherwise(pl.col("comparison_text"))
        .alias("comparison"),
    )


def without_uncounted_child_bands(cut: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """An age-band cut without the children's bands when none of them counts anyone (an adult indicator's
    victims are 16 and over: a 0 there would be drawn as "significantly lower"), and the bands left off."""
    children = cut.filter(pl.col("cut_value").is_in(CHILD_BANDS))
    if children.is_empty() or not (children["numerator"].fill_null(-1) == 0).all():
        return cut, []
    return cut.filter(~pl.col("cut_value").is_in(CHILD_BANDS)), children["cut_value"].to_list()
