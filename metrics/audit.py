"""The export audit log: who exported what, when, with which filters.

Published warehouse versions are immutable and opened read-only by the dashboard, so the log is
a separate append-only JSON Lines file beside them, `<warehouse>/audit.jsonl`. Each export is one
line written with a single append, so concurrent sessions never interleave half-lines.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

AUDIT_LOG = "audit.jsonl"


class AuditLogUnwritable(OSError):
    """The audit log could not be written, so the export must not go ahead unrecorded."""


@dataclass(frozen=True)
class ExportRecord:
    user: str
    role: str
    export: str
    file_name: str
    filters: Mapping[str, str] = field(default_factory=dict)
    channel: str = "dashboard"
    exported_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


def audit_log_path(warehouse: Path) -> Path:
    return Path(warehouse) / AUDIT_LOG


def record_export(warehouse: Path, record: ExportRecord) -> None:
    """Append one export to the audit log (the folder is created if missing)."""
    line = json.dumps({**asdict(record), "filters": dict(record.filters)}, ensure_ascii=False) + "\n"
    path = audit_log_path(warehouse)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(descriptor, line.encode("utf-8"))
        finally:
            os.close(descriptor)
    except OSError as error:
        raise AuditLogUnwritable(f"cannot record the export in {path}: {error}") from error


def read_exports(warehouse: Path) -> list[dict]:
    """Every recorded export, oldest first; none when nothing has been exported."""
    path = audit_log_path(warehouse)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
