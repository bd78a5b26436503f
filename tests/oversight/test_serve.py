"""`oversight serve`: stopping the command by its process id stops the dashboard, leaving nothing running."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _processes_in_session(session: int) -> list[int]:
    """Process ids whose session is `session` (the serve command started one of its own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":  # fields after the name: state, ppid, pgrp, session
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_stopping_serve_by_its_pid_stops_the_dashboard(oversight_command, sample_warehouse_path, stop_with):
    command = oversight_command
    port = _free_port()
    environment = dict(os.environ, STREAMLIT_SERVER_HEADLESS="true", OVERSIGHT_AUTH_MODE="none")
    serve = subprocess.Popen(
        [str(command), "serve", "--port", str(port), "--warehouse", str(sample_warehouse_path)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not _healthy(port):
            assert serve.poll() is None, "serve exited before the dashboard started"
            assert time.monotonic() < deadline, "the dashboard did not start within 90 seconds"
            time.sleep(0.5)

        os.kill(serve.pid, stop_with)
        serve.wait(timeout=30)

        assert not _healthy(port), "the dashboard still answers after serve was stopped"
        deadline = time.monotonic() + 10
        while _processes_in_session(serve.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _processes_in_session(serve.pid) == [], "a process started by serve is still running"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(serve.pid, signal.SIGKILL)  # only this test's own process group, if anything is left
        serve.wait(timeout=10)
