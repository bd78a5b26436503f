"""Cached access to the published warehouse: the only place pages get data from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from etl.errors import WarehouseMissing
from etl.warehouse import Warehouse
from oversight.settings import get_settings


@dataclass(frozen=True)
class WarehouseStatus:
    version: str
    refreshed_at: datetime
    wards: int


def current_version() -> str | None:
    """The published version's name; part of every cache key so a publish shows new data."""
    try:
        return Warehouse(get_settings().warehouse).current_path().name
    except WarehouseMissing:
        return None


@st.cache_data(ttl=600, max_entries=8, show_spinner=False)
def _status(version: str) -> WarehouseStatus:
    with Warehouse(get_settings().warehouse).connect_read_only() as con:
        refreshed_at = con.sql("select max(finished_at) from etl_runs").fetchall()[0][0]
        wards = con.sql("select count(*) from mart_wards").fetchall()[0][0]
    return WarehouseStatus(version, refreshed_at, wards)


def load_status() -> WarehouseStatus | None:
    version = current_version()
    return None if version is None else _status(version)
