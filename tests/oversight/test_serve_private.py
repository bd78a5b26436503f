"""`oversight serve` makes everything the dashboard writes private, like the refresh does."""

from __future__ import annotations

import os

from typer.testing import CliRunner

from oversight import cli
from oversight.cli import app


def test_serve_sets_the_private_umask_before_starting_the_dashboard(tmp_path, monkeypatch):
    (tmp_path / "versions").mkdir()
    (tmp_path / "versions" / "v.duckdb").write_bytes(b"")
    (tmp_path / "CURRENT").write_text("v.duckdb\n")
    seen = []

    def start_dashboard(executable, command, env):  # stands in for the exec that becomes the dashboard
        current = os.umask(0o022)
        os.umask(current)
        seen.append(current)
        return 0

    monkeypatch.setattr(cli.os, "execve", start_dashboard)
    previous = os.umask(0o022)
    try:
        result = CliRunner().invoke(app, ["serve", "--warehouse", str(tmp_path)])
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert seen == [0o027]
