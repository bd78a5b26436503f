"""Each crime's path through justice: recorded, arrest, CPS referral, charge, court.

Two planted effects live here. The charge decision in the attrition ward (signal 2) charges
at half the odds of the rest of the district. And a victim whose specialist support began
before the charge decision is far less likely to retract, fail to attend or stop supporting
the case (signal 6); the support dates come from the service referrals themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from etl.sample.clock import DAY, Window, lognormal_delay, moments
from etl.sample.frames import counts, draw, make_ids, pick
from etl.sample.geography import District
from etl.sample.incidents import Incidents
from etl.sample.params import SampleParameters
from etl.sample.people import Victims

CHARGE_DECISIONS = ("charged", "no_further_action", "out_of_court", "pending")
CHARGED, NO_FURTHER_ACTION, OUT_OF_COURT, PENDING = range(4)
COURT_OUTCOMES = ("convicted", "acquitted", "discontinued", "dismissed", "pending")
VICTIM_ISSUES = ("retraction", "non_attendance", "does_not_support", "none")
RETRACTION, NON_ATTENDANCE, DOES_NOT_SUPPORT, NO_ISSUE = range(4)
# Home Office outcomes for crimes the police close without a CPS referral (16 and 15 dominate).
POLICE_OUTCOMES = np.array([16, 15, 14, 18, 3, 8, 21, 10, 20, 22])
POLICE_OUTCOME_WEIGHTS = np.array([0.0, 0.22, 0.04, 0.03, 0.03, 0.03, 0.04, 0.02, 0.01, 0.02])


@dataclass(frozen=True)
class CrimePath:
    incident: np.ndarray  # index of the incident each crime arose from
    recorded_at: np.ndarray
    arrested_at: np.ndarray
    cps_referred_at: np.ndarray
    charge_decision_at: np.ndarray
    police_outcome_at: np.ndarray  # crimes closed by the police without a CPS referral

    @property
    def size(self) -> int:
        return self.incident.size


def crime_path(rng: np.random.Generator, incidents: Incidents, window: Window, params: SampleParameters) -> CrimePath:
    """The dates along each crime's path that do not depend on the victim's support."""
    incident = np.flatnonzero(incidents.is_crime)
    size = incident.size
    recorded_at = incidents.recorded_at[incident]
    arrested_at = incidents.arrested_at[incident]
    arrested = ~np.isnan(arrested_at)
    referred = rng.random(size) < np.where(arrested, params.cps_referral_if_arrested, params.cps_referral_if_not_arrested)
    investigated_from = np.fmax(recorded_at, arrested_at)
    cps_referred_at = window.keep(np.where(referred, investigated_from + lognormal_delay(rng, 12 * DAY, 0.8, size), np.nan))
    charge_decision_at = window.keep(cps_referred_at + lognormal_delay(rng, 9 * DAY, 1.0, size))
    police_outcome_at = window.keep(np.where(referred, np.nan, investigated_from + lognormal_delay(rng, 35 * DAY, 0.9, size)))
    return CrimePath(incident, recorded_at, arrested_at, cps_referred_at, charge_decision_at, police_outcome_at)


def crime_frame(
    rng: np.random.Generator,
    path: CrimePath,
    incidents: Incidents,
    victims: Victims,
    district: District,
    window: Window,
    params: SampleParameters,
    *,
    support_starts: np.ndarray,
    victim_number: np.ndarray,
) -> pl.DataFrame:
    """The crime_outcomes extract. `support_starts` is each victim's first specialist support (NaN if none)."""
    size = path.size
    victim = incidents.victim[path.incident]
    decided = ~np.isnan(path.charge_decision_at)
    closed_by_police = ~np.isnan(path.police_outcome_at)

    supported_before = support_starts[victim] <= path.charge_decision_at
    issue_chance = np.where(supported_before, params.victim_issue_if_supported_before, params.victim_issue_if_not_supported)
    has_issue = decided & (rng.random(size) < issue_chance)
    issue = np.where(has_issue, draw(rng, [0.43, 0.22, 0.35], size), NO_ISSUE)

    decision = np.full(size, PENDING)
    charge_chance = np.full(size, params.charge_if_no_victim_issue)
    in_attrition_ward = victims.ward[victim] == district.attrition_ward
    charge_chance[in_attrition_ward] = _scale_odds(charge_chance[in_attrition_ward], params.attrition_charge_factor)
    charged = rng.random(size) < charge_chance
    # A case the victim withdrew from is mostly dropped at charge; non-attendance shows at court.
    dropped_for_victim = np.isin(issue, (RETRACTION, DOES_NOT_SUPPORT)) & (rng.random(size) < 0.85)
    charged = np.where(issue == NON_ATTENDANCE, True, np.where(has_issue, ~dropped_for_victim, charged))
    out_of_court = ~charged & ~has_issue & (rng.random(size) < 0.15)
    decision[decided] = np.select([charged, out_of_court], [CHARGED, OUT_OF_COURT], default=NO_FURTHER_ACTION)[decided]

    court_at = window.keep(
        np.where(decision == CHARGED, path.charge_decision_at + lognormal_delay(rng, 110 * DAY, 0.6, size), np.nan)
    )
    court = _court_outcomes(rng, issue, params)
    court = np.where(decision != CHARGED, -1, np.where(np.isnan(court_at), 4, court))
    # Whether a victim issue will lose a case still at court is not known yet.
    awaiting_court = (decision == CHARGED) & (court == 4)

    outcome_code, outcome_at = _outcome_codes(rng, path, decision, issue, closed_by_police, params)
    withdrew = np.where(rng.random(size) < 0.3, RETRACTION, DOES_NOT_SUPPORT)
    police_issue = np.select([outcome_code == 16, outcome_code == 14], [withdrew, DOES_NOT_SUPPORT], default=NO_ISSUE)
    issue = np.where(closed_by_police, police_issue, issue)
    issue_known = (decided & ~awaiting_court) | closed_by_police
    crime_number = np.arange(1, size + 1)
    in_lsoa = incidents.is_lsoa_only[path.incident]
    return pl.DataFrame(
        [
            make_ids("crime_id", "CR", crime_number),
            make_ids("incident_id", "INC", path.incident + 1),
            make_ids("victim_id", "V", victim_number[victim]),
            pick("ward_code", district.codes, victims.ward[victim], valid=~in_lsoa),
            pick("lsoa_code", district.lsoa_codes, victims.lsoa[victim], valid=in_lsoa),
            moments("recorded_at", path.recorded_at),
            moments("arrested_at", path.arrested_at),
            moments("cps_referred_at", path.cps_referred_at),
            pick("charge_decision", CHARGE_DECISIONS, decision, valid=~np.isnan(path.cps_referred_at)),
            moments("charge_decision_at", path.charge_decision_at),
            counts("outcome_code", np.nan_to_num(outcome_code).astype(np.int64), valid=~np.isnan(outcome_at)),
            moments("outcome_at", outcome_at),
            pick("court_outcome", COURT_OUTCOMES, np.maximum(court, 0), valid=court >= 0),
            moments("court_outcome_at", court_at),
            pick("victim_issue", VICTIM_ISSUES, issue, valid=issue_known),
        ]
    )


def _scale_odds(probability: np.ndarray, factor: float) -> np.ndarray:
    odds = probability / (1 - probability) * factor
    return odds / (1 + odds)


def _court_outcomes(rng: np.random.Generator, issue: np.ndarray, params: SampleParameters) -> np.ndarray:
    """Index into COURT_OUTCOMES for a charged case: a victim issue loses the case."""
    size = issue.size
    lost_share = [0.0, 0.6, 0.25, 0.15]  # of the cases lost without a victim issue
    without_issue = np.where(rng.random(size) < params.conviction_if_no_victim_issue, 0, draw(rng, lost_share, size))
    with_issue = np.where(rng.random(size) < 0.55, 2, 3)  # discontinued or dismissed
    return np.where(issue == NO_ISSUE, without_issue, with_issue)


def _outcome_codes(
    rng: np.random.Generator,
    path: CrimePath,
    decision: np.ndarray,
    issue: np.ndarray,
    closed_by_police: np.ndarray,
    params: SampleParameters,
) -> tuple[np.ndarray, np.ndarray]:
    """Home Office outcome: 1 charged, 16/15 for cases dropped, 3 caution, or the police's own outcome."""
    weights = POLICE_OUTCOME_WEIGHTS.copy()
    weights[0] = params.outcome16_share_police_closed
    weights[1:] *= (1 - weights[0]) / weights[1:].sum()
    police = POLICE_OUTCOMES[draw(rng, weights, path.size)]
    at_charge = np.select(
        [decision == CHARGED, decision == OUT_OF_COURT, issue != NO_ISSUE],
        [1, 3, 16],
        default=15,
    )
    decided = decision != PENDING
    code = np.where(closed_by_police, police, np.where(decided, at_charge, 0)).astype(float)
    outcome_at = np.where(closed_by_police, path.police_outcome_at, np.where(decided, path.charge_decision_at, np.nan))
    return np.where(np.isnan(outcome_at), np.nan, code), outcome_at
