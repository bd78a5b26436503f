"""The served dashboard's memory while Chromium opens every page."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from scale_runs import (
    CHROMIUM,
    CHROMIUM_ARGUMENTS,
    GROUP_FILTER,
    PAGE_TIMEOUT_MS,
    PROJECT_ROOT,
    worker_environment,
)

from oversight.local_dashboard import free_port, server_command, wait_until_healthy


def browser_unavailable() -> str | None:
    if CHROMIUM is None:
        return "Chromium not found (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright not installed (pip install -e '.[test]')"
    return None


def measure_dashboard(warehouse: Path, folder: Path, pages: list[dict[str, Any]], ward_name: str) -> dict[str, Any]:
    """Serve the dashboard, open every page in Chromium (default, then ward + group filters); the server's peak RSS."""
    reason = browser_unavailable()
    if reason:
        return {"skipped": reason}
    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "logs" / "dashboard.log"
    environment = worker_environment(warehouse)  # no sign-in configured: the local analyst, who sees every page
    with log.open("w", encoding="utf-8") as output:
        started = time.perf_counter()
        server = subprocess.Popen(
            [
                *server_command(port),
                # edits to the project's files while it runs would otherwise offer a rerun and never settle the page
                "--server.fileWatcherType",
                "none",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=PROJECT_ROOT,
        )
    visited = []
    try:
        wait_until_healthy(url, server, seconds=120)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGUMENTS, headless=True)
            tab = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            for page in pages:
                visited.append(_visit(tab, f"{url}/{page['url_path']}", page["title"], ward_name, folder / "logs"))
            browser.close()
    finally:
        server.send_signal(signal.SIGTERM)
        usage = _reap(server, timeout=60)
    return {
        "served_by": "python -m oversight.server run app.py",
        "browser": f"Chromium {CHROMIUM}",
        "pages": visited,
        "errors": sum(len(page["errors"]) for page in visited),
        "seconds": time.perf_counter() - started,
        "peak_rss_mib": usage.ru_maxrss / 1024,
    }


def _visit(tab, address: str, title: str, ward_name: str, logs: Path) -> dict[str, Any]:
    """Open a page with default filters, then choose the ward and sex; a page that fails or hangs is noted, not fatal."""
    from playwright.sync_api import Error as PlaywrightError

    visit: dict[str, Any] = {"page": title, "errors": []}
    try:
        opened = time.perf_counter()
        tab.goto(address)
        _wait_for_app(tab)
        visit["default_filters_seconds"] = time.perf_counter() - opened
        _choose_in_sidebar(tab, "Ward", ward_name)
        _choose_in_sidebar(tab, "Sex", GROUP_FILTER["sex"].capitalize())
        visit["errors"] += [text for text in tab.locator('[data-testid="stException"]').all_inner_texts()]
    except PlaywrightError as error:
        screenshot = logs / f"dashboard-{title.replace(' ', '-').lower()}.png"
        tab.screenshot(path=str(screenshot), full_page=True)
        visit["errors"].append(f"{error.message.splitlines()[0]} (screenshot {screenshot})")
    return visit


def _wait_for_app(tab, timeout_ms: int = PAGE_TIMEOUT_MS) -> None:
    """Until Streamlit has finished the run: content drawn and no running indicator."""
    tab.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    tab.wait_for_timeout(1000)  # the running indicator appears a moment after the first paint
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)


def _choose_in_sidebar(tab, label: str, option: str) -> None:
    box = tab.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=label)
    box.locator("input").click()
    tab.keyboard.type(option)  # long lists are drawn lazily: type to narrow them, then choose
    tab.get_by_role("option", name=option, exact=True).click()
    _wait_for_app(tab)


def _reap(child: subprocess.Popen, timeout: float):
    """Wait for a child that was asked to stop (killing it after `timeout`); its resource usage."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            child.returncode = os.waitstatus_to_exitcode(status)
            return usage
        if time.monotonic() > deadline:
            child.kill()
            deadline = math.inf
        time.sleep(0.2)
