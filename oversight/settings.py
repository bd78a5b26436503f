"""The one settings class. Every setting is an environment variable prefixed `OVERSIGHT_`.

The README's settings table is generated from this class and a test keeps the two in step.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Where the data lives, how the refresh behaves and how small numbers are protected."""

    model_config = SettingsConfigDict(env_prefix="OVERSIGHT_", extra="ignore")

    warehouse: Path = Field(
        default=PROJECT_ROOT / "data" / "warehouse",
        description="Folder holding the published warehouse versions and the pointer to the current one.",
    )
    incoming: Path = Field(
        default=PROJECT_ROOT / "data" / "incoming",
        description="Folder the agencies' nightly drop lands in; `oversight refresh` reads it by default.",
    )
    sample_drop: Path = Field(
        default=PROJECT_ROOT / "data" / "sample" / "drop",
        description="The fictional sample district's drop, loaded by `oversight serve` when no warehouse exists.",
    )
    disclosure_threshold: int = Field(
        default=7,
        ge=0,
        description="Counts from 1 up to this value are suppressed (shown as `*`), the district's included.",
    )
    disclosure_rounding_base: int = Field(
        default=5,
        ge=1,
        description="Counts above the threshold are rounded to the nearest multiple of this base, the district's included.",
    )
    analyst_unsuppressed: bool = Field(
        default=False,
        description="Lets analyst views and the CLI show unsuppressed values (never board views or exports).",
    )
    earliest_valid_date: date = Field(
        default=date(2000, 1, 1),
        description="Dates before this are rejected as out of range.",
    )
    keep_versions: int = Field(
        default=3,
        ge=2,
        description="How many published warehouse versions to keep, so readers of an older one are never cut off.",
    )
    warehouse_group: str = Field(
        default="",
        description="Group (name or number) given the warehouse folder and files, so its members can read them "
        "(folders 0750, files 0640); empty keeps the refreshing user's own group.",
    )
    duckdb_memory_limit: str = Field(
        default="1536MB",
        description="DuckDB memory limit for the refresh (DuckDB size syntax, e.g. `2GB`); the default keeps the whole "
        "refresh process, Python included, under 2 GiB, spilling to disk beyond it.",
    )
    duckdb_threads: int = Field(
        default=0,
        ge=0,
        description="DuckDB worker threads for the refresh; 0 lets DuckDB use every core.",
    )
    auth_mode: Literal["none", "oidc", "header"] = Field(
        default="none",
        description="How people sign in: `none` (one local analyst, localhost only), `oidc` (Streamlit's `st.login` with the "
        "`[auth]` section of `.streamlit/secrets.toml`) or `header` (a trusted reverse proxy names the user).",
    )
    trusted_user_header: str = Field(
        default="X-Forwarded-User",
        description="In `header` mode, the request header the council's sign-in proxy sets to the signed-in user's name or email.",
    )
    trusted_role_header: str = Field(
        default="",
        description="In `header` mode, an optional header the proxy sets to `board`, `commissioner` or `analyst`; empty means "
        "roles come from the user lists below.",
    )
    analyst_users: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated emails or user names who sign in as analysts.",
    )
    commissioner_users: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated emails or user names who sign in as commissioners; anyone else signed in is a board member.",
    )
    allow_unauthenticated_remote: bool = Field(
        default=False,
        description="Lets `oversight serve` bind to an address other than localhost with no sign-in configured; "
        "everyone who can reach it is then an analyst.",
    )

    gap_reach_threshold_pct: float = Field(
        default=25.0,
        gt=0,
        le=100,
        description="A ward and client group is a gap when the people whose support started are fewer than this "
        "percentage of its estimated need (or no service takes the group there); gaps are ranked by "
        "unmet need in people.",
    )
    marac_cases_per_10000_women: float = Field(
        default=40.0,
        gt=0,
        description="MARAC cases expected a year per 10,000 women aged 16+ (SafeLives), the base of the IDVA need "
        "for expected high-risk victims.",
    )
    idva_cases_per_fte: float = Field(
        default=100.0,
        gt=0,
        description="MARAC cases a year one full-time IDVA can take (SafeLives: about 100; a safe caseload is 60-80).",
    )
    marac_cases_per_administrator: float = Field(
        default=400.0,
        gt=0,
        description="MARAC cases a year one full-time MARAC administrator can support (SafeLives: 400).",
    )
    contract_risk_months: int = Field(
        default=6,
        ge=0,
        description="A service whose contract ends within this many months of the data date (or has ended) is "
        "flagged as a contract risk.",
    )
    maturity_lag_months: int = Field(
        default=6,
        ge=0,
        le=36,
        description="Outcome-type indicators (arrests, CPS referrals, prosecutions, outcomes 15 and 16) count only crimes "
        "recorded at least this many months before the end of the complete data, so a recent period is not "
        "read before its cases have had time to reach an outcome.",
    )
    marac_trigger_incidents: int = Field(
        default=3,
        ge=2,
        description="The escalation trigger for MARAC: a victim with this many police incidents within the window below "
        "should have been referred (the repeat-victim measures count against it).",
    )
    marac_trigger_window_days: int = Field(
        default=365,
        ge=1,
        description="The window, in days, within which the MARAC trigger's incidents must fall.",
    )

    @field_validator("analyst_users", "commissioner_users", mode="before")
    @classmethod
    def _split_names(cls, value: object) -> object:
        if isinstance(value, str):
            return [name.strip() for name in value.split(",") if name.strip()]
        return value


def get_settings() -> Settings:
    """Read the settings afresh from the environment."""
    return Settings()
