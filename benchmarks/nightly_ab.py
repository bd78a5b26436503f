"""One drop refreshed by two source trees side by side, on fresh copies of one history: what a change bought.

    .venv/bin/python benchmarks/nightly_ab.py --history <warehouse folder> --drop <drop folder> \\
        --tree before=/tmp/before --tree now=. [--full] [--repeat 2]

`--tree NAME=PATH` names a source tree (e.g. `git archive <commit> | tar -x -C /tmp/before`). Each round, in
alternating order, each tree refreshes a fresh copy of the history (copied and flushed to disk untimed) with the
drop: the refresh runs in a subprocess importing that tree's code (PYTHONPATH), timed inside it from the call, so
start-up is left out. Both trees read the same tables, so the history's build fingerprint is taken as current:
neither refresh becomes a full one because the other tree built the history. `--full` times full rebuilds instead.

Results: --results (default benchmarks/results/nightly_ab.json): each run's seconds and stage seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from common import machine, versions
from scale_runs import DEFAULT_RESULTS, now

# Run in the subprocess, with the tree's code first on the path: one refresh, its seconds and stage seconds as JSON.
WORKER = """
import json, sys, time
from pathlib import Path
import pipeline.refresh
pipeline.refresh._built_by = lambda con, fingerprint: True
import etl.geography  # imported before the clock, as the command's start-up does
from oversight.settings import Settings
from pipeline import nightly
warehouse, drop, full = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "full"
started = time.perf_counter()
report = nightly.refresh(drop, warehouse=warehouse, settings=Settings(), full=full)
print(json.dumps({"seconds": round(time.perf_counter() - started, 2), "kind": report.kind,
                  "stage_seconds": {name: round(seconds, 2) for name, seconds in report.stage_seconds.items()}}))
"""


def run_once(tree: Path, history: Path, drop: Path, scratch: Path, *, full: bool) -> dict[str, Any]:
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(history, scratch)
    os.sync()
    environment = {name: value for name, value in os.environ.items() if not name.startswith("OVERSIGHT_")}
    finished = subprocess.run(
        [sys.executable, "-c", WORKER, str(scratch), str(drop), "full" if full else "nightly"],
        env={**environment, "PYTHONPATH": str(tree), "OVERSIGHT_WAREHOUSE": str(scratch)},
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    shutil.rmtree(scratch, ignore_errors=True)
    if finished.returncode != 0:
        raise RuntimeError(f"the refresh by {tree} failed:\n{finished.stderr[-3000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=Path, required=True, help="a warehouse folder (CURRENT, versions/) to copy")
    parser.add_argument("--drop", type=Path, required=True, help="the drop folder each tree refreshes it with")
    parser.add_argument("--tree", action="append", required=True, metavar="NAME=PATH", help="a source tree; give two")
    parser.add_argument("--full", action="store_true", help="time full rebuilds rather than nightly refreshes")
    parser.add_argument("--repeat", type=int, default=2, help="rounds; the trees alternate which goes first")
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/nightly-ab"), help="where each copy is refreshed")
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    options = parser.parse_args(argv)
    trees = {name: Path(path).resolve() for name, path in (item.split("=", 1) for item in options.tree)}
    report: dict[str, Any] = {
        "command": ".venv/bin/python benchmarks/nightly_ab.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "started": now(),
        "machine": machine(),
        "versions": versions("duckdb", "polars"),
        "runs": {name: [] for name in trees},
    }
    for round_number in range(options.repeat):
        order = list(trees) if round_number % 2 == 0 else list(reversed(trees))
        for name in order:
            run = run_once(trees[name], options.history, options.drop, options.scratch, full=options.full)
            print(f"{name}: {run['seconds']} s ({run['kind']}) {run['stage_seconds']}", flush=True)
            report["runs"][name].append(run)
    report["finished"] = now()
    options.results.mkdir(parents=True, exist_ok=True)
    (options.results / "nightly_ab.json").write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
