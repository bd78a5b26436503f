-- People whose support from a specialist service started in the period, counted by the role, ward and
-- group of their latest start in it (each person once).
with referrals as (
    select * from mart_service_referrals
),

people as (
    select
        person_id,
        arg_max(person_role, started_at) as person_role,
        arg_max(ward_code, started_at) as ward_code,
        arg_max(sex, started_at) as sex,
        arg_max(age_band, started_at) as age_band,
        arg_max(ethnicity, started_at) as ethnicity,
        arg_max(disability, started_at) as disability,
        arg_max(lgbt, started_at) as lgbt
    from referrals
    where cast(started_at as date) between $start and $end
    group by person_id
)

select person_role, ward_code, sex, age_band, ethnicity, disability, lgbt, count(*) as people
from people
group by all
