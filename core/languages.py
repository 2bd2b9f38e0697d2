"""The languages the assistant speaks natively, as listed in `nlu/intents.yaml`."""

from __future__ import annotations

from typing import Final

# Each language's name in that language, in the order of intents.yaml.
NATIVE_LANGUAGE_NAMES: Final[dict[str, str]] = {
    "it": "Italiano",
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "es": "Español",
    "sq": "Shqip",
    "uk": "Українська",
    "ru": "Русский",
    "ur": "اردو",
    "bn": "বাংলা",
    "zh": "中文",
    "fa": "فارسی",
}
NATIVE_LANGUAGES: Final[tuple[str, ...]] = tuple(NATIVE_LANGUAGE_NAMES)
RIGHT_TO_LEFT: Final[frozenset[str]] = frozenset({"ar", "fa", "ur"})
# The language used when nothing better is known, and the fallback of articles.
DEFAULT_LANGUAGE: Final[str] = "en"

# Babel locale of each language (Chinese: simplified, as used in Italy's communities).
BABEL_LOCALES: Final[dict[str, str]] = {code: code for code in NATIVE_LANGUAGES} | {
    "zh": "zh_Hans_CN"
}


def normalise_language_code(code: str | None) -> str | None:
    """Map a client's code ("pt-br", "EN", "zh-hans", "") to a native language, or None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in NATIVE_LANGUAGE_NAMES else None


def is_rtl(language: str) -> bool:
    return language in RIGHT_TO_LEFT


def direction(language: str) -> str:
    """The HTML `dir` value for a language."""
    return "rtl" if is_rtl(language) else "ltr"
