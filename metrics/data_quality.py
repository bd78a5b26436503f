"""Data and refresh: what each refresh did, how complete and how fresh the data are, and which rows
were rejected.

Counts of runs, files and rows in files describe the refresh, not people, and are shown as they are.
Completeness counts people's records: figures for the whole district are published as they are, and a
cut below it (by ward) passes through `metrics.disclosure`. Rejected rows hold values from single
records, which no rounding can make safe, so only an audience `may_see_record_level` sees them: the
one check a page makes before showing them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from etl.contract import BY_NAME
from etl.warehouse import NEVER_FINISHED, Warehouse
from metrics.aggregate import UnsupportedCut, query_sql
from metrics.disclosure import Audience, DisclosureRule, protect_frame

STALE_AFTER_DAYS = 35  # a monthly extract that misses one delivery falls this far behind the others
RECORD_LEVEL_AUDIENCES = frozenset({Audience.ANALYST})
FAILED = "failed"
UNCHANGED = "unchanged"

NOT_RECOGNISED = "not recognised"
WARD_NOT_KNOWN = "ward not known"
RUN_COUNTS = (
    "files_seen",
    "files_loaded",
    "files_unchanged",
    "files_refused",
    "rows_in_files",
    "rows_loaded",
    "rows_updated",
    "rows_rejected",
)
HISTORY_SCHEMA = pl.Schema(
    {
        "run_id": pl.String(),
        "started_at": pl.Datetime("us"),
        "finished_at": pl.Datetime("us"),
        "drop_folder": pl.String(),
        "outcome": pl.String(),
        "kind": pl.String(),
        **{column: pl.Int64() for column in RUN_COUNTS},
        "error": pl.String(),
        "is_failed": pl.Boolean(),
        "is_served": pl.Boolean(),
        "summary": pl.String(),
    }
)


def may_see_record_level(audience: Audience) -> bool:
    """Whether an audience may see values from single records (rejected rows)."""
    return Audience(audience) in RECORD_LEVEL_AUDIENCES


def extract_title(extract: str) -> str:
    """An extract's name in words, as its contract gives it."""
    if extract in BY_NAME:
        return BY_NAME[extract].title
    return "File name not recognised" if extract == NOT_RECOGNISED else extract.replace("_", " ").capitalize()


def run_log_size(warehouse: Path) -> int:
    """Bytes in the run log. The log only grows, so its size tells a cache that an attempt was added."""
    log = Warehouse(warehouse).run_log
    return log.stat().st_size if log.exists() else 0


def refresh_history(con: duckdb.DuckDBPyConnection | None, rule: DisclosureRule, runs_log: Sequence[Mapping]) -> pl.DataFrame:
    """Every refresh attempt, newest first, with what it did in plain words.

    Successful runs are in the warehouse's `etl_runs`; failed ones publish nothing, so only the run
    log (`Warehouse.read_run_log()`) knows them. `con` may be None when nothing has been published.
    `rule` is not applied: these count files and rows in files, not people.
    """
    attempts = {record["run_id"]: _attempt_from_log(record) for record in runs_log if record.get("run_id")}
    served_run = None
    if con is not None:
        recorded = con.sql(query_sql("data_quality_runs")).pl()
        served_run = recorded["run_id"][0] if recorded.height else None
        for row in recorded.iter_rows(named=True):
            attempts[row["run_id"]] = {"error": None, **attempts.get(row["run_id"], {}), **row}
    rows = []
    for attempt in attempts.values():
        is_failed = attempt["outcome"] in (FAILED, NEVER_FINISHED)
        is_served = attempt["run_id"] == served_run
        rows.append(
            {
                **attempt,
                "is_failed": is_failed,
                "is_served": is_served,
                "summary": _summary(attempt, is_failed=is_failed, is_served=is_served),
            }
        )
    frame = pl.DataFrame(rows, schema=HISTORY_SCHEMA) if rows else pl.DataFrame(schema=HISTORY_SCHEMA)
    return frame.sort("started_at", descending=True, nulls_last=True)


def rows_by_extract(con: duckdb.DuckDBPyConnection, rule: DisclosureRule, *, latest_runs: int = 3) -> pl.DataFrame:
    """Files and rows read, loaded and rejected per extract in the newest runs (rows in files, not people)."""
    frame = con.sql(query_sql("data_quality_rows_by_extract"), params={"latest_runs": latest_runs}).pl()
    return frame.with_columns(extract_title=pl.col("extract").map_elements(extract_title, return_dtype=pl.String))


def completeness(con: duckdb.DuckDBPyConnection, rule: DisclosureRule, *, by: str | None = None) -> pl.DataFrame:
    """Share of records with each key field recorded, per extract: for the district, and per ward when
    `by="ward"` (ward counts are protected against the district row of the same check)."""
    if by not in (None, "ward"):
        raise UnsupportedCut(f"completeness can be shown for the district or by ward, not by {by}")
    checks = con.sql("select * from mart_completeness").pl()
    keys = ["extract", "check_order", "field"]
    counts = [pl.col("records").sum().cast(pl.Int64), pl.col("recorded").sum().cast(pl.Int64)]
    district = (
        checks.group_by(keys)
        .agg(counts)
        .with_columns(
            cut=pl.lit("district"), cut_value=pl.lit("district"), cut_label=pl.lit("whole district"), level=pl.lit("district")
        )
    )
    frames = [district]
    if by == "ward":
        names = dict(con.sql("select ward_code, ward_name from mart_wards").fetchall())
        wards = (
            checks.group_by([*keys, "ward_code"])
            .agg(counts)
            .with_columns(
                cut=pl.lit("ward"),
                cut_value=pl.col("ward_code").fill_null(WARD_NOT_KNOWN),
                cut_label=pl.col("ward_code")
                .replace_strict(names, default=pl.col("ward_code"), return_dtype=pl.String)
                .fill_null(WARD_NOT_KNOWN),
                level=pl.lit("sub-district"),
            )
            .drop("ward_code")
        )
        frames.append(wards.select(district.columns))
    frame = pl.concat(frames).with_columns(
        recorded_pct=pl.when(pl.col("records") > 0).then(100 * pl.col("recorded") / pl.col("records")),
        extract_title=pl.col("extract").map_elements(extract_title, return_dtype=pl.String),
    )
    protected = protect_frame(
        frame,
        count_columns=["records", "recorded"],
        ratio_columns={"recorded_pct": ("recorded", "records")},
        rule=rule,
        level_column="level",
        group_columns=["check_order"],
    )
    return (
        protected.with_columns(disclosure_rule=pl.lit(rule.describe()))
        .sort(["check_order", pl.col("cut") != "district", "cut_label"])
        .drop("level")
    )


def freshness(
    con: duckdb.DuckDBPyConnection,
    rule: DisclosureRule,
    *,
    stale_after_days: int = STALE_AFTER_DAYS,
    today: date | None = None,
) -> pl.DataFrame:
    """Per source: when it last loaded, its latest event, and whether it has fallen behind the newest
    source by more than `stale_after_days` (records held are district totals, shown as they are).

    With `today`, a source whose latest event is more than `stale_after_days` before today is also out of
    date, even when every source is equally old (the drops have stopped): `is_out_of_date`."""
    frame = con.sql(query_sql("data_quality_freshness")).pl()
    newest = frame["latest_event_at"].max()
    rows = []
    for row in frame.iter_rows(named=True):
        is_reference = row["extract"] not in BY_NAME or BY_NAME[row["extract"]].is_reference
        behind = (newest - row["latest_event_at"]).days if row["latest_event_at"] and newest else None
        is_stale = not is_reference and behind is not None and behind > stale_after_days
        status, text = _freshness_words(row, is_reference=is_reference, behind=behind, is_stale=is_stale, newest=newest)
        age = (today - row["latest_event_at"].date()).days if today and row["latest_event_at"] else None
        is_out_of_date = not is_reference and age is not None and age > stale_after_days
        if is_out_of_date and status == "up to date" and today is not None:
            status, text = (
                "out of date",
                (
                    f"Out of date: its latest event ({_day(row['latest_event_at'])}) is {age} days "
                    f"before today ({today.day} {today:%B %Y}). Check the nightly drop still arrives."
                ),
            )
        rows.append(
            {
                **row,
                "extract_title": extract_title(row["extract"]),
                "is_reference": is_reference,
                "days_behind_newest": behind,
                "is_stale": is_stale,
                "days_before_today": age,
                "is_out_of_date": is_out_of_date,
                "status": status,
                "status_text": text,
            }
        )
    schema = {
        **frame.schema,
        "extract_title": pl.String,
        "is_reference": pl.Boolean,
        "days_behind_newest": pl.Int64,
        "is_stale": pl.Boolean,
        "days_before_today": pl.Int64,
        "is_out_of_date": pl.Boolean,
        "status": pl.String,
        "status_text": pl.String,
    }
    return pl.DataFrame(rows, schema=schema).sort(["is_reference", "extract"])


def rejected_rows(con: duckdb.DuckDBPyConnection, rule: DisclosureRule, limit: int = 500) -> pl.DataFrame:
    """Rows still rejected (from each file's latest load), newest first: record-level, for analysts only."""
    frame = con.sql(query_sql("data_quality_rejected_rows"), params={"limit": limit}).pl()
    return frame.with_columns(extract_title=pl.col("extract").map_elements(extract_title, return_dtype=pl.String))


def _attempt_from_log(record: Mapping) -> dict:
    files = record.get("files") or []
    statuses = [file.get("status") for file in files]

    def total(key: str) -> int:
        return sum(int(file.get(key) or 0) for file in files)

    return {
        "run_id": record["run_id"],
        "started_at": _moment(record.get("started_at")),
        "finished_at": _moment(record.get("finished_at")),
        "drop_folder": record.get("incoming"),
        "outcome": record.get("outcome") or "unknown",
        "kind": record.get("kind"),
        "files_seen": len(files),
        "files_loaded": statuses.count("loaded"),
        "files_unchanged": statuses.count("unchanged"),
        "files_refused": statuses.count("refused"),
        "rows_in_files": total("rows_in_file"),
        "rows_loaded": total("rows_loaded"),
        "rows_updated": total("rows_updated"),
        "rows_rejected": total("rows_rejected"),
        "error": record.get("error"),
    }


def _moment(value: object) -> datetime | None:
    if isinstance(value, datetime) or value is None:
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None  # a log line written by hand or by an older version: the attempt still shows


def _summary(attempt: Mapping, *, is_failed: bool, is_served: bool) -> str:
    if is_failed:
        reason = attempt.get("error") or "no reason was recorded"
        return f"Failed: nothing was published, so the data shown did not change. Reason: {reason}"
    if attempt.get("outcome") == UNCHANGED:
        files = attempt.get("files_seen") or 0
        received = _plural(files, "file") + " received, every one loaded before" if files else "no file received"
        return f"Nothing changed: {received}, so no new version was published and the data shown did not change."
    refused = attempt.get("files_refused") or 0
    parts = [_plural(attempt.get("files_loaded") or 0, "file") + " loaded"]
    if unchanged := attempt.get("files_unchanged") or 0:
        parts.append(_plural(unchanged, "file") + " unchanged since an earlier refresh")
    if refused:
        parts.append(_plural(refused, "file") + " refused")
    rejected = attempt.get("rows_rejected") or 0
    parts.append(_plural(attempt.get("rows_loaded") or 0, "row") + " loaded and " + _plural(rejected, "row") + " rejected")
    head = "Completed, but some files were refused" if refused else "Completed"
    return f"{head}: {', '.join(parts)}." + (" These are the data shown now." if is_served else "")


def _freshness_words(
    row: Mapping, *, is_reference: bool, behind: int | None, is_stale: bool, newest: datetime | None
) -> tuple[str, str]:
    if not row["files_loaded"]:
        return "not received", "No file of this extract has been received yet."
    if is_reference:
        return "reference data", f"Reference data, last loaded on {_day(row['last_loaded_at'])}."
    if not row["rows_held"] or row["latest_event_at"] is None:
        return "no records", "Files were received but no records are held."
    if is_stale and newest is not None:
        return "behind", (
            f"Behind: its latest event ({_day(row['latest_event_at'])}) is {behind} days before the "
            f"newest source's ({_day(newest)}). Check the agency is still sending this extract."
        )
    return "up to date", f"Up to date: latest event on {_day(row['latest_event_at'])}."


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def _plural(count: int, noun: str) -> str:
    if count == 0:
        return f"no {noun}s"
    return f"{count:,} {noun}" + ("" if count == 1 else "s")
