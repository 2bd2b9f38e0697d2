"""Decide whether a message is clearly written in another native language than the chosen one.

Never on a single word, an emoji or Italian office words ("permesso di soggiorno",
"questura") that people write in every language: those are removed before judging,
and what is left must be a few words identified with high confidence.
"""

from __future__ import annotations

import re

from nlu.language_id import LanguageIdentifier

# Italian words people meet at the counter and write inside any language.
ITALIAN_OFFICE_TERMS = (
    "permesso di soggiorno",
    "permesso",
    "soggiorno",
    "carta di soggiorno",
    "questura",
    "prefettura",
    "ricevuta",
    "cedolino",
    "nulla osta",
    "codice fiscale",
    "tessera sanitaria",
    "ricongiungimento familiare",
    "ricongiungimento",
    "cittadinanza",
    "commissione territoriale",
    "commissione",
    "ricorso",
    "diniego",
    "kit postale",
    "kit",
    "anagrafe",
    "residenza",
    "patronato",
    "sportello unico",
    "sportello",
    "decreto flussi",
    "flussi",
    "contratto",
    "busta paga",
    "protezione internazionale",
    "protezione speciale",
    "asilo",
    "rinnovo",
    "appuntamento",
    "ufficio immigrazione",
    "comune",
    "poste",
    "posta",
    "accoglienza",
    "gratuito patrocinio",
    "avvocato",
    "mediatore",
    "lungo periodo",
    "cas",
    "sai",
    "spid",
    "cie",
    "inps",
    "asl",
    "cpia",
    "ciao",
    "grazie",
    "buongiorno",
    "prego",
    "ok",
    "okay",
)
_TERMS = re.compile(
    r"\b(?:"
    + "|".join(re.escape(t) for t in sorted(ITALIAN_OFFICE_TERMS, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[a-zA-Z]")
# Languages whose speakers often write them in Latin letters (arabizi, Roman Urdu,
# Banglish, Finglish): Latin text from them is not a wish to change language.
ROMANISED_TOO = frozenset({"ar", "ur", "bn", "fa"})
MIN_WORDS = 3
MIN_CONFIDENCE = 0.75
MIN_CONFIDENCE_SAME_SCRIPT = 0.9


def suggested_language(identifier: LanguageIdentifier, text: str, current: str) -> str | None:
    """Another native language the message is clearly written in, or None."""
    rest = _TERMS.sub(" ", text)
    words = _WORD.findall(rest)
    enough = len(words) >= MIN_WORDS or len(_HAN.findall(rest)) >= 4
    if not enough:
        return None
    latin_words = [w for w in words if _LATIN_WORD.match(w)]
    if current in ROMANISED_TOO and len(latin_words) * 2 >= len(words):
        return None
    guess = identifier.detect(rest)
    if guess.language is None or guess.language == current:
        return None
    if identifier.detect_with_lingua(rest).language != guess.language:
        return None  # the two identifiers disagree: not clear enough to interrupt the user
    same_script = _is_latin(guess.language) and _is_latin(current)
    threshold = MIN_CONFIDENCE_SAME_SCRIPT if same_script else MIN_CONFIDENCE
    if same_script and len(words) < MIN_WORDS + 1:
        return None
    return guess.language if guess.confidence >= threshold else None


def _is_latin(language: str) -> bool:
    return language in {"it", "en", "fr", "es", "sq"}
