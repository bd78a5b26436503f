"""One word for where a target stands, so a board's counts add up to the number of targets.

- **met**: the whole 95% interval is past the target (before or at the target date);
- **missed**: the target date has passed and the whole interval falls short;
- **on track / within uncertainty / off track**: the current value against the trajectory (a target
  whose date has passed with the interval straddling the target is within uncertainty too);
- **no trajectory**: assessable, but with no baseline or no date there is no path to be on;
- **not assessable**: no figure to judge (no indicator, no data, too few people to show safely).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from metrics.compare import TargetStatus
from metrics.targets.trajectory import TrackStatus


class _Trajectory(Protocol):
    @property
    def status(self) -> TrackStatus | None: ...


class Assessed(Protocol):
    """What the word is read from: an assessment (metrics/targets/assessment.py) has each of these."""

    @property
    def status(self) -> TargetStatus: ...

    @property
    def is_final(self) -> bool: ...

    @property
    def trajectory(self) -> _Trajectory: ...


class Progress(StrEnum):
    MET = "met"
    MISSED = "missed"
    ON_TRACK = "on track"
    WITHIN_UNCERTAINTY = "within uncertainty"
    OFF_TRACK = "off track"
    NO_TRAJECTORY = "no trajectory"
    NOT_ASSESSABLE = "not assessable"


NEEDS_ATTENTION = (Progress.OFF_TRACK, Progress.MISSED)


def progress_of(assessment: Assessed) -> Progress:
    status = assessment.status
    if status is TargetStatus.NOT_ASSESSED:
        return Progress.NOT_ASSESSABLE
    if status is TargetStatus.MET:
        return Progress.MET
    if assessment.is_final:
        return Progress.MISSED if status is TargetStatus.NOT_MET else Progress.WITHIN_UNCERTAINTY
    track = assessment.trajectory.status
    if track is None:
        return Progress.NO_TRAJECTORY
    return {
        TrackStatus.ON_TRACK: Progress.ON_TRACK,
        TrackStatus.WITHIN_UNCERTAINTY: Progress.WITHIN_UNCERTAINTY,
        TrackStatus.OFF_TRACK: Progress.OFF_TRACK,
    }.get(track, Progress.NO_TRAJECTORY)
