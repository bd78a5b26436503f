"""Disclosure control end to end, on the sample warehouse: every page a board member is offered and every
export a commissioner can make shows no count from 1 to the threshold, and no hidden count can be worked
out from the totals and rates shown beside it.

A board session is opened per page the board is offered (app.py's pages, by ui/access.py) and per filter
(the whole district; one ward, where small counts are common; that ward and one group), and every choice
the page offers (its measure, cut or cohort) is made in turn. What the page shows is read for small counts;
everything the session receives from the data layer is recorded, as that is what could leak, and the same
queries are run unsuppressed to know the truth. Each count goes to an attacker who knows the rule, the
totals it adds up to and the rates worked out from it (`tests/pages/published_counts.py`).

A board member is offered no download. A commissioner, the lowest role with exports, gets the same figures:
each CSV must be a table the page shows, and the gap-analysis workbook, cell for cell, the analysis the
attacker is given.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

import openpyxl
import polars as pl
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from metrics.aggregate import GroupFilters
from metrics.compute import Filters, compute
from metrics.disclosure import SUPPRESSED_TEXT, Audience, DisclosureRule, rule_for
from metrics.export import columns
from metrics.export.gap_analysis import SHEETS, sheet_tables
from metrics.export.gap_sheets import COVERAGE_BLOCKS, LOW_REACH, NO_SERVICE
from metrics.export.workbook_cells import NOT_ESTIMATED, cells_as_written
from metrics.journeys import COHORTS
from metrics.journeys import CUTS as JOURNEY_CUTS
from metrics.periods import Period, rolling_12_months
from metrics.registry import all_indicators
from metrics.safe_output import neutralised_frame
from metrics.service_gaps import GROUP_SHORT_LABELS, gap_analysis
from oversight.settings import PROJECT_ROOT, Settings
from tests.pages.apptest_tools import chart_key
from tests.pages.published_counts import Cell, Findings, read
from tests.pages.test_roles import PERSON_COUNT, SMALL_IN_WORDS, WARD, open_as
from ui import access, cache

RULE = rule_for(Audience.BOARD, Settings())
UNSUPPRESSED = DisclosureRule.unsuppressed()
BOARD_PACK_FILE, BOARD_PACK_LABEL = "board-pack-", "Download the board pack"  # the Overview's paper for every role
ROUTED = re.findall(r'st\.Page\("([^"]+)", title="([^"]+)"', (PROJECT_ROOT / "app.py").read_text(encoding="utf-8"))
BOARD_PAGE_FILES = [path for path, title in ROUTED if access.may_see(title, Audience.BOARD)]
COMMISSIONER_PAGE_FILES = [path for path, title in ROUTED if access.may_see(title, Audience.COMMISSIONER)]
FILTERS = {
    "whole district": {},
    "one ward": {"ward": WARD},
    "one ward, men": {"ward": WARD, "sex": "male"},
    "one ward, Asian victims": {"ward": WARD, "ethnicity": "asian"},
    "men aged 16-17, no ward": {"sex": "male", "age_band": "16-17"},  # a demographic selection is protected too
}
# Rates, shares, limits, days, register figures and residents: the numbers on a page that are not counts of people.
NOT_A_COUNT = re.compile(
    r"%|\bper\b|rate|\bci\b|lower|upper|limit|\bdays?\b|median|fte|places|services taking|share|"
    r"\byear|quarter|month|code|expected|women aged|caseload|compared|in words|ratio|benchmark|value$",
    re.IGNORECASE,
)
MIDNIGHT = re.compile(r"\d{4}-\d{2}-\d{2}T00:00:00(\.0+)?")
NODE_COUNT = re.compile(r":\s*([\d,]+)\s*\(")  # a Sankey node: "Heard at MARAC: 45 (8%)"


@dataclass
class Download:
    label: str
    data: object
    file_name: str

    def content(self) -> bytes:
        data = self.data() if callable(self.data) else self.data
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)


@dataclass
class Session:
    """One signed-in session on one page: what it received from the data layer, showed, and offered to download."""

    app: AppTest
    received: list[tuple[str, dict, object]] = field(default_factory=list)
    downloads: list[Download] = field(default_factory=list)
    shown_small: list[str] = field(default_factory=list)
    choices_made: int = 0


def open_session(monkeypatch, warehouse, role: str, page: str, filters: dict[str, str]) -> Session:
    """Sign in as `role` and open `page`, recording every fetch and every download button."""
    session = Session(app=None)
    fetch, download_button = cache.fetch, streamlit.download_button

    def recording_fetch(name, **arguments):
        result = fetch(name, **arguments)
        session.received.append((name, arguments, result))
        return result

    def recording_download_button(label, data=None, **options):
        session.downloads.append(Download(label, data, options.get("file_name")))
        return download_button(label, data, **options)

    monkeypatch.setattr(cache, "fetch", recording_fetch)
    monkeypatch.setattr(streamlit, "download_button", recording_download_button)
    session.app, _ = open_as(monkeypatch, warehouse, role, page=page, **filters)
    return session


def make_every_choice(session: Session, page: str) -> None:
    """Choose each option of each of the page's own selections in turn (its measure, cut, cohort ...),
    checking what every choice shows; then go back to the first option."""
    app = session.app
    read_words = page != "pages/definitions.py"  # its prose states rules: "3 incidents in 12 months"

    def small_counts_shown() -> list[str]:
        # the action plan's summary counts targets, not people
        of_targets = {tuple(view.priority_table().columns) for name, _, view in session.received if name == "plan_view"}
        return small_counts_on_page(app, read_words=read_words, tables_of_targets=of_targets)

    session.shown_small += [f"{page}: {found}" for found in small_counts_shown()]
    for key in [box.key for box in app.main.selectbox if box.key]:
        first = app.selectbox(key=key).value
        for label in app.selectbox(key=key).options:
            box = next((box for box in app.main.selectbox if box.key == key), None)
            if box is None or label not in box.options:
                continue  # a choice made earlier replaced this selection
            choice = option_value(box, label, session)
            if choice == box.value:
                continue
            box.set_value(choice).run()
            assert not app.exception, [error.message for error in app.exception]
            session.choices_made += 1
            session.shown_small += [f"{page} {key}={label}: {found}" for found in small_counts_shown()]
        box = next((box for box in app.main.selectbox if box.key == key), None)
        if box is not None and box.value != first:
            box.set_value(first).run()


def option_value(box, label: str, session: Session):
    """The value behind an option's label: AppTest sees only labels, and a page may show a measure's title for its id."""
    candidates = [
        label,
        label.lower(),
        *(indicator.id for indicator in all_indicators()),
        *COHORTS,
        *JOURNEY_CUTS,
        *(target for name, _, view in session.received if name == "plan_view" for target in view.targets["target_id"]),
    ]
    for candidate in candidates:
        try:
            if str(box.format_func(candidate)) == label:
                return candidate
        except (KeyError, TypeError, AttributeError):  # a label passed to a format function that takes values
            continue
    raise AssertionError(f"no value of {box.key} is shown as {label!r}")


# --- what a page shows ------------------------------------------------------------------------------


def small_counts_on_page(app: AppTest, *, read_words: bool, tables_of_targets: set[tuple] = frozenset()) -> list[str]:
    """Counts from 1 to the threshold in the page's words, tiles, tables and charts."""
    found = []
    if read_words:
        words = [
            element.value
            for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error")
            for element in getattr(app, kind)
        ]
        found += [match.group(0) for text in words for match in SMALL_IN_WORDS.finditer(str(text))]
    found += small_tiles(app)
    for table in app.dataframe:
        if tuple(table.value.columns) not in tables_of_targets:
            found += small_counts_in_table(table.value.columns, table.value.to_dict("list"))
    for chart in app.get("plotly_chart"):
        found += [f"{chart_key(chart)}: {value}" for value in small_counts_in_figure(json.loads(chart.proto.spec))]
    return found


def in_page_order(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from in_page_order(child)


def small_tiles(app: AppTest) -> list[str]:
    """A tile's big number is a count when its unit (the caption under it) is a count of people."""
    elements = [element for element in in_page_order(app.main) if getattr(element, "type", None) in ("markdown", "caption")]
    found = []
    for index, element in enumerate(elements[:-1]):
        if element.type == "markdown" and str(element.value).startswith("### ") and elements[index + 1].type == "caption":
            number, unit = element.value.removeprefix("### ").split("\n")[0], elements[index + 1].value
            if not NOT_A_COUNT.search(unit) and is_small(number):
                found.append(f"tile {number} {unit}")
    return found


def small_counts_in_table(headers, values: dict) -> list[str]:
    """Every column of counts (any column not a rate, limit, day or register figure) holds no count from 1 to the threshold."""
    found = []
    for header in headers:
        cells = values[header]
        if NOT_A_COUNT.search(str(header)):
            continue
        found += [f"{header}={cell}" for cell in cells if is_small(cell)]
        found += [
            f"{header}: {match.group(0)}" for cell in cells if isinstance(cell, str) for match in SMALL_IN_WORDS.finditer(cell)
        ]
    return found


def small_counts_in_figure(spec: dict) -> list[str]:
    """Counts a chart carries: bar lengths, Sankey links and nodes, map shading of counts, and words in hover text."""
    found = []
    layout = spec.get("layout", {})
    for trace in spec["data"]:
        kind = trace.get("type")
        for name in ("text", "hovertext", "customdata"):
            texts = trace.get(name)
            texts = texts if isinstance(texts, list) else [texts]
            found += [match.group(0) for text in texts if isinstance(text, str) for match in SMALL_IN_WORDS.finditer(text)]
        label = f"{trace.get('name', '')} {trace.get('hovertemplate', '')}"
        if kind == "sankey":
            found += [f"link {value}" for value in trace.get("link", {}).get("value", []) if is_small(value)]
            found += [
                f"node {label}"
                for label in trace.get("node", {}).get("label", [])
                for count in NODE_COUNT.findall(label)
                if is_small(count)
            ]
        elif kind == "bar":
            axis = "x" if trace.get("orientation") == "h" else "y"
            title = layout.get(f"{axis}axis", {}).get("title", {})
            label += f" {title.get('text', '') if isinstance(title, dict) else title}"
            if not NOT_A_COUNT.search(label):
                found += [f"bar {label.strip()}={value}" for value in trace.get(axis) or [] if is_small(value)]
        elif kind in ("choropleth", "choroplethmap", "heatmap", "scatter"):
            colourbar = trace.get("colorbar", {}).get("title", {})
            label += f" {colourbar.get('text', '') if isinstance(colourbar, dict) else ''}"
            values = trace.get("z") if kind != "scatter" else trace.get("y")
            if PERSON_COUNT.search(label) and not NOT_A_COUNT.search(label):
                flat = [value for row in values or [] for value in (row if isinstance(row, list) else [row])]
                found += [f"{kind} {label.strip()}={value}" for value in flat if is_small(value)]
    return found


def is_small(value, threshold: int = RULE.threshold) -> bool:
    if isinstance(value, str):
        value = value.replace(",", "").strip()
        if not value.isdigit():
            return False
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return False
    number = float(value)
    return not math.isnan(number) and number.is_integer() and 1 <= number <= threshold


# --- what a session received ------------------------------------------------------------------------


class Unsuppressed:
    """The data layer's queries run without disclosure control, each once: what the published figures stand for."""

    def __init__(self, con) -> None:
        self.con = con
        self.results: dict[tuple, object] = {}
        self.totals: dict[Cell, int | None] = {}

    def query(self, name: str, arguments: dict):
        key = (name, repr(sorted(arguments.items())))
        if key not in self.results:
            self.results[key] = cache.QUERIES[name](self.con, UNSUPPRESSED, **arguments)
        return self.results[key]

    def run(self, query):
        return query(self.con, UNSUPPRESSED)

    def total(self, counted: Cell) -> int | None:
        """An indicator's count for a cell no query returned (the total a breakdown adds up to)."""
        if counted.measure[0] != "indicator":
            return None
        if counted not in self.totals:
            filters = Filters(Period(counted.start, counted.end, "total"), None, counted.groups())
            frame = compute(self.con, counted.measure[1], filters, rule=UNSUPPRESSED, with_trend=False)
            value = None if frame.is_empty() else frame[counted.measure[2]][0]
            self.totals[counted] = None if value is None else int(value)
        return self.totals[counted]


@pytest.fixture(scope="session")
def unsuppressed(sample_warehouse) -> Unsuppressed:
    return Unsuppressed(sample_warehouse)


def judge_received(session: Session, unsuppressed: Unsuppressed) -> Findings:
    """Read every result the session fetched beside the same query run unsuppressed, and arm the attacker."""
    findings = Findings(RULE, unsuppressed.total)
    seen = set()
    for name, arguments, result in session.received:
        if (name, repr(sorted(arguments.items()))) in seen:
            continue
        seen.add((name, repr(sorted(arguments.items()))))
        read(findings, name, arguments, result, unsuppressed.query(name, arguments), true_query=unsuppressed.run)
    findings.tie_breakdowns()
    findings.attacker.solve()
    return findings


def failures(findings: Findings) -> dict[str, list]:
    attacker = findings.attacker
    return {
        "counts from 1 to the threshold published": findings.small_shown,
        "counts below district level not rounded": findings.not_rounded,
        "rates or days shown beside a small count": findings.rates_of_small_counts,
        "hidden counts an attacker recovers": [(str(key), value) for key, value in attacker.recovered()],
        "numeric columns no reader declares": findings.undeclared,
        # the attacker's facts must be facts, or a passing test proves nothing
        "attacker's ranges that miss the true count": [
            (str(key), value, bounds) for key, value, bounds in attacker.unsound(findings.truth)
        ],
        "published figures that contradict each other": attacker.contradictions,
        "one count with two true values": findings.mismatched,
    }


def hidden_counts_attacked(findings: Findings) -> int:
    """Secret counts that are not 0, each of which the attacker tried and failed to pin down."""
    return sum(1 for key in findings.attacker.secret if findings.truth.get(key, 0) > 0)


@pytest.mark.parametrize("filters", list(FILTERS), ids=list(FILTERS))
@pytest.mark.parametrize("page", BOARD_PAGE_FILES)
def test_a_board_session_shows_no_small_count_and_no_recoverable_one(
    sample_warehouse_path, unsuppressed, monkeypatch, record_property, page, filters
):
    session = open_session(monkeypatch, sample_warehouse_path, "board", page, FILTERS[filters])
    make_every_choice(session, page)

    # the board pack is the one paper every role may download; it is made under the board's rule whoever asks
    # (tests/pages/test_board_pack_download.py, tests/oversight/test_board_pack.py)
    others = [download for download in session.downloads if not download.file_name.startswith(BOARD_PACK_FILE)]
    buttons = [button for button in session.app.get("download_button") if not button.proto.label.startswith(BOARD_PACK_LABEL)]
    assert not others and not buttons, "a board member is offered a download other than the board pack"
    assert not session.shown_small
    findings = judge_received(session, unsuppressed)
    record_property("hidden counts attacked", hidden_counts_attacked(findings))
    assert {problem: found for problem, found in failures(findings).items() if found} == {}
    if FILTERS[filters] and page not in ("pages/definitions.py", "pages/action_plan.py", "pages/overview.py"):
        # one ward (and one group) always hides some counts here, so the attacker is tested, not idle
        assert hidden_counts_attacked(findings) >= 3


def canal_wharf_by_sex(rule: DisclosureRule, con) -> list[tuple[str, dict, object]]:
    """What the Prevalence page receives for Canal Wharf's incidents, and by sex, under `rule`."""
    period = rolling_12_months(date(2026, 9, 30))  # the sample's latest 12 months
    queries = [
        (
            "indicator",
            {"indicator_id": "prevalence_incidents_per_1000", "filters": Filters(period, by, GroupFilters(ward_code=WARD))},
        )
        for by in (None, "sex")
    ]
    return [(name, arguments, cache.QUERIES[name](con, rule, **arguments)) for name, arguments in queries]


def test_the_checks_object_to_figures_without_disclosure_control(unsuppressed):
    received = canal_wharf_by_sex(UNSUPPRESSED, unsuppressed.con)
    found = failures(judge_received(Session(app=None, received=received), unsuppressed))
    assert found["counts from 1 to the threshold published"] and found["counts below district level not rounded"]


def test_the_attacker_works_out_a_count_hidden_alone_beside_its_total(unsuppressed, monkeypatch):
    # with no second count hidden beside a lone one in a cut, and rates worked out from the exact counts (as
    # they once were), the ward's total and the rates of women and men give away its 2 incidents of unknown sex
    monkeypatch.setattr("metrics.compute.CUTS_OF_A_TOTAL", ())
    monkeypatch.setattr("metrics.result_frame.shown_count", lambda count, rule: count)
    received = canal_wharf_by_sex(RULE, unsuppressed.con)
    recovered = failures(judge_received(Session(app=None, received=received), unsuppressed))["hidden counts an attacker recovers"]
    assert [value for cell, value in recovered if "sex=unknown" in cell] == [2]
    # and the rates undo the rounding of the counts beside them
    assert [cell for cell, value in recovered if "sex=female" in cell or "sex=male" in cell]


def test_rates_from_rounded_counts_leave_a_lone_hidden_count_and_the_rounding_alone(unsuppressed, monkeypatch):
    # the same cut with no second count hidden, but figures from the counts as published: nothing is recovered
    monkeypatch.setattr("metrics.compute.CUTS_OF_A_TOTAL", ())
    received = canal_wharf_by_sex(RULE, unsuppressed.con)
    found = failures(judge_received(Session(app=None, received=received), unsuppressed))
    assert found["hidden counts an attacker recovers"] == []


# --- exports ----------------------------------------------------------------------------------------


def csv_table(content: bytes) -> tuple[list[str], dict[str, list]]:
    """A CSV's columns, each cell a number, text, or None when blank (so a table and its file compare)."""
    lines = [line for line in content.decode("utf-8").splitlines() if not line.lstrip('"').startswith("#")]
    rows = list(csv.reader(lines))
    headers = rows[0]
    return headers, {header: [csv_cell(row[index]) for row in rows[1:]] for index, header in enumerate(headers)}


def csv_cell(text: str):
    if text in ("", "nan", "None", "NaN"):
        return None
    if MIDNIGHT.fullmatch(text):  # a date, as a table on the page holds it
        return text[:10]
    try:
        return normal(float(text.replace(",", "")))
    except ValueError:
        return text


def shown_tables(app: AppTest) -> list[tuple[list[str], dict[str, list[str]]]]:
    """The page's tables as a CSV would hold them (text, `nan` and `None` as blanks, and text a spreadsheet
    would read as a formula neutralised)."""
    tables = []
    for table in app.dataframe:
        frame = neutralised_frame(pl.from_pandas(table.value))
        buffer = io.StringIO()
        frame.write_csv(buffer)
        tables.append(csv_table(buffer.getvalue().encode("utf-8")))
    return tables


@pytest.mark.parametrize("filters", ["whole district", "one ward, men"])
@pytest.mark.parametrize("page", COMMISSIONER_PAGE_FILES)
def test_every_commissioner_export_holds_only_what_the_page_shows(sample_warehouse_path, monkeypatch, page, filters):
    session = open_session(monkeypatch, sample_warehouse_path, "commissioner", page, FILTERS[filters])
    tables = shown_tables(session.app)
    csv_downloads = [download for download in session.downloads if download.file_name.endswith(".csv")]
    if page not in ("pages/overview.py", "pages/definitions.py"):  # the two pages with no chart and table to export
        assert csv_downloads, "a commissioner can download the page's tables"
    for download in csv_downloads:
        headers, values = csv_table(download.content())
        assert (headers, values) in tables, f"{download.file_name} is not a table the page shows"
        assert not small_counts_in_table(headers, values), download.file_name
        counts = [header for header in headers if not NOT_A_COUNT.search(header) and PERSON_COUNT.search(header)]
        shown = [cell for header in counts for cell in values[header] if isinstance(cell, int)]
        if FILTERS[filters]:  # below district level every count shown is a multiple of the base
            assert all(cell % RULE.rounding_base == 0 for cell in shown), download.file_name


@pytest.mark.parametrize("ward", [None, WARD])
def test_the_gap_analysis_workbook_is_the_attacked_analysis_and_shows_no_small_count(
    sample_warehouse_path, sample_warehouse, monkeypatch, record_property, ward
):
    filters = {"ward": ward} if ward else {}
    session = open_session(monkeypatch, sample_warehouse_path, "commissioner", "pages/services.py", filters)
    workbook = next(download for download in session.downloads if download.file_name.endswith(".xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(workbook.content()))
    assert book.sheetnames == list(SHEETS)
    period = next(arguments["period"] for name, arguments, _ in session.received if name == "gap_analysis")
    analysis = gap_analysis(sample_warehouse, period, rule_for(Audience.COMMISSIONER, Settings()), ward_code=ward)

    # every table in the workbook is, cell for cell, a frame of the analysis the attacker is given below
    for sheet, (_, frame, spec, blanks) in sheet_tables(analysis).items():
        written = [body for _, _, body in workbook_tables(book[sheet])]
        assert written[:1] == [as_written(frame, spec, blanks)], sheet
    assert workbook_tables(book["Coverage"])[: len(COVERAGE_BLOCKS)] == coverage_as_written(analysis.coverage)

    small, not_rounded = counts_in_workbook(book)
    assert not small
    assert not not_rounded, "the workbook rounds every count, district totals too"
    findings = Findings(RULE, lambda counted: None)
    truth = gap_analysis(sample_warehouse, period, UNSUPPRESSED, ward_code=ward)
    read(
        findings,
        "gap_analysis",
        {"period": period, "ward_code": ward},
        analysis,
        truth,
        true_query=lambda query: query(sample_warehouse, UNSUPPRESSED),
    )
    findings.tie_breakdowns()
    findings.attacker.solve()
    record_property("hidden counts attacked", hidden_counts_attacked(findings))
    assert {problem: found for problem, found in failures(findings).items() if found} == {}
    assert hidden_counts_attacked(findings) >= 3


def workbook_tables(sheet) -> list[tuple[str, list, list[list]]]:
    """Each titled table of a sheet: its title, header and rows, each row as wide as its header."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    tables, index = [], 0
    while index + 1 < len(rows):
        title, header = rows[index], rows[index + 1]
        if title[0] and not any(title[1:]) and sum(value is not None for value in header) > 1:
            width = max(position for position, value in enumerate(header) if value is not None) + 1
            body, index = [], index + 2
            while index < len(rows) and any(value is not None for value in rows[index]):
                body.append([normal(value) for value in rows[index][:width]])
                index += 1
            tables.append((title[0], header[:width], body))
        index += 1
    return tables


def normal(value):
    """A cell as a comparable value: whole numbers as int, others to 10 significant figures."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() else float(f"{value:.10g}")
    if isinstance(value, date):
        return str(value)
    return value


def as_written(frame: pl.DataFrame, spec, blanks: dict[str, str] | None = None) -> list[list]:
    rows = [[normal(value) for value in values] for values in cells_as_written(frame, spec, blanks)]
    return rows or [["Nothing to show for this selection."] + [None] * (len(spec) - 1)]


def coverage_as_written(coverage: pl.DataFrame) -> list[tuple[str, list, list[list]]]:
    """The Coverage sheet's blocks: one ward x client group grid per measure, `*` where a count is hidden."""
    groups = [group for group in GROUP_SHORT_LABELS if group in set(coverage["client_group"])]
    cells = {(row["ward_code"], row["client_group"]): row for row in coverage.iter_rows(named=True)}
    wards = coverage.select("ward_code", "ward_name").unique(maintain_order=True).rows()
    blocks = []
    for title, name, flag, _ in COVERAGE_BLOCKS:
        header = ["Ward code", "Ward", *(GROUP_SHORT_LABELS[group] for group in groups)]
        body = []
        for ward_code, ward_name in wards:
            row = [ward_code, ward_name]
            for group in groups:
                entry = cells[(ward_code, group)]
                if name == "gap":
                    value = NO_SERVICE if entry["has_no_service"] else LOW_REACH if entry["has_low_reach"] else None
                else:
                    value = SUPPRESSED_TEXT if flag and entry[flag] and entry[name] is None else entry[name]
                    if value is None and name in ("unmet_need", "reach_pct_of_need", "estimated_need"):
                        value = NOT_ESTIMATED
                row.append(normal(value))
            body.append(row)
        blocks.append((title, header, body))
    return blocks


def counts_in_workbook(book) -> tuple[list[str], list[str]]:
    """Counts of people in the workbook from 1 to the threshold (in its count columns and blocks, and in its
    words), and counts not rounded. A count column is one written as a whole number that can be hidden."""
    specs = (columns.COVERAGE, columns.IDVA, columns.CAPACITY, columns.OUTCOMES, columns.INDICATORS)
    counts = {
        column.header: column.name
        for spec in specs
        for column in spec  # interval limits are not counts
        if column.hidden_with and column.number_format == "#,##0" and not NOT_A_COUNT.search(column.header)
    }
    counts |= {column.header: column.name for column in columns.INDICATORS if column.name == "denominator"}
    count_blocks = {title for title, name, *_ in COVERAGE_BLOCKS if name in counts.values()}
    small, not_rounded = [], []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            small += [
                f"{sheet.title}: {match.group(0)}"
                for value in row
                if isinstance(value, str)
                for match in SMALL_IN_WORDS.finditer(value)
            ]
        for title, header, body in workbook_tables(sheet):
            for index, heading in enumerate(header):
                if heading not in counts and not (title in count_blocks and index >= 2):
                    continue
                for value in (row[index] for row in body):
                    if isinstance(value, int | float) and not isinstance(value, bool):
                        where = f"{sheet.title} / {title} / {heading}: {value}"
                        if is_small(value):
                            small.append(where)
                        # a rate's denominator is residents, not a count of people to round
                        if value % RULE.rounding_base and counts.get(heading) != "denominator":
                            not_rounded.append(where)
    return small, not_rounded


# --- the board pack ---------------------------------------------------------------------------------

PACK_PERIOD = Period(date(2026, 7, 1), date(2026, 9, 30), "2026 Q3")
PACK_PREVIOUS = Period(date(2026, 4, 1), date(2026, 6, 30), "2026 Q2")
PACK_PAGES = ["pages/overview.py", "pages/prevalence.py", "pages/services.py", "pages/justice.py"]  # its sections' pages
SVG_IN_HTML = re.compile(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)")


def pack_and_what_it_used(monkeypatch, con, *, ward_code: str | None = None, rule: DisclosureRule = RULE):
    """The board pack for 2026 Q3 against Q2, with every data call it made, as the page queries of the same name
    and arguments: whatever the pack prints (its tables, sentences, charts and comparisons) is made from these."""
    from metrics.board import pack as pack_module

    received: list[tuple[str, dict, object]] = []

    def record(attribute: str, name: str, arguments_of, shown=lambda result: result) -> None:
        original = getattr(pack_module, attribute)

        def recording(*args, **kwargs):
            result = original(*args, **kwargs)
            received.append((name, arguments_of(*args, **kwargs), shown(result)))
            return result

        monkeypatch.setattr(pack_module, attribute, recording)

    record("scorecard", "scorecard", lambda con, filters, rule: {"filters": filters})
    record("plan_view", "plan_view", lambda con, rule, as_of: {"as_of": as_of})
    record(
        "ward_funnel", "ward_funnel", lambda con, rule, indicator_id, filters: {"indicator_id": indicator_id, "filters": filters}
    )
    record("reporting_by_group", "hidden_need_by_group", lambda con, rule, filters: {"filters": filters})
    record("gap_analysis", "gap_analysis", lambda con, period, rule, ward_code=None: {"period": period, "ward_code": ward_code})
    record(
        "attrition_funnel", "attrition_funnel", lambda con, period, rule, groups: {"period": period, "by": None, "groups": groups}
    )
    # the hot spots are the wards' charge rates, as the Justice page computes them, worst first
    record(
        "attrition_hotspots",
        "indicator",
        lambda con, period, rule: {"indicator_id": "charge_rate_pct", "filters": Filters(period=period, by="ward")},
        lambda frame: frame.drop("is_hotspot"),
    )
    pack = pack_module.board_pack(con, period=PACK_PERIOD, previous=PACK_PREVIOUS, rule=rule, ward_code=ward_code)
    received += data_notes_as_printed(pack)
    assert {name for name, _, _ in received} == {
        "scorecard",
        "plan_view",
        "ward_funnel",
        "hidden_need_by_group",
        "gap_analysis",
        "attrition_funnel",
        "indicator",
        "rows_by_extract",
        "freshness",
    }
    return pack, received


def data_notes_as_printed(pack) -> list[tuple[str, dict, object]]:
    """The data notes as the pack prints them (its own writer, `ui.board_pack.sections.context`), as the Data page's
    queries of the same name: the latest refresh's rows loaded and rejected per source ('*' as nothing), and each
    source's freshness in words. What was hidden, and why, is the rule in words and ward names, with no figure."""
    from ui.board_pack.sections import Drawn, context

    printed = context(pack, Drawn(priorities={}, ward_map=None, gaps=None, attrition=None))

    def count(text: str) -> int | None:
        return None if text == SUPPRESSED_TEXT else int(text.replace(",", ""))

    loads = pl.DataFrame(
        {
            "extract_title": [row["source"] for row in printed["loads"]],
            "rows_loaded": [count(row["loaded"]) for row in printed["loads"]],
            "rows_rejected": [count(row["rejected"]) for row in printed["loads"]],
        },
        schema={"extract_title": pl.String, "rows_loaded": pl.Int64, "rows_rejected": pl.Int64},
    )
    freshness = pl.DataFrame(
        {
            "extract_title": [row["source"] for row in printed["freshness"]],
            "status_text": [row["status"] for row in printed["freshness"]],
        },
        schema={"extract_title": pl.String, "status_text": pl.String},
    )
    # the rule in words (its threshold and rounding base are its only figures), then ward names: no count
    rule_words = [pack.rule.describe(), f"from 1 to {pack.rule.threshold}"]
    assert not [
        line
        for line in printed["suppression"]
        if re.search(r"\d", functools.reduce(lambda text, words: text.replace(words, ""), rule_words, line))
    ]
    return [("rows_by_extract", {"latest_runs": 1}, loads), ("freshness", {"today": None}, freshness)]


def test_the_board_pack_with_its_pages_gives_nothing_away(
    sample_warehouse_path, sample_warehouse, unsuppressed, monkeypatch, record_property
):
    """Everything the pack prints for 2026 Q3, and everything a board member fetches on the pack's pages for the same
    quarter (with every choice those pages offer), attacked at once: no hidden count is pinned, no rounding undone."""
    _, received = pack_and_what_it_used(monkeypatch, sample_warehouse)
    sessions = []
    for page in PACK_PAGES:
        session = open_session(monkeypatch, sample_warehouse_path, "board", page, {"period": "Quarter 2026 Q3"})
        make_every_choice(session, page)
        assert not session.shown_small, page
        sessions.append(session)
    together = Session(app=None, received=received + [fetched for session in sessions for fetched in session.received])
    assert any(
        arguments.get("filters", None) is not None and getattr(arguments["filters"], "period", None) == PACK_PERIOD
        for session in sessions
        for name, arguments, _ in session.received
        if name == "scorecard"
    )
    findings = judge_received(together, unsuppressed)
    record_property("hidden counts attacked", hidden_counts_attacked(findings))
    assert {problem: found for problem, found in failures(findings).items() if found} == {}
    assert hidden_counts_attacked(findings) >= 3  # a quarter hides counts, so the attacker is tested, not idle


def test_a_ward_s_board_pack_gives_nothing_away(sample_warehouse, unsuppressed, monkeypatch, record_property):
    _, received = pack_and_what_it_used(monkeypatch, sample_warehouse, ward_code=WARD)
    findings = judge_received(Session(app=None, received=received), unsuppressed)
    record_property("hidden counts attacked", hidden_counts_attacked(findings))
    assert {problem: found for problem, found in failures(findings).items() if found} == {}
    assert hidden_counts_attacked(findings) >= 3


def test_control_the_attacker_catches_a_pack_figure_made_without_disclosure_control(sample_warehouse, unsuppressed, monkeypatch):
    """The same pack with its funnel made from exact counts (as if the pack skipped disclosure control for it): the
    checks object and the attacker pins counts, so the passing tests above are not the attacker failing to look."""
    from metrics.attrition import attrition_funnel

    monkeypatch.setattr(
        "metrics.board.pack.attrition_funnel",
        lambda con, period, rule, groups: attrition_funnel(con, period, rule=UNSUPPRESSED, groups=groups),
    )
    _, received = pack_and_what_it_used(monkeypatch, sample_warehouse)
    found = failures(judge_received(Session(app=None, received=received), unsuppressed))
    caught = found["counts below district level not rounded"] + found["counts from 1 to the threshold published"]
    assert caught and [where for where in caught if not where.startswith("attrition_funnel(")] == []


def test_control_the_attacker_reads_the_pack_s_data_notes(sample_warehouse, unsuppressed, monkeypatch):
    """A refresh that rejected 3 rows of one source: the pack prints '*' and the attacker finds nothing; printed as it
    is (as if the data notes skipped disclosure control), the attacker reports it, so the data notes are read."""
    from metrics import data_quality
    from metrics.board import pack as pack_module
    from ui.board_pack import sections

    def three_rejected(con, rule, *, latest_runs):
        frame = data_quality.rows_by_extract(con, rule, latest_runs=latest_runs)
        return frame.with_columns(
            rows_rejected=pl.when(pl.col("extract") == "police_incidents").then(3).otherwise(pl.col("rows_rejected"))
        )

    monkeypatch.setattr(
        pack_module, "data_quality", SimpleNamespace(freshness=data_quality.freshness, rows_by_extract=three_rejected)
    )
    _, received = pack_and_what_it_used(monkeypatch, sample_warehouse)
    loads = next(result for name, _, result in received if name == "rows_by_extract")
    assert loads.filter(pl.col("rows_rejected").is_null()).height == 1
    assert (
        failures(judge_received(Session(app=None, received=received), unsuppressed))["counts from 1 to the threshold published"]
        == []
    )

    def loads_as_they_are(pack):
        return [
            {"source": row["extract_title"], "loaded": f"{row['rows_loaded']:,}", "rejected": f"{row['rows_rejected']:,}"}
            for row in pack.loads.iter_rows(named=True)
        ]

    monkeypatch.setattr(sections, "_loads", loads_as_they_are)
    _, received = pack_and_what_it_used(monkeypatch, sample_warehouse)
    caught = failures(judge_received(Session(app=None, received=received), unsuppressed))[
        "counts from 1 to the threshold published"
    ]
    assert [where for where in caught if "rows_rejected" in where] == [
        where for where in caught if where.startswith("rows_by_extract(")
    ]
    assert [where for where in caught if "rows_rejected" in where]


def test_no_count_from_1_to_7_in_the_pack_s_text_tables_or_charts(sample_warehouse, monkeypatch):
    """The HTML pack (the PDF is typeset from it): no table cell marked as a count, no sentence, and no number drawn
    in a chart (the funnel's bar labels, say) is a count from 1 to the threshold."""
    import base64

    from ui.board_pack.document import draw, pack_html

    pack, _ = pack_and_what_it_used(monkeypatch, sample_warehouse)
    html = pack_html(pack, drawn=draw(pack))
    charts = [base64.b64decode(encoded).decode("utf-8") for encoded in SVG_IN_HTML.findall(html)]
    assert len(charts) >= 4
    drawn_numbers = [
        text
        for chart in charts
        for text in re.findall(r"<text[^>]*>([^<]*)</text>", chart)
        if re.fullmatch(r"[\d,]+", text.strip())
    ]
    assert drawn_numbers, "the funnel's bars carry their counts"
    chart_labels = set(drawn_numbers)
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", SVG_IN_HTML.sub("", html)))
    assert not SMALL_IN_WORDS.findall(words)
    funnel = pack.attrition["count"].drop_nulls().to_list()
    assert {f"{count:,}" for count in funnel} <= chart_labels
    assert not [count for count in funnel if 1 <= count <= RULE.threshold]
