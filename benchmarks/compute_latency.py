"""Latency of `compute` for every registered indicator on the sample district.

Builds the sample warehouse (or uses --warehouse), then times each indicator with the
default period, district level and cut by ward, over repeated calls, and writes p50/p95
to benchmarks/results/compute_latency.json and a Markdown table to stdout.

    python benchmarks/compute_latency.py [--repeat 20] [--warehouse PATH]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars
from common import percentile

from etl.warehouse import Warehouse
from metrics.compute import Filters, compute
from metrics.disclosure import DisclosureRule
from metrics.registry import all_indicators
from oversight.settings import PROJECT_ROOT, Settings
from pipeline.nightly import refresh

RESULTS = PROJECT_ROOT / "benchmarks" / "results" / "compute_latency.json"


def measure(con: duckdb.DuckDBPyConnection, indicator_id: str, filters: Filters, repeat: int) -> dict[str, float]:
    timings = []
    rule = DisclosureRule(threshold=7, rounding_base=5)
    for _ in range(repeat):
        started = time.perf_counter()
        compute(con, indicator_id, filters, rule=rule)
        timings.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": statistics.median(timings), "p95_ms": percentile(timings, 0.95), "max_ms": max(timings)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warehouse", type=Path)
    arguments = parser.parse_args()
    warehouse = arguments.warehouse
    if warehouse is None:
        warehouse = Path(tempfile.mkdtemp()) / "warehouse"
        settings = Settings(warehouse=warehouse)
        refresh(settings.sample_drop, warehouse=warehouse, settings=settings)
    results = []
    with Warehouse(warehouse).connect_read_only() as con:
        for indicator in all_indicators():
            for label, filters in (("district", Filters()), ("by ward", Filters(by="ward"))):
                if label == "by ward" and "ward" not in indicator.dimensions:
                    continue
                results.append({"indicator": indicator.id, "cut": label, **measure(con, indicator.id, filters, arguments.repeat)})
    record = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "polars": polars.__version__,
        "repeat": arguments.repeat,
        "command": "python benchmarks/compute_latency.py",
        "results": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print("| indicator | cut | p50 ms | p95 ms |\n| --- | --- | ---: | ---: |")
    for row in results:
        print(f"| `{row['indicator']}` | {row['cut']} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} |")


if __name__ == "__main__":
    main()
