-- The stage sums built at refresh (metrics/attrition_sums.py) for the months of a whole-month period.
select * from precomputed_attrition_stages where month_start between $start and $end
