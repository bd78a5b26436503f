"""What kind of text a CSV file holds: its encoding, delimiter and header, and where its records lie.

The contract allows UTF-8 (with or without BOM), separated by commas or semicolons. Anything
else is refused with a message saying what the file is instead, and on which line, so the
agency can save it again the right way. Nothing here loads data.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass, field
from pathlib import Path

from etl.errors import FileRefused

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SAVE_AS_UTF8 = "save it as CSV UTF-8"
ALLOWED_DELIMITERS = (",", ";")
OTHER_DELIMITERS = {"\t": "tabs", "|": "pipes (|)"}
# Control bytes never found in text (tab, line feed, carriage return and escape aside).
CONTROL_BYTES = bytes([*range(0, 9), *range(14, 27), *range(28, 32)])


@dataclass
class RecordLayout:
    """Where each record of the file starts and ends (physical lines, the header is line 1)."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    blank_lines: int = 0

    def multi_line(self) -> dict[int, int]:
        return {start: end for start, end in self.spans if end > start}


def sniff_csv(path: Path) -> tuple[str, list[str]]:
    """Check the file is UTF-8 text and find its delimiter and header."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    if head.startswith(UTF16_BOMS) or (b"\x00" in head[:200] and head[1:200:2].count(b"\x00") > 50):
        raise FileRefused(path, f"the file is UTF-16 encoded (Excel's 'Unicode text'); {SAVE_AS_UTF8}")
    if not head.strip():
        raise FileRefused(path, "the file is empty: expected a header row and data rows")
    if b"\x00" in head or len(head) - len(head.translate(None, CONTROL_BYTES)) > len(head) // 100:
        raise FileRefused(path, "this is not a text file (it contains binary data); send CSV, XLSX or Parquet")
    if b"\r" in head and b"\n" not in head:
        raise FileRefused(
            path,
            "the lines end in a carriage return (CR) only, as old Mac programs wrote them; save it "
            "as CSV UTF-8 with Windows (CRLF) or Unix (LF) line endings",
            line=1,
        )
    bom = len(UTF8_BOM) if head.startswith(UTF8_BOM) else 0
    first_line = head[bom:].split(b"\n", 1)[0].rstrip(b"\r")
    try:
        header_text = first_line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileRefused(path, f"the file is not UTF-8 encoded (Latin-1 or Windows-1252?); {SAVE_AS_UTF8}", line=1) from error
    delimiter = ";" if header_text.count(";") > header_text.count(",") else ","
    if header_text.count(delimiter) == 0:
        other = max(OTHER_DELIMITERS, key=header_text.count)
        if header_text.count(other):
            raise FileRefused(
                path,
                f"the file is separated by {OTHER_DELIMITERS[other]}; the contract allows commas or semicolons: save it as CSV",
                line=1,
            )
    header = next(csv.reader([header_text], delimiter=delimiter))
    return delimiter, header


def count_lines(path: Path) -> int:
    """Physical lines in the file (a last line without a line break counts), refusing bytes that are not UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lines = 0
    last = b""
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            try:
                # ASCII is UTF-8: such a chunk is decoded only to finish a character the last one began
                if not (chunk.isascii() and not decoder.getstate()[0]):
                    decoder.decode(chunk)
            except UnicodeDecodeError as error:
                # error.object starts with at most three bytes held back from the chunk before, none a line break
                line = lines + error.object[: error.start].count(b"\n") + 1
                raise FileRefused(
                    path, f"the file is not UTF-8 encoded (Latin-1 or Windows-1252?); {SAVE_AS_UTF8}", line=line
                ) from error
            lines += chunk.count(b"\n")
            last = chunk[-1:]
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            raise FileRefused(path, f"the file ends part-way through a character; {SAVE_AS_UTF8}", line=lines + 1) from error
    return lines + (1 if last and last != b"\n" else 0)


def record_layout(path: Path, delimiter: str, physical_lines: int) -> RecordLayout:
    """Where each record lies, as a CSV reader following the quotes sees it.

    A quote that is never closed swallows every line after it: the file is refused, naming
    the line the quote opens on, rather than loading the lines before it and losing the rest.
    """
    try:
        return _layout(path, delimiter, strict=True)
    except UnclosedQuote as unclosed:
        raise FileRefused(
            path,
            f"a quoted value opens on this line and is never closed, so lines {unclosed.line}-{physical_lines} "
            "cannot be read; close the quote and send the file again",
            line=unclosed.line,
        ) from None
    except csv.Error:
        return _layout(path, delimiter, strict=False)  # a stray quote mid-line: the row itself is rejected later


class UnclosedQuote(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _layout(path: Path, delimiter: str, *, strict: bool) -> RecordLayout:
    layout = RecordLayout()
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=strict)
        next(reader, None)
        previous_end = reader.line_num
        try:
            for record in reader:
                start, previous_end = previous_end + 1, reader.line_num
                if not record:
                    layout.blank_lines += 1
                    continue
                layout.spans.append((start, previous_end))
        except csv.Error as error:
            if "unexpected end of data" in str(error):
                raise UnclosedQuote(previous_end + 1) from error
            raise
    return layout
