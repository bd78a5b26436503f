"""The README cannot drift from the product: its command table lists every subcommand and option
`oversight --help` offers, and its page table every page app.py routes."""

from __future__ import annotations

import ast
import re

import typer.main
from typer.testing import CliRunner

from oversight.cli import app
from oversight.settings import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _table_after(header: str) -> list[list[str]]:
    """The rows (cells stripped, escaped pipes kept inside cells) of the Markdown table starting with `header`."""
    lines = README.split(header, 1)[1].splitlines()[2:]
    rows = []
    for line in lines:
        if not line.startswith("|"):
            break
        cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        rows.append([cell.strip().replace("\\|", "|") for cell in cells])
    return rows


def _commands(command=None, path: tuple[str, ...] = ()):
    """(words after `oversight`, long options) for every command `oversight --help` and its groups list."""
    command = command or typer.main.get_command(app)
    for name, sub in getattr(command, "commands", {}).items():
        if sub.hidden:
            continue
        if hasattr(sub, "commands"):
            yield from _commands(sub, (*path, name))
        else:
            yield " ".join((*path, name)), _long_options(sub)


def _long_options(command) -> list[str]:
    return [
        name
        for parameter in command.params
        if parameter.param_type_name == "option" and not parameter.hidden
        for name in parameter.opts
        if name.startswith("--") and name != "--help"
    ]


def test_the_command_table_lists_every_subcommand_and_option():
    rows = [row[0] for row in _table_after("| command | what it does |")]
    commands = list(_commands())
    assert len(commands) >= 9
    for words, options in commands:
        matching = [cell for cell in rows if re.match(rf"`oversight {re.escape(words)}(?=[ `])", cell)]
        assert matching, f"the README's command table has no row for `oversight {words}`"
        for option in options:
            assert re.search(rf"{re.escape(option)}(?![\w-])", matching[0]), (
                f"the README's row for `oversight {words}` does not mention {option}"
            )
    top_level = _long_options(typer.main.get_command(app))
    assert all(any(option in cell for cell in rows) for option in top_level), top_level


def test_every_command_in_the_table_exists():
    known = {words for words, _ in _commands()}
    for cell in (row[0] for row in _table_after("| command | what it does |")):
        named = re.match(r"`oversight ([a-z][a-z-]*(?: [a-z][a-z-]*)?)", cell)
        if named is None:  # a row about `oversight --option`
            continue
        words = named.group(1)
        assert words in known or words.split()[0] in known, f"the README lists `oversight {words}`, which does not exist"


def test_the_page_table_lists_every_page_app_py_routes():
    tree = ast.parse((PROJECT_ROOT / "app.py").read_text(encoding="utf-8"))
    titles = [
        keyword.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page"
        for keyword in node.keywords
        if keyword.arg == "title"
    ]
    assert len(titles) >= 9
    listed = [row[0] for row in _table_after("| page | what it answers |")]
    assert listed == titles, "the README's page table should list app.py's pages, in its order"


def test_help_prints_square_brackets_as_written():
    serve_help = CliRunner().invoke(app, ["serve", "--help"], terminal_width=200).output
    assert "no usable [auth] section" in serve_help


def test_the_refusal_to_serve_keeps_the_auth_section_name(monkeypatch):
    monkeypatch.setenv("OVERSIGHT_AUTH_MODE", "none")
    monkeypatch.delenv("OVERSIGHT_ALLOW_UNAUTHENTICATED_REMOTE", raising=False)
    refused = CliRunner().invoke(app, ["serve", "--address", "0.0.0.0"])
    assert refused.exit_code == 2
    assert "with an [auth] section in .streamlit/secrets.toml" in refused.output
