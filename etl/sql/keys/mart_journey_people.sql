-- The people whose journeys a change may reach. A journey reads the person's own entries and events,
-- and through the incident it entered by, that incident's crimes and the children notified about it
-- (and their front-door contacts); a child's journey reads the incident's victim's MARAC hearings.
-- Changed rows are taken as they were and as they are, so a row moved to another person changes both.
with changed_incidents as (
    select incident_id, victim_id from _changed_mart_incidents
),

changed_crimes as (
    select incident_id, victim_id from _changed_mart_crimes
),

reached_notifications as (
    -- only the notifications a use of `notified` below can keep: those about a changed incident or crime or
    -- a changed MARAC victim's incident, and those of a child with a changed front-door contact
    select incident_id, child_id from stg_school_notifications
    where incident_id in (
        select incident_id from changed_incidents
        union all select incident_id from changed_crimes
        union all select incident_id from mart_incidents where victim_id in (select victim_id from _changed_stg_marac_cases)
    )
       or child_id in (select child_id from _changed_stg_mash_contacts)
),

reached_incidents as (
    -- the incidents of those notifications, of the changed crimes and of the changed notifications
    select incident_id, victim_id from mart_incidents
    where incident_id in (
        select incident_id from reached_notifications
        union all select incident_id from changed_crimes
        union all select incident_id from _changed_stg_school_notifications
    )
),

notified as (
    -- each child notified about a reached incident, with the incident's victim
    select notifications.incident_id, notifications.child_id, incidents.victim_id
    from reached_notifications as notifications
    left join reached_incidents as incidents on incidents.incident_id = notifications.incident_id
)

-- incidents: their victims, and the children notified about them
select victim_id as key from changed_incidents
union all select child_id from notified where incident_id in (select incident_id from changed_incidents)
-- crimes: their victims, their incidents' victims, and the children notified about their incidents
union all select victim_id from changed_crimes
union all select victim_id from reached_incidents where incident_id in (select incident_id from changed_crimes)
union all select child_id from notified where incident_id in (select incident_id from changed_crimes)
-- MARAC hearings: the victim, and the children notified about the victim's incidents
union all select victim_id from _changed_stg_marac_cases
union all select child_id from notified where victim_id in (select victim_id from _changed_stg_marac_cases)
-- referrals: the person referred (a victim or a child)
union all select person_id from _changed_stg_service_referrals
-- front-door contacts: the child, and the victims of the incidents the child was notified about
union all select child_id from _changed_stg_mash_contacts
union all select victim_id from notified where child_id in (select child_id from _changed_stg_mash_contacts)
-- notifications: the child, and the victim of the incident it was about (as it was and as it is)
union all select child_id from _changed_stg_school_notifications
union all select victim_id from reached_incidents
where incident_id in (select incident_id from _changed_stg_school_notifications)
