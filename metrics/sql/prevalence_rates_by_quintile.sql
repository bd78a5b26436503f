-- How many survey rates are split by deprivation quintile (the rest are for all areas).
select count(*) from stg_prevalence_rates where coalesce(imd_quintile, 'all') <> 'all'
