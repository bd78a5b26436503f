"""The indicator reference (docs/indicators.md), generated from the registry."""

from __future__ import annotations

from pathlib import Path

from metrics.definitions import Indicator
from metrics.registry import all_indicators

DOCS_PATH = Path(__file__).resolve().parent.parent / "docs" / "indicators.md"


def render_indicator(indicator: Indicator) -> str:
    benchmarks = "; ".join(f"{b.label} {b.value:g} ({b.source})" for b in indicator.benchmarks) or "none published"
    lines = [
        f"### {indicator.title}",
        "",
        f"`{indicator.id}`, version {indicator.version}. {indicator.description}",
        "",
        "| | |",
        "| --- | --- |",
        f"| Unit | {indicator.unit} |",
        f"| Numerator | {indicator.numerator} |",
        f"| Denominator | {indicator.denominator} |",
        f"| Better when | {_polarity_words(indicator)} |",
        f"| Confidence interval | {indicator.ci_method} |",
        f"| Can be cut by | {', '.join(indicator.dimensions) or 'nothing'} |",
        f"| Source extracts | {', '.join(indicator.source_extracts)} |",
        f"| Benchmarks | {benchmarks} |",
    ]
    if indicator.matures:
        lines.append(
            "| Maturity | outcome-type: read only for crimes recorded at least the maturity lag "
            "(`OVERSIGHT_MATURITY_LAG_MONTHS`, 6 by default) before the end of the complete data |"
        )
    if indicator.look_back_days:
        lines.append(
            f"| Look-back | {indicator.look_back_days} days: periods starting less than that after the data "
            "begin are marked and left out of its trends |"
        )
    if indicator.notes:
        lines.append(f"| Notes | {indicator.notes} |")
    return "\n".join(lines)


def _polarity_words(indicator: Indicator) -> str:
    return {"low_is_good": "lower", "high_is_good": "higher", "no_judgement": "no judgement (context only)"}[
        indicator.polarity.value
    ]


def render_indicator_docs() -> str:
    parts = [
        "# Indicator reference",
        "",
        "Generated from the indicator registry (`metrics/indicators/`) by `python -m metrics.docs`;",
        "a test fails when this file is out of date. Every figure is computed by `metrics.compute`,",
        "with 95% and 99.8% confidence limits, a comparison with the district (or a published",
        "benchmark for the district itself) and a trend marker over complete financial years.",
        "Every count passes through disclosure control, the district's included.",
    ]
    topic = None
    for indicator in all_indicators():
        if indicator.topic != topic:
            topic = indicator.topic
            parts += ["", f"## {topic.value}"]
        parts += ["", render_indicator(indicator)]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    DOCS_PATH.write_text(render_indicator_docs(), encoding="utf-8")
