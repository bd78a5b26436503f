"""A one-day drop on warehouses of growing history: the nightly refresh against a full rebuild, side by side.

    .venv/bin/python benchmarks/incremental_refresh.py --scales 500k,1M,5M --repeat 1

For each scale, the national-scale sample drop (`oversight sample --scale 500k --tables-as csv`, generated
once, untimed, shared with benchmarks/national_scale.py under --work; `--drop 5M=/path/to/drop` uses one
already generated) is split by date at one day of the data's last month (`--night`): the 15th by default, a
typical night, or the data's last day, which can be the night a month becomes complete and the year-long
periods offered move on (their sums are then new, and made whole). The rows of police incidents dated that day,
and of every other event extract dated that day, make the one-day drop (about 1/365 of a year's rows, each
extract in proportion); the rows dated before it, with the reference files, are the history; later rows are left
out. Each night's split is kept under --work/incremental/<scale>/<night>. The history is loaded into a warehouse once
(untimed, kept under --work for later runs; `--fresh-history` loads it again), with copies of its served version
standing in for the older versions a warehouse refreshed nightly keeps (a night starts from the one due to go). For
each of --repeat rounds, three copies of it then take a drop, each in a subprocess of its own, in alternating order:

- nightly: `oversight refresh --incoming <day>`, what runs every night;
- full rebuild: `oversight refresh --incoming <day> --full` when the CLI has `--full`; otherwise the same
  plain `oversight refresh`, which then rebuilds every mart and sum whatever the drop holds (the JSON
  records which was run);
- same-size: the nightly refresh of the day's first rows, as many per extract as the smallest scale's one-day
  drop holds. The scales differ in how many incidents a year brings, so each scale's own day is larger in
  proportion; this drop holds the drop the same, so its time shows how the nightly cost grows with history alone.

The project and its environment are compiled to bytecode first (untimed), as an installed command has them. Each
run is timed around its subprocess (Python start-up included); its peak memory is the larger of the
process tree's summed RSS, sampled every 0.1 s from /proc, and the largest single process's ru_maxrss.
Reported per scale: both times (median of the rounds), their ratio (goal: at most 0.1 at 5M), each run's
stage seconds from runs.jsonl and peak memory (goal: at most 2 GiB); across scales, how the nightly time
grows from the smallest scale to the largest with the same-size drop (goal: within 1.5x), and with each scale's
own day. The 1-minute load average at the start
and end of each scale is recorded: on a shared machine compare only figures from one run.

Results: benchmarks/results/incremental_refresh.json and .md (override with --results).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import site
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from common import machine, versions
from scale_runs import (
    DEFAULT_RESULTS,
    DEFAULT_WORK,
    PROJECT_ROOT,
    REFRESH_RSS_GOAL_GIB,
    Scale,
    ensure_drop,
    now,
    progress,
    worker_environment,
)

from etl.stages import LOAD_STAGES
from etl.warehouse import Warehouse
from oversight.settings import Settings

RATIO_GOAL = 0.1
GROWTH_GOAL = 1.5
DAYS_PER_YEAR = 365
# each event extract and the column that dates its rows
EVENT_DATES = {
    "police_incidents": "reported_at",
    "crime_outcomes": "recorded_at",
    "marac_cases": "heard_on",
    "service_referrals": "referred_at",
    "mash_contacts": "received_at",
    "school_notifications": "notified_at",
}


# ---- the drops ------------------------------------------------------------------------------


# Which day of the generated data the one-day drop brings: rows dated after it are left out, rows before it are the history.
NIGHTS = {
    "mid-month": "the 15th of the data's last month: a typical night, on which no month becomes complete",
    "last-day": "the data's last day: it can complete the month, and the year-long periods offered then move on a month",
}


def drop_day(last: str, night: str) -> str:
    """The day (ISO) the one-day drop brings, given the data's last day and the kind of night."""
    return last if night == "last-day" else last[:8] + "15"


def split_drop(drop: Path, folder: Path, night: str = "mid-month") -> dict[str, Any]:
    """Split a whole drop into the history and the one-day drop under `folder`; returns what was split."""
    history, day_drop, summary = folder / "history", folder / "day", folder / "split.json"
    if history.is_dir() and day_drop.is_dir() and summary.exists():
        return json.loads(summary.read_text(encoding="utf-8"))
    import polars as pl

    for target in (history, day_drop):
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
    incidents = pl.scan_csv(drop / "police_incidents.csv", infer_schema=False)
    last = incidents.select(pl.col("reported_at").str.slice(0, 10).max()).collect().item()
    first = incidents.select(pl.col("reported_at").str.slice(0, 10).min()).collect().item()
    day = drop_day(last, night)
    rows: dict[str, dict[str, int]] = {}
    for path in sorted(drop.iterdir()):
        extract = path.stem
        if extract not in EVENT_DATES or path.suffix != ".csv":
            shutil.copy(path, history / path.name)
            continue
        frame = pl.scan_csv(path, infer_schema=False)
        dated = pl.col(EVENT_DATES[extract]).str.slice(0, 10)
        on_day = (dated == day).fill_null(False)
        frame.filter((dated < day).fill_null(True)).sink_csv(history / path.name)
        today = frame.filter(on_day).collect()
        today.write_csv(day_drop / f"{extract}_{day}.csv")
        total = frame.select(pl.len()).collect().item()
        rows[extract] = {"day": today.height, "whole": total}
    result = {"day": day, "night": night, "last_day": last, "first_day": first, "rows": rows}
    summary.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


# ---- measured runs --------------------------------------------------------------------------


def _tree_rss_kib(root: int) -> int:
    """Summed resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parent, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE") // 1024
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += rss.get(pid, 0)
        pending.extend(children.get(pid, []))
    return total


def run_tree_measured(command: list[str], log: Path, environment: dict[str, str]) -> dict[str, Any]:
    """Run a command to completion: wall time, exit code and peak memory of its whole process tree."""
    log.parent.mkdir(parents=True, exist_ok=True)
    peak = [0]
    with log.open("w", encoding="utf-8") as output:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=environment, cwd=PROJECT_ROOT)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], _tree_rss_kib(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    returncode = os.waitstatus_to_exitcode(status)
    if returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        raise RuntimeError(f"{' '.join(command)} failed with exit code {returncode} (log {log}):\n{tail}")
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mib": round(max(peak[0], usage.ru_maxrss) / 1024, 1),
        "sampled_tree_rss_mib": round(peak[0] / 1024, 1),
        "ru_maxrss_mib": round(usage.ru_maxrss / 1024, 1),
    }


def cli_has_full() -> bool:
    """Whether `oversight refresh` takes --full (the nightly refresh then applies only what the drop changed)."""
    shown = subprocess.run(
        [sys.executable, "-m", "oversight.cli", "refresh", "--help"], capture_output=True, text=True, cwd=PROJECT_ROOT
    )
    return "--full" in shown.stdout


def compile_bytecode() -> None:
    """Compile the project and its environment to bytecode first (untimed), as an installed command has it: where
    PYTHONDONTWRITEBYTECODE is set, each timed refresh would otherwise compile every module it imports again
    (about 1.3 s of start-up on the machine of BENCHMARKS.md)."""
    packages = [str(PROJECT_ROOT / name) for name in ("etl", "metrics", "oversight", "pipeline", "ui")]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", *packages, *site.getsitepackages()],
        check=False,
        capture_output=True,
    )


def refresh_command(incoming: Path, warehouse: Path, *, full: bool) -> list[str]:
    command = [sys.executable, "-m", "oversight.cli", "refresh", "--incoming", str(incoming), "--warehouse", str(warehouse)]
    return [*command, "--full"] if full else command


def last_run(warehouse: Path) -> dict[str, Any]:
    lines = (warehouse / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    return json.loads(lines[-1]) if lines else {}


def history_warehouse(scale: Scale, folder: Path, history: Path, *, fresh: bool) -> Path:
    base = folder / "warehouse-history"
    if fresh or not (base / "CURRENT").exists():
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        progress(scale, "loading the history (not timed)")
        run_tree_measured(refresh_command(history, base, full=False), folder / "logs" / "history.log", worker_environment(base))
    # A history built by other code would make the first nightly refresh a full one: a refresh of an empty drop
    # (untimed) brings it up to date, rebuilding it whole only when the code or settings that built it differ.
    empty = folder / "empty"
    empty.mkdir(exist_ok=True)
    progress(scale, "bringing the history up to date with the code (not timed)")
    run_tree_measured(refresh_command(empty, base, full=False), folder / "logs" / "history-current.log", worker_environment(base))
    # A night begins its new version from the version due to go (etl/version_start.py), in a warehouse refreshed
    # night after night an earlier night's. Copies of the served version stand in for the versions kept (untimed):
    # the one due to go then differs from the served one in no block, where a real night's would differ by two
    # nights' changes (one night rewrites about 1.5% of the file's blocks).
    store = Warehouse(base)
    served = store.current_path()
    for path in store.versions.glob("*.duckdb"):
        if path != served:
            path.unlink()
    for number in range(1, Settings().keep_versions):
        shutil.copyfile(served, served.with_name(f"{served.stem}-earlier-{number}.duckdb"))  # sorts before it
    return base


def same_size_drop(folder: Path, sizes: dict[str, int]) -> dict[str, int]:
    """The one-day drop cut to `sizes` rows per extract (its first rows), under `folder`/same-size; its row counts."""
    import polars as pl

    target = folder / "same-size"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    rows: dict[str, int] = {}
    for path in sorted((folder / "day").iterdir()):
        extract = path.stem.rsplit("_", 1)[0]
        frame = pl.read_csv(path, infer_schema=False).head(sizes.get(extract, 0))
        frame.write_csv(target / path.name)
        rows[extract] = frame.height
    return rows


def measure_scale(
    scale: Scale, drop: Path, options: argparse.Namespace, full_option: bool, sizes: dict[str, int] | None = None
) -> dict[str, Any]:
    """Time the one-day drop nightly and as a full rebuild on copies of the scale's history; with `sizes`, also the
    nightly refresh of a drop of that many rows per extract (the smallest scale's day), so growth with history is
    measured with the drop held the same."""
    folder = options.work / "incremental" / scale.key / options.night
    load_start = os.getloadavg()[0]
    split = split_drop(drop, folder, options.night)
    sizes = sizes or {extract: counts["day"] for extract, counts in split["rows"].items()}
    same_size_rows = same_size_drop(folder, sizes)
    base = history_warehouse(scale, folder, folder / "history", fresh=options.fresh_history)
    runs: dict[str, list[dict[str, Any]]] = {"nightly": [], "full": [], "same-size": []}
    drops = {"nightly": folder / "day", "full": folder / "day", "same-size": folder / "same-size"}
    for round_number in range(1, options.repeat + 1):
        # alternate which goes first, so a change in the machine's load falls on each alike
        order = ("nightly", "full", "same-size") if round_number % 2 else ("same-size", "full", "nightly")
        for kind in order:
            warehouse = folder / f"warehouse-{kind}"
            shutil.rmtree(warehouse, ignore_errors=True)
            shutil.copytree(base, warehouse)
            # the copy's written pages go to disk before the clock starts: a served version has long been at rest
            # when the night's refresh copies it, not just written
            os.sync()
            progress(scale, f"round {round_number}/{options.repeat}: the {kind} drop, {'full' if kind == 'full' else 'nightly'}")
            log = folder / "logs" / f"{kind}-{round_number}.log"
            command = refresh_command(drops[kind], warehouse, full=kind == "full" and full_option)
            run = run_tree_measured(command, log, worker_environment(warehouse))
            record = last_run(warehouse)
            run |= {
                "load_average": os.getloadavg()[0],
                "kind": record.get("kind"),
                "stage_seconds": record.get("stage_seconds", {}),
                "started_by": record.get("started_by"),
            }
            progress(scale, f"{kind}: {run['seconds']:.1f} s, peak {run['peak_rss_mib']:.0f} MiB")
            runs[kind].append(run)
            shutil.rmtree(warehouse, ignore_errors=True)
    nightly, full, same_size = (
        statistics.median(run["seconds"] for run in runs[kind]) for kind in ("nightly", "full", "same-size")
    )
    return {
        "scale": scale.label,
        "incidents": split["rows"].get("police_incidents", {}).get("whole", scale.incidents),
        "drop": str(drop),
        "day": split["day"],
        "night": options.night,
        "last_day": split["last_day"],
        "day_rows": {extract: counts["day"] for extract, counts in split["rows"].items()},
        "whole_rows": {extract: counts["whole"] for extract, counts in split["rows"].items()},
        "nightly_seconds": nightly,
        "full_seconds": full,
        "ratio": nightly / full,
        "same_size_rows": same_size_rows,
        "same_size_seconds": same_size,
        "peak_rss_mib": max(run["peak_rss_mib"] for kind in runs for run in runs[kind]),
        "load_average": [load_start, os.getloadavg()[0]],
        "runs": runs,
    }


# ---- the report -----------------------------------------------------------------------------


def _stage(runs: list[dict[str, Any]], *names: str) -> float:
    return statistics.median(sum(run["stage_seconds"].get(name, 0.0) for name in names) for run in runs)


def markdown(report: dict[str, Any]) -> str:
    results = report["results"]
    full_run = "`oversight refresh --full`" if report["full_option"] else "plain `oversight refresh` (the CLI has no `--full`)"
    lines = [
        f"Command: `{report['command']}`; full rebuild: {full_run}. The one-day drop: {NIGHTS[report['night']]}.",
        "",
        "| incidents | one-day drop rows (police incidents) | nightly s | full rebuild s | nightly / full (goal ≤ 0.1 at 5M) "
        "| nightly: load / marts / sums s | full: load / marts / sums s | same-size drop rows: nightly s "
        "| peak RSS MiB nightly / full (goal ≤ 2048) | 1-min load average |",
        "| ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- | --- |",
    ]
    for result in results:
        nightly, full = result["runs"]["nightly"], result["runs"]["full"]

        def split(runs: list[dict[str, Any]]) -> str:
            return f"{_stage(runs, *LOAD_STAGES):.1f} / {_stage(runs, 'marts'):.1f} / {_stage(runs, 'precomputed sums'):.1f}"

        lines.append(
            f"| {result['incidents']:,} | {sum(result['day_rows'].values()):,} ({result['day_rows'].get('police_incidents', 0):,}) "
            f"| {result['nightly_seconds']:.1f} | {result['full_seconds']:.1f} | **{result['ratio']:.2f}** | {split(nightly)} "
            f"| {split(full)} | {sum(result['same_size_rows'].values()):,}: {result['same_size_seconds']:.1f} "
            f"| {max(r['peak_rss_mib'] for r in nightly):.0f} / {max(r['peak_rss_mib'] for r in full):.0f} "
            f"| {result['load_average'][0]:.1f} to {result['load_average'][1]:.1f} |"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        growth = last["same_size_seconds"] / first["same_size_seconds"]
        proportional = last["nightly_seconds"] / first["nightly_seconds"]
        lines += [
            "",
            f"Nightly time of a same-size drop ({sum(first['same_size_rows'].values()):,} rows) from {first['incidents']:,} "
            f"to {last['incidents']:,} incidents of history: ×{growth:.2f} (goal: within ×{GROWTH_GOAL}); of each scale's "
            f"own one-day drop, {sum(last['day_rows'].values()) / sum(first['day_rows'].values()):.1f} times as many rows: "
            f"×{proportional:.2f}; nightly / full at the largest scale {last['ratio']:.2f} (goal: at most {RATIO_GOAL}); "
            f"peak memory {max(r['peak_rss_mib'] for r in results):.0f} MiB (goal: at most {REFRESH_RSS_GOAL_GIB:g} GiB).",
        ]
    return "\n".join(lines) + "\n"


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="500k,1M,5M", help="comma-separated numbers of police incidents (500k, 1M, 5M)")
    parser.add_argument(
        "--drop",
        action="append",
        default=[],
        metavar="SCALE=PATH",
        help="use an already generated CSV drop for a scale (e.g. 5M=/tmp/drop5M); repeatable",
    )
    parser.add_argument("--repeat", type=int, default=1, help="rounds of (nightly, full) per scale; medians are reported")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="where drops, histories and warehouses are kept")
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="folder for incremental_refresh.json and .md")
    parser.add_argument("--fresh-history", action="store_true", help="load each scale's history warehouse again")
    parser.add_argument(
        "--night",
        choices=sorted(NIGHTS),
        default="mid-month",
        help="which night the one-day drop is: " + "; ".join(f"{name}, {words}" for name, words in NIGHTS.items()),
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    options = parse_arguments(argv)
    drops = {Scale.parse(label).key: Path(path) for label, path in (item.split("=", 1) for item in options.drop)}
    full_option = cli_has_full()
    compile_bytecode()
    report: dict[str, Any] = {
        "command": ".venv/bin/python benchmarks/incremental_refresh.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "started": now(),
        "full_option": full_option,
        "night": options.night,
        "goals": {"ratio_at_largest": RATIO_GOAL, "growth": GROWTH_GOAL, "peak_rss_gib": REFRESH_RSS_GOAL_GIB},
        "machine": machine(),
        "versions": versions("duckdb", "polars"),
        "results": [],
    }
    for text in options.scales.split(","):
        scale = Scale.parse(text)
        drop = drops.get(scale.key) or ensure_drop(scale, options.work)
        sizes = report["results"][0]["day_rows"] if report["results"] else None
        report["results"].append(measure_scale(scale, drop, options, full_option, sizes))
        report["finished"] = now()
        options.results.mkdir(parents=True, exist_ok=True)
        (options.results / "incremental_refresh.json").write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
        (options.results / "incremental_refresh.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report), flush=True)
    return report


if __name__ == "__main__":
    main()
