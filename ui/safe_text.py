"""Text from the data shown as text: never as Markdown, HTML, a link or an image.

Ward names, service names, an action plan's words and the sentences made from them reach pages through
`st.markdown`, which would turn `[text](url)` into a live link, `![x](url)` into an image the browser
fetches, `:red[...]` into styling and `<b>` into HTML (where HTML is allowed). `plain` escapes every
ASCII punctuation character with a backslash, which CommonMark shows as the character itself, so the
text reads exactly as written and nothing in it is followed.
"""

from __future__ import annotations

import re

MARKDOWN_SIGNIFICANT = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def plain(text: object) -> str:
    """`text` as Markdown that shows it character for character; line breaks become spaces."""
    return MARKDOWN_SIGNIFICANT.sub(r"\\\1", " ".join(str(text).split()))
