"""Which communities report least: the reporting ratio for each sex, ethnic group and ethnic group of each sex.

`compute` compares a group with the district under the same group filters (Asian women with all
women). Here every group is set against one comparator, the whole district (under the age-band
filter), so groups of both sexes can be read down one column: "Asian women: 36 known victims per
100 expected, significantly below the district's 47". A ward filter keeps the groups to that ward,
still against the district. Victims whose sex or ethnic group is not recorded have no expected
number to set against them and are left out.
"""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.aggregate import GroupFilters, UnsupportedCut
from metrics.compare import Comparison, compare_to_comparator, describe
from metrics.compute import Filters, Request, compute_many
from metrics.disclosure import NOT_SHOWN, DisclosureRule
from metrics.registry import get

REPORTING_RATIO = "hidden_need_reporting_ratio"
SEX_WORDS = {"female": "women", "male": "men"}
ETHNICITY_WORDS = {
    "asian": "Asian",
    "black": "Black",
    "mixed": "Mixed ethnicity",
    "white": "White",
    "other": "Other ethnic group",
}
BELOW = (Comparison.WORSE.value, Comparison.WORSE_998.value)
GROUP_COLUMNS = (
    "group",
    "sex",
    "ethnicity",
    "numerator",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "unit",
    "comparator",
    "comparator_value",
    "comparison",
    "comparison_text",
    "value_suppressed",
)


def reporting_by_group(con: duckdb.DuckDBPyConnection, rule: DisclosureRule, filters: Filters) -> pl.DataFrame:
    """Known victims against expected for women, men, each ethnic group, and each ethnic group of each sex.

    The sex and ethnic-group filters are not applied: this is the cut by them. Rows are in reading
    order (women, men, then ethnic groups, then ethnic groups within each sex); `is_below_district`
    marks groups significantly below the district at 95%.
    """
    ward, age_band, ethnicity = filters.groups.ward_code, filters.groups.age_band, filters.groups.ethnicity
    no_cut, cut_value = pl.lit(None, pl.String), pl.col("cut_value")
    everyone = GroupFilters(ward, None, age_band)
    cuts = [
        ("sex", everyone, {"sex": cut_value, "ethnicity": no_cut}),
        ("ethnicity", everyone, {"sex": no_cut, "ethnicity": cut_value}),
        *(("ethnicity", GroupFilters(ward, sex, age_band), {"sex": pl.lit(sex), "ethnicity": cut_value}) for sex in SEX_WORDS),
    ]
    requests = [
        Request(REPORTING_RATIO, Filters(filters.period, None, GroupFilters(age_band=age_band)), with_trend=False),
        *(Request(REPORTING_RATIO, Filters(filters.period, by, within), with_trend=False) for by, within, _ in cuts),
    ]
    if ethnicity in ETHNICITY_WORDS:  # the page's cut by sex within the ethnic group (see _hidden_across)
        requests.append(
            Request(
                REPORTING_RATIO, Filters(filters.period, "sex", GroupFilters(ward, None, age_band, ethnicity)), with_trend=False
            )
        )
    results = []
    for result in compute_many(con, requests, rule=rule):
        if isinstance(result, UnsupportedCut):
            raise result
        results.append(result)
    district, pieces = (
        results[0],
        [frame.with_columns(**columns) for frame, (_, _, columns) in zip(results[1 : 1 + len(cuts)], cuts, strict=True)],
    )
    rows = pl.concat(pieces, how="diagonal_relaxed").filter(
        (pl.col("sex").is_null() | pl.col("sex").is_in(list(SEX_WORDS)))
        & (pl.col("ethnicity").is_null() | pl.col("ethnicity").is_in(list(ETHNICITY_WORDS)))
    )
    if ethnicity in ETHNICITY_WORDS:
        rows = _hidden_across(rows, ethnicity, by_sex=results[-1])
    labels = [group_label(sex, ethnicity) for sex, ethnicity in zip(rows["sex"], rows["ethnicity"], strict=True)]
    rows = rows.with_columns(group=pl.Series(labels, dtype=pl.String))
    district_value = district["value"][0] if district.height else None
    return _against_district(rows, district_value).select(*GROUP_COLUMNS, "is_below_district")


def group_label(sex: str | None, ethnicity: str | None) -> str:
    """'Asian women', 'women', 'Asian victims' in plain words."""
    if ethnicity is None:
        return SEX_WORDS.get(sex or "", "all victims").capitalize()
    return f"{ETHNICITY_WORDS[ethnicity]} {SEX_WORDS.get(sex or '', 'victims')}"


def _hidden_across(rows: pl.DataFrame, ethnicity: str, *, by_sex: pl.DataFrame) -> pl.DataFrame:
    """With an ethnic-group filter, each sex of that group hidden here as the page's cut by sex within it
    (`by_sex`) hides it.

    The page shows that cut beside this table; were a sex hidden there but shown here, the group's total
    less the sexes shown would give away its victims of unknown sex.
    """
    hidden_sexes = by_sex.filter(pl.col("numerator_suppressed"))["cut_value"].to_list()
    hide = (pl.col("ethnicity") == ethnicity) & pl.col("sex").is_in(hidden_sexes)
    blank = [
        pl.when(hide).then(None).otherwise(pl.col(column)).alias(column)
        for column in ("numerator", "value", "lower_95", "upper_95", "lower_998", "upper_998")
    ]
    return rows.with_columns(
        *blank,
        value_suppressed=pl.col("value_suppressed") | hide.fill_null(False),
        numerator_suppressed=pl.col("numerator_suppressed") | hide.fill_null(False),
    )


def _against_district(rows: pl.DataFrame, district_value: float | None) -> pl.DataFrame:
    polarity = get(REPORTING_RATIO).polarity
    comparisons = []
    for row in rows.iter_rows(named=True):
        shown = not row["value_suppressed"] and row["lower_95"] is not None
        comparisons.append(
            compare_to_comparator(
                lower95=row["lower_95"],
                upper95=row["upper_95"],
                comparator=district_value,
                polarity=polarity,
                lower998=row["lower_998"],
                upper998=row["upper_998"],
            ).value
            if shown
            else Comparison.NOT_COMPARED.value
        )
    texts = [
        NOT_SHOWN if hidden else describe(Comparison(comparison), "district")
        for comparison, hidden in zip(comparisons, rows["value_suppressed"].to_list(), strict=True)
    ]
    return rows.with_columns(
        comparator=pl.lit("district"),
        comparator_value=pl.lit(district_value, pl.Float64),
        comparison=pl.Series(comparisons, dtype=pl.String),
        comparison_text=pl.Series(texts, dtype=pl.String),
    ).with_columns(is_below_district=pl.col("comparison").is_in(list(BELOW)))
