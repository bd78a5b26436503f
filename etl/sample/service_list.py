"""The sample district's specialist services, with the gaps a board should find.

Planted signal 3: no service in the northern (moorland) wards takes male victims. The men's
service, the perpetrator programme and the children's service cover the town and suburbs
only; the LGBT+ and 'by and for' services cover only the inner wards.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_ZONES = ("north", "inner", "outer")
TOWN = ("inner", "outer")


@dataclass(frozen=True)
class ServiceSpec:
    service_id: str
    name: str
    provider: str
    service_type: str
    client_groups: str
    zones: tuple[str, ...]  # zones served; `asian` means the wards with large Asian communities
    base: str  # zone of the ward the service is run from; `hidden` for a refuge's confidential address
    capacity_per_year: int  # for a district of 550,000 residents
    fte: float
    annual_funding_gbp: int
    commissioner: str | None
    contract_months_left: int | None  # months after the end of the drop; None when not commissioned
    is_by_and_for: bool
    typical_weeks: float  # how long support usually lasts


COUNCIL = "Brackenfold Council (Community Safety)"
CHILDREN = "Brackenfold Council (Children's Services)"
PCC = "West Pennine Police and Crime Commissioner"
ICB = "Pennine Integrated Care Board"
WOMENS_AID = "Brackenfold Women's Aid"

SERVICES = (
    ServiceSpec(
        "SVC01",
        "Brackenfold IDVA Service",
        WOMENS_AID,
        "idva",
        "women;young_people",
        ALL_ZONES,
        "inner",
        900,
        9.0,
        480_000,
        COUNCIL,
        6,
        False,
        12,
    ),
    ServiceSpec(
        "SVC02",
        "Calder House Refuge",
        WOMENS_AID,
        "refuge",
        "women;children",
        ALL_ZONES,
        "hidden",
        110,
        6.0,
        420_000,
        COUNCIL,
        18,
        False,
        20,
    ),
    ServiceSpec(
        "SVC03",
        "Women's Community Outreach",
        "Pennine Women's Trust",
        "outreach",
        "women",
        ALL_ZONES,
        "inner",
        700,
        7.5,
        310_000,
        COUNCIL,
        3,
        False,
        14,
    ),
    ServiceSpec(
        "SVC04",
        "Little Steps Children's Service",
        "Brackenfold Family Action",
        "children",
        "children;young_people",
        TOWN,
        "outer",
        260,
        4.0,
        180_000,
        CHILDREN,
        9,
        False,
        16,
    ),
    ServiceSpec(
        "SVC05",
        "Choices Behaviour Change Programme",
        "Fresh Start Community Interest Company",
        "perpetrator_programme",
        "men",
        TOWN,
        "inner",
        60,
        2.5,
        140_000,
        PCC,
        18,
        False,
        26,
    ),
    ServiceSpec(
        "SVC06",
        "Sanjhi Women's Network",
        "Sanjhi Women's Network",
        "outreach",
        "women;asian;minoritised",
        ("asian",),
        "asian",
        140,
        2.0,
        55_000,
        None,
        None,
        True,
        16,
    ),
    ServiceSpec(
        "SVC07",
        "Rainbow Safe",
        "Brackenfold LGBT+ Centre",
        "outreach",
        "lgbt",
        ("inner",),
        "inner",
        40,
        0.8,
        28_000,
        None,
        None,
        True,
        12,
    ),
    ServiceSpec(
        "SVC08",
        "Men's Support Service",
        "Pennine Men's Advice",
        "outreach",
        "men",
        TOWN,
        "inner",
        80,
        1.0,
        45_000,
        COUNCIL,
        3,
        False,
        10,
    ),
    ServiceSpec(
        "SVC09",
        "Brackenfold Domestic Abuse Helpline",
        WOMENS_AID,
        "helpline",
        "women",
        ALL_ZONES,
        "inner",
        2500,
        3.0,
        120_000,
        COUNCIL,
        18,
        False,
        1,
    ),
    ServiceSpec(
        "SVC10",
        "Mending Minds Counselling",
        "Mending Minds",
        "counselling",
        "women;young_people",
        ALL_ZONES,
        "outer",
        220,
        3.0,
        95_000,
        ICB,
        11,
        False,
        20,
    ),
    ServiceSpec(
        "SVC11",
        "Amani Black Women's Project",
        "Amani Women's Collective",
        "outreach",
        "women;black;minoritised",
        ("inner",),
        "inner",
        50,
        1.0,
        30_000,
        None,
        None,
        True,
        16,
    ),
    ServiceSpec(
        "SVC12",
        "Young People's Relationship Service",
        "Brackenfold Youth Trust",
        "children",
        "young_people",
        ALL_ZONES,
        "north",
        120,
        2.0,
        70_000,
        CHILDREN,
        30,
        False,
        12,
    ),
    ServiceSpec(
        "SVC13",
        "Family Court Advice Clinic",
        "Pennine Law Centre",
        "legal",
        "women",
        ALL_ZONES,
        "inner",
        150,
        1.5,
        60_000,
        None,
        None,
        False,
        6,
    ),
    ServiceSpec(
        "SVC14",
        "Signpost Deaf and Disabled Survivors",
        "Signpost Access",
        "outreach",
        "deaf;disabled",
        TOWN,
        "outer",
        30,
        0.6,
        22_000,
        None,
        None,
        True,
        16,
    ),
)
BY_ID = {spec.service_id: index for index, spec in enumerate(SERVICES)}
