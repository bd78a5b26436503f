"""Police incidents: each victim's run of incidents, with DASH risk, crime, arrest and children.

Repeat incidents come from the victim's latent risk: the riskier the abuse, the likelier a
further incident, and DASH scores climb with each one. Children present are the
household's children; whether the officer spoke to them falls over time (planted signal 5).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from etl.sample.clock import DAY, HOUR, MINUTE, YEAR, Window, lognormal_delay, moments, with_time_of_day
from etl.sample.demographics import Recorded
from etl.sample.frames import counts, flags, make_ids, pick, position_in_group
from etl.sample.geography import District
from etl.sample.params import SampleParameters
from etl.sample.people import RELATIONSHIPS, Victims, continue_probability

RISK_LEVELS = ("standard", "medium", "high", "not_assessed")
STANDARD, MEDIUM, HIGH, NOT_ASSESSED = range(4)
# Domestic abuse is reported most in the evening and least before dawn.
HOUR_PROFILE = np.array([3, 2.5, 2, 1.5, 1, 0.8, 0.8, 1, 1.5, 2, 2.5, 3, 3.5, 3.5, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 6.5, 5.5, 4.5])
CRIME_BY_RISK = np.array([0.42, 0.54, 0.64, 0.45])
ARREST_BY_RISK = np.array([0.33, 0.45, 0.60, 0.36])
MARAC_BY_RISK = np.array([0.002, 0.015, 0.0, 0.01])  # high risk is a parameter
MAX_INCIDENTS_PER_VICTIM = 15


@dataclass(frozen=True)
class Incidents:
    victim: np.ndarray
    reported_at: np.ndarray
    sequence: np.ndarray  # 0 for the victim's first incident, 1 for the next ...
    dash_score: np.ndarray  # NaN when not assessed
    risk: np.ndarray
    is_crime: np.ndarray
    recorded_at: np.ndarray  # NaN when not a crime
    arrested_at: np.ndarray  # NaN when no arrest
    is_referred_to_marac: np.ndarray
    n_children: np.ndarray
    is_child_spoken_to: np.ndarray  # NaN when no children present
    is_honour_based: np.ndarray
    is_lsoa_only: np.ndarray
    is_perpetrator_known: np.ndarray

    @property
    def size(self) -> int:
        return self.victim.size


def build_incidents(
    rng: np.random.Generator, victims: Victims, district: District, window: Window, params: SampleParameters
) -> Incidents:
    per_victim = np.minimum(rng.geometric(1 - continue_probability(victims.latent_risk, params)), MAX_INCIDENTS_PER_VICTIM)
    victim = np.repeat(np.arange(victims.size), per_victim)
    sequence = position_in_group(per_victim)
    gaps = np.where(sequence == 0, 0.0, rng.exponential(params.repeat_gap_days * DAY, victim.size))
    elapsed = np.cumsum(gaps)
    elapsed -= np.repeat(elapsed[np.cumsum(per_victim) - per_victim], per_victim)
    reported_at = with_time_of_day(rng, victims.first_at[victim] + elapsed, HOUR_PROFILE)
    kept = (reported_at >= window.start) & (reported_at < window.end)
    victim, sequence, reported_at = victim[kept], sequence[kept], reported_at[kept]
    order = np.lexsort((victim, reported_at))
    victim, sequence, reported_at = victim[order], sequence[order], reported_at[order]
    size = victim.size

    score = np.clip(np.rint(victims.latent_risk[victim] + 1.9 * rng.standard_normal(size) + 0.6 * sequence), 0, 24)
    assessed = rng.random(size) >= 0.03
    risk = np.where(~assessed, NOT_ASSESSED, np.select([score >= 14, score >= 10], [HIGH, MEDIUM], default=STANDARD))
    is_crime = rng.random(size) < CRIME_BY_RISK[risk]
    recorded_at = window.keep(
        np.where(is_crime, reported_at + np.minimum(lognormal_delay(rng, 30 * MINUTE, 0.8, size), 2 * DAY), np.nan)
    )
    is_crime &= ~np.isnan(recorded_at)
    arrest = is_crime & (rng.random(size) < ARREST_BY_RISK[risk])
    arrested_at = window.keep(np.where(arrest, recorded_at + lognormal_delay(rng, 4 * HOUR, 1.0, size), np.nan))

    present = (victims.n_children[victim] > 0) & (rng.random(size) < params.children_present_when_household)
    years_in = (reported_at - window.start) / YEAR
    spoken_chance = params.child_spoken_to_start - params.child_spoken_to_fall_per_year * years_in + 0.05 * (risk == HIGH)
    spoken = np.where(present, (rng.random(size) < spoken_chance).astype(float), np.nan)

    return Incidents(
        victim=victim,
        reported_at=reported_at,
        sequence=sequence,
        dash_score=np.where(assessed, score, np.nan),
        risk=risk,
        is_crime=is_crime,
        recorded_at=np.where(is_crime, recorded_at, np.nan),
        arrested_at=arrested_at,
        is_referred_to_marac=_marac_referrals(rng, victim, reported_at, risk, params),
        n_children=np.where(present, victims.n_children[victim], 0),
        is_child_spoken_to=spoken,
        is_honour_based=_honour_based(rng, victims, district, victim),
        is_lsoa_only=rng.random(size) < params.lsoa_only_share,
        is_perpetrator_known=rng.random(size) >= 0.07,
    )


def _marac_referrals(
    rng: np.random.Generator, victim: np.ndarray, reported_at: np.ndarray, risk: np.ndarray, params: SampleParameters
) -> np.ndarray:
    """Most high-risk incidents are referred; so are some escalating ones (3+ incidents in 12 months)."""
    chance = MARAC_BY_RISK[risk]
    chance = np.where(risk == HIGH, params.marac_referral_if_high_risk, chance)
    # Incidents are sorted by time, so the same victim's incident two back is the nearest earlier pair.
    by_victim = np.lexsort((reported_at, victim))
    earlier = np.full(victim.size, np.inf)
    same = victim[by_victim][2:] == victim[by_victim][:-2]
    gap = reported_at[by_victim][2:] - reported_at[by_victim][:-2]
    earlier[by_victim[2:]] = np.where(same, gap, np.inf)
    escalating = (earlier <= 365 * DAY) & (risk != HIGH)
    chance = np.where(escalating, np.maximum(chance, 0.08), chance)
    return rng.random(victim.size) < chance


def _honour_based(rng: np.random.Generator, victims: Victims, district: District, victim: np.ndarray) -> np.ndarray:
    """Honour-based abuse is flagged rarely, and mostly for Asian women in the largest Asian communities."""
    asian_share = district.ethnic_shares[victims.ward[victim], 0]
    is_asian = victims.ethnicity[victim] == 0
    is_woman = victims.sex[victim] == 0
    chance = np.select([is_asian & is_woman & (asian_share > 0.35), is_asian], [0.04, 0.012], default=0.0015)
    return rng.random(victim.size) < chance


def children_at(incidents: Incidents, victims: Victims, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(incident, child) for every household child present at each chosen incident."""
    parent = incidents.victim[chosen]
    n_children = incidents.n_children[chosen]
    incident = np.repeat(chosen, n_children)
    offset = np.arange(incident.size) - np.repeat(np.cumsum(n_children) - n_children, n_children)
    return incident, np.repeat(victims.first_child[parent], n_children) + offset


def incident_frame(
    incidents: Incidents,
    victims: Victims,
    recorded: Recorded,
    district: District,
    victim_number: np.ndarray,
    crime_number: np.ndarray,
) -> pl.DataFrame:
    """The police_incidents extract. `victim_number`/`crime_number` map to the published ids."""
    victim = incidents.victim
    ward = victims.ward[victim]
    lsoa = victims.lsoa[victim]
    children = incidents.n_children > 0
    score_known = ~np.isnan(incidents.dash_score)
    columns = [
        make_ids("incident_id", "INC", np.arange(1, incidents.size + 1)),
        moments("reported_at", incidents.reported_at),
        pick("ward_code", district.codes, ward, valid=~incidents.is_lsoa_only),
        pick("lsoa_code", district.lsoa_codes, lsoa, valid=incidents.is_lsoa_only),
        make_ids("victim_id", "V", victim_number[victim]),
        make_ids("perpetrator_id", "P", victims.perpetrator[victim] + 1, valid=incidents.is_perpetrator_known),
        *recorded.columns(victim, prefix="victim_"),
        pick("relationship", RELATIONSHIPS, victims.relationship[victim]),
        pick("dash_risk", RISK_LEVELS, incidents.risk),
        counts("dash_score", np.nan_to_num(incidents.dash_score).astype(np.int64), valid=score_known),
        counts("n_children_present", incidents.n_children),
        flags("is_child_spoken_to", np.nan_to_num(incidents.is_child_spoken_to) == 1, valid=children),
        flags("is_crime", incidents.is_crime),
        make_ids("crime_id", "CR", crime_number, valid=incidents.is_crime),
        flags("is_arrest", ~np.isnan(incidents.arrested_at)),
        flags("is_referred_to_marac", incidents.is_referred_to_marac),
        flags("is_honour_based", incidents.is_honour_based),
    ]
    return pl.DataFrame(columns)
