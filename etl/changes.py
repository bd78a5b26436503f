"""What a refresh changed in the warehouse's tables, handed from the marts stage to the precomputed sums.

The marts stage knows which rows a drop changed (the rows it replaced and the rows it wrote, compared with
what the copied version held); the sums only need to know which tables changed, and in which months, to
rebuild the months and periods that changed and keep the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class MartChanges:
    """The tables a refresh changed, each with the months its changed rows are dated in.

    `tables` maps a table (a staging table, a mart, `loaded_files`) to the first day of every month a changed
    row (as it was, or as it is now) is dated in by any of its date or timestamp columns; `None` when the
    table changed in a way months do not describe (a reference table, or one rebuilt whole). A table not
    listed did not change, or changed only in its rows' lineage (the file and line each came from). `full` says every table was rebuilt: nothing may be kept.
    """

    tables: Mapping[str, frozenset[date] | None] = field(default_factory=dict)
    full: bool = False

    @classmethod
    def everything(cls) -> MartChanges:
        """A full rebuild: every table changed."""
        return cls(full=True)

    def touches(self, tables: Iterable[str]) -> bool:
        """Whether any of `tables` changed."""
        return self.full or any(table in self.tables for table in tables)

    def months(self, tables: Iterable[str]) -> frozenset[date] | None:
        """The months in which any of `tables` changed (empty when none did); `None` when one of them changed
        in a way months do not describe, or the refresh was full."""
        if self.full:
            return None
        months: set[date] = set()
        for table in tables:
            if table not in self.tables:
                continue
            changed = self.tables[table]
            if changed is None:
                return None
            months |= changed
        return frozenset(months)
