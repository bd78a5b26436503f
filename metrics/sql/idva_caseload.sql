-- IDVA caseload: victims whose IDVA support started in the period, per full-time IDVA a year.
-- The register's IDVA FTE (times the years in the period) is the denominator; it has no
-- ward or group, so the caseload is a district figure.
with idva_services as (
    select service_id, fte from mart_services where service_type = 'idva'
),

starts as (
    select
        cast(referrals.started_at as date) as period_date,
        referrals.ward_code,
        referrals.sex,
        referrals.age_band,
        referrals.ethnicity,
        1 as numerator,
        0 as denominator
    from mart_service_referrals referrals
    where referrals.service_id in (select service_id from idva_services)
      and referrals.person_role = 'victim'
      and cast(referrals.started_at as date) between $start and $end
),

capacity as (
    select
        cast(null as date) as period_date,
        cast(null as varchar) as ward_code,
        cast(null as varchar) as sex,
        cast(null as varchar) as age_band,
        cast(null as varchar) as ethnicity,
        0 as numerator,
        coalesce(sum(fte), 0) * $period_years as denominator
    from idva_services
)

select * from starts
union all
select * from capacity
