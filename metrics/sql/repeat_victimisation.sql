-- One row per victim with an incident in the period: a repeat victim had an incident in the
-- period that was their second or later within 12 months. The victim is placed by their
-- latest incident in the period.
with incidents as (
    select * from mart_incidents where reported_on between $start and $end
)

select
    max(reported_on) as period_date,
    arg_max(ward_code, reported_at) as ward_code,
    arg_max(victim_sex, reported_at) as sex,
    arg_max(victim_age_band, reported_at) as age_band,
    arg_max(victim_ethnicity, reported_at) as ethnicity,
    max(case when n_victim_incidents_12m >= 2 then 1 else 0 end) as numerator,
    1 as denominator
from incidents
group by victim_id
