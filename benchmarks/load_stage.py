"""The load stage against a bare DuckDB load of the same files, side by side in one run.

    .venv/bin/python benchmarks/load_stage.py --scales 500k --repeat 3

For each scale the national-scale sample drop (`oversight sample --scale 500k --tables-as csv`, generated
once, untimed, shared with benchmarks/national_scale.py under --work) is loaded, alternately, by two
workers, each in a subprocess of its own:

- bare: for each CSV file `create table <stem> as select * from read_csv('<file>')` into a fresh DuckDB
  file, then `checkpoint`;
- load stage: what `oversight refresh` does before the marts, into a fresh DuckDB file: the schema, then
  every file of the drop through etl.load.load_file (fingerprint, read, identifier guard, contract checks,
  warehouse checks, rejects, staging), each in its own transaction, then `checkpoint`.

Each worker times itself from just before its first statement to just after the checkpoint, so Python's
start-up and imports are left out of both. The ratio compares the same files: the load stage's clock runs
over the CSV files alone, as the bare load's does. The files the bare load does not read (the ward
boundaries, the services register and the action plan, which the CSV files are checked against) are
loaded just before it starts, and the time with them is recorded beside it (`all_files_seconds`). The
wall time around each subprocess and its peak memory (ru_maxrss) are recorded as well. The headline is the load stage's time over the bare load's (goal: at
most 2), the median of --repeat alternating pairs, with the 1-minute load average at the start and end.
Each worker also counts its processor seconds (all threads); their ratio moves less than the wall-clock
one when other work shares the machine, so it is reported beside it.
`--profile <file>` runs the load stage once under cProfile instead and writes its statistics.

Results: benchmarks/results/load_stage.json (every pair, stage seconds, machine, versions, command).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import machine, versions
from scale_runs import (
    DEFAULT_RESULTS,
    DEFAULT_WORK,
    PROJECT_ROOT,
    Scale,
    ensure_drop,
    now,
    progress,
    require_success,
    run_measured,
)

# This script's own source tree comes first, before any installed copy: `--compare` runs another tree's
# copy of this script with the same interpreter, whose editable install points at this tree.
sys.path.insert(0, str(PROJECT_ROOT))

from etl.stages import LOAD_STAGES

RATIO_GOAL = 2.0
SCRIPT = Path(__file__).resolve()
WORKER = "worker"


def worker_bare(drop: Path, database: Path) -> dict[str, Any]:
    import duckdb

    with duckdb.connect(str(database)) as con:
        started, cpu_started = time.perf_counter(), time.process_time()
        for csv_file in sorted(drop.glob("*.csv")):
            path = str(csv_file).replace("'", "''")
            con.execute(f"create table \"{csv_file.stem}\" as select * from read_csv('{path}')")
        con.execute("checkpoint")
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        # Off the clock: the same rows written again from the tables just loaded, which costs the writing alone
        # (DuckDB compressing and storing them) without the parsing. The load stage writes the same rows too.
        started = time.perf_counter()
        for csv_file in sorted(drop.glob("*.csv")):
            con.execute(f'create table "{csv_file.stem}__again" as select * from "{csv_file.stem}"')
        con.execute("checkpoint")
        write_seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "write_seconds": write_seconds}


def worker_load(drop: Path, database: Path) -> dict[str, Any]:
    import duckdb

    import etl.geography  # noqa: F401  (the boundary loader, imported when a boundary file comes: its libraries' import is start-up, not loading)
    from etl.drop import Fingerprints, list_drop
    from etl.stages import timed
    from etl.staging import ensure_schema
    from oversight.settings import Settings
    from pipeline.refresh import _configure, _load_one

    settings = Settings()
    stage_seconds: dict[str, float] = {}
    files = []
    drop_files = list_drop(drop)
    # The files the bare load does not read (the ward boundaries, the services register, the action plan) are
    # loaded first, off the clock: the CSV files are checked against them.
    others = [drop_file for drop_file in drop_files if drop_file.path.suffix.lower() != ".csv"]
    csv_files = [drop_file for drop_file in drop_files if drop_file not in others]
    with duckdb.connect(str(database)) as con:
        started, cpu_started = time.perf_counter(), time.process_time()
        _configure(con, settings)
        ensure_schema(con)
        for drop_file in others:
            files.append(_summary(_load_one(con, drop_file, "benchmark", settings=settings, as_of=_as_of(), seconds={})))
        other_seconds, other_cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        started, cpu_started = time.perf_counter(), time.process_time()
        with Fingerprints().ahead(csv_files) as fingerprints:  # as the refresh works them out
            for drop_file in csv_files:
                report = _load_one(
                    con,
                    drop_file,
                    "benchmark",
                    settings=settings,
                    as_of=_as_of(),
                    seconds=stage_seconds,
                    fingerprints=fingerprints,
                )
                files.append(_summary(report))
        with timed(stage_seconds, "checkpoint"):
            con.execute("checkpoint")
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "all_files_seconds": seconds + other_seconds,
        "all_files_cpu_seconds": cpu_seconds + other_cpu_seconds,
        "stage_seconds": stage_seconds,
        "files": files,
    }


def _summary(report: Any) -> dict[str, Any]:
    return {
        "file": report.file_name,
        "status": report.status,
        "rows": report.rows_in_file,
        "loaded": report.rows_loaded,
        "rejected": report.rows_rejected,
        "message": report.message,
    }


def _as_of():
    from datetime import datetime

    return datetime.now()


def run_worker(kind: str, drop: Path, database: Path, output: Path, profile: Path | None = None) -> None:
    for leftover in (database, database.with_name(database.name + ".wal")):
        leftover.unlink(missing_ok=True)
    work = worker_bare if kind == "bare" else worker_load
    if profile is not None:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(work, drop, database)
        with profile.open("w", encoding="utf-8") as handle:
            pstats.Stats(profiler, stream=handle).sort_stats("cumulative").print_stats(60)
    else:
        result = work(drop, database)
    output.write_text(json.dumps(result, default=str), encoding="utf-8")
    for leftover in (database, database.with_name(database.name + ".wal")):
        leftover.unlink(missing_ok=True)


def measure(
    kind: str, drop: Path, folder: Path, index: int, profile: Path | None = None, source: Path | None = None
) -> dict[str, Any]:
    """One worker run; `source` runs the load stage of another source tree (its copy of this script)."""
    label = "compare" if source is not None else kind
    database, output = folder / f"{label}.duckdb", folder / f"{label}-{index}.json"
    log = folder / "logs" / f"{label}-{index}.log"
    script = source / "benchmarks" / SCRIPT.name if source is not None else SCRIPT
    command = [sys.executable, str(script), WORKER, kind, str(drop), str(database), str(output)]
    if profile is not None:
        command.append(str(profile))
    run = run_measured(command, log)
    require_success(run, f"the {kind} load", log)
    result = json.loads(output.read_text(encoding="utf-8"))
    output.unlink()
    return {**result, "wall_seconds": run.seconds, "peak_rss_mib": run.peak_rss_mib}


def measure_scale(scale: Scale, drop: Path, folder: Path, repeat: int, compare: Path | None = None) -> dict[str, Any]:
    pairs = []
    for index in range(1, repeat + 1):
        load_average = os.getloadavg()[0]
        # alternate which goes first, so a change in the machine's load falls on both alike
        order = ["bare", "load", *(["compare"] if compare else [])]
        if not index % 2:
            order.reverse()
        pair: dict[str, Any] = {"load_average_start": load_average}
        for kind in order:
            progress(scale, f"pair {index}/{repeat}: {kind}")
            if kind == "compare":
                pair[kind] = measure("load", drop, folder, index, source=compare)
            else:
                pair[kind] = measure(kind, drop, folder, index)
        pair["load_average_end"] = os.getloadavg()[0]
        pair["ratio"] = pair["load"]["seconds"] / pair["bare"]["seconds"]
        pair["cpu_ratio"] = _cpu_ratio(pair["load"], pair["bare"])
        pair["all_files_ratio"] = pair["load"].get("all_files_seconds", pair["load"]["seconds"]) / pair["bare"]["seconds"]
        if compare:
            pair["compare_ratio"] = pair["compare"]["seconds"] / pair["bare"]["seconds"]
            pair["compare_cpu_ratio"] = _cpu_ratio(pair["compare"], pair["bare"])
        progress(
            scale,
            f"pair {index}: bare {pair['bare']['seconds']:.1f} s, load stage {pair['load']['seconds']:.1f} s, "
            f"ratio {pair['ratio']:.2f}" + (f"; compared tree {pair['compare_ratio']:.2f}" if compare else ""),
        )
        pairs.append(pair)
    ratios = [pair["ratio"] for pair in pairs]
    return {
        "scale": scale.label,
        "drop": str(drop),
        "ratio_median": statistics.median(ratios),
        "ratios": ratios,
        "cpu_ratio_median": _median_or_none([pair["cpu_ratio"] for pair in pairs]),
        "all_files_ratio_median": statistics.median(pair["all_files_ratio"] for pair in pairs),
        "bare_seconds_median": statistics.median(pair["bare"]["seconds"] for pair in pairs),
        "bare_write_seconds_median": _median_or_none([pair["bare"].get("write_seconds") for pair in pairs]),
        "load_seconds_median": statistics.median(pair["load"]["seconds"] for pair in pairs),
        "pairs": pairs,
        **(
            {
                "compare_source": str(compare),
                "compare_ratio_median": statistics.median(pair["compare_ratio"] for pair in pairs),
                "compare_cpu_ratio_median": _median_or_none([pair["compare_cpu_ratio"] for pair in pairs]),
                "compare_seconds_median": statistics.median(pair["compare"]["seconds"] for pair in pairs),
            }
            if compare
            else {}
        ),
    }


def _cpu_ratio(load: dict[str, Any], bare: dict[str, Any]) -> float | None:
    """Processor seconds of the load stage over the bare load's (None for a tree that does not count them)."""
    if load.get("cpu_seconds") is None or not bare.get("cpu_seconds"):
        return None
    return load["cpu_seconds"] / bare["cpu_seconds"]


def _median_or_none(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def _cell(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def markdown(results: list[dict[str, Any]], command: str) -> str:
    lines = [
        f"Command: `{command}`",
        "",
        "| scale | bare load s | load stage s | load stage / bare (goal ≤ 2) | ratios of the pairs | processor seconds ratio "
        "| with the files the bare load does not read / bare | load stage peak RSS MiB | bare peak RSS MiB "
        "| 1-min load average |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        pairs = result["pairs"]
        averages = [pair["load_average_start"] for pair in pairs] + [pair["load_average_end"] for pair in pairs]
        lines.append(
            f"| {result['scale']} | {result['bare_seconds_median']:.1f} | {result['load_seconds_median']:.1f} | "
            f"**{result['ratio_median']:.2f}** | {', '.join(f'{ratio:.2f}' for ratio in result['ratios'])} | "
            f"{_cell(result.get('cpu_ratio_median'))} | {_cell(result.get('all_files_ratio_median'))} | "
            f"{max(pair['load']['peak_rss_mib'] for pair in pairs):.0f} | {max(pair['bare']['peak_rss_mib'] for pair in pairs):.0f} | "
            f"{min(averages):.1f} to {max(averages):.1f} |"
        )
        if "compare_source" in result:
            lines.append(
                f"| {result['scale']}, compared tree {result['compare_source']} | {result['bare_seconds_median']:.1f} | "
                f"{result['compare_seconds_median']:.1f} | **{result['compare_ratio_median']:.2f}** | "
                f"{', '.join(format(pair['compare_ratio'], '.2f') for pair in pairs)} | "
                f"{_cell(result.get('compare_cpu_ratio_median'))} | | "
                f"{max(pair['compare']['peak_rss_mib'] for pair in pairs):.0f} | | |"
            )
    lines += [
        "",
        "Load stage seconds by stage (median of the pairs):",
        "",
        "| scale | " + " | ".join(STAGES) + " |",
        "| --- |" + " ---: |" * len(STAGES),
    ]
    for result in results:
        for kind in ("load", "compare") if "compare_source" in result else ("load",):
            cells = [
                statistics.median(pair[kind]["stage_seconds"].get(stage, 0.0) for pair in result["pairs"]) for stage in STAGES
            ]
            name = result["scale"] + (", compared tree" if kind == "compare" else "")
            lines.append(f"| {name} | " + " | ".join(f"{cell:.1f}" for cell in cells) + " |")
    lines += _write_split(results)
    return "\n".join(lines) + "\n"


def _write_split(results: list[dict[str, Any]]) -> list[str]:
    """Both loads split into writing the rows and the rest. Both write the same rows, so the load stage meets
    the goal only if all it does besides writing fits in twice the bare load less its own writing."""
    rows = []
    for result in results:
        write = result.get("bare_write_seconds_median")
        if write is None:
            continue
        bare = result["bare_seconds_median"]
        staging = statistics.median(pair["load"]["stage_seconds"].get("staging", 0.0) for pair in result["pairs"])
        rest = result["load_seconds_median"] - staging
        rows.append(
            f"| {result['scale']} | {bare:.1f} | {write:.1f} | {bare - write:.1f} | {staging:.1f} | {rest:.1f} | "
            f"{2 * bare - staging:.1f} |"
        )
    if not rows:
        return []
    return [
        "",
        "Writing the rows against the rest (medians; the bare load's rows written again from its own tables, off the clock):",
        "",
        "| scale | bare load s | bare: writing alone s | bare: the rest (reading, typing) s | load stage: staging s "
        "| load stage: the rest s | the rest's budget at 2× (2 × bare − staging) s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
    ]


STAGES = (*LOAD_STAGES, "checkpoint")


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="500k", help="comma-separated numbers of police incidents (500k, 1M, 5M)")
    parser.add_argument("--drop", type=Path, help="use this CSV drop instead of generating one (one scale only)")
    parser.add_argument("--repeat", type=int, default=3, help="alternating pairs per scale; the median ratio is reported")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="where drops and databases are kept")
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="folder for load_stage.json and .md")
    parser.add_argument(
        "--compare",
        type=Path,
        help="another source tree (e.g. an export of main) whose load stage is measured in the same rounds",
    )
    parser.add_argument("--profile", type=Path, help="profile the load stage once under cProfile, write statistics here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    options = parse_arguments(argv)
    command = ".venv/bin/python benchmarks/load_stage.py " + " ".join(sys.argv[1:] if argv is None else argv)
    results = []
    started = now()
    for text in options.scales.split(","):
        scale = Scale.parse(text)
        drop = options.drop or ensure_drop(scale, options.work)
        folder = options.work / "load-stage" / scale.key
        folder.mkdir(parents=True, exist_ok=True)
        if options.profile:
            run = measure("load", drop, folder, 0, options.profile)
            progress(scale, f"profiled: {run['seconds']:.1f} s; statistics in {options.profile}")
            return
        results.append(measure_scale(scale, drop, folder, options.repeat, options.compare))
        report = {
            "command": command,
            "started": started,
            "finished": now(),
            "machine": machine(),
            "versions": versions("duckdb", "polars"),
            "ratio_goal": RATIO_GOAL,
            "results": results,
        }
        options.results.mkdir(parents=True, exist_ok=True)
        (options.results / "load_stage.json").write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
        (options.results / "load_stage.md").write_text(markdown(results, command), encoding="utf-8")
    print(markdown(results, command), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_ROOT))
    if len(sys.argv) > 1 and sys.argv[1] == WORKER:
        kind, drop, database, output, *profile = sys.argv[2:]
        run_worker(kind, Path(drop), Path(database), Path(output), Path(profile[0]) if profile else None)
    else:
        main()
