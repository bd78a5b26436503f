"""The gap analysis in plain words, for board members on the Services page and the workbook's Summary.

Every number of people quoted is a published (disclosure-controlled) count or a sum of them, so a
sentence never reveals more than the tables beside it; a hidden count is said to be not shown.
"""

from __future__ import annotations

import polars as pl

from metrics.compute import HIDDEN_TEXT
from metrics.coverage import MARAC_CASES_PER_10000_WOMEN, MARAC_CASES_PER_IDVA_FTE, REACH_GAP_PCT
from metrics.service_gaps import GapAnalysis

MARAC_SHARES = ("marac_repeat_pct", "marac_non_police_referrals_pct", "marac_minoritised_pct", "marac_lgbt_pct",
                "marac_disabled_pct", "marac_male_pct", "marac_aged_16_17_pct")
WARDS_NAMED = 4  # name this many wards in a sentence, then say how many more


def summary(analysis: GapAnalysis) -> dict[str, list[str]]:
    """Headed lists of sentences: the biggest gaps, IDVA capacity, MARAC against SafeLives levels."""
    return {
        "The biggest gaps": biggest_gaps(analysis.coverage),
        "IDVA capacity": idva_lines(analysis),
        "MARAC against SafeLives levels": marac_lines(analysis),
    }


def biggest_gaps(coverage: pl.DataFrame) -> list[str]:
    """One sentence per client group and kind of gap: no service first, then low reach; most need first."""
    no_service = _by_group(coverage.filter(pl.col("has_no_service")))
    low_reach = _by_group(coverage.filter(pl.col("has_low_reach") & ~pl.col("has_no_service")))
    lines = [f"No service for {group} in {_wards(wards)}: {_need_words(need, hidden, unknown)}."
             for group, wards, need, hidden, unknown in no_service]
    lines += [f"Support started for fewer than {REACH_GAP_PCT:g}% of the estimated need of {group} in "
              f"{_wards(wards)}: {_need_words(need, hidden, unknown)}."
              for group, wards, need, hidden, unknown in low_reach]
    return lines or ["No gaps: every client group with estimated need has a service in every ward, and reach is at "
                     f"least {REACH_GAP_PCT:g}% of estimated need."]


def idva_lines(analysis: GapAnalysis) -> list[str]:
    """The IDVA gap for the area against SafeLives' guide; for the district, the wards hearing most beyond it."""
    level = "district" if analysis.ward_code is None else "ward"
    rows = analysis.idva.filter(pl.col("level") == level)
    if rows.is_empty():
        return ["No IDVA figures for this area."]
    row = rows.row(0, named=True)
    area = "The district" if level == "district" else row["ward_name"]
    gap = row["fte_gap"]
    verdict = (f"a shortfall of {_fte(gap)} FTE" if gap > 0 else
               f"{_fte(-gap)} FTE more than the guide" if gap < 0 else "what the guide suggests")
    lines = [f"{area} has {_fte(row['idva_fte'])} full-time-equivalent IDVAs registered. SafeLives' guide "
             f"({MARAC_CASES_PER_10000_WOMEN:g} MARAC cases a year per 10,000 women aged 16+, one full-time IDVA per "
             f"{MARAC_CASES_PER_IDVA_FTE:g} cases a year) suggests {_fte(row['idva_fte_needed'])} for its "
             f"{row['women_16_plus']:,} women aged 16+: {verdict}."]
    if row["n_marac_cases_suppressed"]:
        lines.append(f"MARAC cases heard: {HIDDEN_TEXT}.")
    else:
        lines.append(f"MARAC heard {row['n_marac_cases']:,} cases in the period (about {row['expected_marac_cases']:,.0f} "
                     f"expected); for the cases heard the guide suggests {_fte(row['idva_fte_needed_for_cases_heard'])} FTE.")
    if row["caseload_per_fte"] is not None:
        lines.append(f"Victims starting IDVA support: {row['caseload_per_fte']:.0f} a year per full-time IDVA "
                     f"(the guide: about {MARAC_CASES_PER_IDVA_FTE:g} cases a year each).")
    over = analysis.idva.filter((pl.col("level") == "ward") & (pl.col("idva_fte_needed_for_cases_heard") > pl.col("idva_fte")))
    if level == "district" and over.height:
        names = over.sort(pl.col("idva_fte_needed_for_cases_heard") - pl.col("idva_fte"), descending=True)["ward_name"]
        lines.append(f"MARAC heard more cases than the IDVA time registered for them can take, by the guide, in "
                     f"{_wards(names.to_list())}.")
    return lines


def marac_lines(analysis: GapAnalysis) -> list[str]:
    """MARAC volume, repeats and who is referred, each against its published benchmarks."""
    lines = []
    for indicator_id in ("marac_cases_per_10000_women", *MARAC_SHARES):
        row = analysis.indicator(indicator_id)
        if row is None:
            continue
        against = analysis.benchmarks.filter(pl.col("indicator_id") == indicator_id)
        if row["value_suppressed"]:
            lines.append(f"{row['title']}: {HIDDEN_TEXT}.")
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
    """(group, wards, estimated need shown, whether any need is hidden, whether need is not estimated)."""
    grouped = rows.group_by("group_label", maintain_order=True).agg(
        wards=pl.col("ward_name"), need=pl.col("estimated_need").fill_null(0).sum(),
        hidden=pl.col("estimated_need_suppressed").any(),
        unknown=(pl.col("estimated_need").is_null() & ~pl.col("estimated_need_suppressed")).all())
    groups = [(row["group_label"], row["wards"], int(row["need"]), row["hidden"], row["unknown"])
              for row in grouped.iter_rows(named=True)]
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
        return f"estimated need {HIDDEN_TEXT}"
    words = f"about {need:,} people estimated to need support in the period"
    return words + (" (not counting wards where the figure is too small to show safely)" if hidden else "")
