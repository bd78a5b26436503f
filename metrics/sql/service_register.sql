-- The service register as commissioners read it: one row per service, the wards it serves by name.
with services as (
    select * from mart_services
),

wards as (
    select ward_code, ward_name from mart_wards
),

served_names as (
    select services.service_id, string_agg(wards.ward_name, ', ' order by wards.ward_name) as ward_names
    from services
    join wards on list_contains(services.wards_served, wards.ward_code)
    group by services.service_id
)

select
    services.service_id,
    services.name as service_name,
    services.provider,
    services.service_type,
    services.client_groups,
    services.wards_served,
    case when list_contains(services.wards_served, 'all') then 'all wards' else served_names.ward_names end as wards_served_names,
    services.latitude,
    services.longitude,
    services.capacity_per_year,
    services.fte,
    services.contract_ends_on,
    services.is_by_and_for,
    services.is_commissioned,
    services.commissioner
from services
left join served_names on served_names.service_id = services.service_id
order by services.service_id
