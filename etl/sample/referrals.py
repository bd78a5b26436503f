"""Referrals to specialist services, drawn from the events that prompt them.

Victims are referred after high- and medium-risk incidents, when their case goes to the
CPS, after the charge decision, and by themselves (including victims police never met).
Children are referred after incidents they were present at, perpetrators to the behaviour
change programme. A referral goes only to a service that serves the person's ward and
group, so the gaps in the register (signal 3) show as people who were never referred.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from etl.sample.clock import DAY, Window, lognormal_delay, moments
from etl.sample.demographics import Recorded
from etl.sample.frames import draw, make_ids, pick
from etl.sample.geography import District
from etl.sample.incidents import HIGH, MEDIUM, Incidents, children_at
from etl.sample.justice import CrimePath
from etl.sample.people import Children, Victims
from etl.sample.service_list import BY_ID, SERVICES
from etl.sample.services import asian_wards, serves

SOURCES = ("self", "police", "marac", "health", "education", "social_care", "other")
SELF, POLICE, MARAC, HEALTH, EDUCATION, SOCIAL_CARE, OTHER = range(7)
ROLES = ("victim", "child", "perpetrator")
VICTIM, CHILD, PERPETRATOR = range(3)
END_REASONS = ("completed", "disengaged", "declined", "not_eligible", "transferred")
NONE = -1
START_DELAY_DAYS = {"idva": 2, "refuge": 1, "counselling": 21, "perpetrator_programme": 30, "helpline": 0.2}


@dataclass(frozen=True)
class Referrals:
    service: np.ndarray
    person: np.ndarray  # victim, child or perpetrator index, by role
    role: np.ndarray
    referred_at: np.ndarray
    source: np.ndarray
    started_at: np.ndarray
    ended_at: np.ndarray
    end_reason: np.ndarray  # index into END_REASONS, NONE while support goes on

    def support_starts(self, n_victims: int) -> np.ndarray:
        """Each victim's first specialist support start (NaN when support never started)."""
        first = np.full(n_victims, np.inf)
        is_victim = (self.role == VICTIM) & ~np.isnan(self.started_at)
        np.minimum.at(first, self.person[is_victim], self.started_at[is_victim])
        return np.where(np.isinf(first), np.nan, first)


class _Drafts:
    """Referrals collected stream by stream before their timelines are drawn."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, service: np.ndarray, person: np.ndarray, role: int, referred_at: np.ndarray, source: np.ndarray | int) -> None:
        kept = service != NONE
        size = int(kept.sum())
        self.parts.append(
            (service[kept], person[kept], np.full(size, role), referred_at[kept], np.broadcast_to(source, service.shape)[kept])
        )

    def arrays(self) -> list[np.ndarray]:
        return [np.concatenate([part[i] for part in self.parts]) for i in range(5)]


def victim_service(
    rng: np.random.Generator, victims: Victims, district: District, victim: np.ndarray, *, default: str
) -> np.ndarray:
    """The service a victim is referred to: a specialist one where it serves them, else the default."""
    table = serves(district)
    ward = victims.ward[victim]
    is_woman = victims.sex[victim] == 0
    service = np.where(is_woman & table[BY_ID[default], ward], BY_ID[default], NONE)
    size = victim.size
    asian_area = np.isin(ward, asian_wards(district))
    specialist = [
        ("SVC06", is_woman & (victims.ethnicity[victim] == 0) & asian_area, 0.5),
        ("SVC11", is_woman & (victims.ethnicity[victim] == 1), 0.4),
        ("SVC07", victims.is_lgbt[victim], 0.5),
        ("SVC14", victims.is_disabled[victim], 0.1),
        ("SVC08", ~is_woman, 0.7),
    ]
    for service_id, fits, chance in specialist:
        index = BY_ID[service_id]
        chosen = fits & table[index, ward] & (rng.random(size) < chance)
        service = np.where(chosen, index, service)
    return service


def draw_referrals(
    rng: np.random.Generator,
    *,
    victims: Victims,
    children: Children,
    incidents: Incidents,
    path: CrimePath,
    district: District,
    window: Window,
    hidden: np.ndarray,
) -> Referrals:
    drafts = _Drafts()
    victim = incidents.victim
    rolls = rng.random(incidents.size)
    high = np.flatnonzero((incidents.risk == HIGH) & (rolls < 0.65))
    high_source = np.where(incidents.is_referred_to_marac[high] & (rng.random(high.size) < 0.5), MARAC, POLICE)
    drafts.add(
        victim_service(rng, victims, district, victim[high], default="SVC01"),
        victim[high],
        VICTIM,
        incidents.reported_at[high] + lognormal_delay(rng, DAY, 0.7, high.size),
        high_source,
    )
    medium = np.flatnonzero((incidents.risk == MEDIUM) & (rolls < 0.12))
    drafts.add(
        victim_service(rng, victims, district, victim[medium], default="SVC03"),
        victim[medium],
        VICTIM,
        incidents.reported_at[medium] + lognormal_delay(rng, 3 * DAY, 0.8, medium.size),
        POLICE,
    )

    # Support around the charge decision: before it for some victims (from CPS referral), after it for others.
    at_cps = np.flatnonzero(~np.isnan(path.cps_referred_at) & (rng.random(path.size) < 0.40))
    crime_victim = victim[path.incident[at_cps]]
    drafts.add(
        victim_service(rng, victims, district, crime_victim, default="SVC01"),
        crime_victim,
        VICTIM,
        path.cps_referred_at[at_cps] + lognormal_delay(rng, 2 * DAY, 0.8, at_cps.size),
        POLICE,
    )
    after = np.flatnonzero(~np.isnan(path.charge_decision_at) & (rng.random(path.size) < 0.25))
    crime_victim = victim[path.incident[after]]
    drafts.add(
        victim_service(rng, victims, district, crime_victim, default="SVC03"),
        crime_victim,
        VICTIM,
        path.charge_decision_at[after] + lognormal_delay(rng, 8 * DAY, 0.8, after.size),
        OTHER,
    )

    _self_referrals(rng, drafts, victims, district, hidden)
    _children_and_perpetrators(rng, drafts, victims, children, incidents, district)
    service, person, role, referred_at, source = drafts.arrays()
    inside = (referred_at >= window.start) & (referred_at < window.end)
    order = np.lexsort((person[inside], referred_at[inside]))
    service, person, role, referred_at, source = (a[inside][order] for a in (service, person, role, referred_at, source))
    return _timelines(rng, service, person, role, referred_at, source, window)


def _self_referrals(rng: np.random.Generator, drafts: _Drafts, victims: Victims, district: District, hidden: np.ndarray) -> None:
    """Victims police never met find the helpline, counselling, legal advice, a refuge or a specialist service."""
    service_mix = np.array([BY_ID[s] for s in ("SVC09", "SVC10", "SVC13", "SVC03", "SVC02")])
    default = service_mix[draw(rng, [0.30, 0.22, 0.15, 0.23, 0.10], hidden.size)]
    service = victim_service(rng, victims, district, hidden, default="SVC03")
    service = np.where(service == BY_ID["SVC03"], default, service)
    source = np.array([SELF, HEALTH, OTHER])[draw(rng, [0.6, 0.25, 0.15], hidden.size)]
    drafts.add(service, hidden, VICTIM, victims.first_at[hidden], source)


def _children_and_perpetrators(
    rng: np.random.Generator, drafts: _Drafts, victims: Victims, children: Children, incidents: Incidents, district: District
) -> None:
    table = serves(district)
    with_children = np.flatnonzero((incidents.n_children > 0) & (rng.random(incidents.size) < 0.035))
    incident, child = children_at(incidents, victims, with_children)
    referred_at = incidents.reported_at[incident]
    ward = victims.ward[children.parent[child]]
    young_person = children.age[child] == 3
    service_index = np.where(young_person, BY_ID["SVC12"], BY_ID["SVC04"])
    service = np.where(table[service_index, ward], service_index, NONE)
    source = np.array([SOCIAL_CARE, EDUCATION, POLICE])[draw(rng, [0.5, 0.25, 0.25], child.size)]
    drafts.add(service, child, CHILD, referred_at + lognormal_delay(rng, 10 * DAY, 0.8, child.size), source)

    known = np.flatnonzero(incidents.is_perpetrator_known & incidents.is_crime & (rng.random(incidents.size) < 0.02))
    perpetrator = victims.perpetrator[incidents.victim[known]]
    ward = victims.ward[incidents.victim[known]]
    service = np.where(table[BY_ID["SVC05"], ward], BY_ID["SVC05"], NONE)
    source = np.array([OTHER, SOCIAL_CARE, SELF])[draw(rng, [0.5, 0.3, 0.2], known.size)]
    drafts.add(
        service, perpetrator, PERPETRATOR, incidents.reported_at[known] + lognormal_delay(rng, 20 * DAY, 0.8, known.size), source
    )


def _timelines(
    rng: np.random.Generator,
    service: np.ndarray,
    person: np.ndarray,
    role: np.ndarray,
    referred_at: np.ndarray,
    source: np.ndarray,
    window: Window,
) -> Referrals:
    size = service.size
    kinds = [spec.service_type for spec in SERVICES]
    start_delay = np.array([START_DELAY_DAYS.get(kind, 6) for kind in kinds])[service] * DAY
    duration = np.array([spec.typical_weeks * 7 for spec in SERVICES])[service] * DAY
    starts = rng.random(size) < np.where(source == SELF, 0.9, 0.8)
    started_at = window.keep(np.where(starts, referred_at + lognormal_delay(rng, 1.0, 0.9, size) * start_delay, np.nan))
    closed_unstarted = np.where(rng.random(size) < 0.7, 2, 3)  # declined or not eligible
    ended_at = np.where(
        starts,
        started_at + lognormal_delay(rng, 1.0, 0.6, size) * duration,
        referred_at + lognormal_delay(rng, 5 * DAY, 0.6, size),
    )
    ended_at = window.keep(np.where(starts & np.isnan(started_at), np.nan, ended_at))
    finished = np.array([0, 1, 4])[draw(rng, [0.58, 0.30, 0.12], size)]
    end_reason = np.where(np.isnan(ended_at), NONE, np.where(starts, finished, closed_unstarted))
    return Referrals(service, person, role, referred_at, source, started_at, ended_at, end_reason)


def referral_frame(
    referrals: Referrals,
    *,
    victims: Victims,
    children: Children,
    district: District,
    victim_number: np.ndarray,
    victim_recorded: Recorded,
    child_recorded: Recorded,
    perpetrator_recorded: Recorded,
    rng: np.random.Generator,
) -> pl.DataFrame:
    role, person = referrals.role, referrals.person
    as_victim, as_child = np.where(role == VICTIM, person, 0), np.where(role == CHILD, person, 0)
    household = np.select([role == CHILD, role == PERPETRATOR], [children.parent[as_child], person], default=person)
    number = np.select([role == VICTIM, role == CHILD], [victim_number[as_victim], person + 1], default=person + 1)
    ids = (pl.Series(["V", "C", "P"]).gather(role) + make_ids("n", "", number)).alias("person_id")
    recorded = (victim_recorded, child_recorded, perpetrator_recorded)
    chosen = {
        name: np.select(
            [role == k for k in range(3)], [getattr(r, name)[np.where(role == k, person, 0)] for k, r in enumerate(recorded)]
        )
        for name in ("sex", "age", "ethnicity", "disability", "lgbt")
    }
    in_lsoa = rng.random(role.size) < 0.10
    return pl.DataFrame(
        [
            make_ids("referral_id", "R", np.arange(1, role.size + 1)),
            pick("service_id", [spec.service_id for spec in SERVICES], referrals.service),
            ids,
            pick("person_role", ROLES, role),
            moments("referred_at", referrals.referred_at),
            moments("started_at", referrals.started_at),
            moments("ended_at", referrals.ended_at),
            pick("end_reason", END_REASONS, np.maximum(referrals.end_reason, 0), valid=referrals.end_reason >= 0),
            pick("source", SOURCES, referrals.source),
            *Recorded(**chosen).columns(np.arange(role.size)),
            pick("ward_code", district.codes, victims.ward[household], valid=~in_lsoa),
            pick("lsoa_code", district.lsoa_codes, victims.lsoa[household], valid=in_lsoa),
        ]
    )
