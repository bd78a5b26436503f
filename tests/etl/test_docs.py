"""docs/contracts.md is generated from the contract models and must not drift from them."""

from __future__ import annotations

from etl.contract import ALL_MODELS
from etl.docs import DOCS_PATH, render_contract_docs


def test_contract_docs_are_up_to_date() -> None:
    assert DOCS_PATH.exists(), "docs/contracts.md is missing: run `python -m etl.docs` to generate it"
    written = DOCS_PATH.read_text(encoding="utf-8")
    assert written == render_contract_docs(), (
        "docs/contracts.md differs from the contract models: run `python -m etl.docs` to regenerate it"
    )


def test_contract_docs_cover_every_model_and_column() -> None:
    rendered = render_contract_docs()
    for model in ALL_MODELS:
        assert f"### {model.title} (`{model.extract_name}`)" in rendered
        for spec in model.columns():
            assert f"| `{spec.name}` |" in rendered, f"{model.extract_name}.{spec.name}"
