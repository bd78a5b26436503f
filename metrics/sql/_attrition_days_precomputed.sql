-- The step days counted at refresh (metrics/attrition_sums.py) for the months of a whole-month period.
select * from precomputed_attrition_step_days where month_start between $start and $end
