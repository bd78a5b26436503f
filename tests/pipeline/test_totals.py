"""The sparklines' spans are summed again only in the financial years a change reached, and a year's rows are read
once for every span ending in or after it, as a full rebuild would sum them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from etl.warehouse import Warehouse
from oversight.settings import Settings
from pipeline import totals
from pipeline.nightly import refresh
from tests.drops import incidents_csv, write_tiny_drop
from tests.pipeline.test_incremental_equivalence import _differences

SPARKLINE_KEY = "prevalence_incidents"
CHANGED_DAY = date(2025, 10, 1)


def _spans(warehouse: Path) -> list[tuple]:
    con = Warehouse(warehouse).connect_read_only()
    try:
        return con.execute(
            "select window_start, window_end, period_date, numerator from precomputed_totals where query_key = ? "
            "and source = 'window by year' and grouping_set = 'district' order by all",
            [SPARKLINE_KEY],
        ).fetchall()
    finally:
        con.close()


def test_a_year_a_change_reached_is_read_once_for_every_span_and_sums_as_a_full_rebuild(tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse"
    settings = Settings(warehouse=warehouse)
    assert refresh(write_tiny_drop(tmp_path / "drop"), warehouse=warehouse, settings=settings).outcome == "completed"
    before = _spans(warehouse)
    spans = {(start, end) for start, end, *_ in before}
    assert len(spans) > 1  # more than one span holds the year 2025/26
    served: list[tuple[str, str | None]] = []
    rows = totals.YearsRead.rows

    def spy(self, key, sql, parameters, start, end):
        table = rows(self, key, sql, parameters, start, end)
        served.append((key, table))
        return table

    monkeypatch.setattr(totals.YearsRead, "rows", spy)
    drop = tmp_path / "night"
    drop.mkdir()
    (drop / "police_incidents_2026-01-01.csv").write_text(
        incidents_csv(
            [
                "INC201,2025-10-01T10:00:00,E05990001,,V201,female,25-34,white,standard,2,0,,no,",
                # after the end of one span reaching the change: its part of the year must leave it out
                "INC202,2026-02-01T10:00:00,E05990001,,V202,female,25-34,white,standard,2,0,,no,",
            ]
        )
    )
    report = refresh(drop, warehouse=warehouse, settings=settings)
    assert (report.outcome, report.kind) == ("completed", "incremental"), report.error
    read = [table for key, table in served if key == SPARKLINE_KEY]
    reaching = [span for span in spans if span[1] >= CHANGED_DAY]
    assert len(reaching) > 1 and len(read) == len(reaching) and None not in read
    assert len(set(read)) == 1  # one read of the year served every span reaching the change
    after = _spans(warehouse)
    assert after != before
    incremental = Warehouse(warehouse).current_path()
    (tmp_path / "empty").mkdir()
    assert refresh(tmp_path / "empty", warehouse=warehouse, settings=settings, full=True).kind == "full"
    assert _differences(incremental, Warehouse(warehouse).current_path()) == {}
