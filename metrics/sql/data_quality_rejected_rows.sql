-- Rejected rows still standing: those from the latest load of each file, newest first. A file seen
-- again unchanged is not reloaded, so its rejects from the run that loaded it still apply; a file
-- sent again with new content replaces its earlier rejects. Parameters: $limit.
with latest_loads as (
    select file_name, arg_max(run_id, loaded_at) as run_id
    from loaded_files
    group by file_name
)

select
    rejects.rejected_at,
    rejects.run_id,
    rejects.extract,
    rejects.file_name,
    rejects.line,
    rejects.record_id,
    rejects.column_name,
    rejects.value,
    rejects.rule
from rejects
inner join latest_loads on latest_loads.file_name = rejects.file_name and latest_loads.run_id = rejects.run_id
order by rejects.rejected_at desc, rejects.file_name, rejects.line, rejects.column_name
limit $limit
