"""The board pack drawn: vector charts (Plotly, drawn to SVG by Kaleido in the local Chromium), one HTML
document from a Jinja template, and the PDF from that HTML (WeasyPrint). No Streamlit, no network.

    html = pack_html(pack)        # the intranet version
    pdf = pack_pdf(pack)          # the same document on A4
"""

from ui.board_pack.document import HTML_MIME, PDF_MIME, pack_file, pack_html, pack_pdf

__all__ = ["HTML_MIME", "PDF_MIME", "pack_file", "pack_html", "pack_pdf"]
