-- What became of the referrals each service received in the period, by the referred person's
-- role. Every registered service has at least one row, with zeros when it had no referrals.
-- Completion and disengagement are counted only after a start, so they are parts of the support
-- that started and ended; support with no end reason yet is still going on.
with services as (
    select * from mart_services
),

referrals as (
    select * from mart_service_referrals where cast(referred_at as date) between $start and $end
)

select
    services.service_id,
    services.name as service_name,
    services.provider,
    services.service_type,
    services.capacity_per_year,
    services.fte,
    referrals.person_role,
    count(referrals.referral_id) as n_referrals,
    count(*) filter (where referrals.is_started) as n_started,
    count(*) filter (where referrals.is_started and referrals.end_reason is not null) as n_ended_after_start,
    count(*) filter (where referrals.is_started and referrals.end_reason = 'completed') as n_completed,
    count(*) filter (where referrals.is_started and referrals.end_reason = 'disengaged') as n_disengaged,
    count(*) filter (where referrals.end_reason = 'declined') as n_declined
from services
left join referrals on referrals.service_id = services.service_id
group by all
order by services.service_id, referrals.person_role
