"""Writing the drop: byte-for-byte repeatable CSV, Parquet, XLSX, GeoJSON and YAML files."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
import yaml
from shapely.geometry import mapping

from etl.sample.geography import District

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S"


def write_csv(frame: pl.DataFrame, path: Path) -> int:
    frame.write_csv(path, datetime_format=TIMESTAMP_FORMAT, date_format="%Y-%m-%d", float_precision=None)
    return frame.height


def write_parquet(frame: pl.DataFrame, path: Path) -> int:
    frame.write_parquet(path, compression="zstd", statistics=False)
    return frame.height


def write_xlsx(frame: pl.DataFrame, path: Path, *, sheet: str, created: datetime) -> int:
    """The first sheet holds the table; dates are real Excel dates and booleans real booleans."""
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": created, "author": "Oversight sample generator"})
    sheet_ = workbook.add_worksheet(sheet)
    header = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for column, name in enumerate(frame.columns):
        sheet_.write_string(0, column, name, header)
        sheet_.set_column(column, column, max(12, min(48, len(name) + 4)))
    for row, record in enumerate(frame.iter_rows(), start=1):
        for column, value in enumerate(record):
            _write_cell(sheet_, row, column, value, date_format)
    sheet_.freeze_panes(1, 0)
    workbook.close()
    return frame.height


def _write_cell(sheet: Any, row: int, column: int, value: Any, date_format: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, date):
        sheet.write_datetime(row, column, datetime(value.year, value.month, value.day), date_format)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, column, value)
    else:
        sheet.write_string(row, column, str(value))


def write_wards(district: District, path: Path) -> int:
    features = [
        {
            "type": "Feature",
            "properties": {"ward_code": code, "ward_name": name, "imd_quintile": quintile},
            "geometry": _rounded(mapping(shape)),
        }
        for code, name, quintile, shape in zip(
            district.codes, district.names, district.imd_quintiles, district.shapes, strict=True
        )
    ]
    collection = {"type": "FeatureCollection", "name": "wards", "features": features}
    path.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    return len(features)


def _rounded(geometry: Any) -> Any:
    """Five decimal places of a degree (about a metre) is plenty for ward maps and keeps the file small."""
    if isinstance(geometry, dict):
        return {key: _rounded(value) for key, value in geometry.items()}
    if isinstance(geometry, (list, tuple)):
        return [_rounded(item) for item in geometry]
    if isinstance(geometry, float):
        return round(geometry, 5)
    return geometry


class _PlainDumper(yaml.SafeDumper):
    """Writes repeated values out in full: a board member reads the plan, so no YAML anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_yaml(document: dict[str, Any], path: Path, *, header: str) -> int:
    text = yaml.dump(document, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(header + text, encoding="utf-8")
    return len(document.get("targets", []))
