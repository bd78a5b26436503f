-- Need that the police extract shows, by ward, for the groups the crime survey does not cover.
-- Children: each victim's largest number of children present at one incident in the period,
-- summed over victims, so a household's children count once however many incidents they saw
-- (children of two victims in one household count twice).
-- Perpetrators: distinct known perpetrators of incidents in the period, placed by their latest
-- incident in it; perpetrators police never identified are not counted.
with incidents as (
    select * from mart_incidents where reported_on between $start and $end
),

children_by_victim as (
    select
        arg_max(ward_code, reported_at) as ward_code,
        max(n_children_present) as n_children
    from incidents
    group by victim_id
),

perpetrators as (
    select arg_max(ward_code, reported_at) as ward_code
    from incidents
    where perpetrator_id is not null
    group by perpetrator_id
),

children_need as (
    select ward_code, sum(n_children) as children_exposed from children_by_victim group by ward_code
),

perpetrator_need as (
    select ward_code, count(*) as known_perpetrators from perpetrators group by ward_code
)

select
    coalesce(children_need.ward_code, perpetrator_need.ward_code) as ward_code,
    coalesce(children_need.children_exposed, 0) as children_exposed,
    coalesce(perpetrator_need.known_perpetrators, 0) as known_perpetrators
from children_need
full join perpetrator_need on perpetrator_need.ward_code = children_need.ward_code
