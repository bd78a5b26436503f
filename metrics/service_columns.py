"""The column helpers the service products share (metrics/coverage, metrics/service_referrals, metrics/idva_capacity):
each count published with its flag, a rate with its Wilson limits, and a figure hidden with the count it comes from."""

from __future__ import annotations

import polars as pl

from metrics.disclosure import DisclosureRule, protect_frame, wilson_percent
from metrics.stats import wilson_ci


def protected_with_rates(
    frame: pl.DataFrame, rates: dict[str, tuple[str, str]], counts: list[str], rule: DisclosureRule
) -> pl.DataFrame:
    """Add each rate with Wilson 95% limits, then protect the counts and hide rates with them."""
    for rate, (numerator, denominator) in rates.items():
        limits = [
            wilson_ci(top, bottom) if bottom else None for top, bottom in zip(frame[numerator], frame[denominator], strict=True)
        ]
        parts = {rate: "value", f"{rate}_lower_95": "lower", f"{rate}_upper_95": "upper"}
        frame = frame.with_columns(
            pl.Series(name, [getattr(ci, part, None) for ci in limits], dtype=pl.Float64) for name, part in parts.items()
        )
    return protect_frame(
        frame,
        count_columns=counts,
        ratio_columns=rates,
        rule=rule,
        interval_columns={rate: (f"{rate}_lower_95", f"{rate}_upper_95") for rate in rates},
        recompute={rate: wilson_percent() for rate in rates},
    )


def shown_columns(counts: list[str], rates: dict[str, tuple[str, str]] | None = None) -> list[str]:
    """The published columns: each count with its flag, then each rate with its limits and flag."""
    return [name for count in counts for name in (count, f"{count}_suppressed")] + [
        name for rate in rates or {} for name in (rate, f"{rate}_lower_95", f"{rate}_upper_95", f"{rate}_suppressed")
    ]


def percent(numerator: str, denominator: str | pl.Expr) -> pl.Expr:
    bottom = pl.col(denominator) if isinstance(denominator, str) else denominator
    return pl.when(bottom > 0).then(pl.col(numerator) / bottom * 100)


def hidden_when(flag: str, column: str) -> pl.Expr:
    return pl.when(pl.col(flag)).then(None).otherwise(pl.col(column)).alias(column)
