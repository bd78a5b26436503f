-- Incidents flagged as honour-based abuse.
select
    reported_on as period_date,
    ward_code,
    victim_sex as sex,
    victim_age_band as age_band,
    victim_ethnicity as ethnicity,
    1 as numerator,
    0 as denominator
from mart_incidents
where reported_on between $start and $end
  and is_honour_based
