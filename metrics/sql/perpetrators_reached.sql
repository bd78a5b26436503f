-- Perpetrators whose intervention started in the period: one row per person, placed by their
-- latest start in the period.
with referrals as (
    select * from mart_service_referrals
)

select
    max(cast(started_at as date)) as period_date,
    arg_max(ward_code, started_at) as ward_code,
    arg_max(sex, started_at) as sex,
    arg_max(age_band, started_at) as age_band,
    arg_max(ethnicity, started_at) as ethnicity,
    1 as numerator,
    0 as denominator
from referrals
where cast(started_at as date) between $start and $end
  and person_role = 'perpetrator'
group by person_id
