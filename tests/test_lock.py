"""uv.lock, the exact versions `make install` and `make test` install, follows pyproject.toml's ranges.

The lock records the project's own requirements as they stood when it was made; when they no
longer match pyproject.toml (a dependency added, removed or its range changed), the lock is stale
and `make lock` rebuilds it.
"""

from __future__ import annotations

import copy
import tomllib

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from oversight.settings import PROJECT_ROOT

PROJECT = "oversight"


def _load(name: str) -> dict:
    with (PROJECT_ROOT / name).open("rb") as handle:
        return tomllib.load(handle)


def _declared(pyproject: dict) -> set[tuple]:
    """Each requirement pyproject.toml declares: (name, range, extras, the optional group it belongs to)."""
    project = pyproject["project"]
    groups = [(None, project.get("dependencies", []))] + list(project.get("optional-dependencies", {}).items())
    declared = set()
    for group, requirements in groups:
        for text in requirements:
            requirement = Requirement(text)
            declared.add((canonicalize_name(requirement.name), SpecifierSet(str(requirement.specifier)),
                          frozenset(requirement.extras), group))
    return declared


def _locked_requirements(lock: dict) -> set[tuple]:
    """The same, as the lock recorded them for the project when it was made."""
    (package,) = [package for package in lock["package"] if package["name"] == PROJECT]
    recorded = set()
    for entry in package.get("metadata", {}).get("requires-dist", []):
        marker = entry.get("marker", "")
        group = marker.split("extra == '", 1)[1].split("'", 1)[0] if "extra == '" in marker else None
        recorded.add((canonicalize_name(entry["name"]), SpecifierSet(entry.get("specifier", "")),
                      frozenset(entry.get("extras", [])), group))
    return recorded


def lock_drift(pyproject: dict, lock: dict) -> list[str]:
    """Every way the lock no longer matches pyproject.toml; empty when it is up to date."""
    declared, recorded = _declared(pyproject), _locked_requirements(lock)
    drift = [f"declared but not locked: {item[0]}{item[1]} ({item[3] or 'main'})" for item in sorted(declared - recorded, key=str)]
    drift += [f"locked but no longer declared: {item[0]}{item[1]} ({item[3] or 'main'})"
              for item in sorted(recorded - declared, key=str)]
    if lock.get("requires-python") != pyproject["project"].get("requires-python"):
        drift.append(f"requires-python {pyproject['project'].get('requires-python')} is locked as {lock.get('requires-python')}")
    return drift


def test_the_lock_matches_pyproject():
    drift = lock_drift(_load("pyproject.toml"), _load("uv.lock"))
    assert drift == [], "uv.lock is stale: run `make lock` and commit uv.lock\n" + "\n".join(drift)


def test_every_locked_version_is_in_the_declared_range():
    lock = _load("uv.lock")
    versions: dict[str, list[str]] = {}
    for package in lock["package"]:
        versions.setdefault(canonicalize_name(package["name"]), []).append(package["version"])
    for name, specifier, _, group in _declared(_load("pyproject.toml")):
        assert versions.get(name), f"{name} ({group or 'main'}) is not in uv.lock"
        for version in versions[name]:
            assert specifier.contains(version, prereleases=True), f"uv.lock has {name} {version}, outside {specifier}"


def test_a_changed_dependency_makes_the_lock_stale():
    pyproject, lock = _load("pyproject.toml"), _load("uv.lock")
    added = copy.deepcopy(pyproject)
    added["project"]["dependencies"].append("not-a-dependency-yet>=1.0")
    narrowed = copy.deepcopy(pyproject)
    narrowed["project"]["dependencies"] = [("duckdb>=99" if text.startswith("duckdb") else text)
                                           for text in narrowed["project"]["dependencies"]]
    moved = copy.deepcopy(pyproject)
    moved["project"]["optional-dependencies"]["test"].append(moved["project"]["dependencies"].pop())

    assert lock_drift(added, lock) == ["declared but not locked: not-a-dependency-yet>=1.0 (main)"]
    assert any("duckdb>=99" in line for line in lock_drift(narrowed, lock))
    assert len(lock_drift(moved, lock)) == 2


def test_the_licence_is_an_spdx_expression():
    project = _load("pyproject.toml")["project"]
    assert project["license"] == "MIT"
