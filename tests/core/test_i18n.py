"""Catalogs are complete and keep placeholders; dates use the user's locale in Europe/Rome."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from core.i18n import LOCALES_DIR, translator
from core.languages import NATIVE_LANGUAGES, direction, normalise_language_code

CATALOGS = sorted(LOCALES_DIR.glob("*/LC_MESSAGES/messages.po"))
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def test_italian_and_english_catalogs_exist() -> None:
    assert {path.parts[-3] for path in CATALOGS} >= {"it", "en"}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
def test_catalog_is_complete_and_keeps_placeholders(path: Path) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    template = read_po((LOCALES_DIR / "messages.pot").open("rb"))
    assert {m.id for m in template if m.id} <= {m.id for m in catalog if m.id}, "run make i18n"
    for message in catalog:
        if not message.id:
            continue
        assert message.string, f"untranslated: {message.id!r}"
        assert "fuzzy" not in message.flags, f"fuzzy: {message.id!r}"
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        expected = set(PLACEHOLDER.findall(str(ids[0])))
        for string in strings:
            assert set(PLACEHOLDER.findall(str(string))) == expected, message.id


def test_strings_are_translated_and_formatted() -> None:
    assert translator("it")._("Yes") == "Sì"
    assert translator("it")._("Last checked: {date}", date="oggi") == "Ultimo controllo: oggi"
    assert translator("en")._("Yes") == "Yes"
    assert translator("xx")._("Yes") == "Yes"  # no catalog: English, never a crash


def test_dates_and_times_in_the_users_locale_and_rome_time() -> None:
    moment = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC)  # 10:30 in Rome
    assert translator("it").datetime(moment) == "giovedì 3 dicembre 2026, 10:30"
    assert translator("en").date(moment.date()) == "December 3, 2026"
    assert "10:30" in translator("ar").datetime(moment)


def test_language_codes_and_directions() -> None:
    assert normalise_language_code("it-IT") == "it"
    assert normalise_language_code("zh_Hans") == "zh"
    assert normalise_language_code("pt-br") is None
    assert normalise_language_code("") is None
    assert [direction(code) for code in ("ar", "fa", "ur", "it")] == ["rtl", "rtl", "rtl", "ltr"]
    assert len(NATIVE_LANGUAGES) == 12


def test_isolates_only_in_right_to_left_languages() -> None:
    assert translator("fa").isolate("Questura") == "\u2068Questura\u2069"
    assert translator("it").isolate("Questura") == "Questura"
