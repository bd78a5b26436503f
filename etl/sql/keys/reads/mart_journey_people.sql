-- The rows of the tables the journeys read that the dirty keys' journeys can use, each kept as a temporary
-- table of the same name, which the mart's query then reads in place of the table (a temporary table is found
-- first): the four cohorts' queries then read a few thousand rows each, not the whole tables four times. Each
-- keeps the columns etl/sql/mart_journey_people.sql reads (a column it adds must be added here too).
-- A key is a victim or a child. Their entries are the victims' incidents and MARAC hearings, and the incidents
-- the children were notified about. An entry reads its victim's (or child's) hearings, referrals and crimes, its
-- incident's crimes and notifications, and the front-door contacts of the children notified about it.
create temp table mart_incidents as
select incident_id, victim_id, reported_at, ward_code, victim_sex, victim_age_band, victim_ethnicity,
       n_children_present, n_victim_incidents_12m, dash_risk
from mart_incidents
where victim_id in (select key from _dirty_keys)
   or incident_id in (select incident_id from stg_school_notifications where child_id in (select key from _dirty_keys));

-- the entries' people: the keys and the victims of the incidents above
create temp table _journey_people as
select key as person_id from _dirty_keys
union select victim_id from mart_incidents where victim_id is not null;

create temp table mart_crimes as
select crime_id, incident_id, victim_id, recorded_at, arrested_at, charge_decision_at, charge_decision,
       court_outcome_at, court_outcome
from mart_crimes
where incident_id in (select incident_id from mart_incidents)
   or victim_id in (select person_id from _journey_people);

create temp table stg_marac_cases as
select * from stg_marac_cases where victim_id in (select person_id from _journey_people);

create temp table stg_service_referrals as
select person_id, person_role, referred_at, started_at, ended_at, end_reason
from stg_service_referrals
where person_id in (select person_id from _journey_people);

create temp table stg_school_notifications as
select incident_id, child_id, notified_at
from stg_school_notifications
where incident_id in (select incident_id from mart_incidents) or child_id in (select key from _dirty_keys);

create temp table stg_mash_contacts as
select child_id, received_at, decided_at, decision, child_sex, child_age_band, child_ethnicity
from stg_mash_contacts
where child_id in (select child_id from stg_school_notifications) or child_id in (select key from _dirty_keys);
