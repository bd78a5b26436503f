"""Growth across scales and the Markdown report."""

from __future__ import annotations

import math
from typing import Any

from scale_runs import (
    COLD_P95_GOAL_MS,
    REFRESH_RATIO_GOAL,
    REFRESH_RSS_GOAL_GIB,
    SLOWEST_CALLS_LISTED,
    WARM_P95_GOAL_MS,
)


def growth(scales: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each scale against the first: ratios of incidents, refresh time and page-call p95, and growth exponents."""
    first = scales[0]
    rows = []
    for scale in scales:
        incidents = scale["police_incidents"] / first["police_incidents"]
        row = {"scale": scale["scale"], "incidents_ratio": incidents}
        figures = {
            "refresh": (scale["load"]["refresh_seconds"], first["load"]["refresh_seconds"]),
            "warm_p95": (scale["page_calls"]["warm_p95_ms"], first["page_calls"]["warm_p95_ms"]),
            "cold_p95": (scale["page_calls"]["cold_p95_ms"], first["page_calls"]["cold_p95_ms"]),
        }
        for name, (value, base) in figures.items():
            ratio = value / base if value and base else None
            row[f"{name}_ratio"] = ratio
            row[f"{name}_exponent"] = math.log(ratio) / math.log(incidents) if ratio and incidents > 1.01 else None
        rows.append(row)
    return rows


def markdown_report(record: dict[str, Any]) -> str:
    scales = record["scales"]
    lines = [
        f"## National scale: {', '.join(scale['scale'] for scale in scales)} police incidents",
        "",
        "Reproduce with:",
        "",
        "```sh",
        record["command"],
        "```",
        "",
        f"Measured {record['started_at']} to {record['finished_at']} on {record['machine']['platform']} "
        f"({record['machine']['processor']}, {record['machine']['cores']} cores, {record['machine']['ram_gib']} GiB RAM); "
        + ", ".join(f"{name} {version}" for name, version in record["versions"].items())
        + ". "
        + _load_sentence(scales),
        "",
        "### Headline",
        "",
        (
            f"| incidents | bare load s | refresh s | refresh / bare (goal ≤ {REFRESH_RATIO_GOAL}) | refresh peak RSS MiB "
            f"(goal ≤ {REFRESH_RSS_GOAL_GIB * 1024:.0f}) | bare load peak RSS MiB | page calls warm p95 ms (goal ≤ "
            f"{WARM_P95_GOAL_MS:.0f}) | cold p95 ms (goal ≤ {COLD_P95_GOAL_MS:.0f}) | dashboard peak RSS MiB |"
        ),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for scale in scales:
        load, calls, dashboard = scale["load"], scale["page_calls"], scale["dashboard"]
        served = (
            f"{dashboard['peak_rss_mib']:.0f} (browser)"
            if "peak_rss_mib" in dashboard
            else f"{calls['apptest_process']['peak_rss_mib']:.0f} (AppTest)"
        )
        lines.append(
            f"| {scale['police_incidents']:,} | {load['bare_seconds']:.1f} | {load['refresh_seconds']:.1f} | "
            f"**{load['ratio']:.2f}** | {load['refresh_peak_rss_mib']:.0f} | {load['bare_peak_rss_mib']:.0f} | "
            f"{_ms(calls['warm_p95_ms'])} | {_ms(calls['cold_p95_ms'])} | {served} |"
        )
    lines += [
        "",
        "### Growth against the first scale",
        "",
        (
            "Ratios to the first scale's figures; exponent = log(time ratio) / log(incidents ratio): 1 is linear, "
            "less is better than linear."
        ),
        "",
        "| scale | incidents × | refresh × | refresh exponent | warm p95 × | warm exponent | cold p95 × | cold exponent |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in record["growth"]:
        lines.append(
            f"| {row['scale']} | {row['incidents_ratio']:.2f} | {_ratio(row['refresh_ratio'])} | "
            f"{_ratio(row['refresh_exponent'])} | {_ratio(row['warm_p95_ratio'])} | {_ratio(row['warm_p95_exponent'])} | "
            f"{_ratio(row['cold_p95_ratio'])} | {_ratio(row['cold_p95_exponent'])} |"
        )
    lines += [
        "",
        "### Memory",
        "",
        (
            "| incidents | refresh MiB | bare load MiB | dashboard served, Chromium on every page MiB "
            "| every page in AppTest MiB |"
        ),
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for scale in scales:
        dashboard = scale["dashboard"]
        served = f"{dashboard['peak_rss_mib']:.0f}" if "peak_rss_mib" in dashboard else f"skipped: {dashboard['skipped']}"
        lines.append(
            f"| {scale['police_incidents']:,} | {scale['load']['refresh_peak_rss_mib']:.0f} | "
            f"{scale['load']['bare_peak_rss_mib']:.0f} | {served} | "
            f"{scale['page_calls']['apptest_process']['peak_rss_mib']:.0f} |"
        )
    stages = list(dict.fromkeys(stage for scale in scales for stage in scale["load"].get("refresh_stage_seconds", {})))
    if stages:
        lines += [
            "",
            "### Where the refresh spends its time (seconds; from the run log)",
            "",
            "| stage | " + " | ".join(f"{scale['police_incidents']:,}" for scale in scales) + " |",
            "| --- |" + " ---: |" * len(scales),
        ]
        for stage in stages:
            lines.append(
                f"| {stage} | "
                + " | ".join(f"{scale['load'].get('refresh_stage_seconds', {}).get(stage, 0.0):.1f}" for scale in scales)
                + " |"
            )
        lines.append(
            "| bare DuckDB load, for comparison | "
            + " | ".join(f"{scale['load']['bare_seconds']:.1f}" for scale in scales)
            + " |"
        )
    for scale in scales:
        for visit in scale["dashboard"].get("pages", []):
            if visit["errors"]:
                lines.append(
                    f"\nIn the browser at {scale['police_incidents']:,} incidents, {visit['page']}: " + "; ".join(visit["errors"])
                )
    for scale in scales:
        calls = scale["page_calls"]
        ward = calls["ward_filter"]
        lines += [
            "",
            f"### Page data calls at {scale['police_incidents']:,} incidents",
            "",
            (
                f"Ward + group = {ward['ward_name']} ({ward['ward_code']}), sex {ward['sex']}. {calls['distinct_calls']} "
                f"distinct calls; {calls['calls_over_warm_goal']} over {WARM_P95_GOAL_MS:.0f} ms warm p95, "
                f"{calls['calls_over_cold_goal']} over {COLD_P95_GOAL_MS:.0f} ms cold."
            ),
            "",
            "| page | filters | data calls | warm p50 ms | warm p95 ms | cold p50 ms | cold p95 ms | cold total ms |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for page in calls["pages"]:
            lines.append(
                f"| {page['page']} | {page['variant']} | {page['data_calls']} | {_ms(page['warm_p50_ms'])} | "
                f"{_ms(page['warm_p95_ms'])} | {_ms(page['cold_p50_ms'])} | {_ms(page['cold_p95_ms'])} | "
                f"{_ms(page['cold_total_ms'])} |"
            )
        lines += [
            "",
            "Slowest calls (warm p95):",
            "",
            "| call | pages | warm p50 ms | warm p95 ms | cold max ms |",
            "| --- | --- | ---: | ---: | ---: |",
        ]
        for call in calls["calls"][:SLOWEST_CALLS_LISTED]:
            lines.append(
                f"| `{call['call']}` | {', '.join(call['pages'])} | {_ms(call['warm_p50_ms'])} | "
                f"{_ms(call['warm_p95_ms'])} | {_ms(call['cold_max_ms'])} |"
            )
        if calls["errors"]:
            lines += [
                "",
                "Errors: " + "; ".join(f"{error['page']} ({error['variant']}): {error['message']}" for error in calls["errors"]),
            ]
    lines += [
        "",
        (
            "Cold: the call's first run in a fresh process per page, on a read-only connection opened for it "
            "alone (opening included; OS page cache not dropped). Warm: repeated calls on one open connection after "
            "a warm-up. Each page ran in AppTest as a board member (analyst for analyst-only pages); the calls it "
            "made through ui.cache were replayed without Streamlit's cache under that audience's disclosure rule."
        ),
    ]
    return "\n".join(lines) + "\n"


def _load_sentence(scales: list[dict[str, Any]]) -> str:
    loads = [load for scale in scales for load in scale["load_average_1_minute"].values()]
    return (
        f"The machine's 1-minute load average (other work included) was {min(loads):.1f} to {max(loads):.1f} "
        "at the start and end of each scale."
    )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
