"""Ward IMD quintiles from LSOAs: a tiny literal case worked by hand, and Bradford's real IMD 2019 files
(../shared/realworld, skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from etl.deprivation import DeprivationInputError, ward_imd_quintiles

REALWORLD = Path(__file__).resolve().parents[3] / "shared" / "realworld"


def test_population_weighted_mean_rank_in_national_fifths():
    ranks = pl.DataFrame({"lsoa_code": ["A", "B", "C"], "imd_rank": [100, 30_000, 20_000]})
    population = pl.DataFrame({"lsoa_code": ["A", "B", "C"], "population": [3000, 1000, 1500]})
    lookup = pl.DataFrame({"lsoa_code": ["A", "B", "C"], "ward_code": ["W1", "W1", "W2"]})
    wards = ward_imd_quintiles(ranks, population, lookup)
    # W1: (100 x 3000 + 30000 x 1000) / 4000 = 7575, in the second fifth (6568.8 to 13137.6) of 32,844
    assert wards.to_dicts() == [
        {"ward_code": "W1", "imd_quintile": 2, "mean_rank": 7575.0, "lsoas": 2},
        {"ward_code": "W2", "imd_quintile": 4, "mean_rank": 20000.0, "lsoas": 1},
    ]
    with pytest.raises(DeprivationInputError, match=r"1 LSOAs.*no IMD rank or population.*D"):
        ward_imd_quintiles(ranks, population, pl.concat([lookup, pl.DataFrame({"lsoa_code": ["D"], "ward_code": ["W2"]})]))


@pytest.mark.skipif(not (REALWORLD / "imd").is_dir(), reason="../shared/realworld is not present")
def test_bradford_wards_from_the_real_imd_2019_files():
    def read(name: str) -> pl.DataFrame:
        return pl.read_csv(REALWORLD / "imd" / name, infer_schema_length=0, encoding="utf8-lossy")

    def number(column: str) -> pl.Expr:
        return pl.col(column).str.replace_all(",", "").cast(pl.Int64)

    imd = read("File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz")
    ranks = imd.select(
        pl.col(imd.columns[0]).alias("lsoa_code"), number("Index of Multiple Deprivation (IMD) Rank").alias("imd_rank")
    )
    people = read("File_6_-_IoD2019_Population_Denominators.csv.gz")
    population = people.select(
        pl.col(people.columns[0]).alias("lsoa_code"),
        number("Total population: mid 2015 (excluding prisoners)").alias("population"),
    )
    lookup = (
        pl.read_csv(REALWORLD / "lookups" / "lsoa11_to_ward2019_lad2019_EW_lookup.csv", infer_schema_length=0)
        .filter(pl.col("LAD19CD") == "E08000032")
        .select(pl.col("LSOA11CD").alias("lsoa_code"), pl.col("WD19CD").alias("ward_code"), "WD19NM")
    )
    assert ranks.height == 32_844 and lookup.height == 310
    wards = ward_imd_quintiles(ranks, population, lookup).join(lookup.select("ward_code", "WD19NM").unique(), on="ward_code")
    quintile = dict(zip(wards["WD19NM"], wards["imd_quintile"], strict=True))
    assert len(quintile) == 30
    for name in ("Manningham", "Bradford Moor", "City", "Little Horton", "Bowling and Barkerend", "Toller"):
        assert quintile[name] == 1, (name, quintile[name])
    for name in ("Ilkley", "Wharfedale"):
        assert quintile[name] == 5, (name, quintile[name])
