-- Files and rows read, loaded and rejected per extract in the newest refreshes. These count rows in
-- files, not people. Parameters: $latest_runs (how many of the newest runs to include).
with latest_runs as (
    select run_id, started_at
    from etl_runs
    order by started_at desc
    limit $latest_runs
),

run_files as (
    select * from etl_run_files where run_id in (select run_id from latest_runs)
)

select
    latest_runs.run_id,
    latest_runs.started_at,
    coalesce(run_files.extract, 'not recognised') as extract,
    count(*)::bigint as files,
    count_if(run_files.status = 'loaded')::bigint as files_loaded,
    count_if(run_files.status = 'unchanged')::bigint as files_unchanged,
    count_if(run_files.status = 'refused')::bigint as files_refused,
    sum(coalesce(run_files.rows_in_file, 0))::bigint as rows_in_files,
    sum(coalesce(run_files.rows_loaded, 0))::bigint as rows_loaded,
    sum(coalesce(run_files.rows_updated, 0))::bigint as rows_updated,
    sum(coalesce(run_files.rows_rejected, 0))::bigint as rows_rejected,
    string_agg(run_files.file_name || ': ' || run_files.message, '; ' order by run_files.file_name)
        filter (where run_files.status = 'refused') as refused_because
from run_files
inner join latest_runs on latest_runs.run_id = run_files.run_id
group by all
order by latest_runs.started_at desc, extract
