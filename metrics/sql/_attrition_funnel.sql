-- One row per incident reported and per crime recorded in the period, with a 0/1 column for each
-- stage it reached. Crime stages are linked by crime id, so a column such as arrested_and_referred
-- counts the crimes that passed through both stages; a charge or court outcome counts only on a
-- crime referred to the CPS, so each stage holds only crimes that reached the one before it.
-- Summed by metrics/sql/_attrition_funnel_counts.sql, live or from its sums by month (metrics/attrition_sums.py).
with incidents as (
    select * from mart_incidents where reported_on between $start and $end
),

crimes as (
    select * from mart_crimes where recorded_on between $start and $end
)

select
    month_start,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    1 as incidents,
    case when is_crime then 1 else 0 end as incidents_recorded_as_crime
from incidents

union all by name

select
    month_start,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    1 as crimes,
    case when is_arrested then 1 else 0 end as arrested,
    case when is_cps_referred then 1 else 0 end as referred,
    case when is_arrested and is_cps_referred then 1 else 0 end as arrested_and_referred,
    case when is_cps_referred and is_charge_decided then 1 else 0 end as referred_and_decided,
    case when is_cps_referred and not is_charge_decided then 1 else 0 end as awaiting_charge_decision,
    case when is_cps_referred and is_charged then 1 else 0 end as charged,
    case when is_cps_referred and is_charged and not is_prosecution_completed then 1 else 0 end as awaiting_court_outcome,
    case when is_cps_referred and is_prosecution_completed then 1 else 0 end as prosecution_completed,
    case when is_cps_referred and is_prosecution_completed and is_convicted then 1 else 0 end as convicted
from crimes
