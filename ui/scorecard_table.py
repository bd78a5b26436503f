"""The Overview's compact scorecard as an HTML table: words first, colour and icons beside them.

Every cell says in words what its colour or icon says (colour is never the only cue); values are the
scorecard's, already through disclosure control (a hidden value is shown as `*`).
"""

from __future__ import annotations

import re
from html import escape

import polars as pl

from metrics.disclosure import SUPPRESSED_TEXT
from metrics.glossary import ACRONYMS
from metrics.registry import benchmark_named
from metrics.spc import Assurance, Variation
from ui import theme

# Making Data Count's icons, drawn as a lettered disc with the meaning written beside it.
VARIATION_ICON = {
    Variation.COMMON_CAUSE.value: ("~", theme.MID_GREY, "usual variation"),
    Variation.IMPROVING.value: ("+", theme.DARK_BLUE, "improving"),
    Variation.CONCERNING.value: ("!", theme.ORANGE_TEXT, "concerning"),
    Variation.NEITHER.value: ("?", theme.DARK_PURPLE, "unusual"),
}
ASSURANCE_ICON = {
    Assurance.PASSING.value: ("P", theme.DARK_BLUE, "will pass"),
    Assurance.FAILING.value: ("F", theme.ORANGE_TEXT, "will fail"),
    Assurance.HIT_AND_MISS.value: ("?", theme.MID_GREY, "hit and miss"),
}
BENCHMARK_WORDS = {
    "better_998": "Better",
    "better": "Better",
    "similar": "Similar",
    "worse": "Worse",
    "worse_998": "Worse",
    "higher_998": "Higher",
    "higher": "Higher",
    "lower": "Lower",
    "lower_998": "Lower",
}
STATUS_COLOUR = {"off track": theme.DARK_PINK, "not met": theme.DARK_PINK, "met": theme.DARK_BLUE, "on track": theme.DARK_BLUE}
COLUMNS = ("Indicator", "Latest", "95% interval", "Against the benchmark", "Variation", "Assurance", "Target", "Owner")


def with_abbreviations(text: str) -> str:
    """`text` escaped, each acronym the glossary knows marked with its meaning (shown on hover)."""
    words = escape(text)
    for term, meaning in ACRONYMS.items():
        if term.isupper():
            words = re.sub(rf"\b{re.escape(term)}\b", f'<abbr title="{escape(meaning)}">{term}</abbr>', words, count=1)
    return words


def number(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    return f"{value:.1f}%" if unit.startswith("%") else f"{value:,.1f}"


def _icon(letter: str, colour: str, words: str, meaning: str) -> str:
    return (
        f'<span class="ov-icon" style="background:{colour}" aria-hidden="true">{escape(letter)}</span>'
        f'<span title="{escape(meaning)}">{escape(words)}</span>'
    )


def benchmark_cell(row: dict) -> str:
    comparison = row.get("comparison") or "not_compared"
    word = BENCHMARK_WORDS.get(comparison)
    if word is None or row.get("comparator_value") is None:
        return '<span class="ov-muted">No published benchmark</span>'
    colour = theme.comparison_colour(comparison)
    name, _, when = str(row.get("comparator") or "the benchmark").partition(" (")
    benchmark = benchmark_named(str(row.get("indicator_id") or ""), row.get("comparator"))
    source = f"Source: {benchmark.source}" if benchmark else "Source not recorded"
    dated = f' <span class="ov-muted">({escape(when)}</span>' if when else ""
    return (
        f'<span class="ov-chip" style="border-color:{colour}">{word}</span> than '
        f'<span title="{escape(source)}">{escape(name)}</span>, {row["comparator_value"]:g}{dated}'
    )


def scorecard_html(tiles: pl.DataFrame) -> str:
    """The table, one row per headline indicator."""
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name in COLUMNS)
    body = []
    for row in tiles.iter_rows(named=True):
        unit = row.get("unit") or ""
        if row.get("value_suppressed") or row.get("value") is None:
            latest, interval = SUPPRESSED_TEXT if row.get("value_suppressed") else "no data", ""
        else:
            latest = f"<strong>{number(row['value'], unit)}</strong>"
            interval = (
                f"{number(row['lower_95'], unit)} to {number(row['upper_95'], unit)}" if row.get("lower_95") is not None else ""
            )
        variation = VARIATION_ICON.get(row.get("spc_variation") or "")
        assurance = ASSURANCE_ICON.get(row.get("spc_assurance") or "")
        status = row.get("target_status")
        target = ""
        has_target = row.get("target_value") is not None
        if has_target:
            colour = STATUS_COLOUR.get(status or "", theme.MID_GREY)
            target = (
                f'<span title="{escape(row.get("target_id") or "")} in the action plan">'
                f'{number(row["target_value"], unit)}: <strong style="color:{colour}">{escape(status or "")}</strong></span>'
            )
        no_assurance = "no target" if not has_target else "too few months" if not variation else "not judged"
        body.append(
            "<tr>"
            f'<th scope="row" title="{escape(unit)}">{with_abbreviations(row["title"])}</th>'
            f'<td class="ov-nowrap">{latest}</td><td class="ov-nowrap">{interval}</td><td>{benchmark_cell(row)}</td>'
            f"<td>{_icon(*variation, row['spc_variation']) if variation else '<span class=ov-muted>too few months</span>'}</td>"
            f"<td>{_icon(*assurance, row['spc_assurance']) if assurance else f'<span class=ov-muted>{no_assurance}</span>'}</td>"
            f"<td class=ov-small>{target or '<span class=ov-muted>no target</span>'}</td>"
            f"<td class=ov-small>{escape(row.get('owner') or '')}</td>"
            "</tr>"
        )
    widths = "".join(f'<col style="width:{width}%">' for width in (20, 5, 9, 21, 11, 11, 11, 12))
    return f'<table class="ov-scorecard"><colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


STYLE = f"""<style>
[data-testid="stMainBlockContainer"] {{padding-top:2.4rem}}
[data-testid="stMain"] h1 {{padding:0 0 0.3rem 0;font-size:2rem}}
.ov-lists h3 {{font-size:1.15rem;margin:0.2rem 0 0.3rem 0;padding:0}}
.ov-lists ol, .ov-lists ul {{margin:0 0 0.2rem 1.2rem;padding:0;font-size:14px;line-height:1.35}}
.ov-lists li {{margin:0 0 0.1rem 0}}
.ov-scorecard td.ov-nowrap {{white-space:nowrap}}
.ov-small {{font-size:12px}}
.ov-scorecard {{border-collapse:collapse;width:100%;font-size:13px;line-height:1.15}}
.ov-scorecard th, .ov-scorecard td {{border-bottom:1px solid {theme.LIGHT_GREY};padding:2px 5px;text-align:left;vertical-align:top}}
.ov-scorecard thead th {{border-bottom:2px solid {theme.TEXT}}}
.ov-scorecard {{table-layout:fixed}}
.ov-scorecard tbody th {{font-weight:600}}
.ov-muted {{color:#505a5f;font-weight:400;font-size:12px}}
.ov-chip {{border:2px solid;border-radius:3px;padding:0 4px;font-weight:700}}
.ov-icon {{display:inline-block;width:18px;height:18px;border-radius:9px;color:white;text-align:center;font-weight:700;
  line-height:18px;margin-right:4px;font-size:12px}}
</style>"""


def lists_html(attention: list[str] | tuple[str, ...], changes: list[str], since: str) -> str:
    """The two lists above the scorecard, side by side."""
    ranked = "".join(f"<li>{escape(line)}</li>" for line in attention) or "<li>Nothing stands out beyond chance.</li>"
    changed = "".join(f"<li>{escape(line)}</li>" for line in changes)
    return (
        f'<div class="ov-lists" style="display:flex;gap:2rem"><section style="flex:1">'
        f"<h3>Needs the board's attention</h3><ol>{ranked}</ol></section>"
        f'<section style="flex:1"><h3>What changed since {escape(since)}</h3><ul>{changed}</ul></section></div>'
    )


def benchmark_sources(tiles: pl.DataFrame) -> pl.DataFrame:
    """Each benchmark the scorecard compares with: indicator, benchmark, value, the period it describes and source."""
    rows = []
    for row in tiles.iter_rows(named=True):
        benchmark = benchmark_named(str(row.get("indicator_id") or ""), row.get("comparator"))
        if benchmark:
            rows.append(
                {
                    "Indicator": row["title"],
                    "Benchmark": benchmark.name,
                    "Value": benchmark.value,
                    "Period": benchmark.year or "not recorded",
                    "Source": benchmark.source,
                }
            )
    return pl.DataFrame(
        rows,
        schema={"Indicator": pl.String, "Benchmark": pl.String, "Value": pl.Float64, "Period": pl.String, "Source": pl.String},
    )
