-- Rules over the marts, as DuckDB table macros stored in the warehouse. DuckDB checks a table macro's
-- tables when it is defined, so the refresh defines these once the marts are built (etl/rules.py).

-- Victims the crime survey predicts among residents aged 16 and over, by ward and group, over the
-- period from `period_start` to `period_end`: expected victims a year in the period's population year
-- (mart_population_expected_victims), times the `period_years` in it, as rows dated at the period's
-- start with no events (numerator 0) and the expected victims as the denominator.
create or replace macro expected_victims_in(period_start, period_end, period_years) as table
    select
        cast(period_start as date) as period_date,
        ward_code,
        sex,
        age_band,
        ethnicity,
        0 as numerator,
        expected_victims_a_year * period_years as denominator
    from mart_population_expected_victims
    where year = (select population_year(year, period_end) from mart_population_expected_victims);
