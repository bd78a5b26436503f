"""Victims known to police, with their households, drawn from the resident population.

Each year, victims are drawn from every (ward, sex, age band, ethnic group) cell in
proportion to its residents x the group's victimisation propensity x how readily the
group reports. Reporting is where planted signal 1 lives: Asian women in the wards with the
largest Asian communities report a fifth as often as other women, and Asian women elsewhere
a little over half as often.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.sample.clock import YEAR, Window, to_date
from etl.sample.frames import draw, draw_rows, group_starts
from etl.sample.geography import District
from etl.sample.params import SampleParameters
from etl.sample.population import ADULT, AGE_BANDS, Population

# Relative chance of being a victim by age band (adults only): highest in the early twenties.
AGE_PROPENSITY = np.array([0, 0, 0, 1.0, 1.35, 1.3, 1.15, 1.0, 0.75, 0.45, 0.22, 0.12])
LATENT_RISK_MEAN = {"female": 8.1, "male": 5.0}
LATENT_RISK_SPREAD = 3.5
RELATIONSHIPS = ("partner", "ex_partner", "family", "other")
# Relationship to the perpetrator: the youngest and the oldest victims are most often abused by family.
RELATIONSHIP_BY_AGE = np.array(
    [
        [0.35, 0.25, 0.35, 0.05],  # 16-19
        [0.47, 0.34, 0.15, 0.04],  # 20-64
        [0.30, 0.10, 0.55, 0.05],  # 65+
    ]
)
HAS_CHILDREN_BY_AGE = np.array([0, 0, 0, 0.12, 0.30, 0.58, 0.78, 0.78, 0.45, 0.08, 0.02, 0.01])
CHILDREN_COUNT = np.array([0.52, 0.32, 0.11, 0.04, 0.01])  # 1 to 5 children
# Age band (index into AGE_BANDS, 0-4 .. 16-17) of a child by the parent's age band.
CHILD_AGE_BY_PARENT = {
    3: [1, 0, 0, 0],
    4: [1, 0, 0, 0],
    5: [0.75, 0.25, 0, 0],
    6: [0.45, 0.40, 0.15, 0],
    7: [0.15, 0.40, 0.35, 0.10],
    8: [0.02, 0.18, 0.50, 0.30],
    9: [0, 0.05, 0.45, 0.50],
}


@dataclass(frozen=True)
class Victims:
    ward: np.ndarray
    lsoa: np.ndarray
    sex: np.ndarray  # 0 female, 1 male
    age: np.ndarray  # index into AGE_BANDS
    ethnicity: np.ndarray  # index into ETHNIC_GROUPS
    first_at: np.ndarray  # seconds; may fall before the window (a victim already known)
    latent_risk: np.ndarray
    is_lgbt: np.ndarray
    is_disabled: np.ndarray
    relationship: np.ndarray
    perpetrator: np.ndarray
    n_children: np.ndarray
    first_child: np.ndarray

    @property
    def size(self) -> int:
        return self.ward.size


@dataclass(frozen=True)
class Children:
    parent: np.ndarray  # victim index
    sex: np.ndarray
    age: np.ndarray  # index into AGE_BANDS
    school: np.ndarray  # index of the school attended, -1 when not at school

    @property
    def size(self) -> int:
        return self.parent.size


def reporting_factor(district: District, params: SampleParameters) -> np.ndarray:
    """(ward, sex, ethnic group): how readily victims report, relative to everyone else."""
    factor = np.ones((district.n_wards, 2, 5))
    factor[:, 0, 0] = params.community_reporting_factor
    factor[district.under_reporting_wards, 0, 0] = params.under_reporting_factor
    return factor


def ward_rate_ratio(district: District, population: Population, params: SampleParameters) -> np.ndarray:
    """Relative incident rate of each ward: rises with deprivation, averaging 1 over residents."""
    score = (district.deprivation - district.deprivation.min()) / np.ptp(district.deprivation)
    ratio = params.deprivation_rate_ratio**score
    residents = population.counts[:, 0].sum(axis=(1, 2, 3))
    return ratio / np.average(ratio, weights=residents)


def trend(district: District, params: SampleParameters, years_from_middle: float) -> np.ndarray:
    """Each ward's rate multiplier at a point in time; the rising ward (signal 4) grows fastest."""
    multiplier = np.full(district.n_wards, (1 + params.district_trend_per_year) ** years_from_middle)
    rising = params.rising_ward_rate_ratio * (1 + params.rising_ward_growth_per_year) ** years_from_middle
    multiplier[district.rising_ward] *= rising
    return multiplier


def draw_victims(
    rng: np.random.Generator, district: District, population: Population, window: Window, params: SampleParameters
) -> Victims:
    """Victims whose first incident falls in the window or in the year before it (already known)."""
    propensity = np.stack([AGE_PROPENSITY, AGE_PROPENSITY * _male_weight(population, params)])
    # Scale so that the district's residents average a propensity of one.
    first_year = population.counts[:, 0]
    propensity /= (first_year * propensity[None, :, :, None]).sum() / first_year.sum()
    report = reporting_factor(district, params)
    ratio = ward_rate_ratio(district, population, params)
    per_victim = expected_incidents_per_victim(params)
    n_slots = round(window.years) + 1
    cells, first_at = [], []
    for slot in range(n_slots):
        slot_start = window.start + (slot - 1) * YEAR
        year = to_date(slot_start + YEAR / 2).year
        residents = population.in_year(year)  # (ward, sex, age, group)
        weight = residents * propensity[None, :, :, None] * report[:, :, None, :]
        weight *= (ratio * trend(district, params, slot - 0.5 - window.years / 2))[:, None, None, None]
        expected = weight * params.incidents_per_1000 / 1000 / per_victim
        drawn = rng.poisson(expected.reshape(-1))
        index = np.repeat(np.arange(drawn.size), drawn)
        cells.append(index)
        first_at.append(slot_start + rng.random(index.size) * YEAR)
    cell = np.concatenate(cells)
    ward, sex, age, ethnicity = np.unravel_index(cell, (district.n_wards, 2, len(AGE_BANDS), 5))
    return _describe(rng, district, ward, sex, age, ethnicity, np.concatenate(first_at))


def expected_incidents_per_victim(params: SampleParameters) -> float:
    """Mean incidents per victim under the repeat model, averaged over latent risk (no randomness)."""
    grid = np.linspace(-4, 4, 161)
    density = np.exp(-(grid**2) / 2)
    density /= density.sum()
    mean = 0.0
    for sex, share in (("female", params.share_female_victims), ("male", 1 - params.share_female_victims)):
        risk = LATENT_RISK_MEAN[sex] + LATENT_RISK_SPREAD * grid
        mean += share * np.sum(density / (1 - continue_probability(risk, params)))
    return float(mean)


def continue_probability(latent_risk: np.ndarray, params: SampleParameters) -> np.ndarray:
    """Chance of a further incident after each one; higher-risk victims are revictimised more."""
    return np.clip(params.repeat_continue_probability + 0.025 * (latent_risk - 7.5), 0.06, 0.6)


def _male_weight(population: Population, params: SampleParameters) -> float:
    """Scale men's propensity so that women make up the intended share of victims."""
    adults = population.counts[:, 0][:, :, ADULT].sum(axis=(0, 3))  # (sex, adult age)
    weighted = adults @ AGE_PROPENSITY[ADULT]
    return float(weighted[0] / weighted[1] * (1 - params.share_female_victims) / params.share_female_victims)


def _describe(
    rng: np.random.Generator,
    district: District,
    ward: np.ndarray,
    sex: np.ndarray,
    age: np.ndarray,
    ethnicity: np.ndarray,
    first_at: np.ndarray,
) -> Victims:
    size = ward.size
    means = np.where(sex == 0, LATENT_RISK_MEAN["female"], LATENT_RISK_MEAN["male"])
    age_group = np.select([age <= 4, age >= 10], [0, 2], default=1)
    perpetrator = np.arange(size)
    # Some perpetrators abuse more than one victim (a new partner, or family members).
    shared = rng.random(size) < 0.06
    perpetrator[shared] = rng.integers(0, size, size=int(shared.sum()))
    has_children = rng.random(size) < HAS_CHILDREN_BY_AGE[age]
    n_children = np.where(has_children, draw(rng, CHILDREN_COUNT, size) + 1, 0)
    return Victims(
        ward=ward,
        lsoa=lsoa_in_ward(rng, district, ward),
        sex=sex,
        age=age,
        ethnicity=ethnicity,
        first_at=first_at,
        latent_risk=means + LATENT_RISK_SPREAD * rng.standard_normal(size),
        is_lgbt=rng.random(size) < np.where(age <= 6, 0.045, 0.02),
        is_disabled=rng.random(size) < np.where(age >= 9, 0.25, 0.12),
        relationship=draw_rows(rng, RELATIONSHIP_BY_AGE, age_group),
        perpetrator=perpetrator,
        n_children=n_children,
        first_child=group_starts(n_children),
    )


def lsoa_in_ward(rng: np.random.Generator, district: District, ward: np.ndarray) -> np.ndarray:
    """An LSOA for each person, drawn by the LSOAs' shares of their ward (LSOAs are numbered ward by ward)."""
    per_ward = np.bincount(district.lsoa_ward, minlength=district.n_wards)
    first = group_starts(per_ward)
    table = np.zeros((district.n_wards, per_ward.max()))
    table[district.lsoa_ward, np.arange(district.lsoa_ward.size) - first[district.lsoa_ward]] = district.lsoa_share
    return first[ward] + draw_rows(rng, table, ward)


def draw_children(rng: np.random.Generator, victims: Victims, district: District, schools_per_ward: np.ndarray) -> Children:
    """The children in each victim's household, their ages, and the school each attends."""
    parent = np.repeat(np.arange(victims.size), victims.n_children)
    parent_age = np.clip(victims.age[parent], 3, 9)
    table = np.array([CHILD_AGE_BY_PARENT[band] for band in range(3, 10)])
    age = draw_rows(rng, table, parent_age - 3)  # 0..3 is the child band 0-4..16-17
    ward = victims.ward[parent]
    # Schools are numbered ward by ward: primaries first, then the secondary schools.
    primaries, secondaries = schools_per_ward[:, 0], schools_per_ward[:, 1]
    first_school = group_starts(primaries + secondaries)
    primary = first_school[ward] + (rng.random(parent.size) * primaries[ward]).astype(np.int64)
    secondary = first_school[ward] + primaries[ward] + (rng.random(parent.size) * secondaries[ward]).astype(np.int64)
    school = np.select([age == 1, age == 2], [primary, secondary], default=-1)
    return Children(parent=parent, sex=rng.integers(0, 2, parent.size), age=age, school=school)


def draw_hidden_victims(
    rng: np.random.Generator, district: District, population: Population, window: Window, size: int
) -> Victims:
    """Victims never known to police, found only through other agencies: drawn by need, not by reporting."""
    residents = population.in_year(window.start_day.year)
    weight = residents * AGE_PROPENSITY[None, None, :, None] * np.array([1.0, 0.35])[None, :, None, None]
    cell = rng.choice(weight.size, size=size, p=(weight / weight.sum()).reshape(-1))
    ward, sex, age, ethnicity = np.unravel_index(cell, weight.shape)
    first_at = window.start + rng.random(size) * (window.end - window.start)
    return _describe(rng, district, ward, sex, age, ethnicity, first_at)


def join_victims(first: Victims, second: Victims) -> Victims:
    """One register of victims; the second group's perpetrators and children are renumbered after the first's."""
    joined = {}
    for name in Victims.__dataclass_fields__:
        extra = getattr(second, name)
        if name == "perpetrator":
            extra = extra + first.size
        elif name == "first_child":
            extra = extra + int(first.n_children.sum())
        joined[name] = np.concatenate([getattr(first, name), extra])
    return Victims(**joined)
