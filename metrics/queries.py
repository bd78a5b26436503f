"""What an indicator's query is and how it is asked: the SQL files, their bound parameters, the cuts
and filters they take, and the key each query is stored under by the refresh's precomputed sums.

Pure definitions: nothing here reads the warehouse.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from etl.contract.columns import WARD_CODE_PATTERN
from etl.contract.values import AgeBand, Ethnicity, Sex
from metrics.definitions import Indicator
from metrics.periods import Period, all_time_parameters

# the columns every indicator query yields besides its numerator and denominator
EVENT_KEYS = "ward_code, sex, age_band, ethnicity"
# parameters that let a query see every row it has, whatever the period
WIDE_OPEN = all_time_parameters()
PERSON_COLUMNS = {"ward": "ward_code", "sex": "sex", "age_band": "age_band", "ethnicity": "ethnicity"}
PERIOD_EXPRESSIONS = {
    "month": "strftime(date_trunc('month', period_date), '%Y-%m')",
    "quarter": "year(period_date) || ' Q' || quarter(period_date)",
    "year": "(case when month(period_date) >= 4 then year(period_date) else year(period_date) - 1 end)::varchar "
    "|| '/' || lpad(((case when month(period_date) >= 4 then year(period_date) else year(period_date) - 1 end + 1) % 100)::varchar, 2, '0')",
}
GROUP_FILTERS_SQL = """($ward is null or ward_code = $ward) and ($sex is null or sex = $sex)
    and ($age_band is null or age_band = $age_band) and ($ethnicity is null or ethnicity = $ethnicity)"""


class UnsupportedCut(ValueError):
    """The indicator cannot be cut or filtered this way (the registry lists its dimensions)."""


@dataclass(frozen=True)
class GroupFilters:
    ward_code: str | None = None
    sex: str | None = None
    age_band: str | None = None
    ethnicity: str | None = None

    def __post_init__(self) -> None:
        """A group outside the contract's value sets is a mistake to report, not an empty result."""
        allowed = {"sex": Sex, "age_band": AgeBand, "ethnicity": Ethnicity}
        for dimension, values in allowed.items():
            value = getattr(self, dimension)
            if value is not None and value not in {member.value for member in values}:
                raise UnsupportedCut(
                    f"unknown {dimension.replace('_', ' ')} {value!r}; expected one of "
                    + ", ".join(member.value for member in values)
                )
        if self.ward_code is not None and not re.fullmatch(WARD_CODE_PATTERN, self.ward_code):
            raise UnsupportedCut(f"unknown ward code {self.ward_code!r}; expected an ONS ward code such as E05000001")

    def as_parameters(self) -> dict[str, str | None]:
        return {"ward": self.ward_code, "sex": self.sex, "age_band": self.age_band, "ethnicity": self.ethnicity}

    def applied(self) -> dict[str, str]:
        return {dimension: value for dimension, value in zip(PERSON_COLUMNS, self.as_parameters().values(), strict=True) if value}


def bind(sql: str, parameters: Mapping[str, object]) -> dict[str, object]:
    """The parameters a statement uses: DuckDB refuses any it does not."""
    return {name: value for name, value in parameters.items() if f"${name}" in sql}


@cache  # the files ship with the package; every aggregate call would read one again
def query_sql(name: str) -> str:
    return resources.files("metrics").joinpath(f"sql/{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Ask:
    """One aggregate: an indicator's events over a period, summed by `dims` under `filters`."""

    indicator: Indicator
    period: Period
    dims: tuple[str, ...] = ()
    filters: GroupFilters = GroupFilters()


def query_key(indicator: Indicator) -> str:
    """The query (its SQL file and bound parameters) an indicator reads: indicators sharing one share its sums."""
    parameters = "&".join(f"{name}={value}" for name, value in sorted(indicator.query_parameters.items()))
    return indicator.sql_name + (f"?{parameters}" if parameters else "")
