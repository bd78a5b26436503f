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
HEADER = [
    "incident_id",
    "reported_at",
    "ward_code",
    "victim_id",
    "victim_sex",
    "victim_age_band",
    "victim_ethnicity",
    "dash_risk",
    "n_children_present",
    "is_crime",
]
ROWS = [
    ["INC201", "2025-04-02T22:14:00", "E05990001", "V201", "female", "25-34", "white", "high", "2", "no"],
    ["INC202", "2025-05-02T22:14:00", "E05990002", "V202", "male", "35-44", "asian", "standard", "0", "no"],
]


def write_workbook(
    path: Path,
    *,
    merged_header: bool = False,
    extra_sheets: tuple[str, ...] = (),
    sheet_rows: tuple[list[str], ...] = (["notes", "not data"],),
) -> None:
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
        extra = workbook.add_worksheet(name)
        for index, values in enumerate(sheet_rows):
            extra.write_row(index, 0, values)
    workbook.close()


def write_blank_rows(path: Path) -> None:
    """Data rows on sheet rows 2, 4 and 7, blank rows between; the row on 7 has a bad sex."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("incidents")
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, ROWS[0])
    sheet.write_row(3, 0, ROWS[1])
    sheet.write_row(6, 0, ["INC203", *ROWS[1][1:4], "purple", *ROWS[1][5:]])
    workbook.close()


def write_formula_without_result(path: Path) -> None:
    """The second data row's risk level is a formula a program wrote and nothing ever calculated."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("incidents")
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, ROWS[0])
    sheet.write_row(2, 0, ROWS[1])
    sheet.write_formula(2, HEADER.index("dash_risk"), '=IF(1,"high","standard")', None, "")
    workbook.close()


def write_nan_in_optional_column(path: Path) -> None:
    """pandas writes a missing number as NaN: an optional DASH score left blank."""
    table = pa.table(
        {
            "incident_id": pa.array(["INC401", "INC402"]),
            "reported_at": pa.array(["2025-04-02T22:14:00", "2025-05-02T08:00:00"]),
            "ward_code": pa.array(["E05990001", "E05990002"]),
            "victim_id": pa.array(["V401", "V402"]),
            "victim_sex": pa.array(["female", "male"]),
            "victim_age_band": pa.array(["25-34", "35-44"]),
            "victim_ethnicity": pa.array(["white", "asian"]),
            "dash_risk": pa.array(["high", "standard"]),
            "dash_score": pa.array([float("nan"), 3.0], pa.float64()),
            "n_children_present": pa.array([0.0, 1.0], pa.float64()),
            "is_crime": pa.array([False, False]),
        }
    )
    pq.write_table(table, path)


def write_wrong_types(path: Path) -> None:
    """Counts as floats and text, a time stamp as a real timestamp, a flag as a boolean."""
    table = pa.table(
        {
            "incident_id": pa.array(["INC301", "INC302", "INC303"]),
            "reported_at": pa.array(
                [datetime(2025, 4, 2, 22, 14), datetime(2025, 5, 2, 8, 0), datetime(2025, 6, 2, 8, 0)], pa.timestamp("us")
            ),
            "ward_code": pa.array(["E05990001", "E05990002", "E05990003"]),
            "victim_id": pa.array(["V301", "V302", "V303"]),
            "victim_sex": pa.array(["female", "male", "female"]),
            "victim_age_band": pa.array(["25-34", "35-44", "20-24"]),
            "victim_ethnicity": pa.array(["white", "asian", "black"]),
            "dash_risk": pa.array(["high", "standard", "medium"]),
            "dash_score": pa.array(["15", "high", "3"]),
            "n_children_present": pa.array([2.0, 1.5, 0.0], pa.float64()),
            "is_crime": pa.array([False, False, True]),
        }
    )
    pq.write_table(table, path)


def main() -> None:
    write_workbook(
        CASES / "xlsx_identifier_on_second_sheet" / f"{FILE}.xlsx",
        extra_sheets=("contacts",),
        sheet_rows=(["who", "notes"], ["support worker", "ring 07700 900123 after 6"]),
    )
    write_blank_rows(CASES / "xlsx_blank_rows" / f"{FILE}.xlsx")
    write_formula_without_result(CASES / "xlsx_formula_without_result" / f"{FILE}.xlsx")
    write_nan_in_optional_column(CASES / "parquet_nan_in_optional_column" / f"{FILE}.parquet")
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
