"""Write the corpus's binary drop files (XLSX, Parquet, junk). Run once; the outputs are kept.

    .venv/bin/python -m tests.bad_inputs.make_binary_cases

The expected outcomes beside them are written by hand, like every other case's.
"""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

CASES = Path(__file__).parent / "cases"
FILE = "police_incidents_2025-12-01"
HEADER = ["incident_id", "reported_at", "ward_code", "victim_id", "victim_sex", "victim_age_band", "victim_ethnicity",
          "dash_risk", "n_children_present", "is_crime"]
ROWS = [
    ["INC201", "2025-04-02T22:14:00", "E05990001", "V201", "female", "25-34", "white", "high", "2", "no"],
    ["INC202", "2025-05-02T22:14:00", "E05990002", "V202", "male", "35-44", "asian", "standard", "0", "no"],
]


def write_workbook(path: Path, *, merged_header: bool = False, extra_sheets: tuple[str, ...] = ()) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("incidents")
    if merged_header:
        # A two-row header: "victim" merged over the four victim columns, the names beneath.
        sheet.write_row(0, 0, HEADER[:3])
        sheet.merge_range(0, 3, 0, 6, "victim")
        sheet.write_row(0, 7, HEADER[7:])
        sheet.write_row(1, 0, HEADER)
        first_data_row = 2
    else:
        sheet.write_row(0, 0, HEADER)
        first_data_row = 1
    for offset, values in enumerate(ROWS):
        sheet.write_row(first_data_row + offset, 0, values)
    for name in extra_sheets:
        workbook.add_worksheet(name).write_row(0, 0, ["notes", "not data"])
    workbook.close()


def write_wrong_types(path: Path) -> None:
    """Counts as floats and text, a time stamp as a real timestamp, a flag as a boolean."""
    table = pa.table({
        "incident_id": pa.array(["INC301", "INC302", "INC303"]),
        "reported_at": pa.array([datetime(2025, 4, 2, 22, 14), datetime(2025, 5, 2, 8, 0), datetime(2025, 6, 2, 8, 0)],
                                pa.timestamp("us")),
        "ward_code": pa.array(["E05990001", "E05990002", "E05990003"]),
        "victim_id": pa.array(["V301", "V302", "V303"]),
        "victim_sex": pa.array(["female", "male", "female"]),
        "victim_age_band": pa.array(["25-34", "35-44", "20-24"]),
        "victim_ethnicity": pa.array(["white", "asian", "black"]),
        "dash_risk": pa.array(["high", "standard", "medium"]),
        "dash_score": pa.array(["15", "high", "3"]),
        "n_children_present": pa.array([2.0, 1.5, 0.0], pa.float64()),
        "is_crime": pa.array([False, False, True]),
    })
    pq.write_table(table, path)


def main() -> None:
    write_workbook(CASES / "xlsx_several_sheets" / f"{FILE}.xlsx", extra_sheets=("notes", "lookup"))
    write_workbook(CASES / "xlsx_merged_header" / f"{FILE}.xlsx", merged_header=True)
    write_wrong_types(CASES / "parquet_wrong_types" / f"{FILE}.parquet")
    chance = random.Random(7)
    junk = bytes(chance.randrange(256) for _ in range(2048))
    (CASES / "binary_junk_as_csv" / f"{FILE}.csv").write_bytes(junk)
    (CASES / "binary_junk_as_xlsx" / f"{FILE}.xlsx").write_bytes(junk)
    (CASES / "binary_junk_as_parquet" / f"{FILE}.parquet").write_bytes(junk)


if __name__ == "__main__":
    main()
