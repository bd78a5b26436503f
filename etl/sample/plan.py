"""The board's action plan: SMART targets across the four priorities, with some deliberately not SMART.

Baselines are the sample's own values for a full financial year. Planted signal 5 is
PROT-04: the plan asks for more children to be spoken to while the data shows fewer each
year. Targets that fail a SMART check on purpose say which check in `SMART_FAILURES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from etl.sample.clock import Window
from etl.sample.geography import District

OFF_TRAJECTORY_TARGET = "PROT-04"
SMART_FAILURES = {
    "PREV-04": "no indicator",
    "PROV-03": "unknown indicator",
    "PROV-04": "no owner",
    "PROS-04": "no target date",
    "PROS-05": "no baseline",
}


@dataclass(frozen=True)
class TargetSpec:
    id: str
    priority: str
    objective: str
    indicator: str | None
    kind: str
    owner: str | None
    rule: tuple[str, float]  # ("set", value), ("change", +/- points), ("scale", factor on the baseline)


def _targets(district: District) -> tuple[TargetSpec, ...]:
    under = ", ".join(district.names[w] for w in district.under_reporting_wards)
    return (
        TargetSpec(
            "PREV-01",
            "prevention",
            f"Close the reporting gap: more victims known to services, first among Asian women in {under}",
            "hidden_need_reporting_ratio",
            "proportional",
            "Chair, Prevention sub-group",
            ("scale", 1.15),
        ),
        TargetSpec(
            "PREV-02",
            "prevention",
            "Reduce repeat victimisation through earlier help after a first incident",
            "repeat_victimisation_pct",
            "absolute",
            "Head of Community Safety, Brackenfold Council",
            ("change", -3),
        ),
        TargetSpec(
            "PREV-03",
            "prevention",
            "Keep police-recorded domestic abuse below its expected trend while reporting grows",
            "prevalence_incidents_per_1000",
            "trend",
            "Chief Inspector, Safeguarding, West Pennine Police",
            ("scale", 1.05),
        ),
        TargetSpec(
            "PREV-04",
            "prevention",
            "Deliver healthy-relationships education in every secondary school",
            None,
            "absolute",
            "Head of Education Safeguarding",
            ("set", 100),
        ),
        TargetSpec(
            "PROV-01",
            "provision",
            "Keep IDVA caseloads within the safe range of 60-80 cases per full-time adviser",
            "idva_caseload_per_fte",
            "tolerance",
            "Commissioning Manager, Community Safety",
            ("set", 80),
        ),
        TargetSpec(
            "PROV-02",
            "provision",
            "Raise the share of victims who complete the support they start",
            "service_completion_pct",
            "proportional",
            "Chair, Provision sub-group",
            ("scale", 1.10),
        ),
        TargetSpec(
            "PROV-03",
            "provision",
            "Make a service for male victims available in every ward, the moorland wards first",
            "wards_with_male_victim_service",
            "absolute",
            "Commissioning Manager, Community Safety",
            ("set", 30),
        ),
        TargetSpec(
            "PROV-04",
            "provision",
            "Raise completion of support in the children's and young people's services",
            "service_completion_pct",
            "absolute",
            None,
            ("set", 70),
        ),
        TargetSpec(
            "PROV-05",
            "provision",
            "Understand how many LGBT+ victims are known to services, then close the gap",
            "hidden_need_reporting_ratio",
            "benchmark",
            "Chair, Provision sub-group",
            ("set", 30),
        ),
        TargetSpec(
            "PROT-01",
            "protection",
            "Hear the MARAC volume SafeLives expects for a district of this size",
            "marac_cases_per_10000_women",
            "benchmark",
            "MARAC Chair",
            ("set", 40),
        ),
        TargetSpec(
            "PROT-02",
            "protection",
            "Keep MARAC repeat cases within the expected 28-40% band",
            "marac_repeat_pct",
            "tolerance",
            "MARAC Chair",
            ("set", 28),
        ),
        TargetSpec(
            "PROT-03",
            "protection",
            "Tell schools before the next school day after every incident a pupil was linked to",
            "school_notified_next_day_pct",
            "absolute",
            "Operation Encompass Lead, West Pennine Police",
            ("set", 95),
        ),
        TargetSpec(
            "PROT-04",
            "protection",
            "Officers speak to every child present at an incident and record it",
            "child_spoken_to_pct",
            "absolute",
            "Chief Inspector, Safeguarding, West Pennine Police",
            ("set", 90),
        ),
        TargetSpec(
            "PROT-05",
            "protection",
            "Decide on every contact at the front door within 24 hours",
            "mash_decision_24h_pct",
            "absolute",
            "Head of the Multi-Agency Safeguarding Hub",
            ("set", 90),
        ),
        TargetSpec(
            "PROS-01",
            "prosecution",
            "Raise arrests for domestic abuse crimes to the national rate",
            "arrest_rate_per_100_crimes",
            "benchmark",
            "Chair, Prosecution sub-group",
            ("set", 46),
        ),
        TargetSpec(
            "PROS-02",
            "prosecution",
            "Charge as many CPS-referred suspects as the best national years",
            "charge_rate_pct",
            "benchmark",
            "CPS Area Domestic Abuse Lead",
            ("set", 78),
        ),
        TargetSpec(
            "PROS-03",
            "prosecution",
            "Convict more of the cases that reach court, with support that keeps victims engaged",
            "conviction_rate_pct",
            "absolute",
            "Chair, Prosecution sub-group",
            ("set", 80),
        ),
        TargetSpec(
            "PROS-04",
            "prosecution",
            "Fewer crimes closed because the victim does not support action (outcome 16)",
            "outcome16_pct",
            "absolute",
            "Chair, Prosecution sub-group",
            ("change", -5),
        ),
        TargetSpec(
            "PROS-05",
            "prosecution",
            "Cut victim retraction and non-attendance at court",
            "conviction_rate_pct",
            "absolute",
            "Witness Care Manager",
            ("set", 82),
        ),
    )


def action_plan(values: dict[str, dict[int, float]], district: District, window: Window) -> tuple[dict, str]:
    """The plan as a YAML-ready document, and the id of the target planted off trajectory."""
    full_years = [
        fy
        for fy in range(window.start_day.year - 1, window.end_day.year + 1)
        if date(fy, 4, 1) >= window.start_day and date(fy + 1, 3, 31) < window.end_day
    ]
    baseline_year = full_years[1] if len(full_years) >= 3 else (full_years[0] if full_years else None)
    end_year = window.end_day.year if window.end_day.month >= 4 else window.end_day.year - 1
    target_by = date(end_year + 2, 3, 31)
    targets = []
    for spec in _targets(district):
        measured = values.get(spec.indicator or "", {})
        baseline = measured.get(baseline_year) if baseline_year is not None else None
        target: dict = {"id": spec.id, "priority": spec.priority, "objective": spec.objective}
        if SMART_FAILURES.get(spec.id) != "no indicator":
            target["indicator"] = spec.indicator
        if spec.id == "PROV-05" or (baseline is None and SMART_FAILURES.get(spec.id) != "no baseline"):
            # No figure yet for this group: the plan commits to measuring it first.
            target["obtain_baseline_by"] = date(end_year + 1, 3, 31)
            baseline = None
        elif SMART_FAILURES.get(spec.id) != "no baseline" and baseline is not None and baseline_year is not None:
            target["baseline"] = {"value": round(baseline, 1), "period": f"{baseline_year}/{(baseline_year + 1) % 100:02d}"}
        goal = _goal(spec.rule, baseline)
        target["target"] = (
            {"value": goal} if SMART_FAILURES.get(spec.id) == "no target date" else {"value": goal, "by": target_by}
        )
        target["kind"] = spec.kind
        if spec.owner is not None:
            target["owner"] = spec.owner
        target["milestones"] = []
        if baseline is not None and goal is not None and baseline_year is not None:
            target["milestones"] = _milestones(baseline, goal, baseline_year, target_by)
        targets.append(target)
    document = {
        "board": "Brackenfold Domestic and Sexual Violence Board",
        "plan": f"Domestic abuse action plan to {target_by.year}",
        "adopted_on": date(baseline_year + 1, 6, 1) if baseline_year is not None else window.end_day,
        "targets": targets,
    }
    return document, OFF_TRAJECTORY_TARGET


def _goal(rule: tuple[str, float], baseline: float | None) -> float | None:
    how, amount = rule
    if how == "set":
        return float(amount)
    if baseline is None:
        return None  # a change on a baseline not yet measured cannot be set
    if how == "change":
        return round(baseline + amount, 1)
    return round(baseline * amount, 1)


def _milestones(baseline: float, goal: float, baseline_year: int, target_by: date) -> list[dict]:
    """A straight path from the baseline to the target, one point at the end of each financial year."""
    ends = [date(year + 1, 3, 31) for year in range(baseline_year + 1, target_by.year - 1)]
    span = (target_by - date(baseline_year + 1, 3, 31)).days
    return [
        {"value": round(baseline + (goal - baseline) * (end - date(baseline_year + 1, 3, 31)).days / span, 1), "by": end}
        for end in ends
    ]
