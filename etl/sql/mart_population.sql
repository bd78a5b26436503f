-- Residents by ward, mid-year, sex, age band and ethnic group; LSOA rows are summed to their ward.
-- depends: stg_lsoa_ward_lookup, stg_population, stg_wards
with population as (
    select * from stg_population
),

wards as (
    select ward_code from stg_wards
),

lookup as (
    select lsoa_code, ward_code from stg_lsoa_ward_lookup
)

select
    coalesce(wards.ward_code, lookup.ward_code) as ward_code,
    population.year,
    population.sex,
    population.age_band,
    population.ethnicity,
    sum(population.population) as population
from population
left join wards on wards.ward_code = population.area_code
left join lookup on lookup.lsoa_code = population.area_code
where coalesce(wards.ward_code, lookup.ward_code) is not null
group by all
