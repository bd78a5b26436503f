"""Time `oversight board-pack`: the pack's numbers, its charts and its typesetting, on one warehouse.

    .venv/bin/python benchmarks/board_pack.py                                  # the sample district
    .venv/bin/python benchmarks/board_pack.py --warehouse /tmp/oversight-bench/runs/5M/warehouse

(`make benchmark` leaves each scale's warehouse under /tmp/oversight-bench/runs/<scale>/warehouse.)
Each repeat runs the command as a board member would get it, in a fresh process (`oversight board-pack
--out pack.pdf`, timed around the process, Chromium's start included), then times in fresh processes the
start-up (importing what the command imports) and in this process the three stages: `metrics.board.pack.board_pack`
(every data call, cold: a new read-only connection), drawing the charts (Kaleido in a Chromium started for
them) and typesetting the PDF (WeasyPrint). The command starts Chromium while it reads the numbers, so its
whole can be less than the sum of the stages. The goal is a whole pack in under 20 s at national scale.

Each figure is given as wall-clock seconds and as CPU seconds (user and system, of the process and of every
process it ran, Chromium's included). On a shared machine the wall clock grows with the load average,
recorded beside the figures; the CPU time grows far less, so it says what the pack costs whatever the load.
Writes benchmarks/results/board_pack.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from common import machine, percentile, versions

from metrics.board.pack import board_pack
from metrics.board.period_text import latest_complete_quarter, previous_period
from metrics.disclosure import Audience, rule_for
from metrics.warehouse import connect
from oversight.settings import PROJECT_ROOT, Settings, get_settings
from pipeline.nightly import refresh
from ui.board_pack.document import draw, pack_html, pack_pdf

RESULTS = PROJECT_ROOT / "benchmarks" / "results" / "board_pack.json"
GOAL_SECONDS = 20.0


STAGES = ("command", "start_up", "data", "charts", "typesetting")
# what `oversight board-pack` imports before it reads a number: its start-up, without the work
START_UP = (
    "import oversight.cli, metrics.board, metrics.warehouse, ui.board_pack.document, ui.board_pack.charts, weasyprint, kaleido"
)


def cpu_seconds() -> float:
    """User and system CPU of this process (all its threads) and of every child process that has ended."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextmanager
def timed(figures: dict[str, float], stage: str) -> Iterator[None]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    yield
    figures[f"{stage}_seconds"] = time.perf_counter() - wall
    figures[f"{stage}_cpu_seconds"] = cpu_seconds() - cpu


def measure_once(warehouse: Path, out: Path) -> dict[str, float]:
    figures: dict[str, float] = {}
    command = [str(Path(sys.executable).parent / "oversight"), "board-pack", "--warehouse", str(warehouse), "--out", str(out)]
    with timed(figures, "command"):
        finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode != 0:
        raise SystemExit(f"oversight board-pack failed ({finished.returncode}):\n{finished.stdout}{finished.stderr}")
    with timed(figures, "start_up"):
        subprocess.run([sys.executable, "-c", START_UP], check=True)
    with timed(figures, "data"), connect(warehouse) as con:
        latest = con.sql("select max(reported_on) from mart_incidents").fetchall()[0][0]
        period = latest_complete_quarter(latest)
        pack = board_pack(con, period=period, previous=previous_period(period), rule=rule_for(Audience.BOARD, get_settings()))
    with timed(figures, "charts"):
        drawn = draw(pack)
    with timed(figures, "typesetting"):
        pack_pdf(pack, html=pack_html(pack, drawn=drawn))
    return figures


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
    keys = [f"{stage}_{kind}" for stage in STAGES for kind in ("seconds", "cpu_seconds")]
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
        "median": {key: sorted(run[key] for run in runs)[len(runs) // 2] for key in keys},
        "worst": {key: percentile([run[key] for run in runs], 1.0) for key in keys},
    }
    options.results.parent.mkdir(parents=True, exist_ok=True)
    options.results.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    median, worst = record["median"], record["worst"]
    print(
        f"Board pack on {incidents:,} police incidents, {len(runs)} runs; load average "
        f"{record['load_average_1_minute']['start']:.1f} to {record['load_average_1_minute']['end']:.1f}\n"
    )
    print("| stage | wall s, median (worst) | CPU s, median (worst) |\n| --- | ---: | ---: |")
    for stage in STAGES:
        wall, cpu = f"{stage}_seconds", f"{stage}_cpu_seconds"
        print(f"| {stage.replace('_', '-')} | {median[wall]:.1f} ({worst[wall]:.1f}) | {median[cpu]:.1f} ({worst[cpu]:.1f}) |")
    print(
        f"\nWhole command (goal ≤ {GOAL_SECONDS:.0f} s): median {median['command_seconds']:.1f} s wall, "
        f"{median['command_cpu_seconds']:.1f} s of CPU"
    )
    return record


if __name__ == "__main__":
    main()
