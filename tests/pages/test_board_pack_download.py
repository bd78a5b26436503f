"""The board pack's download on the Overview: offered to every role, always made under the board's rule."""

from __future__ import annotations

import re

import pytest

from metrics.board.period_text import parse_period
from metrics.disclosure import DisclosureRule
from metrics.warehouse import connect
from tests.pages.test_roles import USERS, open_as

LABELS = {"Download the board pack (PDF, A4)", "Download the board pack (web page)"}


@pytest.mark.parametrize("role", list(USERS))
def test_every_role_can_download_the_board_pack(sample_warehouse_path, monkeypatch, role):
    app, _ = open_as(monkeypatch, sample_warehouse_path, role, page="pages/overview.py")
    labels = {button.proto.label for button in app.get("download_button")}
    assert labels >= LABELS


def test_the_pack_uses_the_board_rule_even_for_an_unsuppressed_analyst(sample_warehouse_path, monkeypatch):
    from ui import cache
    from ui.board_pack import charts

    # the charts' drawing is tested with the command; here only the numbers matter
    monkeypatch.setattr(charts, "render_svgs", lambda figures: ["<svg xmlns='http://www.w3.org/2000/svg'/>"] * len(figures))
    period = parse_period("2026 Q3")
    with connect(sample_warehouse_path) as con:
        html = cache.QUERIES["board_pack_file"](
            con, DisclosureRule.unsuppressed(), period=period, previous=parse_period("2026 Q2"), ward_code=None, kind="html"
        ).decode()
    counts = re.findall(r'class="[^"]*\bcount\b[^"]*">([^<]*)<', html)
    assert counts and "*" in counts
    assert not [value for value in counts if re.fullmatch(r"[1-7]", value.strip())]
    assert "Counts from 1 to 7 are shown as *" in html
