"""The words and acronyms the pages use, spelt out once: the Definitions page lists them all and each page
explains those it uses where they first appear (`ui.widgets.terms`)."""

from __future__ import annotations

ACRONYMS: dict[str, str] = {
    "CPS": "Crown Prosecution Service: decides whether a suspect the police refer is charged.",
    "DA": "Domestic abuse.",
    "DASH": "Domestic Abuse, Stalking and Harassment risk checklist: 24 questions police ask; 14 or more ticks is high risk.",
    "DRAM": "Daily risk assessment meeting of police and IDVAs about high-risk cases.",
    "FTE": "Full-time equivalent (two half-time advisers are one FTE).",
    "IDVA": "Independent domestic violence adviser, a case worker for victims at high risk.",
    "LGBT+": "Lesbian, gay, bisexual, transgender and other sexual and gender minorities.",
    "MARAC": "Multi-agency risk assessment conference: agencies meet to plan for victims at high risk of serious harm.",
    "MASH": "Multi-agency safeguarding hub: the children's social care front door.",
    "Operation Encompass": "Police tell a child's school before the next school day after a domestic abuse incident "
    "the child was linked to.",
    "Outcome 16": "Home Office crime outcome: evidential difficulties, the victim does not support action.",
    "SafeLives": "The national domestic abuse charity whose MARAC and IDVA guidance the benchmarks use.",
    "SMART": "Specific, measurable, achievable, relevant and time-bound: what a target must be to be tracked.",
    "SPC": "Statistical process control: a chart of monthly values with limits showing their usual variation "
    "(NHS England's Making Data Count).",
}

PLAIN_STATISTICS: dict[str, str] = {
    "95% interval": "The range the true value is likely to lie in, allowing for chance.",
    "Significantly higher or lower": "So far from the comparison that chance is an unlikely explanation.",
    "Real change": "A change between two periods that chance would explain less than once in 500 times, or months "
    "outside the usual variation on the SPC chart.",
    "Usual variation": "Month-to-month ups and downs of the size seen before: nothing to act on by itself.",
    "Funnel plot": "Each ward's rate against its size, with limits around the district's rate; a ward outside them "
    "differs from the district by more than chance.",
    "Survival curve (Kaplan-Meier)": "The share of cases that have not yet reached a stage, day by day, counting "
    "cases still open fairly.",
    "*": "A number too small to show safely, or one that would let a hidden number be worked out.",
}


def explain(*terms: str) -> str:
    """One line spelling out `terms`, for the place they first appear on a page."""
    unknown = [term for term in terms if term not in ACRONYMS]
    if unknown:
        raise KeyError(f"no glossary entry for {', '.join(unknown)}")
    return " · ".join(f"{term}: {ACRONYMS[term]}" for term in terms)
