"""The lock files `make install` and `make test` install from follow pyproject.toml's ranges.

Each lock's first line records a digest of pyproject.toml's requirements as they stood when it was
made; when they change (a dependency added, removed or its range changed), the lock is stale and
`make lock` rebuilds it. None of this asks a package index.
"""

from __future__ import annotations

import copy
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from oversight.settings import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "tools"))
import lock as lockfile

PINNED = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+)(\[[^\]]*\])?==(?P<version>[^\s;\\]+)\s*(;\s*(?P<marker>[^\\]+?))?\s*\\?$")


def _pyproject() -> dict:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())


def _pins(name: str) -> list[tuple[str, str, str | None]]:
    """(package, version, marker) for each pin; a package may be pinned twice, once per range of Pythons."""
    pins = []
    for line in (PROJECT_ROOT / name).read_text().splitlines():
        match = PINNED.match(line)
        if match:
            pins.append((canonicalize_name(match["name"]), match["version"], match["marker"]))
    return pins


def _applies(marker: str | None) -> bool:
    return marker is None or Marker(marker).evaluate()


def _declared(pyproject: dict, *groups: str) -> list[Requirement]:
    project = pyproject["project"]
    texts = list(project["dependencies"])
    for group in groups:
        texts += project["optional-dependencies"][group]
    return [Requirement(text) for text in texts]


def test_the_locks_match_pyproject():
    assert lockfile.stale_locks() == [], "a lock is stale: run `make lock` and commit requirements*.lock"


@pytest.mark.parametrize(("lock", "groups"), [("requirements.lock", ()), ("requirements-test.lock", ("test",))])
def test_every_declared_requirement_is_pinned_inside_its_range(lock, groups):
    pins = _pins(lock)
    for requirement in _declared(_pyproject(), *groups):
        name = canonicalize_name(requirement.name)
        versions = [version for package, version, _ in pins if package == name]
        assert versions, f"{name} is not in {lock}"
        for version in versions:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"{lock} pins {name} {version}, outside {requirement.specifier}"
            )


def test_the_test_lock_pins_what_the_serve_lock_pins_at_the_same_versions():
    serve, test = set(_pins("requirements.lock")), set(_pins("requirements-test.lock"))
    assert serve <= test, f"pinned differently for the tests: {sorted(serve - test)}"


def test_every_pin_carries_hashes_and_no_lock_names_a_package_index():
    for name in lockfile.LOCKS:
        text = (PROJECT_ROOT / name).read_text()
        pinned_lines = [line for line in text.splitlines() if line[:1].isalnum()]
        assert len(pinned_lines) == len(_pins(name)) > 50, "every requirement line is an exact pin"
        assert text.count("--hash=sha256:") >= len(pinned_lines)
        assert not re.search(r"https?://|--index-url|--extra-index-url|--find-links", text)


def test_a_changed_dependency_makes_the_lock_stale(tmp_path: Path):
    pyproject = _pyproject()
    for name in lockfile.LOCKS:
        (tmp_path / name).write_text((PROJECT_ROOT / name).read_text())
    changes = []
    added = copy.deepcopy(pyproject)
    added["project"]["dependencies"].append("not-a-dependency-yet>=1.0")
    changes.append(added)
    narrowed = copy.deepcopy(pyproject)
    narrowed["project"]["dependencies"] = [
        ("duckdb>=99" if text.startswith("duckdb") else text) for text in narrowed["project"]["dependencies"]
    ]
    changes.append(narrowed)
    moved = copy.deepcopy(pyproject)
    moved["project"]["optional-dependencies"]["test"].append(moved["project"]["dependencies"].pop())
    changes.append(moved)
    python = copy.deepcopy(pyproject)
    python["project"]["requires-python"] = ">=3.12"
    changes.append(python)
    current = lockfile.requirements_digest(pyproject)
    for changed in changes:
        assert lockfile.requirements_digest(changed) != current
    reordered = copy.deepcopy(pyproject)
    reordered["project"]["dependencies"].reverse()
    assert lockfile.requirements_digest(reordered) == current, "the order requirements are written in is not a change"
    (tmp_path / "pyproject.toml").write_text(
        (PROJECT_ROOT / "pyproject.toml").read_text().replace('"duckdb>=', '"duckdb>=99, duckdb>=')
    )
    assert lockfile.stale_locks(tmp_path) == list(lockfile.LOCKS)


def test_this_environment_has_exactly_the_locked_versions():
    """`make test` installs from requirements-test.lock, so every pin that applies here is what is installed."""
    checked = 0
    for name, version, marker in _pins("requirements-test.lock"):
        if not _applies(marker):
            continue
        assert importlib.metadata.version(name) == version, f"{name} is {importlib.metadata.version(name)}, locked at {version}"
        checked += 1
    assert checked > 50


def test_the_licence_is_an_spdx_expression():
    assert _pyproject()["project"]["license"] == "MIT"
