"""The nightly refresh: apply one drop to a copy of the warehouse, check it, publish it.

Nothing is lost: a refused file loads nothing and says why; a rejected row is kept in
`rejects` with its file, line, column and rule; the last good warehouse keeps serving
until a complete new version replaces it.

Each run is one of three kinds, recorded in the run log (`kind`) and in `etl_runs.refresh_kind`:
- `unchanged`: every file of the drop was loaded before (by content) into the served version, or the
  drop holds no file, and that version was built by the code running now; nothing is copied or published.
- `full`: every mart and sum is rebuilt from staging: when asked (`full=True`, `oversight refresh
  --full`), for the first version, and when the served version was built by other code, other mart
  settings, or without the sums (its `refresh_state` digest differs). The marts and sums of the copy are dropped first,
  so the new ones take their room rather than growing the file.
- `incremental`: inside the copied version, only the marts that read a staging table a loaded file
  changed (or a mart so rebuilt) are rebuilt, by their `-- depends:` lines; the others are kept. A mart
  with a key is rebuilt by key: staging keeps the rows each file replaced and wrote, and only the rows of
  the keys they reach are deleted and built again (etl/marts.py). What changed, table by table and month
  by month (etl/changes.MartChanges), is handed to the precomputed sums, which are made again only where
  those changes reach (pipeline/stale.py) and kept when no file changed staging. `rebuilt` lists the marts
  rebuilt; `notes` say which by key.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from etl.changes import MartChanges
from etl.contract import BY_NAME
from etl.drop import DropFile, Fingerprints, list_drop
from etl.errors import FileRefused, RefreshFailed
from etl.load import FileReport, FileTransaction, drop_scratch, load_file
from etl.marts import build_marts, mart_files, mart_settings
from etl.pii.values import safe_file_name
from etl.stages import StageSeconds, timed
from etl.staging import changed_whole, ensure_schema, staging_table
from etl.version_start import start_version
from etl.warehouse import BUILDING_SUFFIX, STARTED, Warehouse, one_value, private_umask, storage_failure
from oversight.settings import Settings

Progress = Callable[[str, int, int], None]  # (file name, position, total)
# Tables derived from the marts by a later layer (the metrics' precomputed sums), built in the
# same new version so they are published with the data they come from, or not at all.
# They are given what the marts stage changed (MartChanges.everything() for a full rebuild).
AfterMarts = Callable[[duckdb.DuckDBPyConnection, MartChanges], None]
FULL, INCREMENTAL, UNCHANGED = "full", "incremental", "unchanged"
# The tables the sums stage (`after_marts`) makes, each named with this prefix: a full rebuild makes them all again.
PRECOMPUTED_PREFIX = "precomputed_"
# The packages whose SQL and code decide what staging, the marts and the sums hold: a version built by
# other code is never left serving by a drop that changes nothing.
BUILT_BY = ("etl", "metrics", "pipeline")


@dataclass
class RefreshReport:
    run_id: str
    incoming: Path
    started_at: datetime
    finished_at: datetime | None = None
    outcome: str = "running"
    published: Path | None = None
    files: list[FileReport] = field(default_factory=list)
    error: str | None = None
    stage_seconds: StageSeconds = field(default_factory=dict)
    kind: str = INCREMENTAL  # full | incremental | unchanged
    rebuilt: list[str] = field(default_factory=list)  # the marts rebuilt (the others were kept as copied)
    notes: list[str] = field(default_factory=list)  # what an incremental run rebuilt whole, and why
    # how the new version began as the last one: copied whole, or a version due to go brought up to date (etl/version_start.py)
    started_by: str = ""

    @property
    def refused(self) -> list[FileReport]:
        return [report for report in self.files if report.status == "refused"]

    @property
    def exit_code(self) -> int:
        if self.outcome == "failed":
            return 2
        return 1 if self.refused else 0

    def totals(self) -> dict[str, int]:
        keys = ("rows_in_file", "rows_loaded", "rows_updated", "rows_rejected")
        return {key: sum(getattr(report, key) for report in self.files) for key in keys}

    def as_record(self) -> dict:
        record = {key: value for key, value in asdict(self).items() if key != "files"}
        record["files"] = [asdict(report) for report in self.files]
        return record


def refresh(
    incoming: Path,
    *,
    warehouse: Path,
    settings: Settings,
    as_of: datetime | None = None,
    progress: Progress | None = None,
    after_marts: AfterMarts | None = None,
    full: bool = False,
) -> RefreshReport:
    """Apply the drop in `incoming` and publish a new warehouse version; a drop that changes nothing
    publishes none (`kind` and `outcome` are then `unchanged`, and `published` is None).

    `full` rebuilds and publishes whatever the drop holds, even a drop loaded before.

    Raises RefreshFailed (nothing published, the last good version still serving) when the
    drop cannot be applied at all; refused files and rejected rows are reported instead.
    """
    store = Warehouse(warehouse, group=settings.warehouse_group)
    private_umask()
    report = RefreshReport(
        run_id=uuid.uuid4().hex[:12], incoming=incoming, started_at=datetime.now(), kind=FULL if full else INCREMENTAL
    )
    as_of = as_of or report.started_at
    # Written before anything else, so an attempt killed at any point still shows: started, never finished.
    store.log_run({**report.as_record(), "outcome": STARTED})
    try:
        if not incoming.exists():
            raise RefreshFailed(f"the incoming folder {incoming} does not exist")
        if not incoming.is_dir():
            raise RefreshFailed(
                f"the incoming folder {incoming} is a file, not a folder; pass the folder the drop's files are in"
            )
        with store.refresh_lock():
            fingerprint = build_fingerprint(mart_settings(settings), with_sums=after_marts is not None)
            fingerprints = Fingerprints()  # each file is hashed once, whether asked by the check below or the load
            if not full and _already_loaded(store, incoming, report, fingerprint, fingerprints):
                report.kind = report.outcome = UNCHANGED
                report.finished_at = datetime.now()
            else:
                store.prune(settings.keep_versions)
                report.published = _build_and_publish(
                    store,
                    incoming,
                    report,
                    settings=settings,
                    as_of=as_of,
                    progress=progress,
                    after_marts=after_marts,
                    fingerprints=fingerprints,
                )
                store.prune(settings.keep_versions)
    except Exception as error:
        report.outcome = "failed"
        report.error = str(error)
        report.finished_at = datetime.now()
        failure = storage_failure(error, store.versions) if not isinstance(error, RefreshFailed) else None
        if failure is not None:
            report.error = str(failure)
        store.log_run(report.as_record())
        if isinstance(error, RefreshFailed):
            raise
        if failure is not None:
            raise failure from error
        raise RefreshFailed(f"the refresh failed and nothing was published: {error}") from error
    store.log_run(report.as_record())
    return report


def _build_and_publish(
    store: Warehouse,
    incoming: Path,
    report: RefreshReport,
    *,
    settings: Settings,
    as_of: datetime,
    progress: Progress | None,
    after_marts: AfterMarts | None = None,
    fingerprints: Fingerprints | None = None,
) -> Path:
    building = store.versions / (store.new_version_name() + BUILDING_SUFFIX)
    try:
        if store.exists():
            with timed(report.stage_seconds, "copy last version"):
                brought = start_version(store, building, settings.keep_versions)
            report.started_by = "a version due to go brought up to date" if brought else "copied whole"
        con = duckdb.connect(str(building))
    except BaseException as error:
        _remove_unfinished(building)
        if not isinstance(error, Exception):
            raise
        raise storage_failure(error, store.versions) or RefreshFailed(
            f"cannot create a new warehouse version in {store.versions}: {error}"
        ) from error
    try:
        _configure(con, settings)
        ensure_schema(con)
        files = list_drop(incoming)
        with (fingerprints or Fingerprints()).ahead(files) as ahead:
            for position, drop_file in enumerate(files, start=1):
                if progress:
                    progress(safe_file_name(drop_file.path), position, len(files))
                report.files.append(
                    _load_one(
                        con,
                        drop_file,
                        report.run_id,
                        settings=settings,
                        as_of=as_of,
                        seconds=report.stage_seconds,
                        fingerprints=ahead,
                    )
                )
        _require_reference_data(con)
        fingerprint = build_fingerprint(mart_settings(settings), with_sums=after_marts is not None)
        changed = _changed_tables(report) | changed_whole(con)
        if report.kind != FULL and not _built_by(con, fingerprint):
            report.kind = FULL  # the first version, or one built by other code or settings
        if report.kind == FULL:
            _drop_derived(con, report.stage_seconds)
        if progress:
            progress("building marts", len(files), len(files))
        with timed(report.stage_seconds, "marts"):
            marts = build_marts(con, mart_settings(settings), changed=None if report.kind == FULL else changed)
        report.rebuilt = marts.rebuilt
        report.notes += [
            f"{name}: rebuilt by key, {keys:,} {'key' if keys == 1 else 'keys'}" for name, keys in marts.by_key.items()
        ]
        if after_marts:
            if report.kind == FULL or changed:
                if progress:
                    progress("precomputing indicators", len(files), len(files))
                with timed(report.stage_seconds, "precomputed sums"):
                    after_marts(con, marts.changes)
                if report.kind != FULL:
                    report.notes.append("precomputed sums: made again only where the drop's changes reach")
            else:
                report.notes.append("precomputed sums: kept, no file changed staging")
        con.execute("delete from refresh_state")
        con.execute("insert into refresh_state values (?)", [fingerprint])
        report.outcome = "completed with refused files" if report.refused else "completed"
        report.finished_at = datetime.now()
        _record_run(con, report)
        with timed(report.stage_seconds, "checkpoint"):
            con.execute("checkpoint")
    except BaseException:
        con.close()
        _remove_unfinished(building)
        raise
    con.close()
    try:
        with timed(report.stage_seconds, "publish"):
            return store.publish(building)
    except BaseException:
        _remove_unfinished(building)
        raise


def _drop_derived(con: duckdb.DuckDBPyConnection, seconds: StageSeconds) -> None:
    """Before a full rebuild: drop every mart and precomputed table, all of which it makes again, and checkpoint, so
    their blocks are free for the new ones. Built beside them instead, the new tables would take as many blocks
    again, and the version (copied whole by every nightly refresh after) would carry that much free space for good."""
    marts = {name for name, _ in mart_files()}
    derived = [
        name
        for (name,) in con.execute("select table_name from duckdb_tables() where not temporary").fetchall()
        if name in marts or name.startswith(PRECOMPUTED_PREFIX)
    ]
    if not derived:  # the first version
        return
    with timed(seconds, "drop derived tables"):
        for name in derived:
            con.execute(f'drop table "{name}"')
        con.execute("checkpoint")


def build_fingerprint(parameters: dict[str, object], *, with_sums: bool) -> str:
    """A digest of every SQL and Python file that builds staging, the marts and the sums, of the settings the
    marts read, and of whether the sums were built: a version whose digest differs is rebuilt whole."""
    digest = hashlib.sha256(json.dumps([sorted(parameters.items()), with_sums], default=str).encode())
    for package in BUILT_BY:
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            for path in sorted(Path(folder).rglob("*")):
                if path.suffix in (".sql", ".py") and "__pycache__" not in path.parts:
                    digest.update(str(path.relative_to(folder)).encode())
                    digest.update(path.read_bytes())
    return digest.hexdigest()


def _built_by(con: duckdb.DuckDBPyConnection, fingerprint: str) -> bool:
    """Whether the version open on `con` was built by the code and settings whose digest is `fingerprint`."""
    recorded = con.execute("select count(*) from duckdb_tables() where table_name = 'refresh_state'").fetchall()
    if recorded == [(0,)]:
        return False  # built before versions recorded their code
    return con.execute("select build_fingerprint from refresh_state").fetchall() == [(fingerprint,)]


def _changed_tables(report: RefreshReport) -> set[str]:
    """The tables the drop's loaded files may have changed (a file refused or unchanged changed none): their
    staging tables, and `loaded_files`, which records each file loaded."""
    loaded = [file for file in report.files if file.status == "loaded"]
    staged = {staging_table(BY_NAME[file.extract]) for file in loaded if file.extract in BY_NAME}
    return staged | ({"loaded_files"} if loaded else set())


def _already_loaded(
    store: Warehouse, incoming: Path, report: RefreshReport, fingerprint: str, fingerprints: Fingerprints
) -> bool:
    """True when every file of the drop was loaded before, by content, into the served version (or it holds no
    file), and that version was built by the code running now: the drop then changes nothing, so nothing is
    copied or published. Its files are reported as unchanged. A drop with any file that would be refused, or is
    new, is built as usual (and reported file by file)."""
    if not store.exists() or not incoming.is_dir():
        return False
    try:
        files = list_drop(incoming)
    except Exception:
        return False  # the build reports it
    if not all(drop_file.to_be_read for drop_file in files):
        return False
    with timed(report.stage_seconds, "fingerprint"):
        hashes = [fingerprints.of(drop_file.path) for drop_file in files]
    with store.connect_read_only() as con:
        if not _built_by(con, fingerprint):
            return False
        known = {
            sha: (name, loaded_at)
            for sha, name, loaded_at in con.execute(
                "select sha256, file_name, loaded_at from loaded_files where list_contains(?, sha256)", [hashes]
            ).fetchall()
        }
    if not set(hashes) <= known.keys():
        return False
    report.files = [
        FileReport(
            drop_file.path.name,
            drop_file.extract_name,
            "unchanged",
            sha,
            message=f"already loaded as {known[sha][0]} on {known[sha][1]:%Y-%m-%d %H:%M}; nothing changed",
        )
        for drop_file, sha in zip(files, hashes, strict=True)
    ]
    return True


def _remove_unfinished(building: Path) -> None:
    """Remove a build that will never be published, and DuckDB's journal beside it."""
    for path in (building, Path(str(building) + ".wal")):
        with contextlib.suppress(IsADirectoryError):  # not ours: something else took the name, and the caller reports it
            path.unlink(missing_ok=True)


def _configure(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    con.execute(f"set memory_limit = '{settings.duckdb_memory_limit}'")
    if settings.duckdb_threads:
        con.execute(f"set threads = {int(settings.duckdb_threads)}")


def _load_one(
    con: duckdb.DuckDBPyConnection,
    drop_file: DropFile,
    run_id: str,
    *,
    settings: Settings,
    as_of: datetime,
    seconds: StageSeconds,
    fingerprints: Fingerprints | None = None,
) -> FileReport:
    transaction = FileTransaction(con)
    try:
        report = load_file(
            con,
            drop_file,
            run_id,
            as_of=as_of,
            earliest=settings.earliest_valid_date,
            seconds=seconds,
            fingerprints=fingerprints,
            transaction=transaction,
        )
    except FileRefused as refusal:
        transaction.rollback()
        drop_scratch(con)
        return FileReport.refused(drop_file, refusal)
    except Exception as error:
        # Any other fault in one file refuses that file and the night goes on; only the warehouse's
        # own storage failing stops the refresh. The error's text is not repeated: it can quote the file.
        transaction.rollback()
        if storage_failure(error, Path(".")) is not None or isinstance(error, duckdb.FatalException):
            raise
        drop_scratch(con)
        unreadable = FileRefused(
            drop_file.path,
            f"the file could not be loaded ({type(error).__name__}); nothing from it "
            "was loaded; check it opens and matches the data contract",
        )
        return FileReport.refused(drop_file, unreadable)
    except BaseException:
        transaction.rollback()
        raise
    with timed(seconds, "commit"):
        transaction.commit()
    drop_scratch(con)
    return report


def _require_reference_data(con: duckdb.DuckDBPyConnection) -> None:
    missing = [
        what
        for what, table in (("ward boundaries (wards.*)", "stg_wards"), ("population (population*)", "stg_population"))
        if one_value(con, f"select count(*) from {table}") == 0
    ]
    if missing:
        raise RefreshFailed("the warehouse has no " + " and no ".join(missing) + "; the first drop must include them")


def _record_run(con: duckdb.DuckDBPyConnection, report: RefreshReport) -> None:
    totals = report.totals()
    statuses = [file.status for file in report.files]
    con.execute(
        "insert into etl_runs (run_id, started_at, finished_at, drop_folder, outcome, files_seen, files_loaded, "
        "files_refused, files_unchanged, rows_in_files, rows_loaded, rows_updated, rows_rejected, refresh_kind) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            report.run_id,
            report.started_at,
            report.finished_at,
            str(report.incoming),
            report.outcome,
            len(report.files),
            statuses.count("loaded"),
            statuses.count("refused"),
            statuses.count("unchanged"),
            totals["rows_in_file"],
            totals["rows_loaded"],
            totals["rows_updated"],
            totals["rows_rejected"],
            report.kind,
        ],
    )
    for file in report.files:
        con.execute(
            "insert into etl_run_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                report.run_id,
                file.file_name,
                file.extract,
                file.sha256,
                file.status,
                file.rows_in_file,
                file.rows_loaded,
                file.rows_inserted,
                file.rows_updated,
                file.rows_rejected,
                file.message,
                file.notes,
            ],
        )
