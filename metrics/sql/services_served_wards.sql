-- One row per service and ward it serves (`all` expands to every ward), with the ward's share of
-- the service. A service's capacity and case workers are split over the wards it serves in
-- proportion to the residents it is for there (children aged 0-17 for children's services,
-- residents aged 16 and over for the rest), evenly where none are known; the shares of one
-- service add up to 1.
with services as (
    select * from mart_services
),

wards as (
    select ward_code, ward_name, residents_16_plus, children_0_17 from mart_wards
),

served as (
    select
        services.service_id,
        services.name as service_name,
        services.provider,
        services.service_type,
        services.client_groups,
        services.capacity_per_year,
        services.fte,
        services.is_by_and_for,
        wards.ward_code,
        wards.ward_name,
        case when services.service_type = 'children' then wards.children_0_17 else wards.residents_16_plus end as residents_for
    from services
    join wards
        on list_contains(services.wards_served, 'all') or list_contains(services.wards_served, wards.ward_code)
)

select
    served.* exclude (residents_for),
    coalesce(
        served.residents_for / nullif(sum(served.residents_for) over (partition by served.service_id), 0),
        1.0 / count(*) over (partition by served.service_id)
    ) as ward_share
from served
order by served.service_id, served.ward_code
