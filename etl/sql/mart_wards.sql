-- One row per ward: name, geometry for maps, and residents in the latest mid-year.
-- Reads mart_population, which is built first (marts build in file-name order).
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
        sum(population) filter (where age_band not in ('0-4', '5-10', '11-15')) as residents_16_plus,
        sum(population) filter (where age_band in ('0-4', '5-10', '11-15', '16-17')) as children_0_17,
        sum(population) filter (where sex = 'female' and age_band not in ('0-4', '5-10', '11-15')) as women_16_plus
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
