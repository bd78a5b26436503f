"""Oversight at national scale: load ratio, page data calls, memory and growth from 0.5M to 5M police incidents.

Run the full benchmark (installing the test extras first) with `make benchmark`, which runs:

    .venv/bin/python benchmarks/national_scale.py --scales 500k,1M,5M --repeat 20

Everything is measured in one run, on one machine and one set of files:

1. Load ratio. Each scale's sample drop (`oversight sample --scale 500k --tables-as csv`, generated once,
   untimed, and kept under --work) is loaded twice, each in a subprocess of its own, timed around the
   subprocess: the bare load, `create table <stem> as select * from read_csv('<file>')` for each CSV file
   into a fresh DuckDB file, then `checkpoint`, nothing else; and the full refresh, `oversight refresh`
   into a fresh empty warehouse folder. The headline is refresh time / bare load time (goal: at most
   1.3). Peak memory is each subprocess's ru_maxrss, from wait4.
2. Page data calls. Every dashboard page runs in Streamlit's AppTest, signed in as a board member (as an
   analyst for pages boards do not see), with default filters and with a ward + sex filter; every call
   the page makes through ui.cache is recorded. Each recorded call is then replayed straight against the
   warehouse, with no Streamlit cache, under that audience's disclosure rule:
   - cold: once, in a fresh process per page, on a read-only connection opened for that call alone, so
     DuckDB's caches (per process, per open database) start empty; the time includes opening the
     connection, as ui.cache does on a cache miss. The OS page cache is left as it is.
   - warm: after one warm-up call, --repeat calls on one open connection (fewer when a call's timed
     repeats have already taken --warm-budget seconds, but never fewer than 5).
   Goals: p95 at most 100 ms warm, 1 s cold.
3. Dashboard memory. The dashboard is served as `oversight serve` serves it (`python -m oversight.server
   run app.py`) on a free localhost port; Chromium (Debian's, through Playwright) opens every page with
   default filters, then chooses the ward and sex filters. Reported: the server process's peak RSS. The
   peak RSS of the AppTest process that ran every page is reported as well.
4. Growth: refresh time and page-call p95 at each scale relative to the first, beside the ratio of
   police incidents; a growth exponent log(time ratio) / log(incidents ratio) of 1 or less is linear or
   better.

Results: benchmarks/results/national_scale.json (every figure, the machine, versions and command) and a
Markdown report printed and written to benchmarks/results/national_scale.md, ready for BENCHMARKS.md.

`--quick` (what CI runs through tests/benchmarks, with --work and --results in a temporary folder) checks
that all of this works, in about a minute: 20k incidents, 2 warm repeats, every page's cold calls in
one process, no browser. Its timings are not figures to quote.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from common import machine, versions
from scale_browser import measure_dashboard
from scale_record import record_page_calls
from scale_replay import measure_pages, replay_cold, replay_warm
from scale_report import growth, markdown_report
from scale_runs import (
    COLD_P95_GOAL_MS,
    DEFAULT_RESULTS,
    DEFAULT_SCALES,
    DEFAULT_WORK,
    MINIMUM_WARM_CALLS,
    PROJECT_ROOT,
    QUICK_REPEAT,
    QUICK_SCALES,
    REFRESH_RATIO_GOAL,
    REFRESH_RSS_GOAL_GIB,
    WARM_P95_GOAL_MS,
    WORKER,
    Scale,
    bare_load,
    ensure_drop,
    measure_bare_load,
    measure_refresh,
    now,
    progress,
)


def measure_scale(scale: Scale, options: argparse.Namespace) -> dict[str, Any]:
    started_at = now()
    drop = ensure_drop(scale, options.work)
    folder = options.work / "runs" / scale.key
    shutil.rmtree(folder / "logs", ignore_errors=True)  # a screenshot left by an earlier run would mislead
    folder.mkdir(parents=True, exist_ok=True)
    load_at_start = os.getloadavg()[0]
    progress(scale, "bare DuckDB load")
    bare, rows = measure_bare_load(drop, folder)
    progress(scale, f"full refresh (bare load took {bare.seconds:.1f} s)")
    refresh = measure_refresh(scale, drop, folder, options.retries, options.retry_wait)
    progress(scale, f"page data calls (refresh took {refresh.seconds:.1f} s)")
    warehouse = folder / "warehouse"
    pages = measure_pages(scale, warehouse, folder, options.repeat, options.warm_budget, options.quick)
    if options.browser:
        progress(scale, "the served dashboard in Chromium")
        pages_summary = json.loads((folder / "calls" / "calls.json").read_text(encoding="utf-8"))["pages"]
        dashboard = measure_dashboard(warehouse, folder, pages_summary, pages["ward_filter"]["ward_name"])
    else:
        dashboard = {"skipped": "--no-browser"}
    incidents = sum(count for table, count in rows.items() if table.startswith("police_incidents"))
    csv_files = sorted(drop.glob("*.csv"))
    return {
        "scale": scale.label,
        "police_incidents": incidents,
        "drop": str(drop),
        "started_at": started_at,
        "finished_at": now(),
        # the machine is shared: other work running alongside slows every figure
        "load_average_1_minute": {"start": load_at_start, "end": os.getloadavg()[0]},
        "drop_files": {
            "csv_files": len(csv_files),
            "csv_mib": sum(path.stat().st_size for path in csv_files) / 2**20,
            "rows_per_table": rows,
        },
        "load": {
            "bare_seconds": bare.seconds,
            "bare_peak_rss_mib": bare.peak_rss_mib,
            "refresh_seconds": refresh.seconds,
            "refresh_peak_rss_mib": refresh.peak_rss_mib,
            "ratio": refresh.seconds / bare.seconds,
            "refresh_stage_seconds": refresh_stages(warehouse),
        },
        "page_calls": pages,
        "dashboard": dashboard,
    }


def refresh_stages(warehouse: Path) -> dict[str, float]:
    """Seconds per refresh stage, from the last line of the warehouse's run log."""
    from etl.warehouse import Warehouse

    runs = Warehouse(warehouse).read_run_log()
    return runs[-1].get("stage_seconds", {}) if runs else {}


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales", help=f"comma-separated numbers of police incidents (default {DEFAULT_SCALES}; {QUICK_SCALES} with --quick)"
    )
    parser.add_argument("--repeat", type=int, help=f"warm calls of each data call (default 20; {QUICK_REPEAT} with --quick)")
    parser.add_argument(
        "--warm-budget",
        type=float,
        default=10.0,
        help=f"seconds of warm calls after which a slow call stops repeating (at least {MINIMUM_WARM_CALLS} calls; default 10)",
    )
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help=f"drops and warehouses (default {DEFAULT_WORK})")
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="folder for national_scale.json and .md")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a check that everything works, for CI: tiny scale, few repeats, one cold process, no browser",
    )
    parser.add_argument(
        "--browser",
        action=argparse.BooleanOptionalAction,
        help="measure the served dashboard's memory in Chromium (default on; off with --quick)",
    )
    parser.add_argument("--retries", type=int, default=2, help="retries of a failed refresh (default 2)")
    parser.add_argument("--retry-wait", type=float, default=60.0, help="seconds before retrying a refresh")
    options = parser.parse_args(argv)
    try:
        options.scales = [
            Scale.parse(text) for text in (options.scales or (QUICK_SCALES if options.quick else DEFAULT_SCALES)).split(",")
        ]
    except ValueError as error:
        parser.error(str(error))
    options.repeat = options.repeat or (QUICK_REPEAT if options.quick else 20)
    options.browser = (not options.quick) if options.browser is None else options.browser
    options.work = options.work.resolve()
    return options


def main(argv: list[str] | None = None) -> dict[str, Any]:
    options = parse_arguments(argv)
    python = Path(sys.executable)
    if python.is_relative_to(PROJECT_ROOT):
        python = python.relative_to(PROJECT_ROOT)
    command = [str(python), "benchmarks/national_scale.py", *(sys.argv[1:] if argv is None else argv)]
    record: dict[str, Any] = {
        "started_at": now(),
        "command": shlex.join(command),
        "machine": machine(),
        "versions": versions("duckdb", "polars", "streamlit", "pyarrow", "playwright"),
        "options": {
            "scales": [scale.label for scale in options.scales],
            "repeat": options.repeat,
            "warm_budget_seconds": options.warm_budget,
            "quick": options.quick,
            "browser": options.browser,
            "work": str(options.work),
        },
        "goals": {
            "refresh_over_bare_load": REFRESH_RATIO_GOAL,
            "refresh_peak_rss_gib": REFRESH_RSS_GOAL_GIB,
            "warm_p95_ms": WARM_P95_GOAL_MS,
            "cold_p95_ms": COLD_P95_GOAL_MS,
        },
        "definitions": {
            "bare_load": "for each CSV file: create table <stem> as select * from read_csv('<file>'), into a fresh "
            "DuckDB file, then checkpoint; in its own subprocess, timed around it",
            "refresh": "oversight refresh --incoming DROP --warehouse NEWDIR into a fresh empty folder, in its own subprocess",
            "peak_rss": "ru_maxrss of the subprocess from os.wait4",
            "cold": "first call on a read-only connection opened for that call alone, in a fresh process per page "
            "(with --quick, one process for every page); includes opening the connection; OS page cache "
            "not dropped",
            "warm": "repeated calls of the same call on one open connection after one warm-up call",
            "pages": "each page run in Streamlit AppTest as a board member (analyst for analyst-only pages); every call "
            "made through ui.cache recorded, then replayed without Streamlit's cache",
            "dashboard_peak_rss": "peak RSS of `python -m oversight.server run app.py` while Chromium opened every page "
            "with default, then ward + group filters",
        },
    }
    record["scales"] = [measure_scale(scale, options) for scale in options.scales]
    record["growth"] = growth(record["scales"])
    record["finished_at"] = now()
    options.results.mkdir(parents=True, exist_ok=True)
    (options.results / "national_scale.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    report = markdown_report(record)
    (options.results / "national_scale.md").write_text(report, encoding="utf-8")
    print(report)
    return record


WORKERS: dict[str, Callable[..., None]] = {
    "bare-load": bare_load,
    "record": record_page_calls,
    "cold": replay_cold,
    "warm": replay_warm,
}


def run_worker(arguments: Iterable[str]) -> None:
    name, *rest = arguments
    WORKERS[name](*rest)


if __name__ == "__main__":
    if sys.argv[1:2] == [WORKER]:
        run_worker(sys.argv[2:])
    else:
        main()
