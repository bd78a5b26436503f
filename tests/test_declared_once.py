"""Wording and rules shared across the tree are written in one place and imported (or called) elsewhere."""

from __future__ import annotations

import pytest

from oversight.settings import PROJECT_ROOT

PACKAGES = ("etl", "metrics", "ui", "pages", "oversight")


def files_mentioning(text: str, suffix: str) -> list[str]:
    paths = [PROJECT_ROOT / "app.py"] if suffix == ".py" else []
    for package in PACKAGES:
        paths += (PROJECT_ROOT / package).rglob(f"*{suffix}")
    return sorted(str(path.relative_to(PROJECT_ROOT)) for path in paths if text in path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "suffix", "home"),
    [
        ("not shown: too few people to show safely", ".py", "metrics/disclosure/rule.py"),  # the "not shown" sentence
        ("date(1900, 1, 1)", ".py", "metrics/periods.py"),  # the "all time" period
        ("date(2999, 12, 31)", ".py", "metrics/periods.py"),
        ("'0-4', '5-10', '11-15'", ".sql", "etl/sql/rules.sql"),  # the child age bands
        ("month(period_end) < 6", ".sql", "etl/sql/rules.sql"),  # a period's mid-year
        ("max(held_year) filter", ".sql", "etl/sql/rules.sql"),  # the population year a period takes
        ("expected_victims_a_year * period_years", ".sql", "etl/sql/rules_on_marts.sql"),  # expected victims over a period
    ],
)
def test_declared_in_one_place(text, suffix, home):
    assert files_mentioning(text, suffix) == [home]


def test_the_population_year_is_not_written_out_in_a_query():
    assert files_mentioning("month($end) < 6", ".sql") == []
    assert files_mentioning("expected_victims_a_year * $period_years", ".sql") == []
