-- Perpetrators referred to a perpetrator programme in the period (offered a place), and whether they started.
select
    cast(referred_at as date) as period_date,
    ward_code,
    sex,
    age_band,
    ethnicity,
    case when is_started then 1 else 0 end as numerator,
    1 as denominator
from mart_service_referrals
where cast(referred_at as date) between $start and $end
  and service_type = 'perpetrator_programme'
  and person_role = 'perpetrator'
