"""Load one file of a drop into staging: read, guard, check, keep the rejects, upsert."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import yaml

from etl.contract.extracts import WardBoundary
from etl.drop import ACTION_PLAN, KNOWN_NAMES, DropFile, Fingerprints
from etl.errors import BoundaryFileError, FileRefused
from etl.pii.guard import guard_identifiers, guard_properties, identifiers_in_yaml
from etl.pii.values import safe_file_name, safe_label
from etl.readers import project_contract, read_file
from etl.rejects import keep_rejects
from etl.stages import StageSeconds, timed
from etl.staging import (
    REGISTER_KEYS,
    add_warehouse_problems,
    describe_orphans,
    mark_changed_whole,
    orphaned_codes,
    record_id_sql,
    reference_checks,
    remember_register,
    upsert,
)
from etl.validate import check_rows
from etl.warehouse import drop_temp_tables, one_value


@dataclass
class FileReport:
    file_name: str
    extract: str | None
    status: str  # loaded | refused | unchanged
    sha256: str | None = None
    rows_in_file: int = 0
    rows_loaded: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_rejected: int = 0
    message: str = ""
    notes: list[str] = field(default_factory=list)

    @classmethod
    def refused(cls, drop_file: DropFile, refusal: FileRefused) -> FileReport:
        return cls(safe_file_name(drop_file.path), drop_file.extract_name, "refused", message=str(refusal))

    @property
    def balanced(self) -> bool:
        return self.rows_loaded + self.rows_rejected == self.rows_in_file


def load_file(
    con: duckdb.DuckDBPyConnection,
    drop_file: DropFile,
    run_id: str,
    *,
    as_of: datetime,
    earliest: date,
    seconds: StageSeconds | None = None,
    fingerprints: Fingerprints | None = None,
    transaction: FileTransaction | None = None,
) -> FileReport:
    """Load one drop file, refusing it whole (FileRefused) or keeping its rejected rows. What it writes to the warehouse
    is written in `transaction`, begun once the file's scratch tables are made (those of a large file can fill
    the memory DuckDB is given, and a table dropped within a transaction is freed only when it ends)."""
    transaction = transaction or FileTransaction(con)
    path = drop_file.path
    if drop_file.problem is not None:
        raise FileRefused(path, drop_file.problem)
    if safe_file_name(path) != path.name:
        raise FileRefused(
            path, "the file name holds a direct identifier, which the contract forbids; name files by extract and date only"
        )
    if drop_file.extract_name is None:
        raise FileRefused(path, "the file name matches no extract; names must start with one of: " + ", ".join(KNOWN_NAMES))
    with timed(seconds, "fingerprint"):
        sha = (fingerprints or Fingerprints()).of(path)
    previous = con.execute("select file_name, loaded_at from loaded_files where sha256 = ?", [sha]).fetchone()
    if previous:
        return FileReport(
            path.name,
            drop_file.extract_name,
            "unchanged",
            sha,
            message=f"already loaded as {previous[0]} on {previous[1]:%Y-%m-%d %H:%M}; nothing changed",
        )
    if drop_file.extract_name == ACTION_PLAN:
        transaction.begin()
        report = _load_action_plan(con, path, sha)
    elif drop_file.extract_name == WardBoundary.extract_name:
        transaction.begin()
        report = _load_wards(con, path, sha, run_id)
    else:
        report = _load_table(
            con, drop_file, sha, run_id, as_of=as_of, earliest=earliest, seconds=seconds, transaction=transaction
        )
    con.execute(
        "insert into loaded_files values (?, ?, ?, ?, ?)", [sha, path.name, drop_file.extract_name, run_id, datetime.now()]
    )
    return report


def _load_action_plan(con: duckdb.DuckDBPyConnection, path: Path, sha: str) -> FileReport:
    text = path.read_text(encoding="utf-8", errors="strict")
    try:
        plan = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise FileRefused(
            path, f"not valid YAML: {getattr(error, 'problem', error)}", line=mark.line + 1 if mark else None
        ) from error
    if not isinstance(plan, (dict, list)):
        raise FileRefused(path, "expected a YAML mapping with a list of targets")
    messages = identifiers_in_yaml(text)
    if messages:
        raise FileRefused(path, "refused whole: it holds direct identifiers, which the contract forbids. " + "; ".join(messages))
    mark_changed_whole(con, "ref_action_plan")
    con.execute("delete from ref_action_plan")
    con.execute("insert into ref_action_plan values (?, ?, ?, ?)", [path.name, sha, datetime.now(), text])
    # A plan's rows are its targets, as `oversight sample` counts them; the document itself is stored whole.
    listed = plan.get("targets") if isinstance(plan, dict) else plan
    targets = len(listed) if isinstance(listed, list) else 0
    return FileReport(path.name, ACTION_PLAN, "loaded", sha, rows_in_file=targets, rows_loaded=targets, rows_inserted=targets)


def _load_wards(con: duckdb.DuckDBPyConnection, path: Path, sha: str, run_id: str) -> FileReport:
    # Imported here, not at the top: geopandas (and pandas under it) take half a second to import, a cost every
    # nightly refresh would pay though only a drop with a boundary file needs them.
    from etl.geography import load_wards

    try:
        wards = load_wards(path, inspect_properties=lambda properties: guard_properties(con, path, properties))
    except BoundaryFileError as error:
        raise FileRefused(path, str(error)) from error
    frame = wards.wards
    remember_register(con, WardBoundary.extract_name)
    con.register("_wards_frame", frame)
    previous = one_value(con, "select count(*) from stg_wards")
    mark_changed_whole(con, "stg_wards")
    con.execute("delete from stg_wards")
    con.execute(
        "insert into stg_wards (ward_code, ward_name, imd_quintile, area_km2, centroid_lat, centroid_lon, "
        "geometry_geojson, _source_file, _source_line, _run_id) "
        "select ward_code, ward_name, imd_quintile, area_km2, centroid_lat, centroid_lon, geojson, ?, "
        "row_number() over (), ? "
        "from _wards_frame",
        [path.name, run_id],
    )
    con.unregister("_wards_frame")
    orphans = orphaned_codes(con, WardBoundary.extract_name)
    if orphans:
        raise FileRefused(path, describe_orphans(orphans, "wards"))
    notes = list(wards.warnings)
    if previous:
        notes.append(f"replaced {previous} previously loaded wards")
    return FileReport(
        path.name,
        WardBoundary.extract_name,
        "loaded",
        sha,
        rows_in_file=frame.height,
        rows_loaded=frame.height,
        rows_inserted=frame.height,
        notes=notes,
    )


def _load_table(
    con: duckdb.DuckDBPyConnection,
    drop_file: DropFile,
    sha: str,
    run_id: str,
    *,
    as_of: datetime,
    earliest: date,
    seconds: StageSeconds | None = None,
    transaction: FileTransaction,
) -> FileReport:
    model = drop_file.model
    assert model is not None
    path = drop_file.path
    # The file is read and checked in a transaction of its own, which writes only scratch tables: the file as read
    # is then dropped outside any transaction, where DuckDB frees it, before the file's writes begin.
    transaction.begin()
    with timed(seconds, "read"):
        read = read_file(con, path, READ_TABLE)
    with timed(seconds, "identifier guard"):
        guard_identifiers(con, path, read, allowed=set(model.model_fields))
    with timed(seconds, "contract checks"):
        ignored = project_contract(con, path, read, model, "_contract_file")
        # the raw text the later steps read: the record id, and the cells the warehouse checks report
        keep_raw = {*model.primary_key, *(check.column for check in reference_checks(model))}
        check_rows(con, model, "_contract_file", "_checked_file", as_of=as_of, earliest=earliest, keep_raw=keep_raw)
    transaction.commit()
    # the checked rows carry every raw cell a later step reads, so the file as read goes before anything is written
    drop_read(con)
    transaction.begin()
    with timed(seconds, "warehouse checks"):
        add_warehouse_problems(con, model, "_checked_file")
    with timed(seconds, "rejects"):
        rejected_rows = keep_rejects(con, read, model.extract_name, path.name, run_id, record_id_sql(model, "c"))
    with timed(seconds, "staging"):
        if model.extract_name in REGISTER_KEYS:
            remember_register(con, model.extract_name)
        inserted, updated = upsert(con, model, "_checked_file", file_name=path.name, run_id=run_id)
        if model.extract_name in REGISTER_KEYS and (orphans := orphaned_codes(con, model.extract_name)):
            what = {"services": "services", "lsoa_ward_lookup": "LSOAs"}[model.extract_name]
            raise FileRefused(path, describe_orphans(orphans, what))
    notes = list(read.notes)
    if ignored:
        notes.append("columns not in the contract were ignored: " + ", ".join(safe_label(name) for name in ignored))
    if read.rows_in_file == 0:
        notes.append("the file has a header and no rows")
    report = FileReport(
        path.name,
        model.extract_name,
        "loaded",
        sha,
        rows_in_file=read.rows_in_file,
        rows_loaded=inserted + updated,
        rows_inserted=inserted,
        rows_updated=updated,
        rows_rejected=rejected_rows,
        notes=notes,
    )
    if not report.balanced:  # a guard on the bookkeeping itself: never load a file we cannot account for
        raise FileRefused(
            path,
            f"rows do not add up: {report.rows_loaded} loaded + {rejected_rows} rejected "
            f"is not the {read.rows_in_file} rows read; nothing loaded",
        )
    return report


class FileTransaction:
    """A drop file's transaction, begun when the load first needs one (never, for a file refused or unchanged before
    that): a table's file is read and checked in one, which writes scratch tables alone, and written in a second."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.open = False

    def begin(self) -> None:
        if not self.open:
            self.con.execute("begin transaction")
            self.open = True

    def commit(self) -> None:
        if self.open:
            self.con.execute("commit")
            self.open = False

    def rollback(self) -> None:
        if self.open:
            self.con.execute("rollback")
            self.open = False


READ_TABLE, CHECKED_TABLE = "_raw_file", "_checked_file"
SCRATCH_VIEWS = ("_named_file", "_contract_file")


def drop_read(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the file as read (its other sheets and DuckDB's notes of its faults too) and the views over it."""
    for view in SCRATCH_VIEWS:
        con.execute(f"drop view if exists {view}")
    drop_temp_tables(con, READ_TABLE)
    con.execute("drop table if exists _rejected_lines")


def drop_scratch(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every table one file's load made for itself, once its transaction is over: a large file's would
    otherwise stay in memory while the next file loads."""
    drop_read(con)
    con.execute(f"drop table if exists {CHECKED_TABLE}")
