"""Reference tables for the README, generated from the one settings class."""

from __future__ import annotations

from oversight.settings import Settings


def settings_table() -> str:
    """The Markdown table of every setting: environment variable, default, meaning."""
    lines = ["| environment variable | default | what it does |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        shown = "project `data/" + str(default).split("/data/", 1)[1] + "`" if "/data/" in str(default) else f"`{default}`"
        lines.append(f"| `OVERSIGHT_{name.upper()}` | {shown} | {field.description} |")
    return "\n".join(lines)


START, END = "<!-- settings-table:start -->", "<!-- settings-table:end -->"


def readme_with_settings(readme: str) -> str:
    """The README text with the block between the settings markers regenerated."""
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{settings_table()}\n{END}{tail}"


if __name__ == "__main__":
    from oversight.settings import PROJECT_ROOT

    readme_path = PROJECT_ROOT / "README.md"
    readme_path.write_text(readme_with_settings(readme_path.read_text(encoding="utf-8")), encoding="utf-8")
