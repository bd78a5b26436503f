"""Residents by ward, mid-year, sex, age band and ethnic group; and the published survey rates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from etl.contract.values import CHILD_BANDS
from etl.sample.geography import ETHNIC_GROUPS, IMD_QUINTILE_FLOORS, ZONE_DEPRIVATION, District
from etl.sample.params import PARAMETERS, SampleParameters

AGE_BANDS = ("0-4", "5-10", "11-15", "16-17", "18-19", "20-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
ADULT = np.array([band not in CHILD_BANDS for band in AGE_BANDS])
SEXES = ("female", "male")
# England and Wales 2021 census shape (per cent of residents in each band).
AGE_SHAPE = np.array([6.3, 7.9, 6.6, 2.5, 2.5, 6.3, 13.6, 13.0, 12.9, 12.6, 9.3, 6.5])
# Minority ethnic groups are younger than the White population; recent migrants are of working age.
AGE_TILT = {
    "asian": [1.45, 1.45, 1.40, 1.35, 1.30, 1.20, 1.15, 1.05, 0.80, 0.60, 0.40, 0.30],
    "black": [1.35, 1.40, 1.40, 1.30, 1.30, 1.20, 1.20, 1.10, 0.90, 0.60, 0.35, 0.25],
    "mixed": [2.00, 1.90, 1.70, 1.50, 1.40, 1.20, 1.00, 0.80, 0.60, 0.40, 0.25, 0.15],
    "white": [0.85, 0.85, 0.90, 0.95, 0.95, 0.95, 0.95, 0.97, 1.05, 1.12, 1.20, 1.25],
    "other": [1.10, 1.10, 1.00, 1.00, 1.20, 1.40, 1.60, 1.30, 0.90, 0.60, 0.40, 0.30],
}
NORTH_TILT = np.array([0.85, 0.90, 0.95, 0.95, 0.80, 0.70, 0.80, 0.95, 1.10, 1.20, 1.30, 1.35])
FEMALE_SHARE = np.array([0.488, 0.488, 0.488, 0.487, 0.49, 0.50, 0.505, 0.505, 0.505, 0.505, 0.52, 0.57])
# Groups grow at different speeds: the district's newest communities grow fastest.
GROUP_GROWTH = {"asian": 0.015, "black": 0.02, "mixed": 0.03, "white": -0.003, "other": 0.06}


@dataclass(frozen=True)
class Population:
    years: list[int]
    counts: np.ndarray  # (ward, year, sex, age band, ethnic group)

    def in_year(self, year: int) -> np.ndarray:
        index = min(max(year, self.years[0]), self.years[-1]) - self.years[0]
        return self.counts[:, index]

    def frame(self, codes: list[str]) -> pl.DataFrame:
        _n_wards, _n_years, _n_sexes, _n_ages, _n_groups = self.counts.shape
        grid = np.indices(self.counts.shape).reshape(5, -1)
        return pl.DataFrame(
            {
                "area_code": pl.Series(codes).gather(grid[0]),
                "year": np.array(self.years)[grid[1]],
                "sex": pl.Series(SEXES).gather(grid[2]),
                "age_band": pl.Series(AGE_BANDS).gather(grid[3]),
                "ethnicity": pl.Series(ETHNIC_GROUPS).gather(grid[4]),
                "population": self.counts.reshape(-1).astype(np.int64),
            }
        )


def build_population(district: District, *, residents: float, years: list[int], growth: float) -> Population:
    """Residents per cell: ward size x ethnic mix x each group's age pyramid x sex ratio."""
    n_wards = district.n_wards
    counts = np.zeros((n_wards, len(years), 2, len(AGE_BANDS), len(ETHNIC_GROUPS)))
    for year_index, year in enumerate(years):
        elapsed = year - years[0]
        total = residents * (1 + growth) ** elapsed
        for ward in range(n_wards):
            mix = district.ethnic_shares[ward] * np.array([(1 + GROUP_GROWTH[g]) ** elapsed for g in ETHNIC_GROUPS])
            mix = mix / mix.sum()
            for group_index, group in enumerate(ETHNIC_GROUPS):
                shape = AGE_SHAPE * np.array(AGE_TILT[group])
                if district.zones[ward] == "north":
                    shape = shape * NORTH_TILT
                shape = shape / shape.sum()
                people = total * district.population_share[ward] * mix[group_index] * shape
                counts[ward, year_index, 0, :, group_index] = people * FEMALE_SHARE
                counts[ward, year_index, 1, :, group_index] = people * (1 - FEMALE_SHARE)
    return Population(years=years, counts=np.rint(counts))


CSEW_2023 = "ONS Crime Survey for England and Wales, year ending March 2023: domestic abuse in the last year, ages 16+"
CSEW_2017 = "ONS Crime Survey for England and Wales, year ending March 2017: domestic abuse in the last year"


SAMPLE_DEPRIVATION = (
    "Illustrative, for the fictional sample district only (not a published figure): the CSEW "
    "{period} rate for this sex and band times the sample's own deprivation gradient for IMD "
    "quintile {q} (the five quintiles average the published rate)"
)


def deprivation_factors(params: SampleParameters = PARAMETERS) -> dict[str, float]:
    """The sample district's rate in each IMD quintile relative to all areas: its own deprivation gradient.

    The generator's incident rate rises by `deprivation_rate_ratio` from the least to the most deprived
    score it draws; each quintile takes that gradient at the middle of its score range (within the
    sample's), scaled so the five equal fifths of the country average one.
    """
    low = min(bounds[0] for bounds in ZONE_DEPRIVATION.values())
    high = max(bounds[1] for bounds in ZONE_DEPRIVATION.values())
    edges = (high, *IMD_QUINTILE_FLOORS, low)
    middles = [(edges[index] + edges[index + 1]) / 2 for index in range(5)]
    gradient = np.array([params.deprivation_rate_ratio ** ((score - low) / (high - low)) for score in middles])
    gradient /= gradient.mean()
    return {str(quintile): round(float(factor), 4) for quintile, factor in enumerate(gradient, start=1)}


def prevalence_rates(params: SampleParameters = PARAMETERS) -> pl.DataFrame:
    """The published CSEW rates, where no rate is published for a band the row says which rate stands in;
    then, for the fictional district, each band's rate by IMD quintile (labelled as illustrative)."""
    rows = [
        (CSEW_2023 + " (sex-level rate)", "year ending March 2023", "female", "all", 0.057),
        (CSEW_2023 + " (sex-level rate)", "year ending March 2023", "male", "all", 0.032),
        (CSEW_2017 + ", ages 16-59 (sex-level rate)", "year ending March 2017", "female", "all", 0.075),
        (CSEW_2017 + ", ages 16-59 (sex-level rate)", "year ending March 2017", "male", "all", 0.043),
    ]
    banded = {"female": {"16-19": 0.105, "20-24": 0.096}, "male": {"16-19": 0.069, "20-24": 0.055}}
    for sex, rates in banded.items():
        wider = CSEW_2017 + ", published for ages 16-19 (wider band) and applied to this band"
        rows.append((wider, "year ending March 2017", sex, "16-17", rates["16-19"]))
        rows.append((wider, "year ending March 2017", sex, "18-19", rates["16-19"]))
        rows.append((CSEW_2017 + ", ages 20-24", "year ending March 2017", sex, "20-24", rates["20-24"]))
    stand_in = CSEW_2023 + "; no rate is published for this band, so the sex-level rate is used"
    for sex, rate in (("female", 0.057), ("male", 0.032)):
        for band in ("25-34", "35-44", "45-54", "55-64", "65-74", "75+"):
            rows.append((stand_in, "year ending March 2023", sex, band, rate))
    published = [(*row[:4], "all", row[4]) for row in rows]
    factors = deprivation_factors(params)
    by_quintile = [
        (SAMPLE_DEPRIVATION.format(period=period, q=quintile), period, sex, band, quintile, round(rate * factor, 5))
        for source, period, sex, band, _, rate in published
        if band != "all"
        for quintile, factor in factors.items()
    ]
    return pl.DataFrame(
        published + by_quintile, schema=["source", "period", "sex", "age_band", "imd_quintile", "rate"], orient="row"
    )
