"""`oversight board-pack` on the sample district: the PDF's words, figures, pages and order, its HTML twin,
no small counts, and its pages rendered to pictures (`make screenshots` keeps page 2 for the README).

Needs Chromium (the charts) and poppler's pdftotext, pdfinfo and pdftoppm; skips cleanly without them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from metrics.board.period_text import parse_period
from metrics.disclosure import Audience, rule_for
from metrics.targets.view import plan_view
from oversight.cli import app
from oversight.settings import PROJECT_ROOT, Settings
from tests.pages.test_roles import SMALL_IN_WORDS

POPPLER = ("pdftotext", "pdfinfo", "pdftoppm")
README_PAGE = PROJECT_ROOT / "docs" / "screenshots" / "board-pack-page-2.png"
runner = CliRunner()
pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in POPPLER) or not (shutil.which("chromium") or os.environ.get("BROWSER_PATH")),
    reason="the board pack's tests need Chromium and poppler-utils (apt-get install chromium poppler-utils)",
)


def can_cut_the_network() -> bool:
    """Whether this test may run a command in a network namespace of its own (root, with util-linux's unshare)."""
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode == 0


# The command run as its console script runs it, with every first import made off the main thread written down
# (an audit hook sees each import): the pack's Chromium runs on a thread of its own.
COMMAND_NOTING_IMPORTS_OFF_THE_MAIN_THREAD = """
import json, sys, threading
noted = []
def note(event, arguments):
    if event == "import" and threading.current_thread() is not threading.main_thread():
        noted.append([threading.current_thread().name, arguments[0]])
sys.addaudithook(note)
from oversight.cli import app
try:
    app(sys.argv[2:], prog_name="oversight")
finally:
    with open(sys.argv[1], "w") as imports:
        json.dump(noted, imports)
"""


@pytest.fixture(scope="module")
def written(sample_warehouse_path, tmp_path_factory) -> dict[str, Path]:
    """The PDF written by the command in a process of its own, with no network where the machine allows it (the
    charts and fonts must all be local), and the HTML written in this process."""
    folder = tmp_path_factory.mktemp("board_pack")
    files = {kind: folder / f"pack.{kind}" for kind in ("pdf", "html")}
    files["imports off the main thread"] = folder / "imports-off-the-main-thread.json"
    arguments = ["board-pack", "--period", "2026 Q3", "--compare", "2026 Q2", "--warehouse", str(sample_warehouse_path)]
    command = [sys.executable, "-c", COMMAND_NOTING_IMPORTS_OFF_THE_MAIN_THREAD, str(files["imports off the main thread"])]
    if can_cut_the_network():
        command = ["unshare", "--net", *command]
    finished = subprocess.run(
        [*command, *arguments, "--out", str(files["pdf"])], capture_output=True, text=True, timeout=600, cwd=PROJECT_ROOT
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    result = runner.invoke(app, [*arguments, "--out", str(files["html"])], terminal_width=80)
    assert result.exit_code == 0, result.output
    return files


def test_every_module_is_imported_on_the_main_thread(written):
    """Two threads importing at once can take the same modules' import locks in opposite orders, and Python then
    fails one with a deadlock error, now and then: the command imports everything before its threads need it."""
    assert json.loads(written["imports off the main thread"].read_text()) == []


@pytest.fixture(scope="module")
def pages(written) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(written["pdf"]), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]  # pdftotext ends every page with a form feed


@pytest.fixture(scope="module")
def plan(sample_warehouse):
    return plan_view(sample_warehouse, rule_for(Audience.BOARD, Settings()))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_pages_come_in_order_one_per_section_and_one_per_priority(written, pages, plan):
    info = subprocess.run(["pdfinfo", str(written["pdf"])], check=True, capture_output=True, text=True).stdout
    assert "A4" in info
    priorities = plan.priorities()
    assert len(pages) == 8 + len(priorities) == int(re.search(r"Pages:\s+(\d+)", info)[1])
    headings = [
        "Brackenfold Domestic and Sexual Violence Board",
        "Summary",
        "Scorecard: the whole district, 2026 Q3",
        *[f"Priority: {name.capitalize()}" for name in priorities],
        "Prevalence by ward",
        "Service gaps",
        "Attrition: from incident to conviction",
        "Data notes",
        "Glossary",
    ]
    for number, (page, heading) in enumerate(zip(pages, headings, strict=True), start=1):
        assert flat(page).strip().startswith(heading), f"page {number} should start with {heading!r}"
        if number > 1:
            assert f"Page {number} of {len(pages)}" in page


def test_the_summary_names_the_highest_ward_the_changes_and_the_targets_off_track_with_owners(pages, plan):
    summary = flat(pages[1])
    assert "Greystone Park has the highest rate of reported domestic abuse" in summary
    assert "What changed since 2026 Q2" in summary and re.search(r"No real change in \d+ indicators", summary)
    flagged = plan.targets.filter(pl.col("needs_attention"))
    assert flagged.height > 0
    for row in flagged.iter_rows(named=True):
        assert row["target_id"] in summary
        assert flat(row["owner"] or "no named owner") in summary


def test_the_figures_are_the_pages_figures(pages, sample_warehouse):
    from metrics.compute import Filters
    from metrics.scorecard import scorecard

    tiles = scorecard(sample_warehouse, Filters(period=parse_period("2026 Q3")), rule_for(Audience.BOARD, Settings()))
    scorecard_page = flat(pages[2])
    for row in tiles.iter_rows(named=True):
        assert f"{row['value']:.1f}" in scorecard_page
        assert f"{row['lower_95']:.1f} to {row['upper_95']:.1f}" in scorecard_page
    prevalence = flat(pages[-5])
    assert "Greystone Park" in prevalence and "The communities that report least" in prevalence


def test_no_count_from_1_to_7_appears(written, pages):
    cells = CountCells()
    cells.feed(written["html"].read_text(encoding="utf-8"))
    assert cells.values, "the HTML marks its count cells"
    assert not [value for value in cells.values if re.fullmatch(r"[1-7]", value.strip())]
    assert "*" in cells.values  # the sample's quarter has small counts, hidden
    words = flat(" ".join(pages))
    assert not SMALL_IN_WORDS.findall(words)


def test_the_html_version_has_the_same_content(written, pages):
    html = written["html"].read_text(encoding="utf-8")
    text = flat(re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)))
    summary = flat(pages[1])
    for sentence in re.findall(r"Greystone Park has the highest rate[^.]*\.", summary):
        assert sentence in text.replace("&#39;", "'")
    assert html.count("data:image/svg+xml") >= 4  # the charts travel inside the page
    assert "http://" not in re.sub(r'xmlns(:\w+)?="http://[^"]+"', "", html.split("<body>")[1]).split("data:image")[0]


def test_the_export_is_recorded(written, sample_warehouse_path):
    records = [json.loads(line) for line in (sample_warehouse_path / "audit.jsonl").read_text().splitlines()]
    packs = [record for record in records if record["export"].startswith("board pack")]
    assert {record["file_name"] for record in packs} >= {str(written["pdf"].resolve()), str(written["html"].resolve())}
    ours = [record for record in packs if record["file_name"] in {str(written["pdf"].resolve()), str(written["html"].resolve())}]
    # other tests sharing the warehouse (a download from the dashboard) record packs of their own periods
    assert ours and all(record["filters"]["period"].startswith("2026 Q3") for record in ours)


def test_pages_render_to_pictures(written, tmp_path):
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(written["pdf"]), str(tmp_path / "page")], check=True)
    pictures = sorted(tmp_path.glob("page-*.png"))
    assert len(pictures) >= 10 and all(picture.stat().st_size > 5_000 for picture in pictures)
    if os.environ.get("OVERSIGHT_SCREENSHOTS"):  # `make screenshots` refreshes the README's picture of page 2
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "80",
                "-png",
                "-f",
                "2",
                "-l",
                "2",
                "-singlefile",
                str(written["pdf"]),
                str(README_PAGE.with_suffix("")),
            ],
            check=True,
        )


def test_a_bad_period_or_ward_or_file_type_exits_2(sample_warehouse_path, tmp_path):
    for arguments in (["--period", "last quarter"], ["--ward", "E05000000"], ["--out", str(tmp_path / "pack.docx")]):
        options = {"--out": str(tmp_path / "pack.pdf"), **dict(zip(arguments[::2], arguments[1::2], strict=True))}
        result = runner.invoke(
            app,
            ["board-pack", "--warehouse", str(sample_warehouse_path), *[item for pair in options.items() for item in pair]],
            terminal_width=80,
        )
        assert result.exit_code == 2, arguments
        assert "Cannot write the board pack" in result.output


class CountCells(HTMLParser):
    """The text of every element the template marks as a count."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if "count" in (dict(attrs).get("class") or "").split():
            self._depth = 1
            self.values.append("")
        elif self._depth:
            self._depth += 1

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.values[-1] += data


def test_no_chromium_is_a_clear_error_not_a_traceback(sample_warehouse_path, tmp_path, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium-here"))
    result = runner.invoke(
        app, ["board-pack", "--warehouse", str(sample_warehouse_path), "--out", str(tmp_path / "pack.pdf")], terminal_width=80
    )
    assert result.exit_code == 2
    assert "could not draw the pack's charts" in flat(result.output)
    assert not (tmp_path / "pack.pdf").exists()


def test_the_prevalence_map_names_every_ward_in_the_pdf(pages, sample_warehouse):
    """The map's ward names are text in the PDF (vector, typeset offline), not only colours."""
    names = [name for (name,) in sample_warehouse.execute("select ward_name from mart_wards").fetchall()]
    prevalence = next(page for page in pages if flat(page).strip().startswith("Prevalence by ward"))
    above_the_table = flat(prevalence.split("Highest wards")[0])
    assert len(names) >= 20 and [name for name in names if name not in above_the_table] == []


def test_the_summary_stays_one_page_when_many_targets_are_off_track(sample_warehouse, tmp_path):
    """Beyond the summary's table rows, the other targets off track are named in one line with their owners,
    so the summary never spills onto a second page."""
    from dataclasses import replace

    from metrics.board.pack import board_pack
    from ui.board_pack.document import pack_file
    from ui.board_pack.sections import SUMMARY_TARGET_ROWS

    pack = board_pack(
        sample_warehouse,
        period=parse_period("2026 Q3"),
        previous=parse_period("2026 Q2"),
        rule=rule_for(Audience.BOARD, Settings()),
    )
    template = pack.summary.off_track[0]
    many = tuple(
        replace(template, target_id=f"T-{number:02d}", label=f"T-{number:02d}: a target", owner=f"Owner {number:02d}")
        for number in range(14)
    )
    pdf = tmp_path / "many.pdf"
    pdf.write_bytes(pack_file(replace(pack, summary=replace(pack.summary, off_track=many)), "pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    summary, after = (flat(page) for page in text.split("\f")[1:3])

    assert summary.strip().startswith("Summary") and after.strip().startswith("Scorecard")
    assert "Also off track or missed" in summary
    for target in many:
        assert target.target_id in summary and target.owner in summary
    rows = [target for target in many if target.label in summary]
    assert len(rows) == SUMMARY_TARGET_ROWS < len(many)


def test_a_tab_whose_page_had_not_loaded_its_script_is_opened_again_once():
    """On a busy machine Kaleido can take its tab's first script context before the page has loaded the drawing
    script, and every chart then fails with the script 'not defined': the session opens its browser again once."""
    import plotly.graph_objects as go

    from ui.board_pack.chromium import PAGE_NOT_READY, ChartSession

    figure = go.Figure(go.Bar(x=["a"], y=[2]), layout={"width": 300, "height": 200})

    async def not_ready(*_arguments, **_options):
        raise RuntimeError(f"ReferenceError: {PAGE_NOT_READY}")

    with ChartSession() as session:
        session._opened.result()
        first_browser = session._browser
        first_browser.calc_fig = not_ready
        (svg,) = session.render([figure])
        assert session._browser is not first_browser
        assert "<svg" in svg
