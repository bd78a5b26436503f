"""The Overview's words: the comparison menu, what changed in plain sentences, and the method notes
kept behind expanders for analysts."""

from __future__ import annotations

from metrics.board.overview import Overview

COMPARISONS = {"Latest quarter against the one before": "quarter", "Latest 12 months against the 12 before": "year"}


def change_lines(summary: Overview) -> list[str]:
    """Real changes first (a significant difference between the periods, tested at 99.8%), then the months outside
    an indicator's usual variation on its SPC chart (a prompt to look, not a tested change), then the rest in one
    line."""
    changes = summary.changes
    lines = [change.sentence for change in changes.changes]
    if not changes.changes:
        lines.append("No indicator changed by more than chance explains.")
    lines += [f"{line.removesuffix('.')}; worth a look, not a tested change." for line in summary.spc_changes]
    lines += [
        f"Possibly: {mid_sentence(change.sentence)} Watch it; chance could still explain it." for change in changes.to_watch
    ]
    steady = len(changes.unchanged) + len(changes.to_watch)
    # outcomes come months after the crime, so the latest period's are counted, not compared (the board pack names them):
    # one short clause keeps the first screen to one screen
    waiting = len(changes.immature)
    not_yet = f"{waiting} outcome rate{'s' if waiting != 1 else ''} not compared yet (too recent)" if waiting else ""
    if steady > 0:
        lines.append(f"No real change in {steady} indicator{'s' if steady != 1 else ''}" + (f"; {not_yet}." if not_yet else "."))
    elif not_yet:
        lines.append(not_yet[:1].upper() + not_yet[1:] + ".")
    lines += changes.incomplete_sentences
    if changes.not_tested:
        lines.append(f"Not compared (a value is hidden in one of the periods): {', '.join(changes.not_tested)}.")
    return lines


def mid_sentence(sentence: str) -> str:
    """`sentence` to follow a colon: its first letter lower-cased, unless it opens an acronym (CPS, MARAC)."""
    if sentence[1:2].isupper():
        return sentence
    return sentence[:1].lower() + sentence[1:]


ICON_KEY = (
    "Variation (SPC, the last 24 months): ~ usual variation · + improving · ! concerning · ? unusual, no better "
    "direction. Assurance against the target: P will pass · F will fail · ? hit and miss. Against the benchmark "
    "says better or worse only where the indicator has a better direction; * is hidden to protect people. "
    "SPC: statistical process control. CPS: Crown Prosecution Service. MARAC: multi-agency risk assessment "
    "conference. The Definitions page has the full glossary."
)

CHANGE_METHOD = """A change is **real** when chance is most unlikely to explain it: the two periods' counts
differ beyond what chance explains less than once in 500 (exact test of two Poisson counts for rates, the
two-proportion test for percentages, at 99.8% because every headline indicator is tested at once).

"Possibly" marks a difference significant at 95% but not at 99.8%.

**Unusual months** are months inside the period outside the indicator's usual variation on its SPC (XmR) chart
over 24 months: a point beyond a process limit, 7 points rising or falling, 7 on one side of the mean, or 2 of 3
beyond the two-sigma line. They are a prompt to look, not a tested change: on a chart of chance variation alone
one of these rules fires in a quarter's months about once in 30 charts. A chart with a month hidden to protect
people is not drawn, and a month within its rounding of the mean counts on neither side of it."""

SCORECARD_METHOD = """- **Latest** is the value over the period; the **95% interval** is the range the true value is
  likely to lie in (Byar's method for rates, Wilson for proportions).
- **Against the benchmark**: the published comparator lies outside the 95% interval (better or worse by the
  indicator's polarity; higher or lower where more is neither better nor worse), else similar.
- **Variation** and **Assurance** follow NHS England's *Making Data Count*: an XmR chart of the last 24 monthly
  values (limits at the mean plus or minus 2.66 times the mean moving range). Assurance compares the target with
  those limits: beyond the limit on the bad side the target will be met every month by chance alone (P), beyond it
  on the good side it will never be (F), between them hit and miss (?). Months hidden by disclosure control are
  left out; with fewer than 12 months no icon is drawn.
- **Target** and **Owner** are the action plan's first target on the indicator, with its status."""
