"""Write the lock files `make install` and `make test` install from, or check that they are current.

requirements.lock (the dashboard and the command line) and requirements-test.lock (the same plus
the test tools) pin every package to one version with its hashes, resolved by uv from the ranges
in pyproject.toml for every platform and every supported Python. They name no package index:
installs use whichever index the machine is set up for, and the hashes make sure the files are
the ones that were locked. The first line of each records a digest of pyproject.toml's
requirements, so a stale lock is found without asking any index.

    python tools/lock.py            keep every locked version that still fits; resolve what changed
    python tools/lock.py --upgrade  move everything to the newest version allowed
    python tools/lock.py --check    exit 1 with a message when a lock no longer matches pyproject.toml
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCKS = {"requirements.lock": (), "requirements-test.lock": ("--extra", "test")}
DIGEST_PREFIX = "# pyproject.toml requirements sha256: "
OLDEST_PYTHON = "3.11"


def requirements_digest(pyproject: dict) -> str:
    """What the locks were resolved from: the Python range and every requirement, by group."""
    project = pyproject["project"]
    declared = {
        "requires-python": project.get("requires-python"),
        "dependencies": sorted(project.get("dependencies", [])),
        "optional-dependencies": {group: sorted(items) for group, items in project.get("optional-dependencies", {}).items()},
    }
    return hashlib.sha256(json.dumps(declared, sort_keys=True).encode()).hexdigest()


def recorded_digest(lock_text: str) -> str | None:
    first = lock_text.splitlines()[0] if lock_text else ""
    return first.removeprefix(DIGEST_PREFIX) if first.startswith(DIGEST_PREFIX) else None


def stale_locks(root: Path = ROOT) -> list[str]:
    digest = requirements_digest(tomllib.loads((root / "pyproject.toml").read_text()))
    stale = []
    for name in LOCKS:
        path = root / name
        if not path.exists() or recorded_digest(path.read_text()) != digest:
            stale.append(name)
    return stale


def write_locks(*, upgrade: bool) -> None:
    uv = Path(sys.executable).with_name("uv")
    digest = requirements_digest(tomllib.loads((ROOT / "pyproject.toml").read_text()))
    for name, extra in LOCKS.items():
        command = [
            str(uv),
            "pip",
            "compile",
            "pyproject.toml",
            *extra,
            "--universal",
            "--python-version",
            OLDEST_PYTHON,
            "--generate-hashes",
            "--no-emit-index-url",
            "--no-emit-find-links",
            "--no-header",
            "--quiet",
            "--output-file",
            name,
            *(["--upgrade"] if upgrade else []),
        ]
        subprocess.run(command, cwd=ROOT, check=True)
        path = ROOT / name
        body = [line for line in path.read_text().splitlines() if not line.startswith(DIGEST_PREFIX)]
        header = [DIGEST_PREFIX + digest, "# Written by `make lock` (tools/lock.py) from pyproject.toml; do not edit by hand."]
        path.write_text("\n".join(header + [line for line in body if not line.startswith("# Written by `make lock`")]) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="move every package to the newest version allowed")
    parser.add_argument("--check", action="store_true", help="only check that the locks match pyproject.toml")
    arguments = parser.parse_args()
    if arguments.check:
        stale = stale_locks()
        if stale:
            print(f"{', '.join(stale)} no longer match pyproject.toml: run `make lock` and commit them", file=sys.stderr)
            return 1
        return 0
    write_locks(upgrade=arguments.upgrade)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
