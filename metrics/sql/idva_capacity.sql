-- IDVA demand and supply by ward: adult women (the base of the SafeLives expected MARAC volume),
-- MARAC cases heard, IDVA case workers placed by the ward's share of each IDVA service, and
-- victims whose IDVA support started in the period.
with population as (
    select * from mart_population
),

wards as (
    select ward_code, ward_name from mart_wards
),

marac_cases as (
    select * from mart_marac_cases where heard_on between $start and $end
),

referrals as (
    select * from mart_service_referrals
    where service_type = 'idva' and person_role = 'victim' and cast(started_at as date) between $start and $end
),

population_year as (
    -- as rates do: the latest mid-year held up to the period's end, else the earliest held
    select population_year(year, $end) as year
    from population
),

women as (
    select ward_code, cast(sum(population) as bigint) as women_16_plus
    from population
    where year = (select year from population_year)
      and sex = 'female'
      and not is_child_band(age_band)
    group by ward_code
),

heard as (
    select ward_code, count(*) as n_marac_cases from marac_cases group by ward_code
),

started as (
    select ward_code, count(*) as n_idva_starts from referrals group by ward_code
)

select
    wards.ward_code,
    wards.ward_name,
    coalesce(women.women_16_plus, 0) as women_16_plus,
    coalesce(heard.n_marac_cases, 0) as n_marac_cases,
    coalesce(started.n_idva_starts, 0) as n_idva_starts
from wards
left join women on women.ward_code = wards.ward_code
left join heard on heard.ward_code = wards.ward_code
left join started on started.ward_code = wards.ward_code
order by wards.ward_code
