"""Children at the front door (MASH contacts) and Operation Encompass notifications to schools."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from etl.sample.clock import HOUR, MINUTE, Window, lognormal_delay, moments, next_school_morning
from etl.sample.demographics import record
from etl.sample.frames import draw, make_ids, pick
from etl.sample.geography import District
from etl.sample.incidents import HIGH, MEDIUM, Incidents, children_at
from etl.sample.people import Children, Victims, lsoa_in_ward
from etl.sample.population import Population
from etl.sample.referrals import SOURCES

DECISIONS = ("no_further_action", "early_help", "assessment", "child_protection_enquiry", "pending")
DECISION_MIX = {"domestic_abuse": [0.30, 0.30, 0.28, 0.12], "other": [0.45, 0.30, 0.20, 0.05]}
OTHER_SOURCE_MIX = [0.05, 0.15, 0, 0.25, 0.30, 0.10, 0.15]  # in SOURCES order
SCHOOL_AGE = (1, 2)  # 5-10 and 11-15
NON_DA_SHARE = 0.2


@dataclass(frozen=True)
class Contacts:
    child: np.ndarray  # household child index; beyond the households for children in no police record
    incident: np.ndarray  # -1 when not about a police incident
    received_at: np.ndarray
    source: np.ndarray
    is_domestic_abuse: np.ndarray
    decision: np.ndarray
    decided_at: np.ndarray


def mash_contacts(
    rng: np.random.Generator, incidents: Incidents, victims: Victims, children: Children, window: Window
) -> Contacts:
    """Police notify the front door about children at medium- and high-risk incidents; other agencies add more."""
    present = incidents.n_children > 0
    notified = present & ((incidents.risk == HIGH) | ((incidents.risk == MEDIUM) & (rng.random(incidents.size) < 0.25)))
    incident, child = children_at(incidents, victims, np.flatnonzero(notified))
    received_at = incidents.reported_at[incident] + lognormal_delay(rng, 14 * HOUR, 0.8, incident.size)
    source = np.full(incident.size, SOURCES.index("police"))

    n_other_da = int(0.1 * incident.size)
    others = np.flatnonzero(present & ~notified)
    extra_incident, extra_child = children_at(incidents, victims, rng.choice(others, min(n_other_da, others.size), replace=False))
    extra_received = incidents.reported_at[extra_incident] + lognormal_delay(rng, 5 * 24 * HOUR, 0.8, extra_incident.size)

    n_not_da = int((incident.size + extra_incident.size) * NON_DA_SHARE / (1 - NON_DA_SHARE))
    not_da_child = children.size + np.arange(n_not_da)
    not_da_received = window.start + rng.random(n_not_da) * (window.end - window.start)

    child = np.concatenate([child, extra_child, not_da_child])
    incident = np.concatenate([incident, extra_incident, np.full(n_not_da, -1)])
    received_at = np.concatenate([received_at, extra_received, not_da_received])
    is_da = incident >= 0
    source = np.concatenate([source, draw(rng, OTHER_SOURCE_MIX, extra_incident.size + n_not_da)])
    decision = np.where(
        is_da, draw(rng, DECISION_MIX["domestic_abuse"], child.size), draw(rng, DECISION_MIX["other"], child.size)
    )
    decided_at = window.keep(received_at + lognormal_delay(rng, 9 * HOUR, 1.1, child.size))
    decision = np.where(np.isnan(decided_at), DECISIONS.index("pending"), decision)
    inside = received_at < window.end
    order = np.argsort(received_at[inside], kind="stable")
    pick_rows = np.flatnonzero(inside)[order]
    return Contacts(
        child[pick_rows],
        incident[pick_rows],
        received_at[pick_rows],
        source[pick_rows],
        is_da[pick_rows],
        decision[pick_rows],
        decided_at[pick_rows],
    )


def mash_frame(
    rng: np.random.Generator,
    contacts: Contacts,
    victims: Victims,
    children: Children,
    district: District,
    population: Population,
    window: Window,
) -> pl.DataFrame:
    size = contacts.child.size
    known = contacts.child < children.size
    parent = children.parent[np.where(known, contacts.child, 0)]
    # Children the police never met are drawn from the resident children of the district.
    residents = population.in_year(window.start_day.year)[:, :, :4, :]  # (ward, sex, child age, group)
    cell = rng.choice(residents.size, size=size, p=(residents / residents.sum()).reshape(-1))
    ward, sex, age, ethnicity = np.unravel_index(cell, residents.shape)
    child_index = np.where(known, contacts.child, 0)
    ward = np.where(known, victims.ward[parent], ward)
    sex = np.where(known, children.sex[child_index], sex)
    age = np.where(known, children.age[child_index], age)
    ethnicity = np.where(known, victims.ethnicity[parent], ethnicity)
    described = record(rng, sex=sex, age=age, ethnicity=ethnicity, is_disabled=np.zeros(size, bool), is_lgbt=np.zeros(size, bool))
    lsoa = np.where(known, victims.lsoa[parent], lsoa_in_ward(rng, district, ward))
    in_lsoa = rng.random(size) < 0.10
    return pl.DataFrame(
        [
            make_ids("contact_id", "M", np.arange(1, size + 1)),
            make_ids("child_id", "C", contacts.child + 1),
            moments("received_at", contacts.received_at),
            pick("source", SOURCES, contacts.source),
            pl.Series("is_domestic_abuse", contacts.is_domestic_abuse),
            pick("decision", DECISIONS, contacts.decision),
            moments("decided_at", contacts.decided_at),
            *described.columns(np.arange(size), prefix="child_", with_flags=False),
            pick("ward_code", district.codes, ward, valid=~in_lsoa),
            pick("lsoa_code", district.lsoa_codes, lsoa, valid=in_lsoa),
        ]
    )


def school_frame(
    rng: np.random.Generator, incidents: Incidents, victims: Victims, children: Children, window: Window
) -> pl.DataFrame:
    """One notification per school-age child present; most reach the school before the next school day."""
    incident, child = children_at(incidents, victims, np.flatnonzero(incidents.n_children > 0))
    at_school = np.isin(children.age[child], SCHOOL_AGE)
    incident, child = incident[at_school], child[at_school]
    reported_at = incidents.reported_at[incident]
    deadline = next_school_morning(reported_at)
    on_time = deadline - MINUTE * rng.uniform(15, 150, incident.size)
    on_time = np.maximum(on_time, reported_at + 20 * MINUTE)
    late = deadline + lognormal_delay(rng, 6 * HOUR, 1.2, incident.size)
    notified_at = np.where(rng.random(incident.size) < 0.87, on_time, late)
    kept = notified_at < window.end
    order = np.argsort(notified_at[kept], kind="stable")
    incident, child, notified_at = incident[kept][order], child[kept][order], notified_at[kept][order]
    return pl.DataFrame(
        [
            make_ids("notification_id", "OE", np.arange(1, incident.size + 1)),
            make_ids("incident_id", "INC", incident + 1),
            make_ids("child_id", "C", child + 1),
            make_ids("school_id", "SCH", children.school[child] + 1, width=4),
            moments("notified_at", notified_at),
        ]
    )
