"""Direction controls in a user's or a bank's text, shown rather than obeyed in a page.

A right-to-left override (U+202E) in a name turns around everything after it up to the end
of its paragraph: the date and the words of ours composed into the same sentence ("Answers
by Dana‮eL · 2026-11-02" printed the date backwards). The controls whose effect reaches
past themselves (embeddings, overrides, isolates and their ends) are shown as the text read
shows them, `\\u202e`; the marks that only say a direction (LRM, RLM, ALM), as right-to-left
scripts use them, stay. Set as the page templates' `finalize`, through which every
`{{ ... }}` passes, in the report and the web form."""

from __future__ import annotations

import re

_REACHING = re.compile("[\u202a-\u202e\u2066-\u2069]")


def shown(value: object) -> object:
    """`value` with its reaching direction controls written out, when it is a text."""
    if isinstance(value, str) and not hasattr(value, "__html__") and _REACHING.search(value):
        return _REACHING.sub(lambda found: f"\\u{ord(found[0]):04x}", value)
    return value
