-- The victims whose cases changed (as they were and as they are): a case is a repeat by the victim's others.
select victim_id as key from _changed_stg_marac_cases
