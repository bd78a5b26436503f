"""Time `oversight board-pack`: the pack's numbers, its charts and its typesetting, on one warehouse.

    .venv/bin/python benchmarks/board_pack.py                                  # the sample district
    .venv/bin/python benchmarks/board_pack.py --warehouse /tmp/oversight-bench/runs/5M/warehouse

(`make benchmark` leaves each scale's warehouse under /tmp/oversight-bench/runs/<scale>/warehouse.)
Each repeat runs the command as a board member would get it, in a fresh process (`oversight board-pack
--out pack.pdf`, timed around the process, Chromium's start included), then times the three stages in
this process: `metrics.board.board_pack` (every data call, cold: a new read-only connection), drawing
the charts (Kaleido in Chromium) and typesetting the PDF (WeasyPrint). The goal is a whole pack in
under 20 s at national scale. Writes benchmarks/results/board_pack.json and prints a Markdown table.
The machine's load average is recorded beside the figures: other work on a shared machine slows them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from common import machine, percentile, versions

from metrics.board import board_pack, latest_complete_quarter, previous_period
from metrics.disclosure import Audience, rule_for
from metrics.warehouse import connect
from oversight.settings import PROJECT_ROOT, Settings, get_settings
from pipeline.nightly import refresh
from ui.board_pack.document import draw, pack_html, pack_pdf

RESULTS = PROJECT_ROOT / "benchmarks" / "results" / "board_pack.json"
GOAL_SECONDS = 20.0


def measure_once(warehouse: Path, out: Path) -> dict[str, float]:
    started = time.perf_counter()
    command = [str(Path(sys.executable).parent / "oversight"), "board-pack", "--warehouse", str(warehouse), "--out", str(out)]
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode != 0:
        raise SystemExit(f"oversight board-pack failed ({finished.returncode}):\n{finished.stdout}{finished.stderr}")
    whole = time.perf_counter() - started
    started = time.perf_counter()
    with connect(warehouse) as con:
        latest = con.sql("select max(reported_on) from mart_incidents").fetchall()[0][0]
        period = latest_complete_quarter(latest)
        pack = board_pack(con, period=period, previous=previous_period(period), rule=rule_for(Audience.BOARD, get_settings()))
    data = time.perf_counter() - started
    started = time.perf_counter()
    drawn = draw(pack)
    charts = time.perf_counter() - started
    started = time.perf_counter()
    pack_pdf(pack, html=pack_html(pack, drawn=drawn))
    typesetting = time.perf_counter() - started
    return {"command_seconds": whole, "data_seconds": data, "charts_seconds": charts, "typesetting_seconds": typesetting}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, help="a published warehouse folder (default: build the sample district's)")
    parser.add_argument("--repeat", type=int, default=3, help="packs to time (default 3)")
    parser.add_argument("--results", type=Path, default=RESULTS, help=f"where to write the JSON (default {RESULTS})")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        warehouse = options.warehouse
        if warehouse is None:
            settings = Settings(warehouse=Path(scratch) / "warehouse")
            refresh(settings.sample_drop, warehouse=settings.warehouse, settings=settings)
            warehouse = settings.warehouse
        with connect(warehouse) as con:
            incidents = con.sql("select count(*) from mart_incidents").fetchall()[0][0]
        load_at_start = os.getloadavg()[0]
        runs = [measure_once(warehouse, Path(scratch) / f"pack-{index}.pdf") for index in range(options.repeat)]
    stages = ("command_seconds", "data_seconds", "charts_seconds", "typesetting_seconds")
    record = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", "benchmarks/board_pack.py", *(argv if argv is not None else sys.argv[1:])]),
        "warehouse": str(options.warehouse or "the sample district, built for the run"),
        "police_incidents": incidents,
        "machine": machine(),
        "versions": versions("duckdb", "polars", "plotly", "kaleido", "weasyprint"),
        "load_average_1_minute": {"start": load_at_start, "end": os.getloadavg()[0]},
        "goal_seconds": GOAL_SECONDS,
        "runs": runs,
        "median": {stage: sorted(run[stage] for run in runs)[len(runs) // 2] for stage in stages},
        "worst": {stage: percentile([run[stage] for run in runs], 1.0) for stage in stages},
    }
    options.results.parent.mkdir(parents=True, exist_ok=True)
    options.results.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    median, worst = record["median"], record["worst"]
    print(
        f"Board pack on {incidents:,} police incidents, {len(runs)} runs; load average "
        f"{record['load_average_1_minute']['start']:.1f} to {record['load_average_1_minute']['end']:.1f}\n"
    )
    print("| stage | median s | worst s |\n| --- | ---: | ---: |")
    for stage in stages:
        print(f"| {stage.removesuffix('_seconds')} | {median[stage]:.1f} | {worst[stage]:.1f} |")
    print(f"\nWhole command (goal ≤ {GOAL_SECONDS:.0f} s): median {median['command_seconds']:.1f} s")
    return record


if __name__ == "__main__":
    main()
