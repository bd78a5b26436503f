-- The end of every journey's follow-up: the latest event the data holds, in any extract a journey
-- follows (one row). Kept apart from mart_journey_people, which would otherwise change on every row
-- each night; the journey queries time each person's follow-up from their entry to it.
-- depends: stg_crime_outcomes, stg_marac_cases, stg_mash_contacts, stg_police_incidents, stg_school_notifications, stg_service_referrals
select greatest(
    (select max(reported_at) from stg_police_incidents),
    (select max(recorded_at) from stg_crime_outcomes),
    (select max(heard_on)::timestamp from stg_marac_cases),
    (select max(greatest(referred_at, coalesce(started_at, referred_at), coalesce(ended_at, referred_at)))
     from stg_service_referrals),
    (select max(received_at) from stg_mash_contacts),
    (select max(notified_at) from stg_school_notifications)
) as follow_up_end_at
