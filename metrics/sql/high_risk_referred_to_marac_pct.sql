-- Incidents assessed as high risk (DASH), and whether the police referred them to MARAC.
select
    reported_on as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    case when coalesce(is_referred_to_marac, false) then 1 else 0 end as numerator,
    1 as denominator
from mart_incidents
where reported_on between $start and $end
  and dash_risk = 'high'
