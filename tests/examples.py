"""How many examples a property test runs. The full tier runs the full profile's number (or the number a
test asks for); the fast tier (`--hypothesis-profile=fast`) runs the same share of each."""

from __future__ import annotations

from hypothesis import settings

FULL_EXAMPLES = 60
FAST_EXAMPLES = 10


def examples(full: int) -> int:
    """`full` in the full tier; under the fast profile, the fast profile's share of it (at least its own number).

    Read when a test module is imported, after pytest has loaded the profile the command line chose."""
    loaded = settings.default.max_examples
    return max(loaded, full * loaded // FULL_EXAMPLES) if loaded < FULL_EXAMPLES else full
