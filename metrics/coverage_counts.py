"""The counts behind the coverage matrix, by ward and client group: services and the places they offer,
people reached and estimated need (metrics/coverage.py says how each is estimated).

People reached and need read a year of referrals, residents and incidents, so the refresh keeps the counts
of each year-long period offered (pipeline/precompute_pages.py); `counts` reads them back, or counts for any other period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import polars as pl

from metrics import read
from metrics.periods import Period

PERPETRATOR_PROGRAMME = "perpetrator_programme"
COUNT_COLUMNS = (
    "ward_code",
    "ward_name",
    "client_group",
    "group_label",
    "n_services",
    "capacity_places",
    "people_reached",
    "estimated_need",
    "need_basis",
)
KEPT = "coverage_counts"
# the queries `counted` reads (those of no period, then those of the period): the refresh counts a period again
# when a table one of them reads changed in it
STATIC, OF_PERIOD = (
    ("services_served_wards", "coverage_wards"),
    ("coverage_people_reached", "coverage_expected_need", "coverage_incident_need"),
)
QUERIES = (*STATIC, *OF_PERIOD)

VICTIM, ROLE, SEX, AGE, ETHNICITY = (
    pl.col("person_role") == "victim",
    pl.col("person_role"),
    pl.col("sex"),
    pl.col("age_band"),
    pl.col("ethnicity"),
)
YOUNG_BANDS = ("16-17", "18-19", "20-24")  # the bands the crime survey publishes for young people
OLDER_BANDS = ("65-74", "75+")
MINORITISED = ("asian", "black", "mixed", "other")  # every ONS high-level group but white and unknown


def _survey(who: str) -> str:
    return f"victims the crime survey predicts among {who}: residents x last-year rate for their sex and age band"


@dataclass(frozen=True)
class Group:
    """A client group of the coverage matrix: who it reaches, whose need it answers and how it is estimated."""

    name: str  # the register's client group, or `perpetrators`
    label: str  # plain words for gap reasons
    people: pl.Expr  # which people reached belong to it
    residents: pl.Expr | None  # which residents' survey-predicted victims are its need
    need_basis: str
    by_ethnicity: bool = False
    incident_need: str | None = None  # column of coverage_incident_need.sql holding its need


GROUPS = (
    Group("women", "women", VICTIM & (SEX == "female"), SEX == "female", _survey("women aged 16+")),
    Group("men", "men", VICTIM & (SEX == "male"), SEX == "male", _survey("men aged 16+")),
    Group(
        "lgbt",
        "LGBT+ victims",
        VICTIM & (pl.col("lgbt") == "yes"),
        None,
        "not estimated: no population figures for LGBT+ residents",
    ),
    Group(
        "children",
        "children",
        ROLE == "child",
        None,
        "children present at police incidents in the period (each victim's largest number at one incident)",
        incident_need="children_exposed",
    ),
    Group(
        "young_people",
        "young people aged 16-24",
        ROLE.is_in(("victim", "child")) & AGE.is_in(YOUNG_BANDS),
        AGE.is_in(YOUNG_BANDS),
        _survey("residents aged 16-24"),
    ),
    Group(
        "asian",
        "Asian victims",
        VICTIM & (ETHNICITY == "asian"),
        ETHNICITY == "asian",
        _survey("Asian residents aged 16+"),
        by_ethnicity=True,
    ),
    Group(
        "black",
        "Black victims",
        VICTIM & (ETHNICITY == "black"),
        ETHNICITY == "black",
        _survey("Black residents aged 16+"),
        by_ethnicity=True,
    ),
    Group(
        "minoritised",
        "Black, Asian and minoritised victims",
        VICTIM & ETHNICITY.is_in(MINORITISED),
        ETHNICITY.is_in(MINORITISED),
        _survey("residents aged 16+ not of white ethnicity"),
        by_ethnicity=True,
    ),
    Group(
        "disabled",
        "disabled victims",
        VICTIM & (pl.col("disability") == "yes"),
        None,
        "not estimated: no population figures for disabled residents",
    ),
    Group(
        "older_people",
        "victims aged 65 and over",
        VICTIM & AGE.is_in(OLDER_BANDS),
        AGE.is_in(OLDER_BANDS),
        _survey("residents aged 65+"),
    ),
    Group(
        "perpetrators",
        "perpetrators",
        ROLE == "perpetrator",
        None,
        "known perpetrators of police incidents in the period",
        incident_need="known_perpetrators",
    ),
)


def counts(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    """One row per ward and client group (COUNT_COLUMNS): kept by the refresh for the period, or counted here."""
    kept = read.kept_rows(con, KEPT, period)
    return kept if kept is not None else counted(con, period)


def counted(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    def run(name: str, of_period: bool = True) -> pl.DataFrame:
        return read.rows(con, name, period if of_period else None)

    served, wards = (run(name, of_period=False) for name in STATIC)
    people, expected_need, incident_need = (run(name) for name in OF_PERIOD)
    services = services_by_group(served, period)
    reached = _by_group(
        people,
        {group.name: group.people for group in GROUPS},
        people_reached=lambda member: pl.col("people").filter(member).sum(),
    )
    need, bases, estimated = _need(expected_need, incident_need)
    groups = pl.DataFrame(
        {
            "client_group": [group.name for group in GROUPS],
            "group_label": [group.label for group in GROUPS],
            "need_basis": [bases[group.name] for group in GROUPS],
        }
    )
    keys = ["client_group", "ward_code"]
    matrix = (
        wards.join(groups, how="cross")
        .join(services, on=keys, how="left")
        .join(reached, on=keys, how="left")
        .join(
            need.rename({"estimated_need": "need"}),
            on=keys,
            how="left",
        )
        .with_columns(estimated_need=pl.when(pl.col("client_group").is_in(estimated)).then(pl.col("need").fill_null(0.0)))
        .with_columns(
            n_services=pl.col("n_services").fill_null(0).cast(pl.Int64),
            capacity_places=pl.col("capacity_places").fill_null(0.0).round(1),
            people_reached=pl.col("people_reached").fill_null(0).cast(pl.Int64),
            estimated_need=pl.col("estimated_need").round(0).cast(pl.Int64),
        )
    )
    return matrix.select(*COUNT_COLUMNS)


def serves(group: str) -> pl.Expr:
    """Whether a row of services_served_wards is a service that takes the client group `group`.

    A perpetrator programme counts under `perpetrators` only (a programme for men is not a service for male victims).
    """
    is_programme = pl.col("service_type") == PERPETRATOR_PROGRAMME
    if group == "perpetrators":
        return is_programme
    return ~is_programme & (pl.col("client_groups").list.contains(group) | pl.col("client_groups").list.contains("all"))


def services_by_group(served: pl.DataFrame, period: Period) -> pl.DataFrame:
    """(client_group, ward_code, n_services, capacity_places) from rows shaped like services_served_wards.

    Exposed so a what-if scenario can recount services and places over a changed register.
    """
    return _by_group(
        served,
        {group.name: serves(group.name) for group in GROUPS},
        n_services=lambda serving: pl.col("service_id").filter(serving).n_unique(),
        capacity_places=lambda serving: (pl.col("capacity_per_year") * pl.col("ward_share")).filter(serving).sum() * period.years,
    )


def _by_group(rows: pl.DataFrame, members: dict[str, pl.Expr], **columns: Callable[[pl.Expr], pl.Expr]) -> pl.DataFrame:
    """(client_group, ward_code, *columns) for each client group and ward: `members` says which rows belong to
    a group, and each column sums a group's rows (given which they are)."""
    by_ward = rows.group_by("ward_code").agg(
        column(member).alias(f"{name} of {group}") for group, member in members.items() for name, column in columns.items()
    )
    return pl.concat(
        [
            by_ward.select(
                pl.lit(group).alias("client_group"), "ward_code", *(pl.col(f"{name} of {group}").alias(name) for name in columns)
            )
            for group in members
        ]
    )


def _need(expected: pl.DataFrame, from_incidents: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, str], list[str]]:
    """(client_group, ward_code, estimated_need) of the groups whose need can be estimated, how each group's
    need is estimated (or why not) in words, and the groups estimated (a ward missing from the first has none)."""
    bases, residents = {}, {}
    pieces = [
        from_incidents.select(
            client_group=pl.lit(group.name), ward_code="ward_code", estimated_need=pl.col(group.incident_need).cast(pl.Float64)
        )
        for group in GROUPS
        if group.incident_need
    ]
    for group in GROUPS:
        bases[group.name] = group.need_basis
        if group.incident_need or group.residents is None:
            continue
        if expected["denominator"].sum() == 0:  # a zero need would hide every gap
            bases[group.name] = "not estimated: no survey rates or no population loaded"
        elif group.by_ethnicity and expected["ethnicity"].unique().to_list() == ["all"]:
            bases[group.name] = "not estimated: the population is not split by ethnic group"
        else:
            residents[group.name] = group.residents
    if residents:
        pieces.append(_by_group(expected, residents, estimated_need=lambda member: pl.col("denominator").filter(member).sum()))
    schema = pl.Schema({"client_group": pl.String, "ward_code": pl.String, "estimated_need": pl.Float64})
    estimated = [group.name for group in GROUPS if group.incident_need or group.name in residents]
    return pl.concat([piece.cast(schema) for piece in pieces]) if pieces else pl.DataFrame(schema=schema), bases, estimated
