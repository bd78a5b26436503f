"""Every indicator, declared once per topic module and gathered here in reading order."""

from metrics.indicators import hidden_need, marac, prevalence

INDICATORS = (*prevalence.INDICATORS, *hidden_need.INDICATORS, *marac.INDICATORS)
