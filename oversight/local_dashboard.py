"""The command that starts the dashboard's server, and waiting for a started one until its health address says 200.

`oversight serve` runs the command in its own place; the browser tests and the scale benchmark start it on
localhost in a child process and wait here before opening a page.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

from oversight.settings import PROJECT_ROOT

HEALTH_PATH = "/_stcore/health"
POLL_SECONDS = 0.5


class DashboardNotReady(RuntimeError):
    """The dashboard exited, or did not answer its health address in time."""


def free_port() -> int:
    """A localhost port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_command(port: int, *, address: str = "127.0.0.1", headless: bool = True) -> list[str]:
    """The command that serves app.py on `address`:`port` (`oversight.server`), usage statistics off; headless
    (no browser opened) unless a person started it."""
    return [
        sys.executable,
        "-m",
        "oversight.server",
        "run",
        str(PROJECT_ROOT / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        address,
        *(["--server.headless", "true"] if headless else []),
        "--browser.gatherUsageStats",
        "false",
    ]


def wait_until_healthy(url: str, server: subprocess.Popen, *, seconds: float) -> None:
    """Return once `url`'s health address answers 200; raise DashboardNotReady if `server` exits first or
    `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise DashboardNotReady(f"the dashboard exited with code {server.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"{url}{HEALTH_PATH}", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(POLL_SECONDS)
    raise DashboardNotReady(f"the dashboard did not start within {seconds:g} seconds")
