-- Referrals to specialist services, with the service's type and how far each got.
-- depends: stg_service_referrals, stg_services
-- key: referral_id
with referrals as (
    select * from stg_service_referrals
    where not $keyed or referral_id in (select key from _dirty_keys)
),

services as (
    select service_id, name as service_name, service_type, is_by_and_for from stg_services
)

select
    referrals.* exclude (_source_file, _source_line, _run_id),
    services.service_name,
    services.service_type,
    services.is_by_and_for,
    cast(date_trunc('month', referrals.referred_at) as date) as month_start,
    cast(date_trunc('quarter', referrals.referred_at) as date) as quarter_start,
    year(referrals.referred_at) as calendar_year,
    case when month(referrals.referred_at) >= 4 then year(referrals.referred_at)
         else year(referrals.referred_at) - 1 end as financial_year,
    referrals.started_at is not null as is_started,
    referrals.end_reason = 'completed' as is_completed,
    referrals.end_reason = 'disengaged' as is_disengaged,
    date_diff('day', referrals.referred_at, referrals.started_at) as days_referral_to_start
from referrals
left join services on services.service_id = referrals.service_id
