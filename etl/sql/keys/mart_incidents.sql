-- The victims whose incidents changed (as they were and as they are): a victim's rows count their
-- incidents in the 12 months before each, so all of them are built again.
select victim_id as key from _changed_stg_police_incidents
