"""Oversight: analytics for Domestic and Sexual Violence Boards."""

__version__ = "0.1.0"
