"""Data contract v1, declared once as pydantic models."""

from etl.contract.base import ColumnSpec, Extract
from etl.contract.extracts import ALL_MODELS, BY_NAME, EXTRACTS, REFERENCES

__all__ = ["ALL_MODELS", "BY_NAME", "EXTRACTS", "REFERENCES", "ColumnSpec", "Extract"]
