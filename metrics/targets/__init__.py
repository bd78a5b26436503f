"""Action-plan targets: the plan model, SMART checks, assessment against the data, and the board summary.

plan = load_plan(path)                     # or plan_from_warehouse(con)
assessments = assess_plan(plan, WarehouseValues(con, rule))
frame, lines = board_summary(assessments)
"""

from metrics.targets.assessment import Assessment, assess, assess_plan
from metrics.targets.forecast import AnnualPoint, Forecast, ForecastInputError, Outlook, forecast_at
from metrics.targets.judgement import MilestoneResult, TrajectoryResult
from metrics.targets.loading import PlanFormatError, PlanMissing, PlanProblem, load_plan, parse_plan, plan_from_warehouse
from metrics.targets.model import ActionPlan, Baseline, Cut, Goal, Kind, Milestone, Priority, Target
from metrics.targets.progress import Progress
from metrics.targets.smart import check_smart
from metrics.targets.smart_model import Criterion, Evidence, Outcome, SmartCheck, SmartResult
from metrics.targets.sources import Coverage, KnownValues, Measurement, NotComputable, ValueSource, WarehouseValues
from metrics.targets.summary import BoardSummary, assessment_record, board_summary, smart_problem_lines, targets_table
from metrics.targets.trajectory import Direction, MilestoneStatus, TrackStatus, trajectory_value

__all__ = [
    "ActionPlan",
    "AnnualPoint",
    "Assessment",
    "Baseline",
    "BoardSummary",
    "Coverage",
    "Criterion",
    "Cut",
    "Direction",
    "Evidence",
    "Forecast",
    "ForecastInputError",
    "Goal",
    "Kind",
    "KnownValues",
    "Measurement",
    "Milestone",
    "MilestoneResult",
    "MilestoneStatus",
    "NotComputable",
    "Outcome",
    "Outlook",
    "PlanFormatError",
    "PlanMissing",
    "PlanProblem",
    "Priority",
    "Progress",
    "SmartCheck",
    "SmartResult",
    "Target",
    "TrackStatus",
    "TrajectoryResult",
    "ValueSource",
    "WarehouseValues",
    "assess",
    "assess_plan",
    "assessment_record",
    "board_summary",
    "check_smart",
    "forecast_at",
    "load_plan",
    "parse_plan",
    "plan_from_warehouse",
    "smart_problem_lines",
    "targets_table",
    "trajectory_value",
]
