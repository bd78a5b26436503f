-- Crimes recorded in the period, and whether they were closed with Home Office outcome 15.
select
    recorded_on as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    case when outcome_code = 15 then 1 else 0 end as numerator,
    1 as denominator
from mart_crimes
where recorded_on between $start and $end
