-- Rejected rows for analysts: one line per problem, newest run first.
-- Parameters: $run_id (null = the latest run that rejected anything), $extract (null = all), $limit.
with chosen_run as (
    select coalesce(
        $run_id,
        (select run_id from rejects order by rejected_at desc limit 1)
    ) as run_id
)

select
    rejects.run_id,
    rejects.extract,
    rejects.file_name,
    rejects.line,
    rejects.record_id,
    rejects.column_name,
    rejects.value,
    rejects.rule
from rejects
where rejects.run_id = (select run_id from chosen_run)
  and ($extract is null or rejects.extract = $extract)
order by rejects.file_name, rejects.line, rejects.column_name
limit $limit
