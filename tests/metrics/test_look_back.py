"""Left truncation: look-back measures need their whole look-back inside the data."""

from __future__ import annotations

from datetime import date

from metrics.compute import Filters, compute
from metrics.disclosure import DisclosureRule
from metrics.periods import between, financial_year
from metrics.registry import all_indicators

RULE = DisclosureRule.unsuppressed()


def test_the_look_back_measures_declare_their_window():
    assert {indicator.id: indicator.look_back_days for indicator in all_indicators() if indicator.look_back_days} == {
        "repeat_victimisation_pct": 365,
        "marac_repeat_pct": 365,
        "repeat_3plus_not_marac_pct": 365,
        "repeat_3plus_not_marac_count": 365,
    }


def test_a_period_without_its_full_look_back_is_marked(sample_warehouse):
    # The sample's police data start on 30 September 2020 (whole months from October 2020).
    first = compute(sample_warehouse, "repeat_victimisation_pct", Filters(period=financial_year(2020)), rule=RULE)
    assert first["period"][0] == "2020/21 (look-back incomplete: the data start less than 365 days before it)"
    later = compute(sample_warehouse, "repeat_victimisation_pct", Filters(period=financial_year(2022)), rule=RULE)
    assert later["period"][0] == "2022/23"
    # the truncated year reads low: victims' earlier incidents fall before the data
    assert first["value"][0] < later["value"][0] - 5


def test_truncated_periods_are_left_out_of_a_look_back_measure_s_series(sample_warehouse):
    whole = between(date(2020, 10, 1), date(2026, 9, 30))
    quarters = compute(sample_warehouse, "marac_repeat_pct", Filters(period=whole, by="quarter"), rule=RULE, with_trend=False)
    assert quarters["cut_value"].to_list()[0] == "2021 Q4"
    others = compute(
        sample_warehouse, "marac_cases_per_10000_women", Filters(period=whole, by="quarter"), rule=RULE, with_trend=False
    )
    assert others["cut_value"].to_list()[0] == "2020 Q4"
