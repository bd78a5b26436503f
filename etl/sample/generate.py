"""Generate the fictional sample district's drop: every extract and reference file in one folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl

from etl.sample.children import mash_contacts, mash_frame, school_frame
from etl.sample.clock import Window
from etl.sample.demographics import Recorded, perpetrator_profile, record
from etl.sample.geography import District, build_district
from etl.sample.incidents import build_incidents, incident_frame
from etl.sample.justice import crime_frame, crime_path
from etl.sample.marac import build_marac, marac_frame
from etl.sample.measures import indicator_values
from etl.sample.params import PARAMETERS, SampleParameters
from etl.sample.people import Children, Victims, draw_children, draw_hidden_victims, draw_victims, join_victims
from etl.sample.plan import action_plan
from etl.sample.population import Population, build_population, prevalence_rates
from etl.sample.referrals import draw_referrals, referral_frame
from etl.sample.services import register_frame
from etl.sample.writer import write_csv, write_parquet, write_wards, write_xlsx, write_yaml

# Each stage draws from its own random stream, so changing one stage leaves the others' draws alone.
STAGES = (
    "geography",
    "victims",
    "incidents",
    "hidden",
    "children",
    "recorded",
    "justice",
    "marac",
    "referrals",
    "outcomes",
    "front_door",
    "schools",
    "output",
)
HIDDEN_VICTIM_SHARE = 0.06  # victims known only to services, relative to those known to police
TABLE_FORMATS = {"parquet": write_parquet, "csv": write_csv}


@dataclass(frozen=True)
class SampleSummary:
    """What was written: rows per file, where each planted signal lives, and the parameters used."""

    out_dir: Path
    rows: dict[str, int]
    signals: dict[str, object] = field(default_factory=dict)
    parameters: dict[str, object] = field(default_factory=dict)


def generate_sample(
    out_dir: Path,
    *,
    seed: int = 20261126,
    years: int = 6,
    scale: float = 1.0,
    end: date = date(2026, 9, 30),
    tables_as: str = "parquet",
) -> SampleSummary:
    """Write the sample drop to `out_dir`. The same arguments always give the same files.

    `tables_as` is the format of the big extracts: "parquet" (the committed sample, small) or
    "csv" (what most agencies send, and what the load benchmark reads).
    """
    if years < 1 or scale <= 0:
        raise ValueError("years must be at least 1 and scale above 0")
    if tables_as not in TABLE_FORMATS:
        raise ValueError(f"tables_as must be one of {', '.join(TABLE_FORMATS)}, not {tables_as!r}")
    params = PARAMETERS
    rng = _streams(seed)
    window = Window.ending(end, years)
    district, population, police_pool, incidents = _police_side(rng, params, window, scale)
    hidden_pool = draw_hidden_victims(
        rng["hidden"], district, population, window, round(HIDDEN_VICTIM_SHARE * np.unique(incidents.victim).size)
    )
    victims = join_victims(police_pool, hidden_pool)
    hidden = np.arange(police_pool.size, victims.size)
    schools = np.tile([max(1, round(4 * scale)), max(1, round(scale))], (district.n_wards, 1))
    children = draw_children(rng["children"], victims, district, schools)

    recorded, child_recorded, perpetrator_recorded = _records(rng["recorded"], victims, children)
    path = crime_path(rng["justice"], incidents, window, params)
    marac = build_marac(rng["marac"], incidents, window, params, hidden_victims=hidden)
    referrals = draw_referrals(
        rng["referrals"],
        victims=victims,
        children=children,
        incidents=incidents,
        path=path,
        district=district,
        window=window,
        hidden=hidden,
    )
    victim_number = _victim_numbers(victims.size, incidents.victim)
    crime_number = np.cumsum(incidents.is_crime)

    output = rng["output"]
    frames = {
        "police_incidents": incident_frame(incidents, victims, recorded, district, victim_number, crime_number),
        "crime_outcomes": crime_frame(
            rng["outcomes"],
            path,
            incidents,
            victims,
            district,
            window,
            params,
            support_starts=referrals.support_starts(victims.size),
            victim_number=victim_number,
        ),
        "marac_cases": marac_frame(marac, victims, recorded, district, victim_number, output),
        "service_referrals": referral_frame(
            referrals,
            victims=victims,
            children=children,
            district=district,
            victim_number=victim_number,
            victim_recorded=recorded,
            child_recorded=child_recorded,
            perpetrator_recorded=perpetrator_recorded,
            rng=output,
        ),
        "mash_contacts": mash_frame(
            output,
            mash_contacts(rng["front_door"], incidents, victims, children, window),
            victims,
            children,
            district,
            population,
            window,
        ),
        "school_notifications": school_frame(rng["schools"], incidents, victims, children, window),
    }
    arguments: dict[str, int | float | str] = {"seed": seed, "years": years, "scale": scale, "end": end.isoformat()}
    return _write(Path(out_dir), district, population, window, frames, params=params, arguments=arguments, tables_as=tables_as)


def scale_for_incidents(incidents: int, *, seed: int = 20261126, years: int = 6, end: date = date(2026, 9, 30)) -> float:
    """The scale that gives about `incidents` police incidents: volumes grow in proportion to scale,
    so one quick run at scale 1 (police side only) calibrates it."""
    if incidents <= 0:
        raise ValueError("the number of incidents must be above 0")
    *_, at_unit_scale = _police_side(_streams(seed), PARAMETERS, Window.ending(end, years), 1.0)
    return incidents / at_unit_scale.size


def _streams(seed: int) -> dict[str, np.random.Generator]:
    return dict(zip(STAGES, (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(STAGES))), strict=True))


def _police_side(rng: dict[str, np.random.Generator], params: SampleParameters, window: Window, scale: float):
    district = build_district(rng["geography"], params)
    population = build_population(
        district, residents=params.residents * scale, years=window.calendar_years(), growth=params.population_growth_per_year
    )
    police_pool = draw_victims(rng["victims"], district, population, window, params)
    incidents = build_incidents(rng["incidents"], police_pool, district, window, params)
    return district, population, police_pool, incidents


def _records(rng: np.random.Generator, victims: Victims, children: Children) -> tuple[Recorded, Recorded, Recorded]:
    """How agencies record victims, their children and their perpetrators."""
    recorded = record(
        rng,
        sex=victims.sex,
        age=victims.age,
        ethnicity=victims.ethnicity,
        is_disabled=victims.is_disabled,
        is_lgbt=victims.is_lgbt,
    )
    child_recorded = record(
        rng,
        sex=children.sex,
        age=children.age,
        ethnicity=victims.ethnicity[children.parent],
        is_disabled=rng.random(children.size) < 0.06,
        is_lgbt=np.zeros(children.size, bool),
    )
    sex, age, ethnicity = perpetrator_profile(
        rng, victim_sex=victims.sex, victim_age=victims.age, victim_ethnicity=victims.ethnicity, relationship=victims.relationship
    )
    perpetrator_recorded = record(
        rng,
        sex=sex,
        age=age,
        ethnicity=ethnicity,
        is_disabled=rng.random(victims.size) < 0.08,
        is_lgbt=rng.random(victims.size) < 0.02,
    )
    return recorded, child_recorded, perpetrator_recorded


def _victim_numbers(n_victims: int, incident_victim: np.ndarray) -> np.ndarray:
    """Published victim numbers: victims known to police first, in the order police first met them."""
    known, first_seen = np.unique(incident_victim, return_index=True)
    seen_at = np.full(n_victims, np.iinfo(np.int64).max)
    seen_at[known] = first_seen
    order = np.lexsort((np.arange(n_victims), seen_at))
    numbers = np.empty(n_victims, dtype=np.int64)
    numbers[order] = np.arange(1, n_victims + 1)
    return numbers


def _write(
    out_dir: Path,
    district: District,
    population: Population,
    window: Window,
    frames: dict[str, pl.DataFrame],
    *,
    params: SampleParameters,
    arguments: dict[str, int | float | str],
    tables_as: str,
) -> SampleSummary:
    out_dir.mkdir(parents=True, exist_ok=True)
    register = register_frame(district, end=window.end_day, scale=float(arguments["scale"]))
    rows = {
        "wards.geojson": write_wards(district, out_dir / "wards.geojson"),
        "lsoa_ward_lookup.csv": write_csv(_lookup(district), out_dir / "lsoa_ward_lookup.csv"),
        "population.csv": write_csv(population.frame(district.codes), out_dir / "population.csv"),
        "prevalence_rates.csv": write_csv(prevalence_rates(params), out_dir / "prevalence_rates.csv"),
        "services.xlsx": write_xlsx(
            register, out_dir / "services.xlsx", sheet="services", created=datetime.combine(window.end_day, datetime.min.time())
        ),
    }
    # The big extracts go as Parquet by default so the committed sample stays small; MARAC and
    # the reference files are always CSV so the sample also exercises the CSV path.
    write_table = TABLE_FORMATS[tables_as]
    for name in ("police_incidents", "crime_outcomes", "service_referrals", "mash_contacts", "school_notifications"):
        rows[f"{name}.{tables_as}"] = write_table(frames[name], out_dir / f"{name}.{tables_as}")
    for name in ("marac_cases",):
        rows[f"{name}.csv"] = write_csv(frames[name], out_dir / f"{name}.csv")
    idva_fte = float(register.filter(pl.col("service_type") == "idva")["fte"].sum())
    values = indicator_values(frames, population, district.codes, idva_fte=idva_fte, quintiles=district.imd_quintiles)
    plan, off_track = action_plan(values, district, window)
    rows["action_plan.yaml"] = write_yaml(
        plan, out_dir / "action_plan.yaml", header=f"# {params.district_name} DSVB action plan (fictional sample district)\n"
    )
    signals = {
        "under_reporting": {
            "wards": [district.codes[w] for w in district.under_reporting_wards],
            "group": "asian women",
            "reporting_factor": params.under_reporting_factor,
        },
        "charge_attrition": {"ward": district.codes[district.attrition_ward], "odds_factor": params.attrition_charge_factor},
        "service_gap": {"wards": [district.codes[w] for w in district.northern_wards], "group": params.gap_group},
        "rising_ward": {
            "ward": district.codes[district.rising_ward],
            "rate_ratio": params.rising_ward_rate_ratio,
            "growth_per_year": params.rising_ward_growth_per_year,
        },
        "off_trajectory_target": off_track,
        "support_before_charge": {
            "victim_issue_if_supported_before": params.victim_issue_if_supported_before,
            "victim_issue_otherwise": params.victim_issue_if_not_supported,
        },
    }
    return SampleSummary(out_dir=out_dir, rows=rows, signals=signals, parameters={**arguments, **params.as_dict()})


def _lookup(district: District) -> pl.DataFrame:
    return pl.DataFrame({"lsoa_code": district.lsoa_codes, "ward_code": [district.codes[w] for w in district.lsoa_ward]})
