-- The crimes that changed; those whose own incident changed; and those of a victim whose incidents
-- changed (as they were and as they are), since a crime without its incident takes the victim's group
-- from their incident nearest in time.
select crime_id as key from _changed_stg_crime_outcomes
union all
select crime_id from stg_crime_outcomes
where incident_id in (select incident_id from _changed_stg_police_incidents)
   or victim_id in (select victim_id from _changed_stg_police_incidents)
