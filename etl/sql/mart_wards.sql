-- One row per ward: name, geometry for maps, and residents in the latest mid-year.
-- depends: stg_wards, mart_population
with wards as (
    select * from stg_wards
),

population as (
    select * from mart_population
),

latest as (
    select max(year) as year from population
),

residents as (
    select
        ward_code,
        sum(population) as residents,
        sum(population) filter (where not is_child_band(age_band)) as residents_16_plus,
        sum(population) filter (where is_under_18_band(age_band)) as children_0_17,
        sum(population) filter (where sex = 'female' and not is_child_band(age_band)) as women_16_plus
    from population
    where year = (select year from latest)
    group by ward_code
)

select
    wards.ward_code,
    wards.ward_name,
    wards.imd_quintile,
    wards.area_km2,
    wards.centroid_lat,
    wards.centroid_lon,
    wards.geometry_geojson,
    coalesce(residents.residents, 0) as residents,
    coalesce(residents.residents_16_plus, 0) as residents_16_plus,
    coalesce(residents.children_0_17, 0) as children_0_17,
    coalesce(residents.women_16_plus, 0) as women_16_plus,
    (select year from latest) as population_year
from wards
left join residents on residents.ward_code = wards.ward_code
order by wards.ward_code
