"""The national-scale benchmark's settings, its measured subprocesses, the drops and the two loads."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = PROJECT_ROOT / "benchmarks" / "national_scale.py"
DEFAULT_RESULTS = PROJECT_ROOT / "benchmarks" / "results"
DEFAULT_WORK = Path("/tmp/oversight-bench")
DEFAULT_SCALES = "500k,1M,5M"
QUICK_SCALES = "20k"
QUICK_REPEAT = 2
MINIMUM_WARM_CALLS = 5
REFRESH_RATIO_GOAL = 1.3
REFRESH_RSS_GOAL_GIB = 2.0
WARM_P95_GOAL_MS = 100.0
COLD_P95_GOAL_MS = 1000.0
SLOWEST_CALLS_LISTED = 8
PAGE_TIMEOUT_MS = 300_000  # a page run in the browser that takes longer is noted as an error
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# Signed-in users for AppTest's OIDC path: the role decides which pages show and which disclosure rule applies.
USERS = {
    "board": "board.member@council.gov.uk",
    "commissioner": "commissioner@council.gov.uk",
    "analyst": "analyst@council.gov.uk",
}
GROUP_FILTER = {"sex": "female"}
WORKER = "worker"


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    peak_rss_kib: int
    returncode: int

    @property
    def peak_rss_mib(self) -> float:
        return self.peak_rss_kib / 1024


def run_measured(command: list[str], log: Path, environment: dict[str, str] | None = None) -> ChildRun:
    """Run a command to completion; wall time around it and its peak RSS (ru_maxrss, KiB on Linux)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as output:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=environment, cwd=PROJECT_ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return ChildRun(seconds, usage.ru_maxrss, child.returncode)


def worker_command(name: str, *arguments: object) -> list[str]:
    return [sys.executable, str(SCRIPT), WORKER, name, *map(str, arguments)]


def worker_environment(warehouse: Path) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("OVERSIGHT_")}
    return {**environment, "OVERSIGHT_WAREHOUSE": str(warehouse)}


def require_success(run: ChildRun, what: str, log: Path) -> None:
    if run.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        raise RuntimeError(f"{what} failed with exit code {run.returncode} (log {log}):\n{tail}")


@dataclass(frozen=True)
class Scale:
    label: str
    incidents: int

    @classmethod
    def parse(cls, text: str) -> Scale:
        match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
        if match is None:
            raise ValueError(f"not a number of incidents: {text!r} (e.g. 500k, 1M, 5M)")
        factor = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
        return cls(text.strip(), round(float(match.group(1)) * factor))

    @property
    def key(self) -> str:
        return f"{self.incidents}-incidents"


def ensure_drop(scale: Scale, work: Path) -> Path:
    """The scale's CSV drop, generated on first use; a half-written drop is never reused."""
    drop = work / "drops" / scale.key
    if drop.is_dir():
        return drop
    partial = drop.with_name(drop.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    log = work / "logs" / f"sample-{scale.key}.log"
    progress(scale, f"generating the sample drop in {drop} (not timed)")
    run = run_measured(
        [sys.executable, "-m", "oversight.cli", "sample", "--out", str(partial), "--scale", scale.label, "--tables-as", "csv"],
        log,
    )
    require_success(run, "oversight sample", log)
    partial.rename(drop)
    return drop


def measure_bare_load(drop: Path, folder: Path) -> tuple[ChildRun, dict[str, int]]:
    database = folder / "bare.duckdb"
    for leftover in (database, database.with_name(database.name + ".wal")):
        leftover.unlink(missing_ok=True)
    log = folder / "logs" / "bare-load.log"
    run = run_measured(worker_command("bare-load", drop, database), log)
    require_success(run, "the bare DuckDB load", log)
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        tables = [row[0] for row in con.sql("select table_name from duckdb_tables() order by 1").fetchall()]
        rows = {table: con.sql(f'select count(*) from "{table}"').fetchall()[0][0] for table in tables}
    database.unlink()
    return run, rows


def bare_load(drop: str, database: str) -> None:
    """Worker: each CSV file into a table of its own, nothing else, then checkpoint."""
    import duckdb

    with duckdb.connect(database) as con:
        for csv_file in sorted(Path(drop).glob("*.csv")):
            path = str(csv_file).replace("'", "''")
            con.execute(f"create table \"{csv_file.stem}\" as select * from read_csv('{path}')")
        con.execute("checkpoint")


def measure_refresh(scale: Scale, drop: Path, folder: Path, retries: int, retry_wait: float) -> ChildRun:
    """`oversight refresh` into a fresh empty warehouse; retried when it fails (the ETL may be mid-change)."""
    warehouse = folder / "warehouse"
    for attempt in range(1, retries + 2):
        shutil.rmtree(warehouse, ignore_errors=True)
        warehouse.mkdir(parents=True)
        log = folder / "logs" / f"refresh-{attempt}.log"
        run = run_measured(
            [sys.executable, "-m", "oversight.cli", "refresh", "--incoming", str(drop), "--warehouse", str(warehouse)],
            log,
            worker_environment(warehouse),
        )
        if run.returncode == 0 or attempt > retries:
            require_success(run, "oversight refresh", log)
            return run
        progress(scale, f"refresh failed (exit {run.returncode}, log {log}); retrying in {retry_wait:.0f} s")
        time.sleep(retry_wait)
    raise AssertionError("unreachable")


def progress(scale: Scale, message: str) -> None:
    print(f"{datetime.now():%H:%M:%S} [{scale.label}] {message}", file=sys.stderr, flush=True)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
