"""Commissioning choices: the services at risk, and for each ward and group the service that could most easily extend.

Both are worked out from published figures (capacity_vs_demand's), so they tell no more than the page does.
"""

from __future__ import annotations

import math
from datetime import date

import polars as pl

from metrics import coverage_counts


def contract_risks(register: pl.DataFrame, capacity: pl.DataFrame, *, as_of: date, months: int) -> pl.DataFrame:
    """Services at risk, one row each with its reasons in words: a contract that ends within `months` of `as_of`
    (or has ended), referrals beyond its places, or a "by and for" service (six times less likely to get
    statutory funding, the Domestic Abuse Commissioner found). Most urgent first: contracts ending, soonest first,
    then overload, most over first.

    `register` is service_register.service_register's; `capacity` is capacity_vs_demand's (published figures).
    """
    horizon = _add_months(as_of, months)
    demand = _published_demand(capacity)
    rows = []
    for service in register.iter_rows(named=True):
        reasons, ends = [], service.get("contract_ends_on")
        ending = ends is not None and ends <= horizon
        if ends is not None and ending:
            reasons.append(
                f"contract {'ended' if ends < as_of else 'ends'} on {ends:%d %B %Y}"
                + ("" if ends < as_of else f", within {months} months of the data date ({as_of:%d %B %Y})")
            )
        over = demand.get(service["service_id"])
        if over is not None and over > 100:
            reasons.append(f"referrals at {over:.0f}% of its places")
        if service.get("is_by_and_for"):
            reasons.append("a 'by and for' service" + ("" if service.get("is_commissioned") else ", not commissioned"))
        if reasons:
            rows.append(
                {
                    "service_id": service["service_id"],
                    "service_name": service["service_name"],
                    "provider": service["provider"],
                    "contract_ends_on": ends,
                    "contract_ending": ending,
                    "contract_ends": "none registered" if ends is None else f"{ends:%d %B %Y}",
                    "demand_pct_of_capacity": over,
                    "over_capacity": over is not None and over > 100,
                    "by_and_for": bool(service.get("is_by_and_for")),
                    "risk": "; ".join(reasons),
                }
            )
    schema = {
        "service_id": pl.String,
        "service_name": pl.String,
        "provider": pl.String,
        "contract_ends_on": pl.Date,
        "contract_ending": pl.Boolean,
        "contract_ends": pl.String,
        "demand_pct_of_capacity": pl.Float64,
        "over_capacity": pl.Boolean,
        "by_and_for": pl.Boolean,
        "risk": pl.String,
    }
    frame = pl.DataFrame(rows, schema=schema)
    ending_on = pl.when(pl.col("contract_ending")).then(pl.col("contract_ends_on"))
    return frame.sort(
        ~pl.col("contract_ending"),
        ending_on,
        ~pl.col("over_capacity"),
        -pl.col("demand_pct_of_capacity").fill_null(0),
        nulls_last=True,
    )


def nearest_services(served: pl.DataFrame, centroids: pl.DataFrame, capacity: pl.DataFrame) -> pl.DataFrame:
    """For each ward and client group, the service taking the group that could most easily extend to it.

    (ward_code, client_group, nearest_service, nearest_service_km): a service already serving the ward comes
    first (0 km; of several, the one with most room, lowest referrals against places, a helpline last), else the service whose
    nearest served ward's centroid is closest to the ward's centroid (a refuge's address is never used).
    """
    demand = _published_demand(capacity)
    points = {row["ward_code"]: (row["centroid_lat"], row["centroid_lon"]) for row in centroids.iter_rows(named=True)}
    rows = []
    for group in coverage_counts.GROUPS:
        taking = served.filter(coverage_counts.serves(group.name))
        wards_of = {service_id: set(frame["ward_code"]) for (service_id,), frame in taking.group_by("service_id")}
        names = dict(zip(taking["service_id"], taking["service_name"], strict=True))
        types = dict(zip(taking["service_id"], taking["service_type"], strict=True))
        for ward_code, point in points.items():
            options = []
            for service_id, wards in wards_of.items():
                km = 0.0 if ward_code in wards else min(_km(point, points[other]) for other in wards if other in points)
                # a helpline answers calls from anywhere: name it only when no other service takes the group
                options.append((km, types[service_id] == "helpline", demand.get(service_id) or 0.0, names[service_id]))
            if options:
                km, _, _, name = min(options)
                rows.append(
                    {
                        "ward_code": ward_code,
                        "client_group": group.name,
                        "nearest_service": name,
                        "nearest_service_km": round(km, 1),
                    }
                )
    schema = {"ward_code": pl.String, "client_group": pl.String, "nearest_service": pl.String, "nearest_service_km": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


def _published_demand(capacity: pl.DataFrame) -> dict[str, float | None]:
    """Each service's referrals as a % of its places, from the published (rounded) referrals, so a sentence or a
    choice made from it tells no more than the published counts do."""
    if "n_referrals" not in capacity.columns:  # a frame of shares alone
        return dict(zip(capacity["service_id"], capacity["demand_pct_of_capacity"], strict=True))
    share = pl.when(pl.col("capacity_places") > 0).then(pl.col("n_referrals") / pl.col("capacity_places") * 100)
    published = capacity.select("service_id", share=share)
    return dict(zip(published["service_id"], published["share"], strict=True))


def _km(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> float:
    """Great-circle distance between two (latitude, longitude) points in kilometres; far when either is unknown."""
    (lat1, lon1), (lat2, lon2) = a, b
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return math.inf
    lat1, lon1, lat2, lon2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)
