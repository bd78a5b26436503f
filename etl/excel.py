"""What the Excel engines do not say about a workbook: which header cells are merged.

Merged header cells (a group title spanning several columns, often over a second header
row) leave all but one column unnamed, so such a sheet cannot be matched to the contract.
The merged ranges are read from the first sheet's XML as a stream, so a large sheet is
never held in memory.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PACKAGE_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
FIRST_SHEET_FALLBACK = "xl/worksheets/sheet1.xml"


def merged_header_cells(path: Path) -> list[str]:
    """Merged ranges of the first sheet that start on its first row, e.g. ['D1:G1']."""
    try:
        with zipfile.ZipFile(path) as workbook:
            sheet = _first_sheet(workbook)
            if sheet not in workbook.namelist():
                return []
            with workbook.open(sheet) as stream:
                return [
                    element.get("ref", "")
                    for _, element in ElementTree.iterparse(stream)
                    if element.tag == f"{MAIN}mergeCell" and _starts_on_first_row(element.get("ref", ""))
                ]
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError):
        return []  # the Excel engine has already read the sheet; this check only adds a clearer refusal


def _first_sheet(workbook: zipfile.ZipFile) -> str:
    try:
        sheets = ElementTree.fromstring(workbook.read("xl/workbook.xml")).find(f"{MAIN}sheets")
        if sheets is None:
            return FIRST_SHEET_FALLBACK
        relation = sheets[0].get(RELATIONSHIP)
        links = ElementTree.fromstring(workbook.read("xl/_rels/workbook.xml.rels"))
        target = next(link.get("Target") for link in links.iter(PACKAGE_RELATIONSHIP) if link.get("Id") == relation)
        if target is None:
            return FIRST_SHEET_FALLBACK
    except (KeyError, IndexError, TypeError, StopIteration, ElementTree.ParseError):
        return FIRST_SHEET_FALLBACK
    return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)


def _starts_on_first_row(reference: str) -> bool:
    return re.fullmatch(r"[A-Z]+1(:[A-Z]+[0-9]+)?", reference) is not None


def formula_cells_without_value(path: Path) -> list[tuple[int, int]]:
    """(row, column index) of the first sheet's formula cells that carry no saved result.

    A workbook written by a program rather than saved by Excel can hold formulas never
    calculated; reading one gives an empty cell that was never meant to be empty.
    """
    found = []
    try:
        with zipfile.ZipFile(path) as workbook:
            sheet = _first_sheet(workbook)
            if sheet not in workbook.namelist():
                return []
            with workbook.open(sheet) as stream:
                for _, element in ElementTree.iterparse(stream):
                    if element.tag != f"{MAIN}c":
                        continue
                    formula = element.find(f"{MAIN}f")
                    value = element.find(f"{MAIN}v")
                    if formula is not None and (value is None or not (value.text or "").strip()):
                        found.append(_cell_position(element.get("r", "")))
                    element.clear()
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError):
        return []
    return [position for position in found if position is not None]


def _cell_position(reference: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"([A-Z]+)([0-9]+)", reference)
    if match is None:
        return None
    column = 0
    for letter in match[1]:
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(match[2]), column - 1
