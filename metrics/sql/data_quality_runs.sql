-- The refreshes the served warehouse records: one row per successful run (failed runs publish
-- nothing, so only the run log on disk knows them).
select
    run_id,
    started_at,
    finished_at,
    drop_folder,
    outcome,
    files_seen,
    files_loaded,
    files_unchanged,
    files_refused,
    rows_in_files,
    rows_loaded,
    rows_updated,
    rows_rejected,
    refresh_kind as kind
from etl_runs
order by started_at desc
