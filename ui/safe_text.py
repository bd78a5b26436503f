"""Text from the data shown as text: never as Markdown, HTML, a link or an image.

Ward names, service names, an action plan's words and the sentences made from them reach pages through
`st.markdown`, which would turn `[text](url)` into a live link, `![x](url)` into an image the browser
fetches, `:red[...]` into styling and `<b>` into HTML (where HTML is allowed). `plain` escapes every
ASCII punctuation character with a backslash, which CommonMark shows as the character itself, so the
text reads exactly as written and nothing in it is followed. `text_only_figure` does the same for the
tags Plotly draws in a chart's labels and hover text.
"""

from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go

MARKDOWN_SIGNIFICANT = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def plain(text: object) -> str:
    """`text` as Markdown that shows it character for character; line breaks become spaces."""
    return MARKDOWN_SIGNIFICANT.sub(r"\\\1", " ".join(str(text).split()))


LINK_OR_STYLE = re.compile(r"<(/?)(a|span)\b", re.IGNORECASE)


def text_only_figure(figure: go.Figure) -> go.Figure:
    """`figure` with no link or styling tag in any of its text: Plotly draws `<a href>` in a label or hover as a
    live link and `<span style>` as styling, so a ward or service name holding one is shown as its characters.
    The line breaks and emphasis the figure builders put in (`<br>`, `<b>`, `<sup>`) are left alone."""
    return go.Figure(_escaped(figure.to_plotly_json()))


def _escaped(value):
    if isinstance(value, str):
        return LINK_OR_STYLE.sub(r"&lt;\1\2", value)
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_escaped(item) for item in value]
    if isinstance(value, np.ndarray) and value.dtype == object:
        return np.array([_escaped(item) for item in value.tolist()], dtype=object).reshape(value.shape)
    return value
