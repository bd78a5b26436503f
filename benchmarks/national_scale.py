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
import math
import os
import pickle
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import machine, percentile, versions

PROJECT_ROOT = Path(__file__).resolve().parent.parent
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
CHROMIUM_ARGUMENTS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update", "--disable-sync",
                      "--disable-dev-shm-usage"]
# Signed-in users for AppTest's OIDC path: the role decides which pages show and which disclosure rule applies.
USERS = {"board": "board.member@council.gov.uk", "commissioner": "commissioner@council.gov.uk",
         "analyst": "analyst@council.gov.uk"}
GROUP_FILTER = {"sex": "female"}
WORKER = "worker"


# ---------------------------------------------------------------------------------------------------------
# Subprocesses, measured


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
    return [sys.executable, str(Path(__file__).resolve()), WORKER, name, *map(str, arguments)]


def worker_environment(warehouse: Path) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("OVERSIGHT_")}
    return {**environment, "OVERSIGHT_WAREHOUSE": str(warehouse)}


def require_success(run: ChildRun, what: str, log: Path) -> None:
    if run.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        raise RuntimeError(f"{what} failed with exit code {run.returncode} (log {log}):\n{tail}")


# ---------------------------------------------------------------------------------------------------------
# Drops and loads


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
    run = run_measured([sys.executable, "-m", "oversight.cli", "sample", "--out", str(partial),
                        "--scale", scale.label, "--tables-as", "csv"], log)
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
        run = run_measured([sys.executable, "-m", "oversight.cli", "refresh", "--incoming", str(drop),
                            "--warehouse", str(warehouse)], log, worker_environment(warehouse))
        if run.returncode == 0 or attempt > retries:
            require_success(run, "oversight refresh", log)
            return run
        progress(scale, f"refresh failed (exit {run.returncode}, log {log}); retrying in {retry_wait:.0f} s")
        time.sleep(retry_wait)
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------------------------------------
# Recording the pages' data calls (worker, in AppTest)


def largest_ward(warehouse: Path) -> tuple[str, str]:
    """The ward with most residents (code, name): the ward filter then narrows the most data."""
    import duckdb

    pointer = (warehouse / "CURRENT").read_text(encoding="utf-8").strip()
    with duckdb.connect(str(warehouse / "versions" / pointer), read_only=True) as con:
        code, name = con.sql("select ward_code, ward_name from mart_wards order by residents desc, ward_code"
                             " limit 1").fetchall()[0]
    return code, name


def filter_variants(ward_code: str) -> dict[str, dict[str, str]]:
    """Session-state filters (`filter_<name>`) for each measured variant."""
    return {"default": {}, "ward + group": {"ward": ward_code, **GROUP_FILTER}}


def call_key(audience: str, name: str, arguments: dict[str, Any]) -> str:
    return repr((audience, name, sorted(arguments.items())))


def describe_call(name: str, arguments: dict[str, Any]) -> str:
    """A short label: the indicator, the cut, whether a ward or group narrows it, and the options that tell calls apart."""
    parts, narrowed = [], False
    for argument, value in sorted(arguments.items()):
        if argument == "indicator_id":
            parts.insert(0, str(value))
        elif hasattr(value, "by") and hasattr(value, "groups"):  # metrics.compute.Filters
            parts.append(f"by {value.by}" if value.by else "total")
            narrowed |= any(vars(value.groups).values())
        elif argument == "groups" and value is not None:
            narrowed |= any(vars(value).values())
        elif argument == "ward_code":
            narrowed |= value is not None
        elif argument in {"by", "cohort", "measure", "limit", "latest_runs"} and value is not None:
            parts.append(f"{argument} {value}")
    if narrowed:
        parts.append("filtered")
    return f"{name}({', '.join(parts)})" if parts else name


class CallRecorder:
    """Wraps ui.cache's cached functions so every call a page makes is noted before the cache answers it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.router_calls: list[tuple[str, dict[str, Any]]] = []
        self.offered: list[Any] = []

    def recording(self, function: Callable[..., Any], describe: Callable[..., tuple[str, dict[str, Any]]]):
        def recorded(*arguments: Any, **keywords: Any) -> Any:
            self.calls.append(describe(*arguments, **keywords))
            return function(*arguments, **keywords)

        return recorded

    def take(self) -> list[tuple[str, dict[str, Any]]]:
        taken, self.calls = self.calls, []
        return taken


def record_page_calls(warehouse: str, ward_code: str, folder: str) -> None:
    """Worker: run every page in AppTest for each filter variant and write the calls it made."""
    os.environ.update(OVERSIGHT_WAREHOUSE=warehouse, OVERSIGHT_AUTH_MODE="oidc",
                      OVERSIGHT_ANALYST_USERS=USERS["analyst"], OVERSIGHT_COMMISSIONER_USERS=USERS["commissioner"])
    import streamlit
    from streamlit.testing.v1 import AppTest

    from metrics.warehouse import version_name
    from ui import cache
    from ui.access import ROLE_ORDER, may_see

    recorder = CallRecorder()
    cache._fetch = recorder.recording(cache._fetch, lambda version, audience, name, arguments: (name, dict(arguments)))
    cache._status = recorder.recording(cache._status, lambda version: ("load_status", {}))
    cache._wards = recorder.recording(cache._wards, lambda version: ("wards", {}))
    navigation = streamlit.navigation

    def recording_navigation(pages, **options):
        recorder.offered = list(pages)
        chosen = navigation(pages, **options)
        run_chosen = chosen.run

        def run_page() -> None:
            recorder.router_calls = recorder.take()  # what app.py fetched before handing over to the page
            run_chosen()

        chosen.run = run_page
        return chosen

    streamlit.navigation = recording_navigation

    def opened_app(audience: str, filters: dict[str, str]) -> AppTest:
        app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=1800)
        app.user = {"is_logged_in": True, "email": USERS[audience], "name": audience.title()}
        for name, value in filters.items():
            app.session_state[f"filter_{name}"] = value
        return app

    opened_app("analyst", {}).run()  # analysts are offered every page
    pages = [{"title": page.title, "path": str(Path(page._page).relative_to(PROJECT_ROOT)), "url_path": page.url_path,
              "audience": next(role.value for role in ROLE_ORDER if may_see(page.title, role))}
             for page in recorder.offered]
    recorder.take()

    calls: dict[str, dict[str, Any]] = {}
    page_calls, errors = [], []
    for variant, filters in filter_variants(ward_code).items():
        for audience in dict.fromkeys(page["audience"] for page in pages):
            app = opened_app(audience, filters)
            app.run()
            # app.py's own calls (sidebar filters) run before every page, so they count for each page; AppTest's
            # later runs execute the page script alone
            router_calls = recorder.router_calls
            recorder.take()
            for page in (page for page in pages if page["audience"] == audience):
                app.switch_page(page["path"]).run()
                errors += [{"page": page["title"], "variant": variant, "message": error.message} for error in app.exception]
                ids = []
                for name, arguments in [*router_calls, *recorder.take()]:
                    key = call_key(audience, name, arguments)
                    if key not in calls:
                        calls[key] = {"id": len(calls), "audience": audience, "name": name, "arguments": arguments,
                                      "label": describe_call(name, arguments)}
                    if calls[key]["id"] not in ids:
                        ids.append(calls[key]["id"])
                page_calls.append({"page": page["title"], "variant": variant, "call_ids": ids})
    ordered = sorted(calls.values(), key=lambda call: call["id"])
    Path(folder, "calls.pickle").write_bytes(pickle.dumps(ordered))
    summary = {"version": version_name(Path(warehouse)), "pages": pages, "page_calls": page_calls, "errors": errors,
               "calls": [{key: call[key] for key in ("id", "audience", "name", "label")} for call in ordered]}
    Path(folder, "calls.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------
# Replaying the calls (workers, straight against the warehouse)


class Replayer:
    """Runs a recorded call the way ui.cache would on a cache miss, minus Streamlit's cache."""

    def __init__(self, warehouse: Path) -> None:
        from metrics.disclosure import rule_for
        from metrics.warehouse import connect, version_name
        from oversight.settings import get_settings
        from ui import cache

        self.warehouse = warehouse
        self.version = version_name(warehouse)
        self.connect = connect
        self.queries = cache.QUERIES
        # the undecorated functions behind load_status() and wards(): each opens its own connection
        self.own_connection = {"load_status": cache._status.__wrapped__, "wards": cache._wards.__wrapped__}
        settings = get_settings()
        self.rules = {audience: rule_for(audience, settings) for audience in USERS}

    def call(self, con, call: dict[str, Any]) -> Any:
        if call["name"] in self.own_connection:
            return self.own_connection[call["name"]](self.version)
        return self.queries[call["name"]](con, self.rules[call["audience"]], **call["arguments"])

    def cold_ms(self, call: dict[str, Any]) -> float:
        started = time.perf_counter()
        if call["name"] in self.own_connection:
            self.call(None, call)
        else:
            with self.connect(self.warehouse) as con:
                self.call(con, call)
        return (time.perf_counter() - started) * 1000


def replay_cold(warehouse: str, folder: str, pages: str, output: str) -> None:
    """Worker (a fresh process per page): each of the pages' calls once, each on a connection of its own."""
    calls = pickle.loads(Path(folder, "calls.pickle").read_bytes())
    summary = json.loads(Path(folder, "calls.json").read_text(encoding="utf-8"))
    replayer = Replayer(Path(warehouse))
    timings: dict[str, dict[str, dict[str, Any]]] = {}
    for entry in (entry for entry in summary["page_calls"] if entry["page"] in json.loads(pages)):
        for call_id in entry["call_ids"]:
            try:
                result = {"ms": replayer.cold_ms(calls[call_id])}
            except Exception as error:  # noqa: BLE001  a call failing is reported with the figures, not fatal
                result = {"error": f"{type(error).__name__}: {error}"}
            timings.setdefault(entry["page"], {}).setdefault(entry["variant"], {})[str(call_id)] = result
    Path(output).write_text(json.dumps(timings), encoding="utf-8")


def replay_warm(warehouse: str, folder: str, repeat: str, budget: str, output: str) -> None:
    """Worker: every distinct call, once to warm up, then repeatedly on one open connection."""
    calls = pickle.loads(Path(folder, "calls.pickle").read_bytes())
    replayer = Replayer(Path(warehouse))
    timings: dict[str, dict[str, Any]] = {}
    with replayer.connect(Path(warehouse)) as con:
        for call in calls:
            try:
                replayer.call(con, call)
            except Exception as error:  # noqa: BLE001  a call failing is reported with the figures, not fatal
                timings[str(call["id"])] = {"error": f"{type(error).__name__}: {error}"}
                continue
            samples: list[float] = []
            while len(samples) < int(repeat):
                started = time.perf_counter()
                replayer.call(con, call)
                samples.append((time.perf_counter() - started) * 1000)
                if len(samples) >= MINIMUM_WARM_CALLS and sum(samples) > float(budget) * 1000:
                    break
            timings[str(call["id"])] = {"samples_ms": samples}
    Path(output).write_text(json.dumps(timings), encoding="utf-8")


def measure_pages(scale: Scale, warehouse: Path, folder: Path, repeat: int, warm_budget: float,
                  one_cold_process: bool) -> dict[str, Any]:
    """Record every page's calls in AppTest, then replay them cold and warm; per page and per call figures."""
    calls_folder = folder / "calls"
    shutil.rmtree(calls_folder, ignore_errors=True)
    calls_folder.mkdir(parents=True)
    environment = worker_environment(warehouse)
    ward_code, ward_name = largest_ward(warehouse)

    log = folder / "logs" / "record-pages.log"
    recording = run_measured(worker_command("record", warehouse, ward_code, calls_folder), log, environment)
    require_success(recording, "recording the pages in AppTest", log)
    summary = json.loads((calls_folder / "calls.json").read_text(encoding="utf-8"))
    progress(scale, f"recorded {len(summary['calls'])} distinct calls in {recording.seconds:.1f} s; replaying them cold")

    titles = [page["title"] for page in summary["pages"]]
    cold: dict[tuple[str, str, str], dict[str, Any]] = {}
    for number, group in enumerate([titles] if one_cold_process else [[title] for title in titles]):
        output = calls_folder / f"cold-{number}.json"
        log = folder / "logs" / f"cold-{number}.log"
        run = run_measured(worker_command("cold", warehouse, calls_folder, json.dumps(group), output), log, environment)
        require_success(run, f"cold calls of {', '.join(group)}", log)
        for page, variants in json.loads(output.read_text(encoding="utf-8")).items():
            for variant, results in variants.items():
                for call_id, result in results.items():
                    cold[page, variant, call_id] = result

    progress(scale, "replaying them warm")
    output = calls_folder / "warm.json"
    log = folder / "logs" / "warm.log"
    run = run_measured(worker_command("warm", warehouse, calls_folder, repeat, warm_budget, output), log, environment)
    require_success(run, "warm calls", log)
    warm = json.loads(output.read_text(encoding="utf-8"))
    return summarise_pages(summary, cold, warm, recording, ward_code, ward_name)


def summarise_pages(summary: dict[str, Any], cold: dict[tuple[str, str, str], dict[str, Any]],
                    warm: dict[str, dict[str, Any]], recording: ChildRun, ward_code: str, ward_name: str) -> dict[str, Any]:
    labels = {str(call["id"]): call for call in summary["calls"]}
    pages, every_warm, every_cold, calls_used = [], [], [], {}
    errors = list(summary["errors"])
    for entry in summary["page_calls"]:
        ids = [str(call_id) for call_id in entry["call_ids"]]
        warm_samples = [sample for call_id in ids for sample in warm[call_id].get("samples_ms", [])]
        cold_times = [cold[entry["page"], entry["variant"], call_id].get("ms") for call_id in ids]
        cold_times = [ms for ms in cold_times if ms is not None]
        errors += [{"page": entry["page"], "variant": entry["variant"], "message": f"{labels[call_id]['label']}: {result['error']}"}
                   for call_id in ids for result in (warm[call_id], cold[entry["page"], entry["variant"], call_id])
                   if "error" in result]
        every_warm += warm_samples
        every_cold += cold_times
        for call_id in ids:
            usage = calls_used.setdefault(call_id, {"pages": set(), "cold_ms": []})
            usage["pages"].add(entry["page"])
            if "ms" in cold[entry["page"], entry["variant"], call_id]:
                usage["cold_ms"].append(cold[entry["page"], entry["variant"], call_id]["ms"])
        pages.append({
            "page": entry["page"], "variant": entry["variant"], "data_calls": len(ids),
            "calls": [labels[call_id]["label"] for call_id in ids],
            "warm_p50_ms": _median(warm_samples), "warm_p95_ms": _p95(warm_samples),
            "cold_p50_ms": _median(cold_times), "cold_p95_ms": _p95(cold_times), "cold_total_ms": sum(cold_times),
        })
    per_call = []
    for call_id, usage in calls_used.items():
        samples = warm[call_id].get("samples_ms", [])
        per_call.append({
            "call": labels[call_id]["label"], "name": labels[call_id]["name"], "audience": labels[call_id]["audience"],
            "pages": sorted(usage["pages"]), "warm_calls": len(samples), "warm_p50_ms": _median(samples),
            "warm_p95_ms": _p95(samples), "cold_max_ms": max(usage["cold_ms"], default=None),
        })
    per_call.sort(key=lambda call: -(call["warm_p95_ms"] or 0))
    return {
        "ward_filter": {"ward_code": ward_code, "ward_name": ward_name, **GROUP_FILTER},
        "pages": pages, "calls": per_call, "errors": errors,
        "distinct_calls": len(per_call),
        "warm_p50_ms": _median(every_warm), "warm_p95_ms": _p95(every_warm),
        "cold_p50_ms": _median(every_cold), "cold_p95_ms": _p95(every_cold),
        "calls_over_warm_goal": sum(1 for call in per_call if (call["warm_p95_ms"] or 0) > WARM_P95_GOAL_MS),
        "calls_over_cold_goal": sum(1 for call in per_call if (call["cold_max_ms"] or 0) > COLD_P95_GOAL_MS),
        "apptest_process": {"seconds": recording.seconds, "peak_rss_mib": recording.peak_rss_mib},
    }


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _p95(values: list[float]) -> float | None:
    return percentile(values, 0.95) if values else None


# ---------------------------------------------------------------------------------------------------------
# Dashboard memory, in a real browser


def browser_unavailable() -> str | None:
    if CHROMIUM is None:
        return "Chromium not found (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright not installed (pip install -e '.[test]')"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure_dashboard(warehouse: Path, folder: Path, pages: list[dict[str, Any]], ward_name: str) -> dict[str, Any]:
    """Serve the dashboard, open every page in Chromium (default, then ward + group filters); the server's peak RSS."""
    reason = browser_unavailable()
    if reason:
        return {"skipped": reason}
    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "logs" / "dashboard.log"
    environment = worker_environment(warehouse)  # no sign-in configured: the local analyst, who sees every page
    with log.open("w", encoding="utf-8") as output:
        started = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "oversight.server", "run", str(PROJECT_ROOT / "app.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             # edits to the project's files while it runs would otherwise offer a rerun and never settle the page
             "--server.fileWatcherType", "none"],
            stdout=output, stderr=subprocess.STDOUT, env=environment, cwd=PROJECT_ROOT)
    visited = []
    try:
        _wait_until_healthy(url, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGUMENTS, headless=True)
            tab = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            for page in pages:
                visited.append(_visit(tab, f"{url}/{page['url_path']}", page["title"], ward_name, folder / "logs"))
            browser.close()
    finally:
        server.send_signal(signal.SIGTERM)
        usage = _reap(server, timeout=60)
    return {"served_by": "python -m oversight.server run app.py", "browser": f"Chromium {CHROMIUM}",
            "pages": visited, "errors": sum(len(page["errors"]) for page in visited), "seconds": time.perf_counter() - started,
            "peak_rss_mib": usage.ru_maxrss / 1024}


def _visit(tab, address: str, title: str, ward_name: str, logs: Path) -> dict[str, Any]:
    """Open a page with default filters, then choose the ward and sex; a page that fails or hangs is noted, not fatal."""
    from playwright.sync_api import Error as PlaywrightError

    visit: dict[str, Any] = {"page": title, "errors": []}
    try:
        opened = time.perf_counter()
        tab.goto(address)
        _wait_for_app(tab)
        visit["default_filters_seconds"] = time.perf_counter() - opened
        _choose_in_sidebar(tab, "Ward", ward_name)
        _choose_in_sidebar(tab, "Sex", GROUP_FILTER["sex"].capitalize())
        visit["errors"] += [text for text in tab.locator('[data-testid="stException"]').all_inner_texts()]
    except PlaywrightError as error:
        screenshot = logs / f"dashboard-{title.replace(' ', '-').lower()}.png"
        tab.screenshot(path=str(screenshot), full_page=True)
        visit["errors"].append(f"{error.message.splitlines()[0]} (screenshot {screenshot})")
    return visit


def _wait_until_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the dashboard exited with code {server.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the dashboard did not start within 120 seconds")


def _wait_for_app(tab, timeout_ms: int = PAGE_TIMEOUT_MS) -> None:
    """Until Streamlit has finished the run: content drawn and no running indicator."""
    tab.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    tab.wait_for_timeout(1000)  # the running indicator appears a moment after the first paint
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)


def _choose_in_sidebar(tab, label: str, option: str) -> None:
    box = tab.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=label)
    box.locator("input").click()
    tab.keyboard.type(option)  # long lists are drawn lazily: type to narrow them, then choose
    tab.get_by_role("option", name=option, exact=True).click()
    _wait_for_app(tab)


def _reap(child: subprocess.Popen, timeout: float):
    """Wait for a child that was asked to stop (killing it after `timeout`); its resource usage."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            child.returncode = os.waitstatus_to_exitcode(status)
            return usage
        if time.monotonic() > deadline:
            child.kill()
            deadline = math.inf
        time.sleep(0.2)


# ---------------------------------------------------------------------------------------------------------
# One scale, growth, report


def measure_scale(scale: Scale, options: argparse.Namespace) -> dict[str, Any]:
    started_at = _now()
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
        "scale": scale.label, "police_incidents": incidents, "drop": str(drop), "started_at": started_at,
        "finished_at": _now(),
        # the machine is shared: other work running alongside slows every figure
        "load_average_1_minute": {"start": load_at_start, "end": os.getloadavg()[0]},
        "drop_files": {"csv_files": len(csv_files), "csv_mib": sum(path.stat().st_size for path in csv_files) / 2**20,
                       "rows_per_table": rows},
        "load": {
            "bare_seconds": bare.seconds, "bare_peak_rss_mib": bare.peak_rss_mib,
            "refresh_seconds": refresh.seconds, "refresh_peak_rss_mib": refresh.peak_rss_mib,
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


def progress(scale: Scale, message: str) -> None:
    print(f"{datetime.now():%H:%M:%S} [{scale.label}] {message}", file=sys.stderr, flush=True)


def growth(scales: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each scale against the first: ratios of incidents, refresh time and page-call p95, and growth exponents."""
    first = scales[0]
    rows = []
    for scale in scales:
        incidents = scale["police_incidents"] / first["police_incidents"]
        row = {"scale": scale["scale"], "incidents_ratio": incidents}
        figures = {"refresh": (scale["load"]["refresh_seconds"], first["load"]["refresh_seconds"]),
                   "warm_p95": (scale["page_calls"]["warm_p95_ms"], first["page_calls"]["warm_p95_ms"]),
                   "cold_p95": (scale["page_calls"]["cold_p95_ms"], first["page_calls"]["cold_p95_ms"])}
        for name, (value, base) in figures.items():
            ratio = value / base if value and base else None
            row[f"{name}_ratio"] = ratio
            row[f"{name}_exponent"] = (math.log(ratio) / math.log(incidents)
                                       if ratio and incidents > 1.01 else None)
        rows.append(row)
    return rows


def markdown_report(record: dict[str, Any]) -> str:
    scales = record["scales"]
    lines = [
        f"## National scale: {', '.join(scale['scale'] for scale in scales)} police incidents", "",
        "Reproduce with:", "", "```sh", record["command"], "```", "",
        f"Measured {record['started_at']} to {record['finished_at']} on {record['machine']['platform']} "
        f"({record['machine']['processor']}, {record['machine']['cores']} cores, {record['machine']['ram_gib']} GiB RAM); "
        + ", ".join(f"{name} {version}" for name, version in record["versions"].items()) + ". "
        + _load_sentence(scales), "",
        "### Headline", "",
        (f"| incidents | bare load s | refresh s | refresh / bare (goal ≤ {REFRESH_RATIO_GOAL}) | refresh peak RSS MiB "
        f"(goal ≤ {REFRESH_RSS_GOAL_GIB * 1024:.0f}) | bare load peak RSS MiB | page calls warm p95 ms (goal ≤ "
        f"{WARM_P95_GOAL_MS:.0f}) | cold p95 ms (goal ≤ {COLD_P95_GOAL_MS:.0f}) | dashboard peak RSS MiB |"),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for scale in scales:
        load, calls, dashboard = scale["load"], scale["page_calls"], scale["dashboard"]
        served = (f"{dashboard['peak_rss_mib']:.0f} (browser)" if "peak_rss_mib" in dashboard
                  else f"{calls['apptest_process']['peak_rss_mib']:.0f} (AppTest)")
        lines.append(f"| {scale['police_incidents']:,} | {load['bare_seconds']:.1f} | {load['refresh_seconds']:.1f} | "
                     f"**{load['ratio']:.2f}** | {load['refresh_peak_rss_mib']:.0f} | {load['bare_peak_rss_mib']:.0f} | "
                     f"{_ms(calls['warm_p95_ms'])} | {_ms(calls['cold_p95_ms'])} | {served} |")
    lines += ["", "### Growth against the first scale", "",
              ("Ratios to the first scale's figures; exponent = log(time ratio) / log(incidents ratio): 1 is linear, "
              "less is better than linear."), "",
              "| scale | incidents × | refresh × | refresh exponent | warm p95 × | warm exponent | cold p95 × | cold exponent |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in record["growth"]:
        lines.append(f"| {row['scale']} | {row['incidents_ratio']:.2f} | {_ratio(row['refresh_ratio'])} | "
                     f"{_ratio(row['refresh_exponent'])} | {_ratio(row['warm_p95_ratio'])} | {_ratio(row['warm_p95_exponent'])} | "
                     f"{_ratio(row['cold_p95_ratio'])} | {_ratio(row['cold_p95_exponent'])} |")
    lines += ["", "### Memory", "", ("| incidents | refresh MiB | bare load MiB | dashboard served, Chromium on every page MiB "
              "| every page in AppTest MiB |"), "| --- | ---: | ---: | ---: | ---: |"]
    for scale in scales:
        dashboard = scale["dashboard"]
        served = f"{dashboard['peak_rss_mib']:.0f}" if "peak_rss_mib" in dashboard else f"skipped: {dashboard['skipped']}"
        lines.append(f"| {scale['police_incidents']:,} | {scale['load']['refresh_peak_rss_mib']:.0f} | "
                     f"{scale['load']['bare_peak_rss_mib']:.0f} | {served} | "
                     f"{scale['page_calls']['apptest_process']['peak_rss_mib']:.0f} |")
    stages = list(dict.fromkeys(stage for scale in scales for stage in scale["load"].get("refresh_stage_seconds", {})))
    if stages:
        lines += ["", "### Where the refresh spends its time (seconds; from the run log)", "",
                  "| stage | " + " | ".join(f"{scale['police_incidents']:,}" for scale in scales) + " |",
                  "| --- |" + " ---: |" * len(scales)]
        for stage in stages:
            lines.append(f"| {stage} | " + " | ".join(
                f"{scale['load'].get('refresh_stage_seconds', {}).get(stage, 0.0):.1f}" for scale in scales) + " |")
        lines.append("| bare DuckDB load, for comparison | " + " | ".join(
            f"{scale['load']['bare_seconds']:.1f}" for scale in scales) + " |")
    for scale in scales:
        for visit in scale["dashboard"].get("pages", []):
            if visit["errors"]:
                lines.append(f"\nIn the browser at {scale['police_incidents']:,} incidents, {visit['page']}: "
                             + "; ".join(visit["errors"]))
    for scale in scales:
        calls = scale["page_calls"]
        ward = calls["ward_filter"]
        lines += ["", f"### Page data calls at {scale['police_incidents']:,} incidents", "",
                  (f"Ward + group = {ward['ward_name']} ({ward['ward_code']}), sex {ward['sex']}. {calls['distinct_calls']} "
                  f"distinct calls; {calls['calls_over_warm_goal']} over {WARM_P95_GOAL_MS:.0f} ms warm p95, "
                  f"{calls['calls_over_cold_goal']} over {COLD_P95_GOAL_MS:.0f} ms cold."), "",
                  "| page | filters | data calls | warm p50 ms | warm p95 ms | cold p50 ms | cold p95 ms | cold total ms |",
                  "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for page in calls["pages"]:
            lines.append(f"| {page['page']} | {page['variant']} | {page['data_calls']} | {_ms(page['warm_p50_ms'])} | "
                         f"{_ms(page['warm_p95_ms'])} | {_ms(page['cold_p50_ms'])} | {_ms(page['cold_p95_ms'])} | "
                         f"{_ms(page['cold_total_ms'])} |")
        lines += ["", "Slowest calls (warm p95):", "", "| call | pages | warm p50 ms | warm p95 ms | cold max ms |",
                  "| --- | --- | ---: | ---: | ---: |"]
        for call in calls["calls"][:SLOWEST_CALLS_LISTED]:
            lines.append(f"| `{call['call']}` | {', '.join(call['pages'])} | {_ms(call['warm_p50_ms'])} | "
                         f"{_ms(call['warm_p95_ms'])} | {_ms(call['cold_max_ms'])} |")
        if calls["errors"]:
            lines += ["", "Errors: " + "; ".join(f"{error['page']} ({error['variant']}): {error['message']}"
                                                  for error in calls["errors"])]
    lines += ["", ("Cold: the call's first run in a fresh process per page, on a read-only connection opened for it "
              "alone (opening included; OS page cache not dropped). Warm: repeated calls on one open connection after "
              "a warm-up. Each page ran in AppTest as a board member (analyst for analyst-only pages); the calls it "
              "made through ui.cache were replayed without Streamlit's cache under that audience's disclosure rule.")]
    return "\n".join(lines) + "\n"


def _load_sentence(scales: list[dict[str, Any]]) -> str:
    loads = [load for scale in scales for load in scale["load_average_1_minute"].values()]
    return (f"The machine's 1-minute load average (other work included) was {min(loads):.1f} to {max(loads):.1f} "
            "at the start and end of each scale.")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------------------
# Command line


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", help=f"comma-separated numbers of police incidents (default {DEFAULT_SCALES}; "
                                         f"{QUICK_SCALES} with --quick)")
    parser.add_argument("--repeat", type=int, help=f"warm calls of each data call (default 20; {QUICK_REPEAT} with --quick)")
    parser.add_argument("--warm-budget", type=float, default=10.0,
                        help=f"seconds of warm calls after which a slow call stops repeating (at least "
                             f"{MINIMUM_WARM_CALLS} calls; default 10)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help=f"drops and warehouses (default {DEFAULT_WORK})")
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="folder for national_scale.json and .md")
    parser.add_argument("--quick", action="store_true",
                        help="a check that everything works, for CI: tiny scale, few repeats, one cold process, no browser")
    parser.add_argument("--browser", action=argparse.BooleanOptionalAction,
                        help="measure the served dashboard's memory in Chromium (default on; off with --quick)")
    parser.add_argument("--retries", type=int, default=2, help="retries of a failed refresh (default 2)")
    parser.add_argument("--retry-wait", type=float, default=60.0, help="seconds before retrying a refresh")
    options = parser.parse_args(argv)
    try:
        options.scales = [Scale.parse(text) for text in (options.scales or (QUICK_SCALES if options.quick else DEFAULT_SCALES)).split(",")]
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
        "started_at": _now(), "command": shlex.join(command), "machine": machine(),
        "versions": versions("duckdb", "polars", "streamlit", "pyarrow", "playwright"),
        "options": {"scales": [scale.label for scale in options.scales], "repeat": options.repeat,
                    "warm_budget_seconds": options.warm_budget, "quick": options.quick, "browser": options.browser,

                    "work": str(options.work)},
        "goals": {"refresh_over_bare_load": REFRESH_RATIO_GOAL, "refresh_peak_rss_gib": REFRESH_RSS_GOAL_GIB,
                  "warm_p95_ms": WARM_P95_GOAL_MS, "cold_p95_ms": COLD_P95_GOAL_MS},
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
    record["finished_at"] = _now()
    options.results.mkdir(parents=True, exist_ok=True)
    (options.results / "national_scale.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    report = markdown_report(record)
    (options.results / "national_scale.md").write_text(report, encoding="utf-8")
    print(report)
    return record


WORKERS: dict[str, Callable[..., None]] = {
    "bare-load": bare_load, "record": record_page_calls, "cold": replay_cold, "warm": replay_warm,
}


def run_worker(arguments: Iterable[str]) -> None:
    name, *rest = arguments
    WORKERS[name](*rest)


if __name__ == "__main__":
    if sys.argv[1:2] == [WORKER]:
        run_worker(sys.argv[2:])
    else:
        main()
