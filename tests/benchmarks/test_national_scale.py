"""The national-scale benchmark's quick mode runs end to end and writes every section of its results.

Timings on a shared machine are not asserted: only that each figure is there and sane.
"""

from __future__ import annotations

import json
import subprocess
import sys

from oversight.settings import PROJECT_ROOT
from ui.access import PAGE_AUDIENCES

SCRIPT = PROJECT_ROOT / "benchmarks" / "national_scale.py"
VARIANTS = {"default", "ward + group"}


def test_quick_mode_writes_every_section(tmp_path):
    results = tmp_path / "results"
    finished = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--work", str(tmp_path / "work"), "--results", str(results)],
        check=False,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    record = json.loads((results / "national_scale.json").read_text(encoding="utf-8"))

    assert {"platform", "cores", "ram_gib"} <= record["machine"].keys()
    assert {"python", "duckdb", "polars", "streamlit"} <= record["versions"].keys()
    assert "benchmarks/national_scale.py --quick" in record["command"]
    assert record["started_at"] <= record["finished_at"]
    [scale] = record["scales"]
    assert scale["police_incidents"] > 10_000

    load = scale["load"]
    assert load["bare_seconds"] > 0 and load["refresh_seconds"] > 0 and load["ratio"] > 0
    assert load["bare_peak_rss_mib"] > 0 and load["refresh_peak_rss_mib"] > 0
    stages = load["refresh_stage_seconds"]
    assert {"read", "contract checks", "staging", "marts", "precomputed sums", "publish"} <= stages.keys()
    assert 0 < sum(stages.values()) <= load["refresh_seconds"]

    calls = scale["page_calls"]
    assert not calls["errors"]
    assert {(page["page"], page["variant"]) for page in calls["pages"]} == {
        (title, variant) for title in PAGE_AUDIENCES for variant in VARIANTS
    }
    for page in calls["pages"]:
        assert page["data_calls"] > 0, page
        assert page["warm_p50_ms"] > 0 and page["warm_p95_ms"] >= page["warm_p50_ms"], page
        assert page["cold_p50_ms"] > 0 and page["cold_p95_ms"] >= page["cold_p50_ms"], page
    assert calls["distinct_calls"] == len(calls["calls"]) > 0
    assert calls["apptest_process"]["peak_rss_mib"] > 0
    assert scale["dashboard"] == {"skipped": "--no-browser"}

    [growth] = record["growth"]
    assert growth["incidents_ratio"] == growth["refresh_ratio"] == 1

    report = (results / "national_scale.md").read_text(encoding="utf-8")
    for heading in (
        "### Headline",
        "### Growth against the first scale",
        "### Memory",
        "### Where the refresh spends its time",
        "### Page data calls",
    ):
        assert heading in report
    assert report in finished.stdout
