"""The recipes and the README's trace of one board number name only files that exist."""

import re

import pytest

from oversight.settings import PROJECT_ROOT

RECIPES = ["docs/how-to-add-an-indicator.md", "docs/how-to-add-an-extract.md"]
# a path in backticks: a folder of the repository, then a file or folder name (placeholders like <name> are left out)
PATH = re.compile(r"`((?:etl|pipeline|metrics|ui|pages|tests|docs|data|benchmarks)/[\w./-]*)`")


def missing(text: str) -> list[str]:
    paths = PATH.findall(text)
    assert paths, "names no files"
    return [path for path in paths if not (PROJECT_ROOT / path).exists()]


@pytest.mark.parametrize("recipe", RECIPES)
def test_every_file_a_recipe_names_exists(recipe):
    assert missing((PROJECT_ROOT / recipe).read_text(encoding="utf-8")) == []


def how_it_is_put_together() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## How it is put together")[1].split("\n## ")[0]


def test_every_file_the_readme_names_in_how_it_is_put_together_exists():
    assert missing(how_it_is_put_together()) == []


def test_the_readme_traces_one_board_number_through_about_eight_files():
    trace = how_it_is_put_together().split('One board number, "domestic abuse incidents per 1,000 by ward"')[1]
    steps = re.findall(r"^\d+\. `([^`]+)`", trace, flags=re.MULTILINE)
    assert len(steps) == 8 and all((PROJECT_ROOT / step).is_file() for step in steps)
