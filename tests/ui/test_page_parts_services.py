"""The pure pieces of the Services and coverage page: a map click read, services off the map named, tiles counted."""

from __future__ import annotations

from types import SimpleNamespace

from ui import page_parts_services as services
from ui.safe_text import plain


def test_a_map_click_chooses_the_first_ward_it_names():
    event = SimpleNamespace(
        selection=SimpleNamespace(points=[{"lat": 54.1}, {"location": "E05990003"}, {"location": "E05990001"}])
    )
    assert services.chosen_ward(event) == "E05990003"


def test_no_click_or_a_click_off_the_wards_chooses_nothing():
    assert services.chosen_ward(None) is None
    assert services.chosen_ward(SimpleNamespace(selection=SimpleNamespace(points=[{"lat": 54.1}]))) is None


def test_services_without_a_base_are_named_under_the_map_and_none_gives_no_caption():
    off_map = services.not_on_map_caption(SimpleNamespace(services_without_base=["Safe Haven refuge", "Helpline"]))
    assert off_map == plain(
        "Not on the map (no base held; a refuge's address is kept confidential): Safe Haven refuge, Helpline."
    )
    assert services.not_on_map_caption(SimpleNamespace(services_without_base=[])) is None


def test_the_tiles_comparisons_count_even_when_there_are_no_tiles():
    assert services.tile_comparisons([{"comparison": "worse"}, {}])["comparison"].to_list() == ["worse", None]
    assert services.tile_comparisons([]).height == 0
