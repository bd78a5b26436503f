"""The sample's services placed on the district: the wards each takes people from, the ward it is run from, and
the register written as the drop's services file. The services themselves are etl/sample/service_list.py's."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from etl.sample.geography import District
from etl.sample.service_list import SERVICES, ServiceSpec


def asian_wards(district: District) -> list[int]:
    return [int(ward) for ward in np.flatnonzero(district.ethnic_shares[:, 0] >= 0.35)]


def wards_served(spec: ServiceSpec, district: District) -> list[int]:
    if spec.zones == ("asian",):
        return asian_wards(district)
    return district.wards_in(spec.zones)


def serves(district: District) -> np.ndarray:
    """(service, ward) True where the service takes people from the ward."""
    table = np.zeros((len(SERVICES), district.n_wards), dtype=bool)
    for index, spec in enumerate(SERVICES):
        table[index, wards_served(spec, district)] = True
    return table


def register_frame(district: District, *, end: date, scale: float) -> pl.DataFrame:
    rows = []
    for spec in SERVICES:
        served = wards_served(spec, district)
        location = _base_ward(spec, district)
        contract_ends = None if spec.contract_months_left is None else _month_end(end, spec.contract_months_left)
        rows.append(
            {
                "service_id": spec.service_id,
                "name": spec.name,
                "provider": spec.provider,
                "service_type": spec.service_type,
                "client_groups": spec.client_groups,
                "wards_served": "all" if len(served) == district.n_wards else ";".join(district.codes[w] for w in served),
                "latitude": None if location is None else float(district.points[location, 1]),
                "longitude": None if location is None else float(district.points[location, 0]),
                "capacity_per_year": max(1, round(spec.capacity_per_year * scale)),
                "fte": round(max(0.1, spec.fte * scale), 1),
                "annual_funding_gbp": int(round(spec.annual_funding_gbp * scale, -3)) or 1000,
                "is_commissioned": spec.commissioner is not None,
                "commissioner": spec.commissioner,
                "contract_ends_on": contract_ends,
                "is_by_and_for": spec.is_by_and_for,
            }
        )
    return pl.DataFrame(
        rows,
        schema_overrides={
            "contract_ends_on": pl.Date,
            "commissioner": pl.String,
            "latitude": pl.Float64,
            "longitude": pl.Float64,
        },
    )


def _base_ward(spec: ServiceSpec, district: District) -> int | None:
    if spec.base == "hidden":
        return None  # refuge addresses are kept confidential
    if spec.base == "asian":
        return asian_wards(district)[0]
    return district.wards_in((spec.base,))[0]


def _month_end(end: date, months: int) -> date:
    """The last day of the month `months` after the month of `end`."""
    following = end.year * 12 + (end.month - 1) + months + 1
    return date(following // 12, following % 12 + 1, 1) - timedelta(days=1)
