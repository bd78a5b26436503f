"""What each page of the board pack says: the sections in order, and the rows and sentences the template
writes from the `BoardPack`, every count and ratio through `metrics.board.cells` (the disclosure module's
writers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from metrics.board.cells import count_text, ratio_text
from metrics.board.pack import BoardPack
from metrics.board.summary import owners_sentence
from metrics.disclosure import SUPPRESSED_TEXT
from ui import theme

HIGHEST_WARDS = 6
SECTIONS = (
    "Cover",
    "Summary",
    "Scorecard",
    "Priorities",
    "Prevalence by ward",
    "Service gaps",
    "Attrition",
    "Data notes",
    "Glossary",
)


@dataclass(frozen=True)
class Drawn:
    """The charts as SVG text, keyed by what they show."""

    priorities: dict[str, str]  # priority -> its targets' small multiples
    ward_map: str | None
    gaps: str | None
    attrition: str | None


# The summary is one page: beyond this many targets off track, the rest are named in one line (with
# their owners) rather than as table rows, since each is set out on its priority's page.
SUMMARY_TARGET_ROWS = 8


def context(pack: BoardPack, drawn: Drawn) -> dict[str, Any]:
    rule = pack.rule
    return {
        "sections": SECTIONS,
        "title": f"{pack.board}: board pack, {pack.period.label}",
        "summary": pack.summary,
        "owners_line": owners_sentence(pack.summary.off_track),
        "off_track_rows": pack.summary.off_track[:SUMMARY_TARGET_ROWS],
        "off_track_more": pack.summary.off_track[SUMMARY_TARGET_ROWS:],
        "scorecard": _scorecard_rows(pack),
        "priorities": _priorities(pack, drawn),
        "wards": _ward_rows(pack),
        "least_reporting": [
            {
                "group": row["group"],
                "value": ratio_text(row["value"], row["numerator"], row["denominator"], rule),
                "comparison": row["comparison_text"],
            }
            for row in pack.least_reporting.iter_rows(named=True)
        ],
        "gaps": [
            {
                "ward": row["ward_name"],
                "group": row["group_label"],
                "services": row["n_services"],
                "need": count_text(row["estimated_need"], rule, suppressed=row["estimated_need_suppressed"]),
                "reached": count_text(row["people_reached"], rule, suppressed=row["people_reached_suppressed"]),
                "reach": ratio_text(row["reach_pct_of_need"], row["people_reached"], row["estimated_need"], rule, suffix="%")
                if not row["reach_pct_of_need_suppressed"]
                else SUPPRESSED_TEXT,
                "places": f"{row['capacity_places']:,.0f}",
                "reason": row["gap_reason"],
            }
            for row in pack.biggest_gaps.iter_rows(named=True)
        ],
        "idva": _idva(pack),
        "capacity": _capacity(pack),
        "stages": [
            {
                "stage": row["stage_label"],
                "count": count_text(row["count"], rule, suppressed=row["count_suppressed"]),
                "conversion": ""
                if row["conversion_of"] is None
                else ratio_text(
                    row["conversion_pct"], row["conversion_numerator"], row["conversion_denominator"], rule, suffix="%"
                ),
                "of": row["conversion_of"] or "",
            }
            for row in district_stages(pack).iter_rows(named=True)
        ],
        "hotspots": [
            {
                "ward": row["cut_label"],
                "value": ratio_text(row["value"], row["numerator"], row["denominator"], rule, suffix="%"),
                "comparison": row["comparison_text"],
                "is_hotspot": row["is_hotspot"],
            }
            for row in pack.hotspots.head(5).iter_rows(named=True)
        ],
        "worst_stage": _worst_stage(pack),
        "freshness": [
            {"source": row["extract_title"], "status": row["status_text"]} for row in pack.freshness.iter_rows(named=True)
        ],
        "loads": _loads(pack),
        "suppression": _suppression_notes(pack),
        "drawn": drawn,
        "colours": {"off": theme.DARK_PINK, "blue": theme.DARK_BLUE, "grey": theme.MID_GREY},
    }


def _scorecard_rows(pack: BoardPack) -> list[dict[str, Any]]:
    before = {row["indicator_id"]: row for row in pack.previous_scorecard.iter_rows(named=True)}
    tested = {change.indicator_id: "real change" for change in pack.summary.changes.changes}
    tested |= {change.indicator_id: "possible change" for change in pack.summary.changes.to_watch}
    immature = set(pack.summary.changes.immature)
    rows = []
    for row in pack.scorecard.iter_rows(named=True):
        earlier = before.get(row["indicator_id"], {})
        shown = row["value"] is not None and not row.get("value_suppressed")
        rows.append(
            {
                "topic": row["topic"],
                "title": row["title"],
                "unit": row["unit"],
                "value": f"{row['value']:.1f}" if shown else SUPPRESSED_TEXT,
                "interval": f"{row['lower_95']:.1f} to {row['upper_95']:.1f}" if shown and row["lower_95"] is not None else "",
                "events": count_text(row["numerator"], pack.rule, suppressed=bool(row.get("numerator_suppressed"))),
                "previous": f"{earlier['value']:.1f}" if earlier.get("value") is not None else SUPPRESSED_TEXT,
                "change": "not compared yet" if row["title"] in immature else tested.get(row["indicator_id"], "no real change"),
                "comparison": row["comparison_text"],
                "trend": row["trend"] or "",
            }
        )
    return rows


def _priorities(pack: BoardPack, drawn: Drawn) -> list[dict[str, Any]]:
    if pack.plan is None:
        return []
    priorities = []
    for priority in pack.plan.priorities():
        targets = []
        for row in pack.plan.selected(priority=priority).iter_rows(named=True):
            targets.append(
                {
                    "id": row["target_id"],
                    "label": row["label"],
                    "indicator": row["indicator_title"] or "",
                    "progress": row["progress"],
                    "status": row["status"],
                    "now": row["now_text"] or "",
                    "aim": row["aim_text"] or "",
                    "trajectory": row["trajectory_reason"] or "",
                    "owner": row["owner"] or "no named owner",
                    "needs_attention": row["needs_attention"],
                    "smart": "SMART" if row["is_smart"] else f"not SMART: {row['smart_failures']}",
                }
            )
        priorities.append(
            {
                "name": priority.capitalize(),
                "line": pack.plan.lines_for(priority)[0],
                "targets": targets,
                "chart": drawn.priorities.get(priority),
            }
        )
    return priorities


def _ward_rows(pack: BoardPack) -> list[dict[str, Any]]:
    points = pack.ward_points
    if points.is_empty():
        return []
    top = points.filter(pl.col("value").is_not_null()).sort("value", descending=True).head(HIGHEST_WARDS)
    return [
        {
            "ward": row["cut_label"],
            "value": ratio_text(row["value"], row["numerator"], row["denominator"], pack.rule),
            "interval": f"{row['lower_95']:.1f} to {row['upper_95']:.1f}",
            "comparison": row["comparison_text"],
        }
        for row in top.iter_rows(named=True)
    ]


def chartable_gaps(pack: BoardPack) -> pl.DataFrame:
    """The biggest gaps with hidden counts drawn as nothing (the table beside says *)."""
    gaps = pack.biggest_gaps
    return gaps.with_columns(
        estimated_need=pl.when(pl.col("estimated_need_suppressed") | pl.col("estimated_need").is_between(1, pack.rule.threshold))
        .then(None)
        .otherwise(pl.col("estimated_need")),
        people_reached=pl.when(pl.col("people_reached_suppressed") | pl.col("people_reached").is_between(1, pack.rule.threshold))
        .then(None)
        .otherwise(pl.col("people_reached")),
    )


def district_stages(pack: BoardPack) -> pl.DataFrame:
    stages = pack.attrition.filter(pl.col("is_total")).sort("stage_order")
    hidden = [
        count_text(row["count"], pack.rule, suppressed=row["count_suppressed"]) == SUPPRESSED_TEXT
        for row in stages.iter_rows(named=True)
    ]
    return stages.with_columns(
        count=pl.Series(
            [None if is_hidden else value for is_hidden, value in zip(hidden, stages["count"].to_list(), strict=True)],
            dtype=pl.Int64,
        )
    )


def _worst_stage(pack: BoardPack) -> str:
    """The step where the most cases are lost, in words."""
    worst = None
    for row in district_stages(pack).iter_rows(named=True):
        shown = ratio_text(row["conversion_pct"], row["conversion_numerator"], row["conversion_denominator"], pack.rule)
        if row["conversion_of"] is None or shown == SUPPRESSED_TEXT:
            continue
        if worst is None or row["conversion_pct"] < worst["conversion_pct"]:
            worst = row
    if worst is None:
        return "No step of the funnel can be shown for this period."
    return (
        f"The steepest drop is at “{worst['stage_label']}”: {worst['conversion_pct']:.0f}% "
        f"{worst['conversion_of']} went on to it."
    )


def _idva(pack: BoardPack) -> dict[str, str] | None:
    district = pack.gaps.idva.filter(pl.col("level") == "district")
    if district.is_empty():
        return None
    row = district.row(0, named=True)
    return {
        "needed": f"{row['idva_fte_needed']:.1f}",
        "funded": f"{row['idva_fte']:.1f}",
        "gap": f"{row['fte_gap']:.1f}",
        "expected": f"{row['expected_marac_cases']:,.0f}",
        "heard": count_text(row["n_marac_cases"], pack.rule, suppressed=row["n_marac_cases_suppressed"]),
    }


def _capacity(pack: BoardPack) -> list[dict[str, str]]:
    capacity = (
        pack.gaps.capacity.filter(pl.col("demand_pct_of_capacity").is_not_null())
        .sort("demand_pct_of_capacity", descending=True)
        .head(5)
    )
    return [
        {
            "service": row["service_name"],
            "capacity": f"{row['capacity_per_year']:,.0f}" if row["capacity_per_year"] else "",
            "referrals": count_text(row["n_referrals"], pack.rule, suppressed=row["n_referrals_suppressed"]),
            "demand": ratio_text(
                row["demand_pct_of_capacity"], row["n_referrals"], row["capacity_per_year"], pack.rule, digits=0, suffix="%"
            )
            if not row["n_referrals_suppressed"]
            else SUPPRESSED_TEXT,
        }
        for row in capacity.iter_rows(named=True)
    ]


def _loads(pack: BoardPack) -> list[dict[str, str]]:
    return [
        {
            "source": row["extract_title"],
            "loaded": count_text(row["rows_loaded"], pack.rule),
            "rejected": count_text(row["rows_rejected"], pack.rule),
            "refused": row["refused_because"] or "",
        }
        for row in pack.loads.iter_rows(named=True)
    ]


def _suppression_notes(pack: BoardPack) -> list[str]:
    notes = [
        pack.rule.describe(),
        "In this pack, district totals from 1 to "
        f"{pack.rule.threshold} are hidden too, with any percentage built on them: a paper is forwarded and kept.",
    ]
    hidden = pack.ward_points.filter(pl.col("value").is_null())["cut_label"].to_list() if pack.ward_points.height else []
    if hidden:
        notes.append(f"Wards whose rate is hidden (grey on the map): {', '.join(hidden)}.")
    return notes
