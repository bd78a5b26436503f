-- Each crime's path through justice, with the stage it reached and days between stages.
with crimes as (
    select * from stg_crime_outcomes
)

select
    crimes.* exclude (_source_file, _source_line, _run_id),
    cast(date_trunc('month', crimes.recorded_at) as date) as month_start,
    cast(date_trunc('quarter', crimes.recorded_at) as date) as quarter_start,
    year(crimes.recorded_at) as calendar_year,
    case when month(crimes.recorded_at) >= 4 then year(crimes.recorded_at)
         else year(crimes.recorded_at) - 1 end as financial_year,
    crimes.arrested_at is not null as is_arrested,
    crimes.cps_referred_at is not null as is_cps_referred,
    crimes.charge_decision = 'charged' as is_charged,
    crimes.charge_decision = 'charged' and crimes.court_outcome is not null as is_prosecuted,
    crimes.court_outcome = 'convicted' as is_convicted,
    date_diff('day', crimes.recorded_at, crimes.arrested_at) as days_recorded_to_arrest,
    date_diff('day', crimes.arrested_at, crimes.cps_referred_at) as days_arrest_to_cps,
    date_diff('day', crimes.cps_referred_at, crimes.charge_decision_at) as days_cps_to_charge_decision,
    date_diff('day', crimes.charge_decision_at, crimes.court_outcome_at) as days_charge_to_court_outcome
from crimes
