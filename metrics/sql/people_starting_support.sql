-- People whose support or intervention from a specialist service started in the period: one row
-- per person, placed by their latest start in the period. $person_role chooses victims, children
-- or perpetrators; victims count from age 16 (or of unknown age), as the adult population does.
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
  and person_role = $person_role
  and ($person_role <> 'victim' or not is_child_band(age_band))
group by person_id
