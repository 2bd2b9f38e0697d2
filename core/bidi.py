"""Keep left-to-right fragments whole inside right-to-left text.

In Arabic, Persian or Urdu text, a phone number ("800 290 290"), a booking code, a URL or
an Italian office name ("Questura di Savona") can be reordered by the bidirectional
algorithm: groups of digits swap places, punctuation jumps to the wrong end. Wrapping
each such run in a first-strong isolate (U+2068 … U+2069) makes it display as typed.
"""

from __future__ import annotations

import re

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"

# A run starts and ends with a Latin letter or a digit, and may contain spaces and the
# punctuation found inside names, numbers, addresses and URLs.
_LTR_RUN = re.compile(r"[A-Za-zÀ-ɏ0-9](?:[A-Za-zÀ-ɏ0-9 .,:/@&'’+_\-–%€()]*[A-Za-zÀ-ɏ0-9)€%])?")


def isolate(fragment: str) -> str:
    return f"{FIRST_STRONG_ISOLATE}{fragment}{POP_DIRECTIONAL_ISOLATE}"


def isolate_ltr_runs(text: str) -> str:
    """Wrap every left-to-right run of `text` (meant for right-to-left readers) in an isolate."""
    if FIRST_STRONG_ISOLATE in text:
        text = text.replace(FIRST_STRONG_ISOLATE, "").replace(POP_DIRECTIONAL_ISOLATE, "")
    return _LTR_RUN.sub(lambda match: _balanced(match[0]), text)


def _balanced(run: str) -> str:
    """Isolate the run; a closing bracket it does not open stays outside."""
    if run.endswith(")") and run.count(")") > run.count("("):
        return isolate(run[:-1]) + ")"
    return isolate(run)
