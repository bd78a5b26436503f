-- Police incidents with their periods and the victim's history in the 12 months before each.
-- depends: stg_police_incidents
-- key: victim_id
with incidents as (
    select * from stg_police_incidents
    where not $keyed or victim_id in (select key from _dirty_keys)
)

select
    incidents.* exclude (_source_file, _source_line, _run_id),
    cast(incidents.reported_at as date) as reported_on,
    cast(date_trunc('month', incidents.reported_at) as date) as month_start,
    cast(date_trunc('quarter', incidents.reported_at) as date) as quarter_start,
    year(incidents.reported_at) as calendar_year,
    case when month(incidents.reported_at) >= 4 then year(incidents.reported_at)
         else year(incidents.reported_at) - 1 end as financial_year,
    count(*) over (
        partition by incidents.victim_id order by incidents.reported_at
        range between interval 365 days preceding and current row
    ) as n_victim_incidents_12m,
    count(*) filter (where incidents.is_referred_to_marac) over (
        partition by incidents.victim_id order by incidents.reported_at
        range between interval 365 days preceding and current row
    ) as n_victim_marac_referrals_12m
from incidents
