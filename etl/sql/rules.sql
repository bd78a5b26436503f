-- Rules that the marts and the metrics' queries share, each declared once as a DuckDB macro. The
-- refresh defines them in the warehouse it builds before the marts (etl/rules.py), and DuckDB keeps
-- them in the warehouse's file, so every connection that opens a published version, read-only ones
-- included, calls the same rule.

-- The mid-year population estimate (30 June) for a period ending on `period_end`: the latest 30 June
-- on or before its end, so a period of a year or more takes the one within it (2022/23 takes
-- mid-2022). `metrics.periods.Period.mid_year` is the same rule for Python.
create or replace macro mid_year_for(period_end) as
    year(period_end) - (month(period_end) < 6 or (month(period_end) = 6 and day(period_end) < 30))::int;

-- The mid-year a period's rate divides by, among the years held: an aggregate over a `year` column of
-- residents (or of residents' expected victims). The period's own mid-year, or the latest held
-- before it, else the earliest held. `metrics.residents.population_year` is the same rule for Python.
create or replace macro population_year(held_year, period_end) as
    coalesce(max(held_year) filter (where held_year <= mid_year_for(period_end)), min(held_year));

-- The age bands of children under 16 (the contract's bands; `etl.contract.values.CHILD_BANDS` in
-- Python). Adults are every other band, unknown included: most victims of domestic abuse are adults.
create or replace macro is_child_band(band) as
    band in ('0-4', '5-10', '11-15');

-- The age bands of everyone under 18: children and young people aged 16 or 17.
create or replace macro is_under_18_band(band) as
    is_child_band(band) or band = '16-17';

-- The crime survey's rate for each sex, age band and IMD quintile (`quintile`, 'all' where the rate is
-- for all areas), from a table of survey rates (stg_prevalence_rates): where several sources give a
-- rate for one cell, the most recent survey year wins, then the latest period, then the first source.
create or replace macro latest_survey_rates(survey_rates) as table
    select sex, age_band, coalesce(imd_quintile, 'all') as quintile, rate, source, period
    from query_table(survey_rates)
    qualify row_number() over (
        partition by sex, age_band, coalesce(imd_quintile, 'all')
        order by try_cast(regexp_extract(period, '\d{4}') as integer) desc nulls last, period desc, source
    ) = 1;
