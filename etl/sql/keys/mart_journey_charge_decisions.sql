-- The crimes whose row in mart_crimes changed, and the crimes of every person whose referrals changed
-- (a victim's first support start decides whether support came before the decision).
select crime_id as key from _changed_mart_crimes
union all
select crime_id from mart_crimes
where victim_id in (select person_id from _changed_stg_service_referrals)
