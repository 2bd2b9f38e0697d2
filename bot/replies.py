"""The replies the assistant builds: menus, the language picker, articles, notices.

Every visible string passes through the user's Translator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot import payloads
from bot.messages import Button, Outbound
from core.i18n import Translator, translator
from core.languages import NATIVE_LANGUAGE_NAMES, NATIVE_LANGUAGES

OFFICE_TOPIC = "office_info"


def text(tr: Translator, message: str, *rows: Sequence[Button]) -> Outbound:
    buttons = tuple(tuple(r) for r in rows)
    return Outbound(text=tr.bidi_safe(message), language=tr.language, buttons=buttons)


def notice(tr: Translator, message: str) -> Outbound:
    return Outbound(text=tr.bidi_safe(message), language=tr.language, kind="notice")


def menu_button(tr: Translator) -> Button:
    return Button(tr._("Back to menu"), payloads.MENU)


def main_menu(tr: Translator, intro: str | None = None) -> Outbound:
    """Only entries that work are offered."""
    return text(
        tr,
        intro or tr._("What would you like to do?"),
        [Button(tr._("Ask a question"), payloads.ASK)],
        [Button(tr._("Office information"), payloads.show_topic(OFFICE_TOPIC))],
        [Button(tr._("Change language"), payloads.LANGUAGES)],
    )


def language_picker(preselected: str | None) -> Outbound:
    """Each language in its own name; the preselected one first and ticked."""
    tr = translator(preselected or "en")
    prompt = tr._("Choose your language:")
    if tr.language != "it":
        prompt = f"{prompt}\n{translator('it')._('Choose your language:')}"
    order = [preselected] if preselected else []
    order += [code for code in NATIVE_LANGUAGES if code != preselected]
    buttons = [
        Button(
            ("✓ " if code == preselected else "") + NATIVE_LANGUAGE_NAMES[code],
            payloads.choose_language(code),
        )
        for code in order
        if code is not None
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return text(tr, prompt, *rows)


def welcome(tr: Translator, office_name: str) -> Outbound:
    return text(
        tr,
        tr._(
            "Welcome! I am the virtual assistant of the immigration office of the {office}. "
            "I answer questions about residence permits, asylum, family, work, health and "
            "more, in your language.",
            office=tr.isolate(office_name),
        )
        + "\n\n"
        + tr._(
            "I am a computer program: I can make mistakes, and only the office takes "
            "decisions. Please do not send documents or personal data here."
        ),
    )


def ask_prompt(tr: Translator) -> Outbound:
    return text(
        tr,
        tr._(
            "Write your question in your own words, for example: "
            "\u201cHow do I renew my residence permit?\u201d"
        ),
        [menu_button(tr)],
    )


def article(tr: Translator, topic_id: str, rendered: str) -> Outbound:
    reply = text(
        tr,
        rendered + "\n\n" + tr._("Was this helpful?"),
        [
            Button("👍 " + tr._("Yes"), payloads.feedback(True)),
            Button("👎 " + tr._("No"), payloads.feedback(False)),
        ],
        [menu_button(tr)],
    )
    return replace(reply, topic=topic_id)


def not_sure(tr: Translator, topics: Sequence[tuple[str, str]]) -> Outbound:
    """Low confidence: say so and offer the likeliest topics (id, title)."""
    rows = [[Button(title, payloads.show_topic(topic_id))] for topic_id, title in topics]
    return text(
        tr,
        tr._(
            "I am not sure I understood. Is your question about one of these topics? "
            "If not, try to ask in other words. I have noted your question for the office."
        ),
        *rows,
        [menu_button(tr)],
    )
