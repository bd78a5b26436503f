"""Load one file of a drop into staging: read, guard, check, keep the rejects, upsert."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import yaml

from etl.contract.extracts import WardBoundary
from etl.csv_reader import swallowed_lines
from etl.drop import ACTION_PLAN, KNOWN_NAMES, DropFile
from etl.errors import BoundaryFileError, FileRefused
from etl.geography import load_wards
from etl.pii.headers import header_identifier
from etl.pii.scan import find_identifier_columns, scan_values
from etl.pii.values import VALUE_KINDS, describe_kinds, identifier_kinds, safe_file_name, safe_label, withheld_reason
from etl.readers import ReadResult, normalise_header, project_contract, read_file
from etl.stages import StageSeconds, timed
from etl.staging import (
    REGISTER_KEYS,
    add_warehouse_problems,
    describe_orphans,
    orphaned_codes,
    quote,
    record_id_sql,
    reference_checks,
    remember_register,
    upsert,
)
from etl.tabular import positional_names
from etl.validate import check_rows
from etl.warehouse import one_value


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


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_file(
    con: duckdb.DuckDBPyConnection,
    drop_file: DropFile,
    run_id: str,
    *,
    as_of: datetime,
    earliest: date,
    seconds: StageSeconds | None = None,
) -> FileReport:
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
        sha = file_sha256(path)
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
        report = _load_action_plan(con, path, sha)
    elif drop_file.extract_name == WardBoundary.extract_name:
        report = _load_wards(con, path, sha, run_id)
    else:
        report = _load_table(con, drop_file, sha, run_id, as_of=as_of, earliest=earliest, seconds=seconds)
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
    messages = _identifiers_in_yaml(text)
    if messages:
        raise FileRefused(path, "refused whole: it holds direct identifiers, which the contract forbids. " + "; ".join(messages))
    con.execute("delete from ref_action_plan")
    con.execute("insert into ref_action_plan values (?, ?, ?, ?)", [path.name, sha, datetime.now(), text])
    # A plan's rows are its targets, as `oversight sample` counts them; the document itself is stored whole.
    listed = plan.get("targets") if isinstance(plan, dict) else plan
    targets = len(listed) if isinstance(listed, list) else 0
    return FileReport(path.name, ACTION_PLAN, "loaded", sha, rows_in_file=targets, rows_loaded=targets, rows_inserted=targets)


def _identifiers_in_yaml(text: str) -> list[str]:
    """Every key and value of a YAML document, checked like a file's headers and cells, with its line."""
    messages: list[str] = []
    pending = [yaml.compose(text)]
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and (what := header_identifier(key.value)):
                    messages.append(f"line {key.start_mark.line + 1}: the key {safe_label(key.value)} says it holds {what}")
                pending.append(value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.ScalarNode) and (kinds := identifier_kinds(node.value)):
            messages.append(f"line {node.start_mark.line + 1}: looks like {describe_kinds(kinds)}")
    return sorted(messages, key=lambda message: int(message.split(":")[0].removeprefix("line ")))


def _guard_properties(con: duckdb.DuckDBPyConnection, path: Path, properties: pl.DataFrame | None) -> None:
    """A boundary file's attributes are checked like a table: names, then values (lines are feature numbers)."""
    if properties is None or not properties.width:
        return
    table = (
        properties.rename({name: f"c{index}" for index, name in enumerate(properties.columns)})
        .with_row_index("_line", offset=1)
        .with_columns(pl.col("_line").cast(pl.Int64))
    )
    con.register("_properties_frame", table)
    con.execute("create or replace temp table _properties as select * from _properties_frame")
    con.unregister("_properties_frame")
    messages = _identifier_messages(con, "_properties", properties.columns, set(WardBoundary.model_fields))
    if messages:
        raise FileRefused(
            path,
            "refused whole: its properties hold direct identifiers, which the contract forbids "
            "(lines are feature numbers). " + "; ".join(messages),
        )


def _load_wards(con: duckdb.DuckDBPyConnection, path: Path, sha: str, run_id: str) -> FileReport:
    try:
        wards = load_wards(path, inspect_properties=lambda properties: _guard_properties(con, path, properties))
    except BoundaryFileError as error:
        raise FileRefused(path, str(error)) from error
    frame = wards.wards
    remember_register(con, WardBoundary.extract_name)
    con.register("_wards_frame", frame)
    previous = one_value(con, "select count(*) from stg_wards")
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
) -> FileReport:
    model = drop_file.model
    assert model is not None
    path = drop_file.path
    with timed(seconds, "read"):
        read = read_file(con, path, "_raw_file")
    with timed(seconds, "identifier guard"):
        _guard_identifiers(con, path, read, allowed=set(model.model_fields))
    with timed(seconds, "contract checks"):
        ignored = project_contract(con, path, read, model, "_contract_file")
        # the raw text the later steps read: the record id, and the cells the warehouse checks report
        keep_raw = {*model.primary_key, *(check.column for check in reference_checks(model))}
        check_rows(con, model, "_contract_file", "_checked_file", as_of=as_of, earliest=earliest, keep_raw=keep_raw)
    with timed(seconds, "warehouse checks"):
        add_warehouse_problems(con, model, "_checked_file")
    with timed(seconds, "rejects"):
        rejected_rows = _keep_rejects(con, read, model.extract_name, path.name, run_id, record_id_sql(model, "c"))
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


def _guard_identifiers(con: duckdb.DuckDBPyConnection, path: Path, read: ReadResult, *, allowed: set[str]) -> None:
    """Refuse the whole file if any column name or value looks like a direct identifier, in the
    data or in any other sheet of a workbook."""
    messages = _identifier_messages(con, read.table, read.header, allowed)
    for sheet in read.other_sheets:
        messages += [
            f"sheet {safe_label(sheet.name)}: {message}"
            for message in _identifier_messages(con, sheet.table, sheet.header, allowed)
        ]
    messages = messages or _identifiers_in_rejected_lines(con, read)
    if messages:
        raise FileRefused(path, "refused whole: it holds direct identifiers, which the contract forbids. " + "; ".join(messages))


def _identifier_messages(con: duckdb.DuckDBPyConnection, table: str, header: list[str], allowed: set[str]) -> list[str]:
    findings = find_identifier_columns(header, allowed_columns=allowed)
    if findings:
        return [finding.message for finding in findings]
    labels = [f"{safe_label(normalise_header(name))} (column {index + 1})" for index, name in enumerate(header)]
    aliases = ", ".join(
        f"{quote(source)} as {quote(label)}" for source, label in zip(positional_names(len(header)), labels, strict=True)
    )
    con.execute(f"create or replace temp view _named_file as select {aliases}, _line from {table}")
    return [finding.message for finding in scan_values(con, "_named_file", labels)]


def _identifiers_in_rejected_lines(con: duckdb.DuckDBPyConnection, read: ReadResult) -> list[str]:
    """A line rejected for its shape is checked for identifiers too, though its text is never kept."""
    if not read.structural_rejects:
        return []
    lines = sorted({(reject.line, reject.value or "") for reject in read.structural_rejects})
    frame = pl.DataFrame(
        {"line_text": [text for _, text in lines], "_line": [line for line, _ in lines]},
        schema={"line_text": pl.String, "_line": pl.Int64},
    )
    con.register("_rejected_lines_frame", frame)
    con.execute("create or replace temp table _rejected_lines as select * from _rejected_lines_frame")
    con.unregister("_rejected_lines_frame")
    findings = scan_values(con, "_rejected_lines", ["line_text"])
    return [f"line {finding.first_line} (rejected as malformed): looks like {VALUE_KINDS[finding.kind]}" for finding in findings]


def _keep_rejects(
    con: duckdb.DuckDBPyConnection, read: ReadResult, extract: str, file_name: str, run_id: str, record_id: str
) -> int:
    now = datetime.now()
    if read.structural_rejects:
        # A malformed line's text is never kept: it may hold anything, and its line number finds it.
        structural = pl.DataFrame(
            {
                "line": [reject.line for reject in read.structural_rejects],
                "column_name": [reject.column for reject in read.structural_rejects],
                "rule": [reject.rule for reject in read.structural_rejects],
            },
            schema={"line": pl.Int64, "column_name": pl.String, "rule": pl.String},
        ).with_row_index("_order")
        _insert_frame(
            con,
            structural,
            "select ?, ?, ?, line, null, column_name, null, rule, ? from _frame order by _order",
            [run_id, extract, file_name, now],
        )
    con.execute(
        f"""
        insert into rejects
        select ?, ?, ?, c._line, {record_id}, p.problem.column, left(p.problem.value, 500), p.problem.rule, ?
        from _checked_file c, (select unnest(c._problems) as problem) p
        where len(c._problems) > 0
        """,
        [run_id, extract, file_name, now],
    )
    structural_lines = {reject.line for reject in read.structural_rejects}
    spans = [(start, end) for start, end in read.record_spans.items() if start not in structural_lines]
    if spans:
        # A rejected record spanning lines most likely swallowed them through a stray quote: say so.
        frame = pl.DataFrame(
            {"start": [start for start, _ in spans], "rule": [swallowed_lines(start, end) for start, end in spans]},
            schema={"start": pl.Int64, "rule": pl.String},
        )
        _insert_frame(
            con,
            frame,
            "select ?, ?, ?, f.start, null, null, null, f.rule, ? from _frame f "
            "where exists (select 1 from _checked_file c where c._line = f.start and len(c._problems) > 0) order by f.start",
            [run_id, extract, file_name, now],
        )
    _withhold_identifying_values(con, run_id, file_name)
    invalid = one_value(con, "select count(*) from _checked_file where len(_problems) > 0")
    return invalid + len(structural_lines)


def _insert_frame(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, select: str, parameters: list[object]) -> None:
    """Insert into `rejects` the rows `select` makes of `frame` (read as `_frame`), in one statement."""
    con.register("_frame", frame)
    try:
        con.execute(f"insert into rejects {select}", parameters)
    finally:
        con.unregister("_frame")


def _withhold_identifying_values(con: duckdb.DuckDBPyConnection, run_id: str, file_name: str) -> None:
    """A rejected cell or record id that could identify someone is replaced by what it looked like."""
    for column in ("value", "record_id"):
        values = con.execute(
            f"select distinct {column} from rejects where run_id = ? and file_name = ? and {column} is not null",
            [run_id, file_name],
        ).fetchall()
        # Each distinct value is judged once in Python; the rows holding the withheld ones change in one statement.
        withheld = [(value, reason) for (value,) in values if (reason := withheld_reason(value))]
        if not withheld:
            continue
        frame = pl.DataFrame(
            {"_value": [value for value, _ in withheld], "_reason": [reason for _, reason in withheld]},
            schema={"_value": pl.String, "_reason": pl.String},
        )
        con.register("_withheld", frame)
        try:
            con.execute(
                f"update rejects set {column} = w._reason from _withheld w "
                f"where rejects.run_id = ? and rejects.file_name = ? and rejects.{column} = w._value",
                [run_id, file_name],
            )
        finally:
            con.unregister("_withheld")
