"""Every indicator, declared once per topic module and gathered here in reading order."""

from metrics.indicators import prevalence

INDICATORS = (*prevalence.INDICATORS,)
