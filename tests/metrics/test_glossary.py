"""The glossary spells out every acronym the pages use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from metrics.glossary import ACRONYMS, explain

PAGES = Path(__file__).resolve().parents[2] / "pages"
NEEDED = ("IDVA", "MARAC", "MASH", "CPS", "DASH", "Outcome 16", "SMART", "FTE")


def test_the_acronyms_board_members_meet_are_in_the_glossary():
    assert set(NEEDED) <= set(ACRONYMS)


def test_explain_spells_out_each_term_and_refuses_one_it_does_not_know():
    assert explain("IDVA", "FTE") == (
        "IDVA: Independent domestic violence adviser, a case worker for victims at high risk. · "
        "FTE: Full-time equivalent (two half-time advisers are one FTE)."
    )
    with pytest.raises(KeyError, match="XYZ"):
        explain("XYZ")


@pytest.mark.parametrize("page", ["services.py", "front_door.py", "justice.py", "action_plan.py", "journeys.py"])
def test_each_page_spells_out_the_acronyms_it_names_in_its_headings(page):
    source = (PAGES / page).read_text(encoding="utf-8")
    explained = set(re.findall(r'"([^"]+)"', "".join(re.findall(r"widgets\.terms\(([^)]*)\)", source))))
    headings = " ".join(re.findall(r'st\.(?:header|subheader|title)\(f?"([^"]+)"', source))
    used = {term for term in ACRONYMS if term.isupper() and re.search(rf"\b{re.escape(term)}\b", headings)}
    assert used <= explained, f"{page} names {sorted(used - explained)} in a heading without spelling it out"
