"""Disclosure control over `compute`'s results: each result's rows protected together with a row standing in for
the total of its cut, so no hidden count is the total less the counts shown."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from metrics.compare import Comparison
from metrics.definitions import Method
from metrics.disclosure import NOT_SHOWN, DisclosureRule, protect_frame
from metrics.overdispersion import Dispersion
from metrics.result_frame import CI_COLUMNS, RESULT, Result, dispersion_wards, records, schema, ward_dispersion

CUT_TOTAL = "total of the cut"  # the level of the row standing in for that total while disclosure control runs


def protect(results: Sequence[Result], rule: DisclosureRule) -> list[pl.DataFrame]:
    """Each result's frame through disclosure control: counts of people rounded or hidden, and rates and limits
    hidden with their count.

    The rows of a cut by ward or group add up to a total the page publishes beside them (the district's
    or the ward's own figure, and each row's comparator), and a rate beside a rounded count gives the count
    away. So a row standing in for that total joins disclosure control, and where one row hides a count
    another is hidden too: no hidden count is the total less the counts shown.
    """
    frames: dict[int, pl.DataFrame] = {}
    for proportions in (True, False):  # a proportion's denominator is a count of people too
        chosen = [
            position for position, result in enumerate(results) if (result.indicator.method is Method.PROPORTION) is proportions
        ]
        if chosen:
            frames_of_kind = _protect_kind([results[position] for position in chosen], chosen, rule, proportions)
            for position, frame in zip(chosen, frames_of_kind, strict=True):
                frames[position] = frame
    return [frames[position] for position in range(len(results))]


def _protect_kind(results: list[Result], positions: list[int], rule: DisclosureRule, proportions: bool) -> list[pl.DataFrame]:
    rows = [
        row
        for result, position in zip(results, positions, strict=True)
        for row in records(result, position, rule, _published_dispersion(result, rule, proportions))
    ]
    if not rows:
        return [_empty(rule, proportions) for _ in positions]
    marked = pl.DataFrame(rows, schema_overrides={**schema(), "level": pl.String, RESULT: pl.Int64}, infer_schema_length=None)
    counts = _counts(proportions)
    totals = [
        _cut_total(marked.filter(pl.col(RESULT) == position), counts)
        for result, position in zip(results, positions, strict=True)
        if result.parts_of_a_total
    ]
    marked = pl.concat([marked, *[total for total in totals if total is not None]], how="vertical_relaxed")
    protected = _protected(marked, rule, proportions, group_columns=[RESULT])
    by_result = protected.partition_by(RESULT, as_dict=True, include_key=False, maintain_order=True)
    return [by_result[(position,)] if (position,) in by_result else _empty(rule, proportions) for position in positions]


def _published_dispersion(result: Result, rule: DisclosureRule, proportions: bool) -> Dispersion | None:
    """Spiegelhalter's overdispersion across the wards as the rule publishes them (their counts rounded, some
    hidden): it is a figure derived from the wards' counts, so it is worked out from the protected counts as every
    other one is (metrics/overdispersion.py reads rounded and hidden counts for what they say). It is then the
    dispersion the ward funnel works out from the same wards as shown, so a ward's verdict and its place on the
    funnel agree."""
    wards = dispersion_wards(result)
    if wards is None:
        return None
    marked = pl.DataFrame(
        records(wards, 0, rule), schema_overrides={**schema(), "level": pl.String, RESULT: pl.Int64}, infer_schema_length=None
    )
    if marked.is_empty():
        return None
    counts = _counts(proportions)
    total = _cut_total(marked, counts) if wards.parts_of_a_total else None
    published = _protected(pl.concat([marked, total], how="vertical_relaxed") if total is not None else marked, rule, proportions)
    as_published = list(zip(published["numerator"].to_list(), published["denominator"].to_list(), strict=True))
    return ward_dispersion(result, as_published, rule)


def _empty(rule: DisclosureRule, proportions: bool) -> pl.DataFrame:
    """A result with no rows, its columns in the order of the schema."""
    return _protected(pl.DataFrame(schema=schema()).with_columns(level=pl.lit("district")), rule, proportions)


def _counts(proportions: bool) -> list[str]:
    return ["numerator"] + (["denominator"] if proportions else [])


def _protected(marked: pl.DataFrame, rule: DisclosureRule, proportions: bool, group_columns: Sequence[str] = ()) -> pl.DataFrame:
    protected = protect_frame(
        marked,
        count_columns=_counts(proportions),
        ratio_columns={"value": ("numerator", "denominator" if proportions else "numerator")},
        interval_columns={"value": CI_COLUMNS},
        rule=rule,
        level_column="level",
        unsuppressed_levels=("district", CUT_TOTAL),
        group_columns=group_columns,
    ).filter(pl.col("level") != CUT_TOTAL)
    hidden = pl.col("value_suppressed")
    return protected.with_columns(
        comparison=pl.when(hidden).then(pl.lit(Comparison.NOT_COMPARED.value)).otherwise(pl.col("comparison")),
        comparison_text=pl.when(hidden).then(pl.lit(NOT_SHOWN)).otherwise(pl.col("comparison_text")),
        local_comparison=pl.when(hidden).then(pl.lit(Comparison.NOT_COMPARED.value)).otherwise(pl.col("local_comparison")),
        local_comparison_text=pl.when(hidden & pl.col("local_comparator").is_not_null())
        .then(pl.lit(NOT_SHOWN))
        .otherwise(pl.col("local_comparison_text")),
        disclosure_rule=pl.lit(rule.describe()),
    ).drop("level")


def hide_counts(frame: pl.DataFrame, counts: Sequence[str]) -> pl.DataFrame:
    """`frame` (protected already) with `counts` hidden on every row, and the value, limits and comparisons with them."""
    return frame.with_columns(
        *[pl.lit(None, dtype=frame.schema[column]).alias(column) for column in (*counts, "value", *CI_COLUMNS)],
        *[pl.lit(True).alias(f"{column}_suppressed") for column in (*counts, "value")],
        comparison=pl.lit(Comparison.NOT_COMPARED.value),
        comparison_text=pl.lit(NOT_SHOWN),
        local_comparison=pl.lit(Comparison.NOT_COMPARED.value),
        local_comparison_text=pl.when(pl.col("local_comparator").is_not_null())
        .then(pl.lit(NOT_SHOWN))
        .otherwise(pl.col("local_comparison_text")),
    )


def _cut_total(frame: pl.DataFrame, counts: list[str]) -> pl.DataFrame | None:
    """The row standing in for the total of one result's cut: its counts summed, everything else empty."""
    if frame.is_empty():
        return None
    columns = [column for column in frame.columns if column not in ("level", RESULT)]
    return (
        frame.head(1)
        .with_columns(pl.lit(None).alias(column) for column in columns)
        .with_columns(
            [pl.lit(frame[column].fill_null(0).sum(), dtype=frame.schema[column]).alias(column) for column in counts],
            level=pl.lit(CUT_TOTAL),
        )
    )
