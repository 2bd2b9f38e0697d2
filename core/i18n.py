"""Every string the program says goes through here: Babel catalogs and locale formatting.

Message ids are English. Catalogs live in `locales/<lang>/LC_MESSAGES/messages.po`;
`make i18n` (pybabel) extracts and compiles them. When a compiled `.mo` is missing or
older than its `.po`, the `.po` is read directly, so a fresh edit is never ignored.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from core.bidi import isolate, isolate_ltr_runs
from core.config import PROJECT_ROOT
from core.languages import BABEL_LOCALES, DEFAULT_LANGUAGE, is_rtl

LOCALES_DIR = PROJECT_ROOT / "locales"
DOMAIN = "messages"
OFFICE_TIME_ZONE = ZoneInfo("Europe/Rome")


def _load_translations(language: str) -> gettext.NullTranslations:
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    po_path, mo_path = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    mo_is_current = mo_path.exists() and (
        not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    )
    if mo_is_current:
        with mo_path.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    if po_path.exists():
        return _translations_from_po(po_path)
    return gettext.NullTranslations()


def _translations_from_po(po_path: Path) -> gettext.NullTranslations:
    import io

    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


class Translator:
    """The strings and formats of one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.locale = Locale.parse(BABEL_LOCALES.get(language, DEFAULT_LANGUAGE))
        self._translations = _cached_translations(language)

    @property
    def rtl(self) -> bool:
        return is_rtl(self.language)

    def _(self, message: str, **values: object) -> str:
        text = self._translations.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = self._translations.ngettext(singular, plural, n)
        return text.format(n=n, **values)

    def isolate(self, fragment: str) -> str:
        """Wrap text of unknown direction so it cannot scramble the sentence around it."""
        return isolate(fragment) if self.rtl else fragment

    def bidi_safe(self, text: str) -> str:
        """Text for this language's readers, with left-to-right runs isolated if it is RTL."""
        return isolate_ltr_runs(text) if self.rtl else text

    def language_name(self, code: str) -> str:
        """A language's name in this language ("italien" in French), for use in sentences."""
        return Locale.parse(BABEL_LOCALES.get(code, code)).get_language_name(self.locale) or code

    def date(self, value: dt.date) -> str:
        return format_date(value, format="long", locale=self.locale)

    def datetime(self, value: dt.datetime) -> str:
        """A moment in the office's time zone, e.g. "giovedì 3 dicembre 2026, 10:30"."""
        local = value.astimezone(OFFICE_TIME_ZONE)
        day = format_date(local.date(), format="full", locale=self.locale)
        time = format_time(local, format="short", locale=self.locale)
        return f"{day}, {time}"


@functools.cache
def _cached_translations(language: str) -> gettext.NullTranslations:
    return _load_translations(language)


@functools.cache
def translator(language: str) -> Translator:
    return Translator(language)
