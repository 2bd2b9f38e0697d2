"""Language handling: offers to switch (once, never on a word), languages we do not speak,
unknown language codes, and bad input in every script."""

from __future__ import annotations

import pytest

from bot.messages import Outbound
from meet2know.wiring import App
from tests.bot.test_engine import Chat, labels_of, payloads_of


def chat_in(app: App, language: str, user_id: str = "u1") -> Chat:
    chat = Chat(app.engine, user_id)
    chat.press(f"lang:{language}")
    return chat


def offers(replies: list[Outbound]) -> list[Outbound]:
    return [r for r in replies if "lang:" in " ".join(payloads_of(r)) and len(r.buttons) == 1]


def test_a_few_words_in_another_language_get_one_offer(app: App) -> None:
    chat = chat_in(app, "en")
    replies = chat.send("Bonjour, comment je peux renouveler mon titre de séjour cette année ?")
    (offer,) = offers(replies)
    assert labels_of(offer) == ["Français", "English"]
    assert payloads_of(offer) == ["lang:fr", "lang:en"]
    assert replies[0].language == "en"  # the question is answered in the chosen language
    again = chat.send("Et où est le bureau de la préfecture s'il vous plaît ?")
    assert offers(again) == []  # offered once only


@pytest.mark.parametrize(
    "text",
    [
        "merci",
        "permesso di soggiorno",
        "my permesso di soggiorno scaduto what i do",
        "questura ricevuta codice fiscale",
        "🙏🙏 ok",
        "ciao grazie",
        "112",
    ],
)
def test_single_words_emoji_and_italian_office_terms_never_trigger_it(app: App, text: str) -> None:
    assert offers(chat_in(app, "en").send(text)) == []


def test_romanised_urdu_is_not_a_wish_to_change_language(app: App) -> None:
    chat = chat_in(app, "ur")
    assert offers(chat.send("bhai mujhe apna permesso renew karna hai kya karun")) == []


def test_arabic_script_from_an_english_user_is_offered_arabic(app: App) -> None:
    (offer,) = offers(chat_in(app, "en").send("اريد تجديد تصريح الاقامة من فضلك"))
    assert payloads_of(offer)[0] == "lang:ar"
    assert offer.language == "ar"


def test_keeping_the_current_language_just_shows_the_menu(app: App) -> None:
    chat = chat_in(app, "en")
    chat.send("hello")
    (menu,) = chat.press("lang:en")
    assert labels_of(menu)[0] == "Ask a question"


@pytest.mark.parametrize(
    "text",
    ["ሰላም ከመይ ኣለኹም፣ ፍቓድ መንበሪ ክሕድስ ደልየ", "नमस्ते मुझे मदद चाहिए", "nanga def, dama bëgg permesso"],
)
def test_languages_we_do_not_speak_get_a_note_about_mediators(app: App, text: str) -> None:
    (reply,) = chat_in(app, "it").send(text)
    assert "mediatore culturale" in reply.text
    assert labels_of(reply)[0] == "Fai una domanda"


def test_an_unsupported_language_before_any_choice_gets_the_note_and_the_picker(
    app: App,
) -> None:
    note, picker = Chat(app.engine, hint="ti").send("ሰላም ከመይ ኣለኹም")
    assert "cultural mediator" in note.text
    assert len(payloads_of(picker)) == 12


@pytest.mark.parametrize("code", ["xx-YY", "", "zz", "ti", "pt-BR", "123", "en-" * 30])
def test_unknown_language_codes_are_harmless(app: App, code: str) -> None:
    (picker,) = Chat(app.engine, hint=code).send("/start")
    assert len(payloads_of(picker)) == 12


@pytest.mark.parametrize(
    "text",
    [
        "permesso скільки коштує ricevuta",  # mixed scripts
        "1234567890",
        "\u202eتجديد\u202c permesso \u200b\u200d",  # bidi and zero-width controls
        "x" * 4096,
        "🇮🇹🇺🇦 ✅",
    ],
)
def test_bad_input_is_answered_in_the_chosen_language(app: App, text: str) -> None:
    replies = chat_in(app, "it").send(text)
    assert replies and all(r.language in {"it", "uk", "ar", "ru"} for r in replies)
    assert replies[0].language == "it"
