-- Crimes that reached a charge decision, with whether the victim's specialist support had started
-- by then. Support is the victim's first service start at any time (not only after the crime), as a
-- victim already supported when the decision came has that support behind them. Charged crimes still
-- at court have no victim-issue status yet, so they are left out rather than counted as kept.
-- depends: stg_service_referrals, mart_crimes
-- key: crime_id
with crimes as (
    select * from mart_crimes
    where charge_decision in ('charged', 'no_further_action', 'out_of_court')
      and charge_decision_at is not null
      and victim_issue is not null
      and (not $keyed or crime_id in (select key from _dirty_keys))
),

victim_support as (
    select person_id as victim_id, min(started_at) as first_support_started_at
    from stg_service_referrals
    where person_role = 'victim' and started_at is not null
      and (not $keyed or person_id in (select victim_id from crimes))
    group by person_id
)

select
    crimes.crime_id, crimes.victim_id, crimes.ward_code, crimes.victim_sex as sex, crimes.victim_age_band as age_band,
    crimes.victim_ethnicity as ethnicity, crimes.charge_decision, crimes.charge_decision_at,
    cast(crimes.charge_decision_at as date) as charge_decision_on, crimes.victim_issue, crimes.has_victim_issue,
    victim_support.first_support_started_at,
    coalesce(victim_support.first_support_started_at <= crimes.charge_decision_at, false) as is_supported_before_decision
from crimes
left join victim_support on victim_support.victim_id = crimes.victim_id
