"""The identifier guard at load time: a file, a workbook's other sheets, its malformed lines, a YAML plan
and a boundary file's properties are refused whole when a name or value looks like a direct identifier."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import yaml

from etl.contract.extracts import WardBoundary
from etl.errors import FileRefused
from etl.pii.headers import header_identifier
from etl.pii.scan import find_identifier_columns, scan_values
from etl.pii.values import VALUE_KINDS, describe_kinds, identifier_kinds, safe_label
from etl.tabular import ReadResult, normalise_header, positional_names, quote_identifier


def guard_identifiers(con: duckdb.DuckDBPyConnection, path: Path, read: ReadResult, *, allowed: set[str]) -> None:
    """Refuse the whole file if any column name or value looks like a direct identifier, in the
    data or in any other sheet of a workbook."""
    messages = _identifier_messages(con, read.table, read.header, allowed)
    for sheet in read.other_sheets:
        messages += [
            f"sheet {safe_label(sheet.name)}: {message}"
            for message in _identifier_messages(con, sheet.table, sheet.header, allowed)
        ]
    messages = messages or _identifiers_in_rejected_lines(con, read)
    if messages:
        raise FileRefused(path, "refused whole: it holds direct identifiers, which the contract forbids. " + "; ".join(messages))


def _identifier_messages(con: duckdb.DuckDBPyConnection, table: str, header: list[str], allowed: set[str]) -> list[str]:
    findings = find_identifier_columns(header, allowed_columns=allowed)
    if findings:
        return [finding.message for finding in findings]
    labels = [f"{safe_label(normalise_header(name))} (column {index + 1})" for index, name in enumerate(header)]
    aliases = ", ".join(
        f"{quote_identifier(source)} as {quote_identifier(label)}"
        for source, label in zip(positional_names(len(header)), labels, strict=True)
    )
    con.execute(f"create or replace temp view _named_file as select {aliases}, _line from {table}")
    return [finding.message for finding in scan_values(con, "_named_file", labels)]


def _identifiers_in_rejected_lines(con: duckdb.DuckDBPyConnection, read: ReadResult) -> list[str]:
    """A line rejected for its shape is checked for identifiers too, though its text is never kept."""
    if not read.structural_rejects:
        return []
    lines = sorted({(reject.line, reject.value or "") for reject in read.structural_rejects})
    frame = pl.DataFrame(
        {"line_text": [text for _, text in lines], "_line": [line for line, _ in lines]},
        schema={"line_text": pl.String, "_line": pl.Int64},
    )
    con.register("_rejected_lines_frame", frame)
    con.execute("create or replace temp table _rejected_lines as select * from _rejected_lines_frame")
    con.unregister("_rejected_lines_frame")
    findings = scan_values(con, "_rejected_lines", ["line_text"])
    return [f"line {finding.first_line} (rejected as malformed): looks like {VALUE_KINDS[finding.kind]}" for finding in findings]


def identifiers_in_yaml(text: str) -> list[str]:
    """Every key and value of a YAML document, checked like a file's headers and cells, with its line."""
    messages: list[str] = []
    pending = [yaml.compose(text)]
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and (what := header_identifier(key.value)):
                    messages.append(f"line {key.start_mark.line + 1}: the key {safe_label(key.value)} says it holds {what}")
                pending.append(value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.ScalarNode) and (kinds := identifier_kinds(node.value)):
            messages.append(f"line {node.start_mark.line + 1}: looks like {describe_kinds(kinds)}")
    return sorted(messages, key=lambda message: int(message.split(":")[0].removeprefix("line ")))


def guard_properties(con: duckdb.DuckDBPyConnection, path: Path, properties: pl.DataFrame | None) -> None:
    """A boundary file's attributes are checked like a table: names, then values (lines are feature numbers)."""
    if properties is None or not properties.width:
        return
    table = (
        properties.rename({name: f"c{index}" for index, name in enumerate(properties.columns)})
        .with_row_index("_line", offset=1)
        .with_columns(pl.col("_line").cast(pl.Int64))
    )
    con.register("_properties_frame", table)
    con.execute("create or replace temp table _properties as select * from _properties_frame")
    con.unregister("_properties_frame")
    messages = _identifier_messages(con, "_properties", properties.columns, set(WardBoundary.model_fields))
    if messages:
        raise FileRefused(
            path,
            "refused whole: its properties hold direct identifiers, which the contract forbids "
            "(lines are feature numbers). " + "; ".join(messages),
        )
