-- Days between stages for crimes recorded in the period: one row per crime and step it completed,
-- a case with its days. A step counts only when the later stage was really reached (a decision
-- made, a prosecution completed), so a pending case adds no days.
-- Summed by metrics/sql/_attrition_days_percentiles.sql, live or from its sums by month (metrics/attrition_sums.py).
with crimes as (
    select * from mart_crimes where recorded_on between $start and $end
),

step_days as (
    select
        month_start,
        ward_code,
        victim_sex as sex,
        victim_age_band as age_band,
        victim_ethnicity as ethnicity,
        days_incident_to_recorded,
        days_recorded_to_arrest,
        days_arrest_to_cps,
        case when is_charge_decided then days_cps_to_charge_decision end as days_cps_to_charge_decision,
        case when is_prosecution_completed then days_charge_to_court_outcome end as days_charge_to_court_outcome,
        case when is_prosecution_completed then days_recorded_to_court_outcome end as days_recorded_to_court_outcome
    from crimes
)

select *, 1 as cases
from (
    unpivot step_days
    on days_incident_to_recorded, days_recorded_to_arrest, days_arrest_to_cps, days_cps_to_charge_decision,
       days_charge_to_court_outcome, days_recorded_to_court_outcome
    into name step value days
)
