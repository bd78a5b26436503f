"""The board pack as one HTML document (for intranets) and as an A4 PDF made from it by WeasyPrint.

Every figure is written from the `BoardPack` that `metrics.board.pack.board_pack` gathered; counts and
ratios go through `metrics.board.cells`, the disclosure module's writers.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
import polars as pl

from metrics.board.pack import BoardPack
from ui.board_pack import charts
from ui.board_pack.sections import Drawn, chartable_gaps, context, district_stages

TEMPLATES = Path(__file__).parent / "templates"


def pack_html(pack: BoardPack, *, drawn: Drawn | None = None, session: charts.ChartSession | None = None) -> str:
    """The whole pack as one self-contained HTML page (charts inline as SVG, styles inline); its charts drawn in
    `session` when given (a Chromium already started), else in a Chromium started for them."""
    drawn = drawn or draw(pack, session=session)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(svg_uri=_svg_uri, day=_day, moment=_moment, capitalize_first=_capitalize_first)
    template = environment.get_template("pack.html.j2")
    return template.render(pack=pack, css=(TEMPLATES / "pack.css").read_text(encoding="utf-8"), **context(pack, drawn))


def pack_pdf(pack: BoardPack, *, html: str | None = None) -> bytes:
    """The pack on A4, from the same HTML."""
    import weasyprint

    return weasyprint.HTML(string=html or pack_html(pack), base_url=str(TEMPLATES)).write_pdf()


def draw(pack: BoardPack, *, session: charts.ChartSession | None = None) -> Drawn:
    """Every chart of the pack, drawn to SVG in one Chromium run (`session`'s, when given)."""
    by_priority = {}
    if pack.plan is not None:
        for priority in pack.plan.priorities():
            charted = pack.plan.selected(priority=priority).filter(pl.col("has_chart"))
            if charted.height:
                by_priority[priority] = charts.priority_charts(
                    [
                        (row["target_id"], row["unit"], pack.plan.series_of(row["target_id"]))
                        for row in charted.iter_rows(named=True)
                    ]
                )
    figures: list[Any] = list(by_priority.values())
    unit = pack.ward_points["unit"][0] if pack.ward_points.height else ""
    extra = {
        "ward_map": charts.ward_map(pack.ward_points, pack.ward_geometry, unit=unit) if pack.ward_points.height else None,
        "gaps": charts.gaps_chart(chartable_gaps(pack)) if pack.biggest_gaps.height else None,
        "attrition": charts.attrition_chart(district_stages(pack)) if pack.attrition.height else None,
    }
    figures += [figure for figure in extra.values() if figure is not None]
    svgs = iter(session.render(figures) if session is not None else charts.render_svgs(figures))
    priorities = {priority: next(svgs) for priority in by_priority}
    return Drawn(priorities=priorities, **{name: (next(svgs) if figure is not None else None) for name, figure in extra.items()})


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _day(day: date | None) -> str:
    return "not known" if day is None else f"{day:%-d %B %Y}"


def _moment(moment: datetime | None) -> str:
    return "not known" if moment is None else f"{moment:%-d %B %Y, %H:%M}"


def _capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:]


PDF_MIME = "application/pdf"
HTML_MIME = "text/html"


def pack_file(pack: BoardPack, kind: str, *, session: charts.ChartSession | None = None) -> bytes:
    """The pack as a file: `pdf` (A4) or `html` (the same document for an intranet)."""
    html = pack_html(pack, session=session)
    if kind == "html":
        return html.encode("utf-8")
    if kind == "pdf":
        return pack_pdf(pack, html=html)
    raise ValueError(f"a board pack is written as pdf or html, not {kind!r}")
