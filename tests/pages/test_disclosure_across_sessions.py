"""The stronger attacker: everything one board member fetches across many sessions, attacked at once.

A board member can open the dashboard again and again with other filters, and run `oversight indicator`
in board mode. Each choice is a session; what each returns is what `ui.cache.fetch` hands a board page
(`cache.QUERIES` under the board's rule), so the attacker gets:

- the whole district, and the district under each sex, age band and ethnic group, and under mixes of
  them with no ward chosen (men aged 16-17; women aged 16-17 of an other ethnic group);
- one ward, and that ward under each sex and ethnic group;
- each of those over the latest 12 months, cut by ward, sex, age band, ethnic group, quarter and month;
  and the district, men, the ward and the ward's women over each quarter and each month of it (each a
  period a board member can choose);
- a rate, two proportions and a count, so every kind of figure and every confidence-limit method
  (exact Poisson, Byar's, Wilson) is inverted back to counts;
- and the same results again through `oversight indicator` in board mode.

One `Findings` holds them all, so a count published in two sessions is one unknown; the district against
the district and a sex, a ward against the ward and a group, a year against its quarters and months are
tied by the lines they add up along, and one linear programme runs over the lot.

The control tests run the same attacker on the figures worked out the way the product used to (rates and
limits from the exact counts beside rounded ones, no secondary suppression of months and quarters, and
demographic selections with no ward treated as the district): it undoes the rounding of most counts and
finds hidden ones, so a pass here means the product stopped it, not that the attacker is idle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import polars as pl
from typer.testing import CliRunner

from metrics.aggregate import Ethnicity, GroupFilters, Sex, UnsupportedCut
from metrics.compute import Filters, default_period
from metrics.disclosure import Audience, DisclosureRule, rule_for
from metrics.periods import Period, month, quarter
from oversight.settings import Settings
from tests.pages.published_counts import Findings, read_indicator
from tests.pages.test_roles import WARD
from ui import cache

RULE = rule_for(Audience.BOARD, Settings())
UNSUPPRESSED = DisclosureRule.unsuppressed()
INDICATORS = ("prevalence_incidents_per_1000", "charge_rate_pct", "marac_repeat_pct", "repeat_3plus_not_marac_count")
CUTS = ("ward", "sex", "age_band", "ethnicity", "quarter", "month")
SEXES = tuple(member.value for member in Sex)
AGE_BANDS = ("16-17", "18-19", "unknown")  # the cut by age band lists every band; these are also chosen alone
ETHNICITIES = tuple(member.value for member in Ethnicity)


@dataclass(frozen=True)
class Attack:
    findings: Findings
    sessions: int
    results: int


def selections() -> list[GroupFilters]:
    """The ward and group filters a board member tries, one session each."""
    return [
        GroupFilters(),
        *(GroupFilters(sex=sex) for sex in SEXES),
        *(GroupFilters(age_band=band) for band in AGE_BANDS),
        *(GroupFilters(ethnicity=group) for group in ETHNICITIES),
        GroupFilters(sex="male", age_band="16-17"),
        GroupFilters(sex="female", age_band="16-17"),
        GroupFilters(sex="female", age_band="16-17", ethnicity="other"),
        GroupFilters(ward_code=WARD),
        *(GroupFilters(ward_code=WARD, sex=sex) for sex in SEXES),
        *(GroupFilters(ward_code=WARD, ethnicity=group) for group in ETHNICITIES),
    ]


def periods_within(year: Period) -> list[Period]:
    """The year's quarters and months, each a period the sidebar offers."""
    quarters, months = [], []
    first = year.start
    for offset in range(12):
        start = date(first.year + (first.month + offset - 1) // 12, (first.month + offset - 1) % 12 + 1, 1)
        months.append(month(start.year, start.month))
        if start.month in (1, 4, 7, 10):
            quarters.append(quarter(start.year, (start.month - 1) // 3 + 1))
    return quarters + months


OVER_QUARTERS_AND_MONTHS = (
    GroupFilters(),
    GroupFilters(sex="male"),
    GroupFilters(ward_code=WARD),
    GroupFilters(ward_code=WARD, sex="female"),
)


def fetch_everything(con, rule: DisclosureRule) -> list[tuple[str, Filters, pl.DataFrame, pl.DataFrame]]:
    """Every result the sessions fetch under `rule`, beside the same result unsuppressed."""
    year = default_period(con)
    asks = []
    for groups in selections():
        periods = [year, *periods_within(year)] if groups in OVER_QUARTERS_AND_MONTHS else [year]
        for period in periods:
            asks += [(indicator_id, Filters(period, None, groups)) for indicator_id in INDICATORS]
        for by in CUTS:
            if (by == "ward" and groups.ward_code) or getattr(groups, by if by != "ward" else "ward_code", None):
                continue
            asks += [(indicator_id, Filters(year, by, groups)) for indicator_id in INDICATORS]
    fetched = []
    for indicator_id, filters in asks:
        try:
            published = cache.QUERIES["indicator"](con, rule, indicator_id=indicator_id, filters=filters)
        except UnsupportedCut:
            continue
        truth = cache.QUERIES["indicator"](con, UNSUPPRESSED, indicator_id=indicator_id, filters=filters)
        fetched.append((indicator_id, filters, published, truth))
    return fetched


def attack(con, rule: DisclosureRule, extra: list[tuple[str, Filters, pl.DataFrame, pl.DataFrame]] = ()) -> Attack:
    fetched = [*fetch_everything(con, rule), *extra]

    def true_total(counted):
        return None  # every total the lines need is itself fetched

    findings = Findings(RULE, true_total)
    for indicator_id, filters, published, truth in fetched:
        read_indicator(findings, f"{indicator_id} {filters}", published, truth, filters)
    findings.tie_breakdowns()
    findings.attacker.solve()
    sessions = len({(filters.period, filters.groups) for _, filters, _, _ in fetched})
    return Attack(findings, sessions, len(fetched))


def figures_the_old_way(monkeypatch) -> None:
    """The product as it was: figures from exact counts, months and quarters unprotected against their
    period, a demographic selection with no ward published as the district, and a figure shown alone whatever the
    table holding it hides."""
    from metrics import comparisons, compute, result_frame

    monkeypatch.setattr(result_frame, "shown_count", lambda count, rule: count)
    monkeypatch.setattr(comparisons, "shown_count", lambda count, rule: count)
    monkeypatch.setattr(compute, "CUTS_OF_A_TOTAL", ("ward", "sex", "age_band", "ethnicity"))
    monkeypatch.setattr(compute._Plan, "is_protected", lambda plan: bool(plan.filters.by or plan.filters.groups.ward_code))
    monkeypatch.setattr(compute, "_sibling_requests", lambda request, coverage: [])


def board_cli(arguments: list[str], warehouse) -> pl.DataFrame:
    from oversight.cli import app

    result = CliRunner().invoke(app, ["indicator", *arguments, "--format", "json", "--warehouse", str(warehouse)])
    assert result.exit_code == 0, result.output
    return pl.DataFrame(json.loads(result.stdout))


def hidden_and_rounded(findings: Findings) -> tuple[int, int]:
    """Secret counts above 0, and counts published only rounded, that the attacker tried to pin down."""
    attacker = findings.attacker
    hidden = sum(1 for key in attacker.secret if findings.truth.get(key, 0) > 0)
    rounded = sum(1 for key in attacker.protected_rounded if findings.truth.get(key, 0) > 0)
    return hidden, rounded


def problems(findings: Findings) -> dict[str, list]:
    attacker = findings.attacker
    found = {
        "counts from 1 to the threshold published": findings.small_shown,
        "counts below district level not rounded": findings.not_rounded,
        "rates shown beside a small count": findings.rates_of_small_counts,
        "hidden counts recovered": [(str(key), value) for key, value in attacker.recovered() if key in attacker.secret],
        "rounded counts recovered": [(str(key), value) for key, value in attacker.unrounded()],
        "attacker's ranges that miss the true count": [
            (str(key), value, bounds) for key, value, bounds in attacker.unsound(findings.truth)
        ],
        "published figures that contradict each other": attacker.contradictions,
        "one count with two true values": findings.mismatched,
    }
    return {problem: items for problem, items in found.items() if items}


def test_the_board_mode_cli_gives_a_board_page_s_figures(sample_warehouse_path, sample_warehouse):
    # `oversight indicator` without --unsuppressed is `compute` under the board's rule, so attacking one attacks both
    period = default_period(sample_warehouse)
    for arguments, filters in [
        (
            ["repeat_3plus_not_marac_count", "--sex", "male", "--age-band", "16-17"],
            Filters(period, None, GroupFilters(sex="male", age_band="16-17")),
        ),
        (["charge_rate_pct", "--by", "ward"], Filters(period, "ward", GroupFilters())),
        (["marac_repeat_pct", "--by", "quarter", "--ward", WARD], Filters(period, "quarter", GroupFilters(ward_code=WARD))),
    ]:
        cli = board_cli(arguments, sample_warehouse_path)
        page = cache.QUERIES["indicator"](sample_warehouse, RULE, indicator_id=arguments[0], filters=filters)
        for column in ("cut_value", "numerator", "denominator", "value", "lower_95", "upper_95", "numerator_suppressed"):
            assert cli[column].to_list() == page[column].to_list(), (arguments, column)


def test_a_board_member_s_demographic_selection_with_no_ward_is_protected(sample_warehouse_path):
    frame = board_cli(["repeat_3plus_not_marac_count", "--sex", "male", "--age-band", "16-17"], sample_warehouse_path)
    assert frame["numerator"].to_list() == [None] and frame["numerator_suppressed"].to_list() == [True]


def test_everything_a_board_member_fetches_across_sessions_gives_nothing_away(sample_warehouse, record_property):
    result = attack(sample_warehouse, RULE)
    hidden, rounded = hidden_and_rounded(result.findings)
    record_property("sessions", result.sessions)
    record_property("results", result.results)
    record_property("hidden counts attacked", hidden)
    record_property("rounded counts attacked", rounded)
    print(
        f"\n{result.sessions} sessions, {result.results} results: {hidden} hidden and {rounded} rounded counts "
        "attacked, none recovered"
    )
    assert problems(result.findings) == {}
    assert hidden >= 100 and rounded >= 1000  # the attacker had plenty to work on


def test_control_the_attacker_undoes_the_rounding_of_figures_made_the_old_way(sample_warehouse, monkeypatch):
    figures_the_old_way(monkeypatch)
    result = attack(sample_warehouse, RULE)
    found = problems(result.findings)
    unrounded = found.get("rounded counts recovered", [])
    # rate x denominator / multiplier gives a rate's count; a proportion's value and limits give both its counts
    assert len([cell for cell, _ in unrounded if "prevalence_incidents_per_1000" in cell and "ward=" in cell]) >= 25
    assert [cell for cell, _ in unrounded if "charge_rate_pct/denominator" in cell]
    # a demographic selection with no ward was published as the district: small counts shown
    assert [
        where for where in found.get("counts from 1 to the threshold published", []) if "sex='male'" in where or "male" in where
    ]
    print(
        f"\ncontrol: {len(unrounded)} rounded counts and {len(found.get('hidden counts recovered', []))} hidden "
        "counts recovered from figures made the old way"
    )
