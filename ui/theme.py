"""The one colour module: the UK Government Analysis Function palette, used everywhere.

Colours are never the only cue: every comparison colour has a word and a marker symbol
with it, and every chart has a table view beside it.
"""

from __future__ import annotations

# Analysis Function categorical palette (in this order), each >= 3:1 against white except
# the lighter two, which are only used beside a darker outline or a text label.
DARK_BLUE = "#12436D"
TURQUOISE = "#28A197"
DARK_PINK = "#801650"
ORANGE = "#F46A25"
DARK_GREY = "#3D3D3D"
LIGHT_PURPLE = "#A285D1"
CATEGORICAL = (DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE)

# Text-safe darker shades (>= 4.5:1 on white, and white text on them) for icons and words.
ORANGE_TEXT = "#A33F00"
DARK_PURPLE = "#5B3E8F"

MID_GREY = "#707070"  # limits and reference lines; 4.9:1 on white
LIGHT_GREY = "#D9D9D9"
TEXT = "#0B0C0C"

# One sequential scale (light to dark blue) for maps and heat maps.
SEQUENTIAL = ("#DCE6F0", "#A8C3DD", "#6F9CC6", "#3C72A6", DARK_BLUE)

# Comparison with a benchmark: colour, marker symbol and plain word go together.
COMPARISON_STYLE = {
    "better_998": (DARK_BLUE, "triangle-up", "better (99.8%)"),
    "better": (DARK_BLUE, "triangle-up", "better"),
    "similar": (MID_GREY, "circle", "similar"),
    "worse": (DARK_PINK, "triangle-down", "worse"),
    "worse_998": (DARK_PINK, "triangle-down", "worse (99.8%)"),
    "higher_998": (ORANGE, "diamond", "higher (99.8%)"),
    "higher": (ORANGE, "diamond", "higher"),
    "lower": (TURQUOISE, "square", "lower"),
    "lower_998": (TURQUOISE, "square", "lower (99.8%)"),
    "not_compared": (LIGHT_GREY, "circle-open", "not compared"),
}

TARGET_STATUS_STYLE = {
    "met": (DARK_BLUE, "met"),
    "within uncertainty": (MID_GREY, "within uncertainty"),
    "not met": (DARK_PINK, "not met"),
    "not assessed": (LIGHT_GREY, "not assessed"),
}

FONT_FAMILY = "Arial, Helvetica, sans-serif"


def comparison_colour(comparison: str | None) -> str:
    return COMPARISON_STYLE.get(comparison or "not_compared", COMPARISON_STYLE["not_compared"])[0]


def comparison_symbol(comparison: str | None) -> str:
    return COMPARISON_STYLE.get(comparison or "not_compared", COMPARISON_STYLE["not_compared"])[1]


def comparison_word(comparison: str | None) -> str:
    return COMPARISON_STYLE.get(comparison or "not_compared", COMPARISON_STYLE["not_compared"])[2]


def layout_defaults() -> dict:
    """Plotly layout shared by every figure: readable font, no chart junk."""
    return {
        "font": {"family": FONT_FAMILY, "size": 14, "color": TEXT},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": list(CATEGORICAL),
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
    }
