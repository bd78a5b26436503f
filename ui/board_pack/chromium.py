"""The Chromium that draws the board pack's charts: Kaleido drives the Chromium already on the machine (Debian's
/usr/bin/chromium, or the one named by BROWSER_PATH) with Plotly's own bundled plotly.js and no MathJax, so
nothing is fetched from the network.

This module imports nothing heavy until a session is made, so a command can start Chromium first and load the rest
while it starts. Every module is imported on the calling thread, never on the session's: two threads importing at
once can take the same modules' import locks in opposite orders, and Python then fails one of them with a
deadlock error.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import plotly.graph_objects as go

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
SVG_SCALE = 1
TABS = 1  # one Chromium tab: more tabs start slower than they draw on two cores
PAGE_NOT_READY = "kaleido_scopes is not defined"  # Kaleido's words when its tab's page has not loaded its script


class ChartRendererMissing(RuntimeError):
    """No Chromium to draw charts with, or Chromium failed to draw them; the message says which."""


class ChartSession:
    """One Chromium for a pack's charts, started on a thread of its own as soon as the session is made, so that
    it starts while the pack's numbers are read; `render` draws figures in it, `close` ends it.

        with ChartSession() as session:    # Chromium starts here, in the background
            pack = board_pack(...)          # meanwhile
            svgs = session.render(figures)  # waits for Chromium only if it is still starting
    """

    def __init__(self) -> None:
        _point_kaleido_at_chromium()
        import kaleido

        self._kaleido = kaleido
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="board pack charts", daemon=True)
        self._thread.start()
        self._browser: Any = None
        self._opened = asyncio.run_coroutine_threadsafe(self._open(), self._loop)

    async def _open(self) -> None:
        self._browser = self._kaleido.Kaleido(n=TABS, mathjax=False)
        await self._browser.open()

    async def _open_again(self) -> None:
        with contextlib.suppress(Exception):  # the browser being replaced may be broken already
            await self._browser.close()
        await self._open()

    def render(self, figures: Sequence[go.Figure]) -> list[str]:
        """Each figure as an SVG document."""
        if not figures:
            return []

        async def draw() -> list[bytes]:
            return list(
                await asyncio.gather(
                    *(
                        self._browser.calc_fig(
                            figure,
                            opts={
                                "format": "svg",
                                "width": figure.layout.width,
                                "height": figure.layout.height,
                                "scale": SVG_SCALE,
                            },
                        )
                        for figure in figures
                    )
                )
            )

        def run(coroutine: Any) -> Any:
            return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

        try:
            self._opened.result()
            try:
                drawn = run(draw())
            except Exception as error:
                if PAGE_NOT_READY not in str(error):
                    raise
                # On a busy machine Kaleido can take the tab's first script context, before its page has loaded the
                # drawing script; a browser opened again has the page's.
                run(self._open_again())
                drawn = run(draw())
        except Exception as error:  # Kaleido and its browser driver raise their own kinds: name the step that failed
            raise ChartRendererMissing(
                f"Chromium ({os.environ.get('BROWSER_PATH')}) could not draw the pack's charts: {type(error).__name__}: {error}"
            ) from error
        return [svg.decode("utf-8") for svg in drawn]

    def close(self) -> None:
        """End Chromium (whether or not it started) and the session's thread."""
        with contextlib.suppress(Exception):  # a browser that never started has failed already, in `render`
            self._opened.result()
        try:
            asyncio.run_coroutine_threadsafe(self._shut_down(), self._loop).result()
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()

    async def _shut_down(self) -> None:
        if self._browser is not None:
            with contextlib.suppress(Exception):  # a browser that died has nothing left to close
                await self._browser.close()
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def __enter__(self) -> ChartSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _point_kaleido_at_chromium() -> None:
    if os.environ.get("BROWSER_PATH"):
        return
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            os.environ["BROWSER_PATH"] = found
            return
    raise ChartRendererMissing(
        "the board pack draws its charts in Chromium, and none was found: install Debian's "
        "chromium package (make browser) or set BROWSER_PATH to a Chrome or Chromium binary"
    )
