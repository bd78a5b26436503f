"""Reading an action plan: from YAML text, a file, or the copy the refresh keeps in the warehouse.

A plan is unreadable only when it is not YAML, not a mapping with a list of `targets`, or a target
holds a value of the wrong type (a target value that is not a number, a date that is not a date),
has no id, or shares its id with another target. Everything else loads and is left to the SMART
checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from metrics.targets.model import ActionPlan, Target


@dataclass(frozen=True)
class PlanProblem:
    target_id: str | None  # None: the problem is in the plan's own fields, not in a target
    field: str | None
    message: str

    def describe(self) -> str:
        where = [f"target {self.target_id}"] if self.target_id else []
        if self.field:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class PlanFormatError(ValueError):
    """The plan file cannot be read; every problem names the target and field at fault."""

    def __init__(self, source: str, problems: list[PlanProblem]):
        self.source = source
        self.problems = tuple(problems)
        super().__init__(f"{source}: " + "; ".join(problem.describe() for problem in problems))

    @property
    def target_id(self) -> str | None:
        return self.problems[0].target_id if self.problems else None

    @property
    def field(self) -> str | None:
        return self.problems[0].field if self.problems else None


class PlanMissing(LookupError):
    """No action plan has been loaded into the warehouse."""


def parse_plan(text: str, *, source: str = "action plan") -> ActionPlan:
    """The plan in `text` (YAML); raises PlanFormatError when it cannot be read."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise PlanFormatError(
            source, [PlanProblem(None, None, f"not valid YAML{where}: {getattr(error, 'problem', None) or error}")]
        ) from error
    if not isinstance(document, dict):
        raise PlanFormatError(source, [PlanProblem(None, None, "expected a YAML mapping with a list of `targets`")])
    if not isinstance(document.get("targets"), list):
        raise PlanFormatError(source, [PlanProblem(None, "targets", "expected a list of targets")])
    problems: list[PlanProblem] = []
    targets = [
        target
        for position, raw in enumerate(document["targets"], start=1)
        if (target := _target(raw, position, problems)) is not None
    ]
    problems.extend(_duplicate_ids(targets))
    header = {key: value for key, value in document.items() if key != "targets"}
    try:
        plan = ActionPlan.model_validate({**header, "source": source})
    except ValidationError as error:
        problems.extend(PlanProblem(None, _field(detail["loc"]), _message(detail)) for detail in error.errors())
        plan = None
    if problems or plan is None:
        raise PlanFormatError(source, problems)
    return plan.model_copy(update={"targets": tuple(targets)})


def load_plan(path: Path) -> ActionPlan:
    """The plan in a YAML file; raises PlanFormatError when it cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PlanFormatError(Path(path).name, [PlanProblem(None, None, f"cannot read the file: {error}")]) from error
    return parse_plan(text, source=Path(path).name)


def plan_from_warehouse(con: duckdb.DuckDBPyConnection) -> ActionPlan:
    """The plan the latest refresh loaded; raises PlanMissing when none has been."""
    kept = con.sql("select count(*) from duckdb_tables() where table_name = 'ref_action_plan'").fetchall()[0][0]
    # a warehouse built before plans were kept has no table for them
    rows = con.sql("select file_name, plan_yaml from ref_action_plan order by loaded_at desc limit 1").fetchall() if kept else []
    if not rows:
        raise PlanMissing("no action plan has been loaded: put action_plan.yaml in a drop and refresh, or pass a plan file")
    file_name, text = rows[0]
    return _parsed(text, file_name)


@lru_cache(maxsize=8)  # every page view reads the same plan until a refresh brings another; the plan is frozen
def _parsed(text: str, source: str) -> ActionPlan:
    return parse_plan(text, source=source)


def _target(raw: Any, position: int, problems: list[PlanProblem]) -> Target | None:
    if not isinstance(raw, dict):
        problems.append(PlanProblem(f"number {position}", None, "expected a mapping of fields (id, priority, objective ...)"))
        return None
    target_id = str(raw["id"]).strip() if raw.get("id") not in (None, "") else None
    if not target_id:
        problems.append(PlanProblem(f"number {position}", "id", "every target needs an id"))
        return None
    try:
        return Target.model_validate(raw)
    except ValidationError as error:
        problems.extend(PlanProblem(target_id, _field(detail["loc"]), _message(detail)) for detail in error.errors())
        return None


def _duplicate_ids(targets: list[Target]) -> list[PlanProblem]:
    seen: dict[str, int] = {}
    for target in targets:
        seen[target.id] = seen.get(target.id, 0) + 1
    return [PlanProblem(target_id, "id", f"{count} targets share this id") for target_id, count in seen.items() if count > 1]


def _field(location: tuple) -> str:
    # pydantic reports list positions from 0; a plan's author counts milestones from 1
    return ".".join(str(part + 1) if isinstance(part, int) else str(part) for part in location)


def _message(detail: ErrorDetails) -> str:
    value = detail.get("input")
    shown = "" if isinstance(value, (dict, list)) else f" (got {value!r})"
    return f"{detail['msg']}{shown}"
