-- The notifications that changed, and those about an incident that changed (its time and ward).
select notification_id as key from _changed_stg_school_notifications
union all
select notification_id from stg_school_notifications
where incident_id in (select incident_id from _changed_stg_police_incidents)
