"""End-to-end fixtures: the real app served on a free localhost port, driven by Debian's Chromium.

Enable on a machine without them: `apt-get install chromium` and `pip install -e '.[test]'`
(Playwright drives the system Chromium; it never downloads a browser of its own).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

from oversight.local_dashboard import DashboardNotReady, free_port, server_command, wait_until_healthy

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
BROWSER_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in str(item.fspath):
            # a browser on a shared two-core machine can miss a timeout; a real fault fails every try
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=2))
    reason = None
    if CHROMIUM is None:
        reason = "Chromium not found: install Debian's `chromium` (apt-get install chromium) to run the browser tests"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            reason = "Playwright not installed: pip install -e '.[test]' to run the browser tests"
    if reason:
        for item in items:
            if "e2e" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def app_url(sample_warehouse_path: Path):
    port = free_port()
    environment = dict(os.environ, OVERSIGHT_WAREHOUSE=str(sample_warehouse_path))
    server = subprocess.Popen(
        server_command(port),
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server, seconds=90)
    except DashboardNotReady as error:
        server.kill()
        pytest.fail(str(error))
    yield url
    server.terminate()
    server.wait(20)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGUMENTS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page that records every host it requests, so tests can check nothing leaves localhost."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.requested_hosts = set()
    page.on("request", lambda request: page.requested_hosts.add(request_host(request.url)))
    yield page
    context.close()


def request_host(url: str) -> str:
    """The host a request goes to; in-page blob: and data: addresses never leave the browser."""
    parsed = urlparse(url)
    if parsed.scheme == "blob":
        return urlparse(url.removeprefix("blob:")).hostname or url
    if parsed.scheme == "data":
        return "localhost"
    return parsed.hostname or url


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script (no running indicator, content drawn)."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    page.wait_for_timeout(1000)  # the running indicator appears a moment after the first paint
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)
    page.wait_for_timeout(500)
