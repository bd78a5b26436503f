"""The board pack drawn: vector charts (Plotly, drawn to SVG by Kaleido in the local Chromium), one HTML
document from a Jinja template, and the PDF from that HTML (WeasyPrint). No Streamlit, no network.

    html = pack_html(pack)        # the intranet version
    pdf = pack_pdf(pack)          # the same document on A4

The document is imported when first asked for, so `ui.board_pack.chromium` can start Chromium before it loads.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

__all__ = ["HTML_MIME", "PDF_MIME", "load_typesetter_in_background", "pack_file", "pack_html", "pack_pdf"]


def load_typesetter_in_background() -> threading.Thread:
    """Import WeasyPrint (a second or so of CPU) on a thread of its own, so that it loads while the pack's numbers
    are read (the data calls wait on DuckDB, which leaves Python free); `pack_pdf` then finds it loaded, or waits
    for the import to finish."""
    loading = threading.Thread(target=importlib.import_module, args=("weasyprint",), name="board pack typesetter", daemon=True)
    loading.start()
    return loading


def __getattr__(name: str) -> Any:
    if name in __all__:  # the document's names
        from ui.board_pack import document

        return getattr(document, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
