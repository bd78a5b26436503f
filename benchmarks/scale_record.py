"""Recording every page's data calls: each page run in AppTest, signed in, with its filters."""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scale_runs import GROUP_FILTER, PROJECT_ROOT, USERS


def largest_ward(warehouse: Path) -> tuple[str, str]:
    """The ward with most residents (code, name): the ward filter then narrows the most data."""
    import duckdb

    pointer = (warehouse / "CURRENT").read_text(encoding="utf-8").strip()
    with duckdb.connect(str(warehouse / "versions" / pointer), read_only=True) as con:
        code, name = con.sql("select ward_code, ward_name from mart_wards order by residents desc, ward_code limit 1").fetchall()[
            0
        ]
    return code, name


def filter_variants(ward_code: str) -> dict[str, dict[str, str]]:
    """Session-state filters (`filter_<name>`) for each measured variant."""
    return {"default": {}, "ward + group": {"ward": ward_code, **GROUP_FILTER}}


def call_key(audience: str, name: str, arguments: dict[str, Any]) -> str:
    return repr((audience, name, sorted(arguments.items())))


def describe_call(name: str, arguments: dict[str, Any]) -> str:
    """A short label: the indicator, the cut, whether a ward or group narrows it, and the options that tell calls apart."""
    parts, narrowed = [], False
    for argument, value in sorted(arguments.items()):
        if argument == "indicator_id":
            parts.insert(0, str(value))
        elif hasattr(value, "by") and hasattr(value, "groups"):  # metrics.compute.Filters
            parts.append(f"by {value.by}" if value.by else "total")
            narrowed |= any(vars(value.groups).values())
        elif argument == "groups" and value is not None:
            narrowed |= any(vars(value).values())
        elif argument == "ward_code":
            narrowed |= value is not None
        elif argument in {"by", "cohort", "measure", "limit", "latest_runs"} and value is not None:
            parts.append(f"{argument} {value}")
    if narrowed:
        parts.append("filtered")
    return f"{name}({', '.join(parts)})" if parts else name


class CallRecorder:
    """Wraps ui.cache's cached functions so every call a page makes is noted before the cache answers it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.router_calls: list[tuple[str, dict[str, Any]]] = []
        self.offered: list[Any] = []

    def recording(self, function: Callable[..., Any], describe: Callable[..., tuple[str, dict[str, Any]]]):
        def recorded(*arguments: Any, **keywords: Any) -> Any:
            self.calls.append(describe(*arguments, **keywords))
            return function(*arguments, **keywords)

        return recorded

    def take(self) -> list[tuple[str, dict[str, Any]]]:
        taken, self.calls = self.calls, []
        return taken


def record_page_calls(warehouse: str, ward_code: str, folder: str) -> None:
    """Worker: run every page in AppTest for each filter variant and write the calls it made."""
    os.environ.update(
        OVERSIGHT_WAREHOUSE=warehouse,
        OVERSIGHT_AUTH_MODE="oidc",
        OVERSIGHT_ANALYST_USERS=USERS["analyst"],
        OVERSIGHT_COMMISSIONER_USERS=USERS["commissioner"],
    )
    import streamlit
    from streamlit.testing.v1 import AppTest

    from metrics.warehouse import version_name
    from ui import cache
    from ui.access import ROLE_ORDER, may_see

    recorder = CallRecorder()
    cache._fetch = recorder.recording(cache._fetch, lambda version, audience, name, arguments: (name, dict(arguments)))
    cache._status = recorder.recording(cache._status, lambda version: ("load_status", {}))
    cache._wards = recorder.recording(cache._wards, lambda version: ("wards", {}))
    navigation = streamlit.navigation

    def recording_navigation(pages, **options):
        recorder.offered = list(pages)
        chosen = navigation(pages, **options)
        run_chosen = chosen.run

        def run_page() -> None:
            recorder.router_calls = recorder.take()  # what app.py fetched before handing over to the page
            run_chosen()

        chosen.run = run_page
        return chosen

    streamlit.navigation = recording_navigation

    def opened_app(audience: str, filters: dict[str, str]) -> AppTest:
        app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=1800)
        app.user = {"is_logged_in": True, "email": USERS[audience], "name": audience.title()}
        for name, value in filters.items():
            app.session_state[f"filter_{name}"] = value
        return app

    opened_app("analyst", {}).run()  # analysts are offered every page
    pages = [
        {
            "title": page.title,
            "path": str(Path(page._page).relative_to(PROJECT_ROOT)),
            "url_path": page.url_path,
            "audience": next(role.value for role in ROLE_ORDER if may_see(page.title, role)),
        }
        for page in recorder.offered
    ]
    recorder.take()

    calls: dict[str, dict[str, Any]] = {}
    page_calls, errors = [], []
    for variant, filters in filter_variants(ward_code).items():
        for audience in dict.fromkeys(page["audience"] for page in pages):
            app = opened_app(audience, filters)
            app.run()
            # app.py's own calls (sidebar filters) run before every page, so they count for each page; AppTest's
            # later runs execute the page script alone
            router_calls = recorder.router_calls
            recorder.take()
            for page in (page for page in pages if page["audience"] == audience):
                app.switch_page(page["path"]).run()
                errors += [{"page": page["title"], "variant": variant, "message": error.message} for error in app.exception]
                ids = []
                for name, arguments in [*router_calls, *recorder.take()]:
                    key = call_key(audience, name, arguments)
                    if key not in calls:
                        calls[key] = {
                            "id": len(calls),
                            "audience": audience,
                            "name": name,
                            "arguments": arguments,
                            "label": describe_call(name, arguments),
                        }
                    if calls[key]["id"] not in ids:
                        ids.append(calls[key]["id"])
                page_calls.append({"page": page["title"], "variant": variant, "call_ids": ids})
    ordered = sorted(calls.values(), key=lambda call: call["id"])
    Path(folder, "calls.pickle").write_bytes(pickle.dumps(ordered))
    summary = {
        "version": version_name(Path(warehouse)),
        "pages": pages,
        "page_calls": page_calls,
        "errors": errors,
        "calls": [{key: call[key] for key in ("id", "audience", "name", "label")} for call in ordered],
    }
    Path(folder, "calls.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
