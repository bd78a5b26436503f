-- Referrals received in the period whose support started and has ended, and whether it was completed.
select
    cast(referred_at as date) as period_date,
    ward_code,
    sex,
    age_band,
    ethnicity,
    case when end_reason = 'completed' then 1 else 0 end as numerator,
    1 as denominator
from mart_service_referrals
where cast(referred_at as date) between $start and $end
  and is_started
  and end_reason is not null
