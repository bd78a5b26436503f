"""The sample district's parameters: headline rates and the size of each planted signal.

Rates are set from the published benchmarks in docs (DOMAIN.md) so the sample looks like a
large English district; planted effects are deliberately large enough to be found.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class SampleParameters:
    district_name: str = "Brackenfold"
    residents: int = 550_000
    n_wards: int = 30
    lsoas_per_ward: int = 5
    # Centre of the fictional district on the British National Grid: empty moorland in the western Yorkshire Dales.
    centre_easting: float = 385_000.0
    centre_northing: float = 470_000.0
    radius_m: float = 10_500.0
    population_growth_per_year: float = 0.006

    # Police: incidents and crimes per 1,000 residents a year before ward effects (E&W 19, West Yorkshire 21).
    incidents_per_1000: float = 25.2
    deprivation_rate_ratio: float = 2.2  # most vs least deprived ward
    district_trend_per_year: float = 0.015
    repeat_continue_probability: float = 0.28  # chance of a further incident, average victim
    repeat_gap_days: float = 75.0
    share_female_victims: float = 0.77
    children_present_when_household: float = 0.74
    child_spoken_to_start: float = 0.85
    child_spoken_to_fall_per_year: float = 0.025
    lsoa_only_share: float = 0.10

    # Justice path (national YE March 2017-2020 figures).
    cps_referral_if_arrested: float = 0.30
    cps_referral_if_not_arrested: float = 0.06
    outcome16_share_police_closed: float = 0.56
    victim_issue_if_supported_before: float = 0.12
    victim_issue_if_not_supported: float = 0.34
    charge_if_no_victim_issue: float = 0.91
    conviction_if_no_victim_issue: float = 0.87

    # MARAC (SafeLives): police share of referrals 63.9%; repeat cases 31%.
    marac_referral_if_high_risk: float = 0.53
    marac_screened_out: float = 0.15  # police referrals not heard: below threshold or already open
    marac_non_police_share: float = 0.375  # 36.1% nationally; a few late referrals fall after the window
    marac_repeat_target: float = 0.30

    # Planted signals.
    under_reporting_wards: int = 3  # the wards with the largest Asian communities
    under_reporting_factor: float = 0.2  # Asian women there report a fifth as often as other women
    community_reporting_factor: float = 0.6  # Asian women in the other wards
    attrition_charge_factor: float = 0.12  # charging odds in the attrition ward, relative
    rising_ward_rate_ratio: float = 1.6
    rising_ward_growth_per_year: float = 0.14
    gap_group: str = "men"
    northern_wards: int = 9

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


PARAMETERS = SampleParameters()
