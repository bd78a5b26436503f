-- The referrals that changed (a change to the services register rebuilds the mart whole).
select referral_id as key from _changed_stg_service_referrals
