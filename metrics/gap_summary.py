"""The gap analysis in plain words, for board members on the Services page and the workbook's Summary.

Every number of people quoted is a published (disclosure-controlled) count or a sum of them, so a
sentence never reveals more than the tables beside it; a hidden count is said to be not shown.
"""

from __future__ import annotations

import polars as pl

from metrics.disclosure import NOT_SHOWN
from metrics.gap_indicators import MARAC_INDICATORS
from metrics.service_gaps import TOP_GAPS, GapAnalysis

MARAC_SHARES = MARAC_INDICATORS[1:]  # the shares of MARAC cases: every MARAC indicator after the cases per 10,000 women
WARDS_NAMED = 4  # name this many wards in a sentence, then say how many more


def summary(analysis: GapAnalysis) -> dict[str, list[str]]:
    """Headed lists of sentences, the decisions first: the largest gaps, services at risk, IDVA and MARAC capacity,
    then each client group's gaps and MARAC against SafeLives levels."""
    return {
        "In brief": headline(analysis),
        "The largest gaps, in people": top_gap_lines(analysis),
        "Services at risk": risk_lines(analysis),
        "IDVA and MARAC capacity": idva_lines(analysis),
        "Gaps by client group": biggest_gaps(analysis.coverage, analysis.assumptions.reach_gap_pct),
        "MARAC against SafeLives levels": marac_lines(analysis),
    }


def headline(analysis: GapAnalysis) -> list[str]:
    """The few lines a page or a paper opens with: the biggest gap, the services most at risk, both IDVA figures."""
    lines = top_gap_lines(analysis, count=3)
    risks = (
        analysis.risks.filter(pl.col("contract_ending") | pl.col("over_capacity")) if analysis.risks.height else analysis.risks
    )
    lines += [f"{row['service_name']}: {row['risk']}." for row in risks.head(3).iter_rows(named=True)]
    lines += idva_lines(analysis)[:1]
    if analysis.scenario is not None:
        lines.insert(0, f"With the what-if scenario '{analysis.scenario.name}': " + "; ".join(analysis.scenario.describe()) + ".")
    return lines


def top_gap_lines(analysis: GapAnalysis, count: int = TOP_GAPS) -> list[str]:
    """One sentence per gap, largest unmet need first: ward, group, people unmet with 95% limits, the nearest service."""
    top = analysis.top_gaps(count)
    if top.is_empty():
        return [
            "No gaps: every client group with estimated need has a service in every ward, and support started "
            f"for at least {analysis.assumptions.reach_gap_pct:g}% of estimated need."
        ]
    return [
        f"{row['ward_name']}, {row['group_label']}: {gap_size_words(row)}; {extend_words(row)}."
        for row in top.iter_rows(named=True)
    ]


def gap_size_words(row: dict) -> str:
    """How big a gap is, in people, from the published figures of its coverage row."""
    words = f"about {row['unmet_need']:,} people not reached"
    if row["unmet_need_lower_95"] is not None:
        words += f" (95% interval {row['unmet_need_lower_95']:,.0f} to {row['unmet_need_upper_95']:,.0f})"
    if row["estimated_need"] is not None:
        reached = "too few to show" if row["people_reached_suppressed"] else f"{row['people_reached']:,}"
        words += f" of an estimated need of {row['estimated_need']:,} (reached: {reached})"
    if row.get("added_places"):
        words += f", after {row['added_places']:,.0f} places the scenario adds"
    return words


def extend_words(row: dict) -> str:
    """Which service could close the gap: one already in the ward, or the nearest that takes the group."""
    service = row.get("nearest_service")
    if service is None:
        return "no registered service takes this group anywhere"
    if row["n_services"] == 0 or row.get("nearest_service_km"):
        return f"nearest service that could extend: {service} ({row['nearest_service_km']:.1f} km away)"
    return f"service that could grow here: {service} (already serves the ward)"


def risk_lines(analysis: GapAnalysis) -> list[str]:
    """Services whose contract ends soon, that take more referrals than places, or that are 'by and for'."""
    if analysis.risks.is_empty():
        return [
            f"No service's contract ends within {analysis.assumptions.contract_risk_months} months of the data date, "
            "none takes more referrals than its places and none is 'by and for'."
        ]
    return [f"{row['service_name']} ({row['provider']}): {row['risk']}." for row in analysis.risks.iter_rows(named=True)]


def biggest_gaps(coverage: pl.DataFrame, reach_gap_pct: float) -> list[str]:
    """One sentence per client group and kind of gap: no service first, then low reach; most unmet need first, and
    within a sentence the wards with most unmet need first."""
    ranked = coverage.sort(pl.col("unmet_need").fill_null(-1), descending=True, maintain_order=True)
    no_service = _by_group(ranked.filter(pl.col("has_no_service")))
    low_reach = _by_group(ranked.filter(pl.col("has_low_reach") & ~pl.col("has_no_service")))
    lines = [
        f"No service for {group} in {_wards(wards)}: {_need_words(need, hidden, unknown)}."
        for group, wards, need, hidden, unknown in no_service
    ]
    lines += [
        f"Support started for fewer than {reach_gap_pct:g}% of the estimated need of {group} in "
        f"{_wards(wards)}: {_need_words(need, hidden, unknown)}."
        for group, wards, need, hidden, unknown in low_reach
    ]
    return lines or [
        "No gaps: every client group with estimated need has a service in every ward, and reach is at "
        f"least {reach_gap_pct:g}% of estimated need."
    ]


def idva_lines(analysis: GapAnalysis) -> list[str]:
    """Both IDVA figures for the area (for the cases expected and the cases heard), MARAC administrators, caseload,
    and for the district the wards where MARAC heard most beyond the IDVA time placed there."""
    row = analysis.idva_area
    if row is None:
        return ["No IDVA figures for this area."]
    guide = analysis.assumptions
    area = "The district" if analysis.ward_code is None else row["ward_name"]
    heard = (
        "for the cases MARAC heard: not shown, too few to show safely"
        if row["n_marac_cases_suppressed"]
        else f"{_fte(row['idva_fte_needed_for_cases_heard'])} for the {row['n_marac_cases']:,} cases MARAC heard "
        f"({_verdict(row['fte_gap_for_cases_heard'])})"
    )
    lines = [
        f"{area}: {_fte(row['idva_fte'])} full-time IDVAs registered; SafeLives' guide (one IDVA per "
        f"{guide.idva_cases_per_fte:g} cases a year) needs {_fte(row['idva_fte_needed'])} for the "
        f"{row['expected_marac_cases']:,.0f} MARAC cases expected ({_verdict(row['fte_gap'])}) and {heard}."
    ]
    lines.append(
        f"Expected cases: {guide.marac_cases_per_10000_women:g} a year per 10,000 of its "
        f"{row['women_16_plus']:,} women aged 16+. MARAC administrators needed (one per "
        f"{guide.marac_cases_per_administrator:g} cases a year): {_fte(row['marac_admin_fte_needed'])} for the "
        "cases expected"
        + (
            ""
            if row["marac_admin_fte_needed_for_cases_heard"] is None
            else f", {_fte(row['marac_admin_fte_needed_for_cases_heard'])} for the cases heard"
        )
        + "; the register holds no administrator posts to set against them."
    )
    if row["caseload_per_fte"] is not None:
        lines.append(
            f"Victims starting IDVA support: {row['caseload_per_fte']:.0f} a year per full-time IDVA "
            f"(the guide: about {guide.idva_cases_per_fte:g} cases a year each)."
        )
    over = analysis.idva.filter((pl.col("level") == "ward") & (pl.col("fte_gap_for_cases_heard") > 0))
    if analysis.ward_code is None and over.height:
        names = over.sort("fte_gap_for_cases_heard", descending=True)["ward_name"]
        lines.append(
            f"MARAC heard more cases than the IDVA time placed there can take, by the guide, in {_wards(names.to_list())}."
        )
    return lines


def _verdict(gap: float | None) -> str:
    if gap is None:
        return "not shown"
    return f"shortfall {_fte(gap)} FTE" if gap > 0 else f"{_fte(-gap)} FTE above the guide" if gap < 0 else "as the guide"


def marac_lines(analysis: GapAnalysis) -> list[str]:
    """MARAC volume, repeats and who is referred, each against its published benchmarks."""
    lines = []
    for indicator_id in ("marac_cases_per_10000_women", *MARAC_SHARES):
        row = analysis.indicator(indicator_id)
        if row is None:
            continue
        against = analysis.benchmarks.filter(pl.col("indicator_id") == indicator_id)
        if row["value_suppressed"]:
            lines.append(f"{row['title']}: {NOT_SHOWN}.")
            continue
        if row["value"] is None:
            lines.append(f"{row['title']}: no cases in the period.")
            continue
        unit = "%" if row["unit"].startswith("%") else f" {row['unit']}"
        value = f"{row['value']:.1f}{unit} (95% CI {row['lower_95']:.1f} to {row['upper_95']:.1f})"
        benchmarks = "; ".join(against["comparison_text"])
        district = "" if analysis.ward_code is None else f"; {row['comparison_text']}"
        lines.append(f"{row['title']}: {value}; {benchmarks}{district}.")
    return lines


def _by_group(rows: pl.DataFrame) -> list[tuple[str, list[str], int, bool, bool]]:
    """(group, wards, unmet need shown, whether any is hidden, whether need is not estimated)."""
    grouped = rows.group_by("group_label", maintain_order=True).agg(
        wards=pl.col("ward_name"),
        need=pl.col("unmet_need").fill_null(0).sum(),
        hidden=pl.col("unmet_need_suppressed").any(),
        unknown=(pl.col("estimated_need").is_null() & ~pl.col("estimated_need_suppressed")).all(),
    )
    groups = [
        (row["group_label"], row["wards"], int(row["need"]), row["hidden"], row["unknown"])
        for row in grouped.iter_rows(named=True)
    ]
    return sorted(groups, key=lambda group: (group[4], -group[2]))  # most need first; need not estimated last


def _wards(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    shown = ", ".join(names[:WARDS_NAMED])
    more = len(names) - WARDS_NAMED
    return f"{len(names)} wards ({shown}" + (f" and {more} more)" if more > 0 else ")")


def _fte(value: float) -> str:
    return f"{value:.1f}" if abs(value) >= 1 else f"{value:.2f}"


def _need_words(need: int, hidden: bool, unknown: bool) -> str:
    if unknown:
        return "need is not estimated (no population figures are held for this group)"
    if hidden and not need:
        return f"unmet need {NOT_SHOWN}"
    words = f"about {need:,} people with estimated need not reached in the period"
    return words + (" (not counting wards where the figure is too small to show safely)" if hidden else "")
