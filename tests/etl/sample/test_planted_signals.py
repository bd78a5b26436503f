"""Each signal planted in the committed sample is there, in the direction data/sample/README.md says.

Every figure is worked out plainly from the files, as an analyst would, not with the generator's code.
"""

from __future__ import annotations

import math
from datetime import date

import polars as pl

FULL_YEARS = list(range(2021, 2026))  # financial years 2021/22 to 2025/26
ADULT = ~pl.col("age_band").is_in(["0-4", "5-10", "11-15"])
SURVEY_RATE = {"female": 0.057, "male": 0.032}  # CSEW year ending March 2023, ages 16+


def financial_year(column: str) -> pl.Expr:
    moment = pl.col(column)
    return pl.when(moment.dt.month() >= 4).then(moment.dt.year()).otherwise(moment.dt.year() - 1).alias("fy")


def two_proportion_z(hits_a: int, n_a: int, hits_b: int, n_b: int) -> float:
    pooled = (hits_a + hits_b) / (n_a + n_b)
    return (hits_a / n_a - hits_b / n_b) / math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))


def test_asian_women_in_three_wards_report_far_less_than_the_survey_predicts(drop, planted) -> None:
    """Known victims per expected victim, by area, sex and ethnic group, over five financial years."""
    area = pl.when(pl.col("ward").is_in(planted["under_reporting_wards"])).then(pl.lit("three wards")).otherwise(pl.lit("rest"))
    victims = (
        drop["police_incidents"]
        .with_columns(financial_year("reported_at"))
        .filter(pl.col("fy").is_in(FULL_YEARS))
        .group_by("fy", "victim_id")
        .agg(pl.col("ward", "victim_sex", "victim_ethnicity").last())
        .group_by(area.alias("area"), sex="victim_sex", ethnicity="victim_ethnicity")
        .agg(known=pl.len())
    )
    residents = drop["population"].filter(ADULT, pl.col("year").is_in(FULL_YEARS))
    rate = pl.col("sex").replace_strict(SURVEY_RATE, return_dtype=pl.Float64)
    area = (
        pl.when(pl.col("area_code").is_in(planted["under_reporting_wards"])).then(pl.lit("three wards")).otherwise(pl.lit("rest"))
    )
    expected = residents.group_by(area.alias("area"), "sex", "ethnicity").agg(
        (pl.col("population") * rate).sum().alias("expected")
    )
    ratio = expected.join(victims, on=["area", "sex", "ethnicity"]).with_columns(ratio=pl.col("known") / pl.col("expected"))
    in_community = (pl.col("area") == "three wards") & (pl.col("sex") == "female") & (pl.col("ethnicity") == "asian")
    community, others = ratio.filter(in_community), ratio.filter(~in_community)
    assert community["known"].item() > 300
    assert community["ratio"].item() < 0.5 * (others["known"].sum() / others["expected"].sum())
    assert community["ratio"].item() < others["ratio"].min()


def test_one_ward_charges_far_fewer_cps_referred_suspects(drop, planted) -> None:
    decided = drop["crime_outcomes"].filter(pl.col("charge_decision").is_in(["charged", "no_further_action", "out_of_court"]))
    charged = pl.col("charge_decision") == "charged"
    ward = decided.filter(pl.col("ward") == planted["attrition_ward"])
    rest = decided.filter(pl.col("ward") != planted["attrition_ward"])
    z = two_proportion_z(ward.filter(charged).height, ward.height, rest.filter(charged).height, rest.height)
    assert ward.height >= 200
    assert ward.filter(charged).height / ward.height < decided.filter(charged).height / decided.height - 0.15
    assert z < -1.959964
    by_ward = decided.group_by("ward").agg(charged.mean().alias("rate")).sort("rate")
    assert by_ward["ward"][0] == planted["attrition_ward"]


def test_no_service_takes_male_victims_in_the_northern_wards(drop, planted) -> None:
    north = set(planted["northern_wards"])
    for service in drop["services"].iter_rows(named=True):
        covers_north = service["wards_served"] == "all" or bool(north & set(service["wards_served"].split(";")))
        if covers_north:
            assert not {"men", "all"} & set(service["client_groups"].split(";")), service["service_id"]
    victims = drop["service_referrals"].filter(pl.col("person_role") == "victim")
    assert victims.filter(pl.col("sex") == "male", pl.col("ward").is_in(north)).is_empty()
    assert victims.filter(pl.col("sex") == "male", ~pl.col("ward").is_in(north)).height > 100
    assert victims.filter(pl.col("sex") == "female", pl.col("ward").is_in(north)).height > 100
    known_men = drop["police_incidents"].filter(pl.col("victim_sex") == "male", pl.col("ward").is_in(north))
    assert known_men["victim_id"].n_unique() > 500  # the need is there


def test_one_ward_is_high_and_rising(drop, planted) -> None:
    incidents = drop["police_incidents"].with_columns(financial_year("reported_at")).filter(pl.col("fy").is_in(FULL_YEARS))
    residents = drop["population"].group_by("area_code", "year").agg(pl.col("population").sum())
    district = (
        incidents.group_by("fy")
        .agg(pl.len().alias("n"))
        .join(residents.group_by("year").agg(pl.col("population").sum()), left_on="fy", right_on="year")
    )
    ward = (
        incidents.filter(pl.col("ward") == planted["rising_ward"])
        .group_by("fy")
        .agg(pl.len().alias("n"))
        .join(residents.filter(pl.col("area_code") == planted["rising_ward"]), left_on="fy", right_on="year")
    )
    district_rate = district.sort("fy").select(pl.col("n") / pl.col("population") * 1000).to_series()
    ward_rate = ward.sort("fy").select(pl.col("n") / pl.col("population") * 1000).to_series()
    assert (ward_rate > district_rate * 1.2).all()
    assert ward_rate.diff().drop_nulls().min() > 0  # up every year
    assert ward_rate[-1] > 1.5 * ward_rate[0]
    assert ward_rate.mean() > 1.4 * district_rate.mean()


def test_a_target_is_off_its_trajectory(drop, planted) -> None:
    target = next(item for item in drop["action_plan"]["targets"] if item["id"] == planted["off_trajectory_target"])
    assert target["target"]["value"] > target["baseline"]["value"]  # the plan asks for a rise
    milestones = [stone["value"] for stone in target["milestones"]]
    assert milestones == sorted(milestones)
    spoken = (
        drop["police_incidents"]
        .filter(pl.col("n_children_present") > 0)
        .with_columns(financial_year("reported_at"))
        .group_by("fy")
        .agg(pl.col("is_child_spoken_to").mean() * 100)
        .sort("fy")
    )
    actual = dict(spoken.iter_rows())
    baseline_year = int(target["baseline"]["period"][:4])
    assert abs(actual[baseline_year] - target["baseline"]["value"]) < 0.06
    for stone in target["milestones"]:
        due: date = stone["by"]
        if due.year - 1 in actual and due.year - 1 < 2026:
            assert actual[due.year - 1] < stone["value"] - 2, due
    assert actual[2025] < actual[baseline_year] - 3  # moving the wrong way


def test_support_before_the_charge_decision_means_fewer_victim_issues(drop) -> None:
    supported = (
        drop["service_referrals"]
        .filter(pl.col("person_role") == "victim", pl.col("started_at").is_not_null())
        .group_by("person_id")
        .agg(pl.col("started_at").min().alias("first_support"))
    )
    decided = drop["crime_outcomes"].filter(
        pl.col("charge_decision").is_in(["charged", "no_further_action", "out_of_court"]), pl.col("victim_issue").is_not_null()
    )
    crimes = decided.join(supported, left_on="victim_id", right_on="person_id", how="left").with_columns(
        before=(pl.col("first_support") <= pl.col("charge_decision_at")).fill_null(False), issue=pl.col("victim_issue") != "none"
    )
    early, late = crimes.filter(pl.col("before")), crimes.filter(~pl.col("before"))
    assert early.height > 500 and late.height > 500
    assert early["issue"].mean() < late["issue"].mean() - 0.10
    assert two_proportion_z(early["issue"].sum(), early.height, late["issue"].sum(), late.height) < -3.090232


def test_the_plan_holds_targets_that_fail_smart_checks_on_purpose(drop) -> None:
    targets = drop["action_plan"]["targets"]
    assert len(targets) >= 12
    assert {item["priority"] for item in targets} == {"prevention", "provision", "protection", "prosecution"}
    assert any("indicator" not in item for item in targets)
    assert any("owner" not in item for item in targets)
    assert any("by" not in item["target"] for item in targets)
    assert any("baseline" not in item and "obtain_baseline_by" not in item for item in targets)
    assert any("obtain_baseline_by" in item for item in targets)
    known = {
        "prevalence_incidents_per_1000",
        "repeat_victimisation_pct",
        "hidden_need_reporting_ratio",
        "marac_cases_per_10000_women",
        "marac_repeat_pct",
        "school_notified_next_day_pct",
        "mash_decision_24h_pct",
        "child_spoken_to_pct",
        "arrest_rate_per_100_crimes",
        "charge_rate_pct",
        "conviction_rate_pct",
        "outcome16_pct",
        "idva_caseload_per_fte",
        "service_completion_pct",
    }
    assert any(item.get("indicator") and item["indicator"] not in known for item in targets)
    assert {item["kind"] for item in targets} == {"absolute", "proportional", "benchmark", "trend", "tolerance"}
