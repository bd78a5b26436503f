"""Replaying the recorded calls straight against the warehouse, cold and warm."""

from __future__ import annotations

import json
import pickle
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from common import percentile
from scale_record import largest_ward
from scale_runs import (
    COLD_P95_GOAL_MS,
    GROUP_FILTER,
    MINIMUM_WARM_CALLS,
    USERS,
    WARM_P95_GOAL_MS,
    ChildRun,
    Scale,
    progress,
    require_success,
    run_measured,
    worker_command,
    worker_environment,
)


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
            except Exception as error:
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
            except Exception as error:
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


def measure_pages(
    scale: Scale, warehouse: Path, folder: Path, repeat: int, warm_budget: float, one_cold_process: bool
) -> dict[str, Any]:
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


def summarise_pages(
    summary: dict[str, Any],
    cold: dict[tuple[str, str, str], dict[str, Any]],
    warm: dict[str, dict[str, Any]],
    recording: ChildRun,
    ward_code: str,
    ward_name: str,
) -> dict[str, Any]:
    labels = {str(call["id"]): call for call in summary["calls"]}
    pages, every_warm, every_cold, calls_used = [], [], [], {}
    errors = list(summary["errors"])
    for entry in summary["page_calls"]:
        ids = [str(call_id) for call_id in entry["call_ids"]]
        warm_samples = [sample for call_id in ids for sample in warm[call_id].get("samples_ms", [])]
        cold_times = [cold[entry["page"], entry["variant"], call_id].get("ms") for call_id in ids]
        cold_times = [ms for ms in cold_times if ms is not None]
        errors += [
            {"page": entry["page"], "variant": entry["variant"], "message": f"{labels[call_id]['label']}: {result['error']}"}
            for call_id in ids
            for result in (warm[call_id], cold[entry["page"], entry["variant"], call_id])
            if "error" in result
        ]
        every_warm += warm_samples
        every_cold += cold_times
        for call_id in ids:
            usage = calls_used.setdefault(call_id, {"pages": set(), "cold_ms": []})
            usage["pages"].add(entry["page"])
            if "ms" in cold[entry["page"], entry["variant"], call_id]:
                usage["cold_ms"].append(cold[entry["page"], entry["variant"], call_id]["ms"])
        pages.append(
            {
                "page": entry["page"],
                "variant": entry["variant"],
                "data_calls": len(ids),
                "calls": [labels[call_id]["label"] for call_id in ids],
                "warm_p50_ms": _median(warm_samples),
                "warm_p95_ms": _p95(warm_samples),
                "cold_p50_ms": _median(cold_times),
                "cold_p95_ms": _p95(cold_times),
                "cold_total_ms": sum(cold_times),
            }
        )
    per_call = []
    for call_id, usage in calls_used.items():
        samples = warm[call_id].get("samples_ms", [])
        per_call.append(
            {
                "call": labels[call_id]["label"],
                "name": labels[call_id]["name"],
                "audience": labels[call_id]["audience"],
                "pages": sorted(usage["pages"]),
                "warm_calls": len(samples),
                "warm_p50_ms": _median(samples),
                "warm_p95_ms": _p95(samples),
                "cold_max_ms": max(usage["cold_ms"], default=None),
            }
        )
    per_call.sort(key=lambda call: -(call["warm_p95_ms"] or 0))
    return {
        "ward_filter": {"ward_code": ward_code, "ward_name": ward_name, **GROUP_FILTER},
        "pages": pages,
        "calls": per_call,
        "errors": errors,
        "distinct_calls": len(per_call),
        "warm_p50_ms": _median(every_warm),
        "warm_p95_ms": _p95(every_warm),
        "cold_p50_ms": _median(every_cold),
        "cold_p95_ms": _p95(every_cold),
        "calls_over_warm_goal": sum(1 for call in per_call if (call["warm_p95_ms"] or 0) > WARM_P95_GOAL_MS),
        "calls_over_cold_goal": sum(1 for call in per_call if (call["cold_max_ms"] or 0) > COLD_P95_GOAL_MS),
        "apptest_process": {"seconds": recording.seconds, "peak_rss_mib": recording.peak_rss_mib},
    }


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _p95(values: list[float]) -> float | None:
    return percentile(values, 0.95) if values else None
