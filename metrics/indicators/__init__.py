"""Every indicator, declared once per topic module and gathered here in reading order."""

from metrics.indicators import attrition, front_door, hidden_need, marac, prevalence, services

INDICATORS = (
    *prevalence.INDICATORS,
    *hidden_need.INDICATORS,
    *marac.INDICATORS,
    *services.INDICATORS,
    *attrition.INDICATORS,
    *front_door.INDICATORS,
)
