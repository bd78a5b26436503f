-- Tables the refresh keeps about itself: runs, files, rejected rows, files already loaded.
create table if not exists etl_runs (
    run_id varchar primary key,
    started_at timestamp not null,
    finished_at timestamp,
    drop_folder varchar,
    outcome varchar not null,
    files_seen integer,
    files_loaded integer,
    files_refused integer,
    files_unchanged integer,
    rows_in_files bigint,
    rows_loaded bigint,
    rows_updated bigint,
    rows_rejected bigint
);

create table if not exists etl_run_files (
    run_id varchar not null,
    file_name varchar not null,
    extract varchar,
    sha256 varchar,
    status varchar not null,
    rows_in_file bigint,
    rows_loaded bigint,
    rows_inserted bigint,
    rows_updated bigint,
    rows_rejected bigint,
    message varchar,
    notes varchar[]
);

create table if not exists rejects (
    run_id varchar not null,
    extract varchar not null,
    file_name varchar not null,
    line bigint,
    record_id varchar,
    column_name varchar,
    value varchar,
    rule varchar not null,
    rejected_at timestamp not null
);

create table if not exists loaded_files (
    sha256 varchar primary key,
    file_name varchar not null,
    extract varchar not null,
    run_id varchar not null,
    loaded_at timestamp not null
);

create table if not exists ref_action_plan (
    file_name varchar not null,
    sha256 varchar not null,
    loaded_at timestamp not null,
    plan_yaml varchar not null
);

-- What kind of refresh published each run: full | incremental (an unchanged drop publishes nothing,
-- so only the run log on disk records it).
alter table etl_runs add column if not exists refresh_kind varchar;

-- A digest of the code that built this version's staging, marts and sums: a drop that changes nothing
-- leaves a version in place only when the code running now built it.
create table if not exists refresh_state (
    build_fingerprint varchar not null
);
