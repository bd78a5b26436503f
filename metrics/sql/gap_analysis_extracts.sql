-- Which files the warehouse holds for each extract, when they loaded and the latest event in them.
with files as (
    select extract, string_agg(file_name, ', ' order by file_name) as file_names
    from loaded_files
    group by extract
)

select
    freshness.extract,
    files.file_names,
    freshness.last_loaded_at,
    freshness.latest_event_at
from mart_freshness as freshness
left join files on files.extract = freshness.extract
order by freshness.extract
