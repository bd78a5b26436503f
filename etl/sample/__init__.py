"""The fictional sample district: a complete drop generated from a seed (see data/sample/README.md)."""

from etl.sample.generate import SampleSummary, generate_sample

__all__ = ["SampleSummary", "generate_sample"]
