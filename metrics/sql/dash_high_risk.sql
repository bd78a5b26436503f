-- DASH-assessed incidents, and whether they were rated high risk.
select
    reported_on as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    case when dash_risk = 'high' then 1 else 0 end as numerator,
    1 as denominator
from mart_incidents
where reported_on between $start and $end
  and dash_risk <> 'not_assessed'
