"""The board pack drawn: vector charts (Plotly, drawn to SVG by Kaleido in the local Chromium), one HTML
document from a Jinja template, and the PDF from that HTML (WeasyPrint). No Streamlit, no network.

    html = pack_html(pack)        # the intranet version
    pdf = pack_pdf(pack)          # the same document on A4

The document is imported when first asked for, so `ui.board_pack.chromium` can start Chromium before it loads.
"""

from __future__ import annotations

from typing import Any

__all__ = ["HTML_MIME", "PDF_MIME", "pack_file", "pack_html", "pack_pdf"]


def __getattr__(name: str) -> Any:
    if name in __all__:  # the document's names
        from ui.board_pack import document

        return getattr(document, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
