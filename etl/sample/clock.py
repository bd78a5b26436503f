"""Time for the sample district: instants are float seconds since 1970 (NaN when missing).

Floats hold whole seconds exactly for centuries, and NaN carries "did not happen (yet)"
through every later step of a path without any extra masks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

MINUTE = 60.0
HOUR = 3_600.0
DAY = 86_400.0
YEAR = 365.25 * DAY
_EPOCH = datetime(1970, 1, 1)
# 1 January 1970 was a Thursday; weekday 0 is Monday.
_EPOCH_WEEKDAY = 3


def to_seconds(moment: date | datetime) -> float:
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    return (moment - _EPOCH).total_seconds()


def to_date(seconds: float) -> date:
    return (_EPOCH + timedelta(seconds=float(seconds))).date()


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Window:
    """The period the drop covers: [start, end) at midnight, so every date is within [start, end]."""

    start_day: date
    end_day: date

    @classmethod
    def ending(cls, end: date, years: int) -> Window:
        return cls(years_before(end, years), end)

    @property
    def start(self) -> float:
        return to_seconds(self.start_day)

    @property
    def end(self) -> float:
        return to_seconds(self.end_day)

    @property
    def years(self) -> float:
        return (self.end - self.start) / YEAR

    def calendar_years(self) -> list[int]:
        return list(range(self.start_day.year, self.end_day.year + 1))

    def keep(self, seconds: np.ndarray) -> np.ndarray:
        """NaN for instants at or after the end of the window: they have not happened yet."""
        return np.where(seconds < self.end, seconds, np.nan)


def lognormal_delay(rng: np.random.Generator, median: float, spread: float, size: int) -> np.ndarray:
    """Delays with the given median; `spread` is the sigma of the log (0.5 tight, 1.2 long tail)."""
    return median * np.exp(spread * rng.standard_normal(size))


def weekday(seconds: np.ndarray) -> np.ndarray:
    return ((np.floor(seconds / DAY).astype(np.int64) + _EPOCH_WEEKDAY) % 7).astype(np.int64)


def start_of_day(seconds: np.ndarray) -> np.ndarray:
    return np.floor(seconds / DAY) * DAY


def next_school_morning(seconds: np.ndarray) -> np.ndarray:
    """9am on the next weekday after the day of each instant (school holidays are not modelled)."""
    day_of_week = weekday(seconds)
    days_ahead = np.select([day_of_week == 4, day_of_week == 5], [3, 2], default=1)
    return start_of_day(seconds) + days_ahead * DAY + 9 * HOUR


def with_time_of_day(rng: np.random.Generator, seconds: np.ndarray, hour_weights: np.ndarray) -> np.ndarray:
    """Keep each instant's day and draw its clock time from an hourly profile."""
    hours = rng.choice(24, size=seconds.size, p=hour_weights / hour_weights.sum())
    within_hour = rng.integers(0, 3_600, size=seconds.size)
    return start_of_day(seconds) + hours * HOUR + within_hour


def moments(name: str, seconds: np.ndarray) -> pl.Series:
    """A datetime column (whole seconds), null where the instant is NaN."""
    whole = pl.Series(name, np.floor(seconds), nan_to_null=True).cast(pl.Int64)
    return pl.from_epoch(whole, time_unit="s").cast(pl.Datetime("ms")).alias(name)


def days(name: str, seconds: np.ndarray) -> pl.Series:
    return moments(name, seconds).dt.date().alias(name)
