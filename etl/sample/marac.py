"""MARAC cases: police referrals of high-risk incidents, plus referrals from other agencies.

Other agencies refer about 36% of cases (SafeLives). Some of their referrals are victims the
MARAC heard within the last year, chosen so that about 30% of all cases are repeats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from etl.sample.clock import DAY, Window, days, lognormal_delay, start_of_day, weekday
from etl.sample.demographics import Recorded
from etl.sample.frames import counts, draw, make_ids, pick
from etl.sample.geography import District
from etl.sample.incidents import MEDIUM, Incidents
from etl.sample.params import SampleParameters
from etl.sample.people import Victims

AGENCIES = (
    "police",
    "idva",
    "health",
    "childrens_social_care",
    "adult_social_care",
    "housing",
    "probation",
    "education",
    "voluntary",
    "other",
)
# Referrals from agencies other than police (SafeLives national mix, rounded).
OTHER_AGENCY_WEIGHTS = np.array([0, 0.30, 0.18, 0.17, 0.05, 0.08, 0.07, 0.03, 0.09, 0.03])
SAME_CASE_DAYS = 42  # a further referral this soon is discussed as the same case


@dataclass(frozen=True)
class MaracCases:
    victim: np.ndarray
    heard_on: np.ndarray  # seconds at midnight
    agency: np.ndarray

    @property
    def size(self) -> int:
        return self.victim.size


def build_marac(
    rng: np.random.Generator, incidents: Incidents, window: Window, params: SampleParameters, *, hidden_victims: np.ndarray
) -> MaracCases:
    referred = np.flatnonzero(incidents.is_referred_to_marac)
    heard = _next_hearing(
        incidents.reported_at[referred] + np.maximum(lognormal_delay(rng, 9 * DAY, 0.5, referred.size), 2 * DAY)
    )
    victim = incidents.victim[referred]
    order = np.lexsort((heard, victim))
    victim, heard = victim[order], heard[order]
    new_case = np.ones(victim.size, dtype=bool)
    new_case[1:] = (victim[1:] != victim[:-1]) | (heard[1:] - heard[:-1] > SAME_CASE_DAYS * DAY)
    heard_at_all = rng.random(victim.size) >= params.marac_screened_out
    kept = new_case & heard_at_all & (heard < window.end)
    police_victim, police_heard = victim[kept], heard[kept]

    n_other = round(police_victim.size * params.marac_non_police_share / (1 - params.marac_non_police_share))
    police_repeats = _repeat_count(police_victim, police_heard)
    wanted = params.marac_repeat_target * (police_victim.size + n_other) - police_repeats
    n_repeat = int(np.clip(round(wanted), 0, n_other))
    earlier = rng.integers(0, max(police_victim.size, 1), n_repeat)
    repeat_heard = _next_hearing(police_heard[earlier] + rng.uniform(45, 330, n_repeat) * DAY)

    # The other new cases: victims police rated medium risk, and victims never known to police.
    medium = np.flatnonzero((incidents.risk == MEDIUM) & ~incidents.is_referred_to_marac)
    n_fresh = n_other - n_repeat
    n_hidden = min(round(0.3 * n_fresh), hidden_victims.size)
    chosen = medium[rng.integers(0, max(medium.size, 1), n_fresh - n_hidden)]
    fresh_victim = np.concatenate([incidents.victim[chosen], rng.choice(hidden_victims, n_hidden, replace=False)])
    fresh_from = np.concatenate(
        [incidents.reported_at[chosen], window.start + rng.random(n_hidden) * (window.end - window.start)]
    )
    fresh_heard = _next_hearing(fresh_from + rng.uniform(7, 60, fresh_victim.size) * DAY)

    victim = np.concatenate([police_victim, police_victim[earlier], fresh_victim])
    heard = np.concatenate([police_heard, repeat_heard, fresh_heard])
    agency = np.concatenate([np.zeros(police_victim.size, dtype=np.int64), draw(rng, OTHER_AGENCY_WEIGHTS, n_other)])
    inside = (heard >= window.start) & (heard < window.end)
    order = np.lexsort((victim[inside], heard[inside]))
    return MaracCases(victim[inside][order], heard[inside][order], agency[inside][order])


def _next_hearing(seconds: np.ndarray) -> np.ndarray:
    """The MARAC sits on Tuesdays and Thursdays: the first sitting on or after each day."""
    day = start_of_day(seconds)
    day_of_week = weekday(day)
    ahead = np.select([day_of_week <= 1, day_of_week <= 3], [1 - day_of_week, 3 - day_of_week], default=8 - day_of_week)
    return day + ahead * DAY


def _repeat_count(victim: np.ndarray, heard: np.ndarray) -> int:
    order = np.lexsort((heard, victim))
    victim, heard = victim[order], heard[order]
    repeat = (victim[1:] == victim[:-1]) & (heard[1:] - heard[:-1] <= 365 * DAY)
    return int(repeat.sum())


def marac_frame(
    cases: MaracCases,
    victims: Victims,
    recorded: Recorded,
    district: District,
    victim_number: np.ndarray,
    rng: np.random.Generator,
) -> pl.DataFrame:
    victim = cases.victim
    in_lsoa = rng.random(cases.size) < 0.05
    return pl.DataFrame(
        [
            make_ids("case_id", "MC", np.arange(1, cases.size + 1)),
            make_ids("victim_id", "V", victim_number[victim]),
            days("heard_on", cases.heard_on),
            pick("referral_agency", AGENCIES, cases.agency),
            counts("n_children_in_household", victims.n_children[victim]),
            *recorded.columns(victim, prefix="victim_"),
            pick("ward_code", district.codes, victims.ward[victim], valid=~in_lsoa),
            pick("lsoa_code", district.lsoa_codes, victims.lsoa[victim], valid=in_lsoa),
        ]
    )
