"""How agencies record a person: the true characteristics, with `unknown` where a record is incomplete."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from etl.sample.frames import pick
from etl.sample.geography import ETHNIC_GROUPS
from etl.sample.population import AGE_BANDS

SEX_LABELS = ("female", "male", "unknown")
AGE_LABELS = (*AGE_BANDS, "unknown")
ETHNICITY_LABELS = (*ETHNIC_GROUPS, "unknown")
YES_NO_UNKNOWN = ("yes", "no", "unknown")


@dataclass(frozen=True)
class Recorded:
    """Indices into the label tuples above, one per person."""

    sex: np.ndarray
    age: np.ndarray
    ethnicity: np.ndarray
    disability: np.ndarray
    lgbt: np.ndarray

    def take(self, rows: np.ndarray) -> Recorded:
        return Recorded(*(getattr(self, name)[rows] for name in ("sex", "age", "ethnicity", "disability", "lgbt")))

    def columns(self, rows: np.ndarray, *, prefix: str = "", with_flags: bool = True) -> list[pl.Series]:
        columns = [
            pick(f"{prefix}sex", SEX_LABELS, self.sex[rows]),
            pick(f"{prefix}age_band", AGE_LABELS, self.age[rows]),
            pick(f"{prefix}ethnicity", ETHNICITY_LABELS, self.ethnicity[rows]),
        ]
        if with_flags:
            columns += [
                pick(f"{prefix}disability", YES_NO_UNKNOWN, self.disability[rows]),
                pick(f"{prefix}lgbt", YES_NO_UNKNOWN, self.lgbt[rows]),
            ]
        return columns


def record(
    rng: np.random.Generator,
    *,
    sex: np.ndarray,
    age: np.ndarray,
    ethnicity: np.ndarray,
    is_disabled: np.ndarray,
    is_lgbt: np.ndarray,
) -> Recorded:
    """Most fields are recorded; a few are missed, and disability and sexuality are often not asked."""
    size = sex.size
    unknown = len(ETHNIC_GROUPS)
    return Recorded(
        sex=np.where(rng.random(size) < 0.003, 2, sex),
        age=np.where(rng.random(size) < 0.015, len(AGE_BANDS), age),
        ethnicity=np.where(rng.random(size) < 0.04, unknown, ethnicity),
        disability=np.where(rng.random(size) < 0.25, 2, np.where(is_disabled, 0, 1)),
        lgbt=np.where(rng.random(size) < np.where(is_lgbt, 0.30, 0.40), 2, np.where(is_lgbt, 0, 1)),
    )


def perpetrator_profile(
    rng: np.random.Generator,
    *,
    victim_sex: np.ndarray,
    victim_age: np.ndarray,
    victim_ethnicity: np.ndarray,
    relationship: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sex, age band and ethnic group of each victim's perpetrator (partners mostly of the other sex)."""
    size = victim_sex.size
    is_partner = relationship <= 1
    other_sex = np.where(rng.random(size) < 0.95, 1 - victim_sex, victim_sex)
    sex = np.where(is_partner, other_sex, (rng.random(size) < 0.3).astype(np.int64))
    family_age = np.where(victim_age >= 9, victim_age - 3, victim_age + 3)
    age = np.where(is_partner, victim_age + rng.integers(-1, 2, size), family_age)
    return sex, np.clip(age, 3, len(AGE_BANDS) - 1), victim_ethnicity
