from metrics.docs import DOCS_PATH, render_indicator_docs
from metrics.registry import all_indicators


def test_indicator_reference_is_up_to_date():
    assert DOCS_PATH.read_text(encoding="utf-8") == render_indicator_docs(), (
        "docs/indicators.md is stale: run `python -m metrics.docs`"
    )


def test_every_indicator_is_documented_in_plain_words():
    text = render_indicator_docs()
    for indicator in all_indicators():
        assert f"`{indicator.id}`" in text
        assert indicator.title and indicator.description and indicator.numerator and indicator.denominator
