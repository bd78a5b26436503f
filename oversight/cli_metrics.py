"""`oversight indicators`, `indicator`, `targets` and `journey`: the numbers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from oversight.cli_common import (
    WarehouseOption,
    app,
    console,
    emit,
    error_console,
    format_option,
    print_error,
    warehouse_path,
)
from oversight.settings import get_settings
from oversight.tables import Column

# The registry's columns at a narrow terminal: the id always whole, then the title, and the
# rest as the width allows (the rightmost first to go); csv and json always carry them all.
INDICATOR_LIST_COLUMNS = [
    Column("id", kind="key"),
    Column("title", drop=7),
    Column("unit", drop=6),
    Column("dimensions", drop=5),
    Column("topic", drop=4),
    Column("method", drop=3),
    Column("sources", drop=2),
    Column("polarity", drop=1),
]
# One indicator's result: the cut and its code, the counts and the value with its 95% interval
# always whole; the comparison and trend in words as the width allows.
RESULT_COLUMNS = [
    Column("cut_label", "ward", kind="key"),
    Column("cut_value", "code", kind="key"),
    Column("numerator", kind="number"),
    Column("denominator", kind="number"),
    Column("value", kind="number"),
    Column("lower_95", "lower 95%", kind="number"),
    Column("upper_95", "upper 95%", kind="number"),
    Column("comparison_text", "compared with the district", drop=2),
    Column("trend", drop=1),
]

# The plan's table: the target id, its status (the same word as the JSON and the Action plan
# page) and its figures always; forecast and owner as the width allows.
TARGET_COLUMNS = [
    Column("target", kind="key"),
    Column("status"),
    Column("SMART", kind="key"),
    Column("now (95% interval)", kind="number"),
    Column("aim", kind="key"),
    Column("forecast", drop=2),
    Column("owner", drop=1),
]

# A journey's steps: the step's name and every figure whole (headers wrap between words); the
# step's description and the step before it as the width allows.
JOURNEY_COLUMNS = [
    Column("step", kind="key"),
    Column("label", "what the step is", drop=2),
    Column("previous_step", "after step", kind="key", drop=1),
    Column("people", kind="number"),
    Column("share_of_cohort_pct", "% of cohort", kind="number"),
    Column("share_lower_95", "95% low", kind="number"),
    Column("share_upper_95", "95% high", kind="number"),
    Column("share_of_previous_pct", "% of previous step", kind="number"),
    Column("median_days_from_entry", "median days from entry", kind="number"),
    Column("median_days_from_previous", "median days from previous step", kind="number"),
]


@app.command()
def indicators(
    output: Annotated[str, format_option("table", "csv", "json")] = "table",
) -> None:
    """List every registered indicator: id, title, unit, method and the cuts it allows."""
    import polars as pl

    from metrics.registry import all_indicators

    frame = pl.DataFrame(
        [
            {
                "id": item.id,
                "title": item.title,
                "topic": item.topic.value,
                "unit": item.unit,
                "polarity": item.polarity.value,
                "method": item.ci_method,
                "dimensions": ", ".join(item.dimensions),
                "sources": ", ".join(item.source_extracts),
            }
            for item in all_indicators()
        ]
    )
    emit(frame, output, title="Indicators", columns=INDICATOR_LIST_COLUMNS)


@app.command()
def indicator(
    indicator_id: Annotated[str, typer.Argument(help="Indicator id, as `oversight indicators` lists them.")],
    by: Annotated[str | None, typer.Option("--by", help="Cut by ward, sex, age_band, ethnicity, month, quarter or year.")] = None,
    start: Annotated[
        datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First day of the period (default: the latest 12 whole months)."),
    ] = None,
    end: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day of the period.")] = None,
    ward: Annotated[str | None, typer.Option("--ward", help="Only this ward (ONS code).")] = None,
    sex: Annotated[str | None, typer.Option("--sex", help="Only this sex.")] = None,
    age_band: Annotated[str | None, typer.Option("--age-band", help="Only this age band.")] = None,
    ethnicity: Annotated[str | None, typer.Option("--ethnicity", help="Only this ethnic group.")] = None,
    output: Annotated[str, format_option("table", "csv", "json")] = "table",
    unsuppressed: Annotated[
        bool,
        typer.Option(
            "--unsuppressed",
            help="Show unrounded, unsuppressed counts; allowed only when the analyst setting OVERSIGHT_ANALYST_UNSUPPRESSED is on.",
        ),
    ] = False,
    warehouse: WarehouseOption = None,
) -> None:
    """Compute one indicator and print its result frame (disclosure control applied)."""
    from etl.errors import WarehouseMissing
    from metrics.aggregate import GroupFilters, UnsupportedCut
    from metrics.compute import Filters, compute, default_period
    from metrics.disclosure import Audience, rule_for
    from metrics.periods import between
    from metrics.registry import UnknownIndicator
    from metrics.warehouse import connect

    settings = get_settings()
    if unsuppressed and not settings.analyst_unsuppressed:
        error_console.print("--unsuppressed needs the analyst setting OVERSIGHT_ANALYST_UNSUPPRESSED=true.")
        raise typer.Exit(2)
    rule = rule_for(Audience.ANALYST if unsuppressed else Audience.BOARD, settings)
    try:
        with connect(warehouse_path(warehouse)) as con:
            period = default_period(con)
            if start or end:
                period = between(
                    (start or datetime.combine(period.start, datetime.min.time())).date(),
                    (end or datetime.combine(period.end, datetime.min.time())).date(),
                )
            groups = GroupFilters(ward_code=ward, sex=sex, age_band=age_band, ethnicity=ethnicity)
            frame = compute(con, indicator_id, Filters(period=period, by=by, groups=groups), rule=rule)
    except (WarehouseMissing, UnknownIndicator, UnsupportedCut, ValueError) as error:
        error_console.print(str(error).strip('"'))
        raise typer.Exit(2) from error
    if output == "table":
        frame = _stars_for_suppressed(frame)
    emit(frame, output, title=f"{indicator_id}, {period.label}", columns=_result_columns(frame, by))


def _stars_for_suppressed(frame):
    """In the table a suppressed count or value reads `*`, as on every page; csv and json keep null and the flags."""
    import polars as pl

    from oversight.tables import number_formatter

    def shown(column: str, flag: str) -> pl.Expr:
        formatted = number_formatter(frame.filter(~pl.col(flag))[column].to_list())
        text = pl.col(column).map_elements(formatted, return_dtype=pl.String, skip_nulls=False)
        return pl.when(pl.col(flag)).then(pl.lit("*")).otherwise(text).alias(column)

    starred = [shown("numerator", "numerator_suppressed")] if "numerator_suppressed" in frame.columns else []
    if "value_suppressed" in frame.columns:
        starred += [shown(column, "value_suppressed") for column in ("value", "lower_95", "upper_95") if column in frame.columns]
    return frame.with_columns(starred)


def _result_columns(frame, by: str | None) -> list[Column]:
    """The result's table columns: the cut named after what it cuts by, its code only where it differs from the label."""
    columns = []
    for column in RESULT_COLUMNS:
        if column.name not in frame.columns:
            continue
        if column.name == "cut_label":
            column = Column(column.name, by or "area", kind="key")
        if column.name == "cut_value" and frame["cut_value"].cast(str).equals(frame["cut_label"].cast(str)):
            continue
        columns.append(column)
    return columns


@app.command()
def targets(
    plan: Annotated[
        Path | None, typer.Option("--plan", help="Action plan YAML file (default: the plan the latest refresh loaded).")
    ] = None,
    output: Annotated[str, format_option("table", "json")] = "table",
    as_of: Annotated[
        datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Assess as on this day (default: today).")
    ] = None,
    warehouse: WarehouseOption = None,
) -> None:
    """Check every action-plan target: SMART checks, status, trajectory, milestones and forecast.

    Exit code 2 when the plan cannot be read (not YAML, no list of targets, a value of the wrong
    type: the message names the target and field), or when there is no warehouse or no plan.
    """
    import json

    from etl.errors import WarehouseMissing
    from metrics.disclosure import Audience, rule_for
    from metrics.targets import (
        PlanFormatError,
        PlanMissing,
        WarehouseValues,
        assess_plan,
        assessment_record,
        board_summary,
        load_plan,
        plan_from_warehouse,
        smart_problem_lines,
        targets_table,
    )
    from metrics.warehouse import connect

    try:
        action_plan = load_plan(plan) if plan is not None else None
        with connect(warehouse_path(warehouse)) as con:
            if action_plan is None:
                action_plan = plan_from_warehouse(con)
            source = WarehouseValues(con, rule_for(Audience.BOARD, get_settings()))
            assessments = assess_plan(action_plan, source, as_of=as_of.date() if as_of else None)
    except (PlanFormatError, PlanMissing, WarehouseMissing) as error:
        print_error("Cannot assess the targets", error)
        raise typer.Exit(2) from error
    summary = board_summary(assessments)
    if output == "json":
        document = {
            "board": action_plan.board,
            "plan": action_plan.plan,
            "source": action_plan.source,
            "targets": [assessment_record(assessment) for assessment in assessments],
            "summary": summary.frame.to_dicts(),
            "summary_lines": summary.lines,
        }
        console.file.write(json.dumps(document, indent=2) + "\n")
        return
    emit(
        targets_table(assessments),
        "table",
        title=f"{action_plan.plan or 'Action plan'} ({action_plan.source})",
        columns=TARGET_COLUMNS,
        note_left_out="--format json carries them",
    )
    for line in [*smart_problem_lines(assessments), *summary.lines]:
        console.print(line, soft_wrap=True)


@app.command()
def journey(
    cohort: Annotated[str, typer.Option("--cohort", help="incident, high_risk, children or marac.")],
    start: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day of the entry period.")],
    end: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day of the entry period.")],
    ward: Annotated[str | None, typer.Option("--ward", help="Only this ward (ONS code).")] = None,
    output: Annotated[str, format_option("table", "csv", "json")] = "table",
    warehouse: WarehouseOption = None,
) -> None:
    """Print a cohort's journey: people reaching each step, shares and median days (disclosure control applied)."""
    import duckdb

    from etl.errors import WarehouseMissing
    from metrics.aggregate import GroupFilters
    from metrics.disclosure import Audience, rule_for
    from metrics.journeys import UnknownCohort, cohort_of, journey_steps
    from metrics.periods import PeriodError, between
    from metrics.warehouse import connect

    try:
        chosen = cohort_of(cohort)
        period = between(start.date(), end.date())
        with connect(warehouse_path(warehouse)) as con:
            frame = journey_steps(
                con,
                rule_for(Audience.BOARD, get_settings()),
                cohort=chosen.name,
                period=period,
                groups=GroupFilters(ward_code=ward),
            )
    except (WarehouseMissing, UnknownCohort, PeriodError) as error:
        error_console.print(str(error).strip('"'))
        raise typer.Exit(2) from error
    except duckdb.CatalogException as error:  # a warehouse published before the journey marts existed
        error_console.print("This warehouse has no journey marts yet: run `oversight refresh` to build them.")
        raise typer.Exit(2) from error
    emit(frame, output, title=f"{chosen.label}, {period.label}", columns=JOURNEY_COLUMNS)
