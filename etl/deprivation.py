"""Each ward's IMD quintile from its LSOAs, for the ward reference's optional `imd_quintile` column.

The English Indices of Deprivation rank every LSOA nationally (1 the most deprived of 32,844 in IMD
2019). A ward's quintile comes from its LSOAs weighted by their residents: the population-weighted mean
of their national ranks, placed in the national fifths of rank (1: the most deprived fifth, 5: the least).
"""

from __future__ import annotations

import polars as pl

LSOAS_IN_ENGLAND_2019 = 32_844


class DeprivationInputError(ValueError):
    """The LSOA ranks, populations and lookup do not fit together; the message says how."""


def ward_imd_quintiles(
    ranks: pl.DataFrame, population: pl.DataFrame, lookup: pl.DataFrame, *, lsoas_nationally: int = LSOAS_IN_ENGLAND_2019
) -> pl.DataFrame:
    """One row per ward: `ward_code`, `imd_quintile` (1-5), `mean_rank` and the LSOAs used.

    `ranks`: `lsoa_code`, `imd_rank` (national, 1 most deprived); `population`: `lsoa_code`, `population`;
    `lookup`: `lsoa_code`, `ward_code`. Only LSOAs in the lookup count; one missing a rank or population fails.
    """
    joined = lookup.select("lsoa_code", "ward_code").join(ranks.select("lsoa_code", "imd_rank"), on="lsoa_code", how="left")
    joined = joined.join(population.select("lsoa_code", "population"), on="lsoa_code", how="left")
    missing = joined.filter(pl.col("imd_rank").is_null() | pl.col("population").is_null())["lsoa_code"].to_list()
    if missing:
        raise DeprivationInputError(
            f"{len(missing)} LSOAs in the lookup have no IMD rank or population (e.g. {', '.join(missing[:3])})"
        )
    fifth = lsoas_nationally / 5
    return (
        joined.group_by("ward_code")
        .agg(
            ((pl.col("imd_rank") * pl.col("population")).sum() / pl.col("population").sum()).alias("mean_rank"),
            pl.len().alias("lsoas"),
        )
        .with_columns(((pl.col("mean_rank") - 1) // fifth + 1).clip(1, 5).cast(pl.Int64).alias("imd_quintile"))
        .select("ward_code", "imd_quintile", "mean_rank", "lsoas")
        .sort("ward_code")
    )
