-- Residents by ward, sex, age band and ethnic group for every mid-year held.
select ward_code, year, sex, age_band, ethnicity, population
from mart_population
