"""What-if scenarios for commissioning: add or remove capacity and see the gaps and capacity figures change.

A scenario is a small YAML file (or the Services page's form) naming changes to the service register:

```yaml
name: Two more IDVAs in the north
changes:
  - kind: add_idva_fte          # IDVA case workers, split over the wards named as the register's are
    fte: 2
    wards: [Hallowmoor, Oakenrigg, Kestrel Edge]   # names or ONS codes; none named: every ward
  - kind: extend_service        # a registered service takes on more wards
    service: Men's Support Service
    wards: [Hallowmoor, Oakenrigg, Kestrel Edge]
    add_places_a_year: 40       # optional; without it the same places are spread over more wards
  - kind: change_places         # more (or, negative, fewer) places a year for a service
    service: Choices Behaviour Change Programme
    places_a_year: 30
  - kind: remove_service
    service: Rainbow Safe
```

`apply` turns a scenario into a changed copy of the rows of services_served_wards (one per service and ward
served, with the ward's share of the service) and the places a year of each changed service; metrics/coverage.py,
metrics/service_referrals.py and metrics/idva_capacity.py recount services, places and IDVA time from them. History does not change: people reached and need stay as
they are, and each added place is taken to support one more person.
"""

from __future__ import annotations

from typing import Annotated, Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

SCENARIO_IDVA = "scenario-idva"


class ScenarioError(ValueError):
    """A scenario cannot be read or names a service or ward that is not in the warehouse."""


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AddIdvaFte(_Change):
    kind: Literal["add_idva_fte"]
    fte: float = Field(description="Full-time IDVAs to add (negative to take away).")
    wards: tuple[str, ...] = ()


class ExtendService(_Change):
    kind: Literal["extend_service"]
    service: str
    wards: tuple[str, ...] = Field(min_length=1)
    add_places_a_year: float = 0.0


class ChangePlaces(_Change):
    kind: Literal["change_places"]
    service: str
    places_a_year: float


class RemoveService(_Change):
    kind: Literal["remove_service"]
    service: str


Change = Annotated[AddIdvaFte | ExtendService | ChangePlaces | RemoveService, Field(discriminator="kind")]


class Scenario(BaseModel):
    """A named set of changes to the service register."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = "What-if scenario"
    changes: tuple[Change, ...] = Field(min_length=1)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)

    def describe(self) -> list[str]:
        """Each change in plain words."""
        words = []
        for change in self.changes:
            where = _wards_words(getattr(change, "wards", ()))
            if isinstance(change, AddIdvaFte):
                words.append(
                    f"{'Add' if change.fte >= 0 else 'Take away'} {abs(change.fte):g} full-time IDVA"
                    f"{'' if abs(change.fte) == 1 else 's'} in {where or 'every ward'}"
                )
            elif isinstance(change, ExtendService):
                places = (
                    f", with {change.add_places_a_year:g} more places a year"
                    if change.add_places_a_year
                    else ", spreading its places over more wards"
                )
                words.append(f"Extend {change.service} to {where}{places}")
            elif isinstance(change, ChangePlaces):
                words.append(
                    f"{'Add' if change.places_a_year >= 0 else 'Take away'} {abs(change.places_a_year):g} "
                    f"places a year at {change.service}"
                )
            else:
                words.append(f"Remove {change.service}")
        return words


def read_scenario(text: str, *, source: str = "the scenario") -> Scenario:
    """A scenario from YAML text; ScenarioError says what is wrong and where."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ScenarioError(f"{source} is not valid YAML: {error}") from error
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or 'top level'}: {problem['msg']}" for problem in error.errors()
        )
        raise ScenarioError(f"{source} is not a valid scenario: {problems}") from error


def apply(
    scenario: Scenario, served: pl.DataFrame, wards: pl.DataFrame, *, idva_cases_per_fte: float
) -> tuple[pl.DataFrame, dict[str, float]]:
    """(served rows after the scenario, places a year of each service the scenario changes).

    `served` is services_served_wards' rows; `wards` is ward_centroids' (codes, names, residents). Added IDVA time
    is a new IDVA service whose places are its FTE times the caseload of one IDVA (`idva_cases_per_fte`).
    """
    services = served.unique("service_id", keep="first", maintain_order=True)
    places = {row["service_id"]: float(row["capacity_per_year"] or 0) for row in services.iter_rows(named=True)}
    changed: dict[str, float] = {}
    for number, change in enumerate(scenario.changes, start=1):
        if isinstance(change, AddIdvaFte):
            idva = services.filter(pl.col("service_type") == "idva")
            groups = sorted({group for groups in idva["client_groups"] for group in groups}) or ["women"]
            service_id = f"{SCENARIO_IDVA}-{number}"
            codes = _ward_codes(change.wards, wards) or wards["ward_code"].to_list()
            capacity = round(change.fte * idva_cases_per_fte)
            template = {
                "service_id": service_id,
                "service_name": "Added IDVA time (scenario)",
                "provider": "scenario",
                "service_type": "idva",
                "client_groups": groups,
                "fte": change.fte,
                "capacity_per_year": capacity,
                "is_by_and_for": False,
            }
            served = pl.concat([served, _rows(template, codes, wards, served.schema)], how="vertical_relaxed")
            changed[service_id] = capacity
            continue
        service_id = _service_id(change.service, services)
        if isinstance(change, RemoveService):
            served = served.filter(pl.col("service_id") != service_id)
            changed[service_id] = 0.0
        elif isinstance(change, ChangePlaces):
            changed[service_id] = places[service_id] = max(places[service_id] + change.places_a_year, 0.0)
            served = served.with_columns(
                capacity_per_year=pl.when(pl.col("service_id") == service_id)
                .then(pl.lit(round(places[service_id])))
                .otherwise(pl.col("capacity_per_year"))
            )
        else:
            current = served.filter(pl.col("service_id") == service_id)
            new_codes = [code for code in _ward_codes(change.wards, wards) if code not in set(current["ward_code"])]
            places[service_id] += change.add_places_a_year
            template = {**current.row(0, named=True), "capacity_per_year": round(places[service_id])}
            served = pl.concat(
                [
                    served.filter(pl.col("service_id") != service_id),
                    _rows(template, current["ward_code"].to_list() + new_codes, wards, served.schema),
                ],
                how="vertical_relaxed",
            )
            changed[service_id] = places[service_id]
    return served.sort("service_id", "ward_code"), changed


def _rows(template: dict, codes: list[str], wards: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """One service's rows over `codes`, each ward's share by its residents the service is for (as the register's)."""
    residents_column = "children_0_17" if template.get("service_type") == "children" else "residents_16_plus"
    chosen = wards.filter(pl.col("ward_code").is_in(codes))
    residents = chosen[residents_column].fill_null(0).cast(pl.Float64)
    total = float(residents.sum())
    shares = (residents / total) if total > 0 else pl.Series([1.0 / chosen.height] * chosen.height)
    rows = [
        {**{name: template.get(name) for name in schema.names()}, "ward_code": code, "ward_name": name, "ward_share": share}
        for code, name, share in zip(chosen["ward_code"], chosen["ward_name"], shares, strict=True)
    ]
    return pl.DataFrame(rows, schema=schema)


def _ward_codes(names: tuple[str, ...], wards: pl.DataFrame) -> list[str]:
    lookup = {
        **{code.casefold(): code for code in wards["ward_code"]},
        **{name.casefold(): code for code, name in zip(wards["ward_code"], wards["ward_name"], strict=True)},
    }
    unknown = [name for name in names if name.strip().casefold() not in lookup]
    if unknown:
        raise ScenarioError(
            f"no ward {', '.join(repr(name) for name in unknown)} in the warehouse (use a ward's name or its ONS code, E05xxxxxx)"
        )
    return [lookup[name.strip().casefold()] for name in names]


def _service_id(name: str, services: pl.DataFrame) -> str:
    for service_id, service_name in zip(services["service_id"], services["service_name"], strict=True):
        if name.strip().casefold() in (service_id.casefold(), service_name.casefold()):
            return service_id
    raise ScenarioError(f"no service {name!r} in the register (use its name or id as the register gives it)")


def _wards_words(names: tuple[str, ...]) -> str:
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + f" and {names[-1]}"
