"""The layers stay apart: import-linter's contracts from pyproject.toml hold."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from oversight.settings import PROJECT_ROOT


def test_import_layer_contracts_hold():
    linter = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([linter], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_etl_and_metrics_never_mention_streamlit():
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for package in ("etl", "metrics")
        for path in (PROJECT_ROOT / package).rglob("*.py")
        if "import streamlit" in path.read_text(encoding="utf-8") or "from streamlit" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def import_cycles(package: str) -> list[list[str]]:
    """Groups of modules in `package` that import each other in a circle (grimp sees imports inside functions too)."""
    import grimp

    graph = grimp.build_graph(package)
    modules = sorted(graph.modules)
    cycles = []
    for module in modules:
        reached = graph.find_downstream_modules(module) & set(modules)
        circle = sorted({module} | {other for other in reached if module in graph.find_downstream_modules(other)})
        if len(circle) > 1 and circle not in cycles:
            cycles.append(circle)
    return cycles


def test_no_package_imports_itself_in_a_circle():
    assert {package: import_cycles(package) for package in ("etl", "pipeline", "metrics")} == {
        "etl": [],
        "pipeline": [],
        "metrics": [],
    }


def test_the_user_interface_holds_no_sql():
    """ui/ and pages/ ask metrics for their data: no query is run from them, and no .sql file lives there."""
    running_a_query = re.compile(r"\.(sql|execute|fetchall|fetchone|fetchdf)\(")
    sources = [*(PROJECT_ROOT / "ui").rglob("*.py"), *(PROJECT_ROOT / "pages").glob("*.py"), PROJECT_ROOT / "app.py"]
    offenders = [
        str(path.relative_to(PROJECT_ROOT)) for path in sources if running_a_query.search(path.read_text(encoding="utf-8"))
    ]
    offenders += [
        str(path.relative_to(PROJECT_ROOT)) for folder in ("ui", "pages") for path in (PROJECT_ROOT / folder).rglob("*.sql")
    ]
    assert offenders == []
