"""Turning `compute` result frames into what a page shows: plain-words tables, reading order,
which filters an indicator can take, the span a trend covers, and the ward a map click chose.

Pure functions (no Streamlit), so pages stay thin and these stay tested.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl

from metrics.aggregate import GroupFilters
from metrics.definitions import Indicator
from metrics.periods import Period
from ui.filters import AGE_OPTIONS, ETHNICITY_OPTIONS, SEX_OPTIONS
from ui.widgets import describe_row

TREND_YEARS = 5
DIMENSION_WORDS = {
    "ward": "ward",
    "sex": "sex",
    "age_band": "age band",
    "ethnicity": "ethnic group",
    "quarter": "quarter",
    "year": "year",
    "month": "month",
}
READING_ORDER = {
    "sex": SEX_OPTIONS[1:],
    "age_band": ("0-4", "5-10", "11-15", *AGE_OPTIONS[1:]),
    "ethnicity": ETHNICITY_OPTIONS[1:],
}


def applicable_groups(indicator: Indicator, groups: GroupFilters) -> tuple[GroupFilters, list[str]]:
    """The group filters this indicator can take, and the ones it cannot, in words ("sex", "ethnic group")."""
    field_names = {"ward": "ward_code", "sex": "sex", "age_band": "age_band", "ethnicity": "ethnicity"}
    dropped = [dimension for dimension in groups.applied() if dimension not in indicator.dimensions]
    kept = replace(groups, **{field_names[dimension]: None for dimension in dropped})
    return kept, [DIMENSION_WORDS[dimension] for dimension in dropped]


def quarterly_span(period: Period, *, years: int = TREND_YEARS) -> Period:
    """Whole quarters over the `years` up to the end of `period`, so the first point is not a part-quarter."""
    first_month = (period.end.year - years) * 12 + period.end.month  # months since year 0, counted from 0
    first_month += -first_month % 3  # quarters start in months 0, 3, 6 and 9 of a year
    start = date(first_month // 12, first_month % 12 + 1, 1)
    return Period(start, period.end, f"quarters from {start:%b %Y} to {period.end:%b %Y}")


def in_reading_order(frame: pl.DataFrame, dimension: str, label_column: str = "cut_label") -> pl.DataFrame:
    """Rows in the order a reader expects (age bands youngest first, wards by name, periods in time order),
    with group codes as words ("female" reads "Female")."""
    order = READING_ORDER.get(dimension)
    if order is None:
        return frame.sort("cut_value" if dimension in ("quarter", "year", "month") else label_column)
    rank = {value: index for index, value in enumerate(order)}
    return (
        frame.with_columns(
            pl.col(label_column).str.replace_all("_", " ").str.to_titlecase()
            if dimension != "age_band"
            else pl.col(label_column),
            _rank=pl.col("cut_value").replace_strict(rank, default=len(order), return_dtype=pl.Int64),
        )
        .sort("_rank", "cut_value")
        .drop("_rank")
    )


def result_table(frame: pl.DataFrame, *, label: str, label_column: str = "cut_label") -> pl.DataFrame:
    """A result frame as a table for people: one row per cut, rounded, with the finding in words.

    Suppressed values are blank with the reason in words; the counts are those disclosure control published.
    """
    if frame.is_empty():
        return pl.DataFrame({label: [], "in words": []}, schema={label: pl.String, "in words": pl.String})
    words = [describe_row(row) for row in frame.iter_rows(named=True)]
    unit = frame["unit"][0]
    return frame.select(
        pl.col(label_column).alias(label),
        pl.col("value").round(1).alias(unit),
        pl.col("lower_95").round(1).alias("95% CI lower"),
        pl.col("upper_95").round(1).alias("95% CI upper"),
        pl.col("numerator").alias("count"),
        pl.col("denominator").round(1).alias("out of"),
        pl.col("comparator").alias("compared with"),
    ).with_columns(pl.Series("in words", words, dtype=pl.String))


def shown_values(frame: pl.DataFrame) -> int:
    """How many rows have a value that may be shown."""
    return 0 if frame.is_empty() else frame.filter(pl.col("value").is_not_null()).height


def clicked_ward(points: list[dict], ward_codes: set[str]) -> str | None:
    """The ward code a map click selected, from the chart's selection points."""
    for point in points:
        code = point.get("location") or (point.get("customdata") or [None])[0]
        if code in ward_codes:
            return code
    return None


def comparison_summary(
    frame: pl.DataFrame, *, label_column: str = "cut_label", against: str | None = None, words: dict[str, str] | None = None
) -> str:
    """Which rows differ significantly from their comparator, in one or two sentences.

    "Significantly higher than the district: Greystone Park, Canal Wharf. Significantly lower: Hallowmoor."
    `words` renames a judgement where another reads better ({"worse": "below"} for a reporting ratio).
    `against` defaults to the rows' comparator ("the district (female)"), or to the same group across the district
    where each row has its own.
    """
    if against is None:
        names = frame["comparator"].drop_nulls().unique().to_list() if "comparator" in frame.columns else []
        against = f"the {names[0]}" if len(names) == 1 else "the same group across the district"
    shown = frame.filter(pl.col("value").is_not_null()) if not frame.is_empty() else frame
    if shown.is_empty():
        return f"No value can be shown for this selection, so nothing is compared with {against}."
    direction = pl.col("comparison").str.replace("_998", "", literal=True)
    sentences: list[str] = []
    for word in ("higher", "lower", "better", "worse"):
        names = shown.filter(direction == word)[label_column].to_list()
        if names:
            said = (words or {}).get(word, word)
            compared = (" " if said in ("above", "below") else " than ") + against if not sentences else ""
            sentences.append(f"significantly {said}{compared}: {', '.join(names)}")
    if not sentences:
        sentences.append(f"none is significantly different from {against}")
    hidden = frame.filter(pl.col("value_suppressed"))[label_column].to_list() if "value_suppressed" in frame.columns else []
    if hidden:
        sentences.append(f"not shown, too few people to show safely: {', '.join(hidden)}")
    return ". ".join(sentence[:1].upper() + sentence[1:] for sentence in sentences) + "."


def comparisons_note(*frames: pl.DataFrame, scope: str = "page") -> str:
    """How many comparisons the frames shown on a page make, and how many flags chance alone would give."""
    from metrics.overdispersion import count_comparisons

    return count_comparisons(*frames).sentence(scope)
