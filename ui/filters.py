"""Shared filters (period, ward, group), drawn once in the sidebar and kept across pages."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from metrics.aggregate import GroupFilters
from metrics.periods import Period, period_options
from ui.cache import load_status, wards

ALL = "All"
SEX_OPTIONS = (ALL, "female", "male")
AGE_OPTIONS = (ALL, "16-17", "18-19", "20-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
ETHNICITY_OPTIONS = (ALL, "asian", "black", "mixed", "white", "other")
DRILL_KEY = "drill_to_ward"


@dataclass(frozen=True)
class PageFilters:
    period: Period
    groups: GroupFilters
    ward_name: str | None = None

    def describe(self) -> str:
        parts = [self.period.label, self.ward_name or "whole district"]
        parts += [value for value in (self.groups.sex, self.groups.age_band, self.groups.ethnicity) if value]
        return " · ".join(parts)

    def as_record(self) -> dict[str, str]:
        """The filters in words, for export metadata."""
        return {
            "period": f"{self.period.label} ({self.period.start} to {self.period.end})",
            "ward": self.ward_name or "whole district",
            "sex": self.groups.sex or "all",
            "age band": self.groups.age_band or "all",
            "ethnic group": self.groups.ethnicity or "all",
        }


def sidebar_filters() -> PageFilters | None:
    """Draw the shared filters; None when no data is loaded."""
    status = load_status()
    if status is None or status.latest_incident_on is None:
        return None
    ward_table = wards()
    names: dict[str, str] = dict(zip(ward_table["ward_code"], ward_table["ward_name"], strict=True))
    if DRILL_KEY in st.session_state:  # a map or table asked to drill down to one ward
        code = st.session_state.pop(DRILL_KEY)
        st.session_state["filter_ward"] = code if code in names else ALL
    coverage = status.coverage
    # The shared period follows the police incidents, which nearly every page reads; a period another source does
    # not cover whole is marked incomplete, naming the source (each indicator's own default, where no period is
    # given, is the latest 12 months all its sources cover).
    through = coverage.shared_period_end() if coverage else None
    options = period_options(through or status.latest_incident_on, status.latest_incident_on)
    shortfalls = {label: coverage.shortfall(period) if coverage else None for label, period in options.items()}
    with st.sidebar:
        st.header("Filters")
        period_label = st.selectbox(
            "Period",
            list(options),
            key="filter_period",
            format_func=lambda label: f"{label} (incomplete)" if shortfalls[label] else label,
        )
        if shortfalls[period_label]:
            st.caption(
                f"{options[period_label].label} is {shortfalls[period_label]}. Rates over it read low; "
                "the latest 12 months are the latest complete ones."
            )
        ward = st.selectbox(
            "Ward",
            [ALL, *sorted(names, key=lambda code: names[code])],
            key="filter_ward",
            format_func=lambda code: "All wards" if code == ALL else names[code],
        )
        sex = st.selectbox("Sex", SEX_OPTIONS, key="filter_sex", format_func=_label)
        age_band = st.selectbox("Age band", AGE_OPTIONS, key="filter_age_band", format_func=_label)
        ethnicity = st.selectbox("Ethnic group", ETHNICITY_OPTIONS, key="filter_ethnicity", format_func=_label)
    groups = GroupFilters(
        ward_code=None if ward == ALL else ward,
        sex=None if sex == ALL else sex,
        age_band=None if age_band == ALL else age_band,
        ethnicity=None if ethnicity == ALL else ethnicity,
    )
    return PageFilters(options[period_label], groups, None if ward == ALL else names[ward])


def current_filters() -> PageFilters | None:
    """The filters the sidebar set on this run (app.py draws them before the page runs)."""
    return st.session_state.get("page_filters")


def drill_to_ward(ward_code: str) -> None:
    """Select one ward in the shared filters and rerun the page."""
    st.session_state[DRILL_KEY] = ward_code
    st.rerun()


def _label(value: str) -> str:
    return "All" if value == ALL else value.replace("_", " ").capitalize() if value.isalpha() else value
