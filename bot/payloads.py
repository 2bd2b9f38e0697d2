"""Button payloads: short strings a client sends back, so never trusted.

Telegram allows 64 bytes of callback data. Every payload is parsed into one of the
actions below or rejected; ids inside are checked against the database by the flows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.languages import NATIVE_LANGUAGES
from nlu.intents import taxonomy

MAX_PAYLOAD_BYTES = 64
# In a reply's buttons, this stands for the reply's own message id, known once it is saved.
SELF_ID = "@"


@dataclass(frozen=True)
class ChooseLanguage:
    language: str


@dataclass(frozen=True)
class ShowLanguages:
    pass


@dataclass(frozen=True)
class ShowMenu:
    pass


@dataclass(frozen=True)
class AskQuestion:
    pass


@dataclass(frozen=True)
class ShowTopic:
    topic_id: str


@dataclass(frozen=True)
class GiveFeedback:
    message_id: int
    helpful: bool


Action = ChooseLanguage | ShowLanguages | ShowMenu | AskQuestion | ShowTopic | GiveFeedback

_FEEDBACK = re.compile(r"fb:([1-9][0-9]{0,17}):([01])")


def choose_language(language: str) -> str:
    return f"lang:{language}"


def show_topic(topic_id: str) -> str:
    return f"topic:{topic_id}"


def feedback(helpful: bool) -> str:
    return f"fb:{SELF_ID}:{int(helpful)}"


MENU = "menu"
ASK = "ask"
LANGUAGES = "langs"


def parse(payload: str) -> Action | None:
    """The action a payload asks for, or None when it is malformed or forged."""
    if len(payload.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        return None
    if payload == MENU:
        return ShowMenu()
    if payload == ASK:
        return AskQuestion()
    if payload == LANGUAGES:
        return ShowLanguages()
    prefix, _, rest = payload.partition(":")
    if prefix == "lang" and rest in NATIVE_LANGUAGES:
        return ChooseLanguage(rest)
    if prefix == "topic" and rest in taxonomy().topic_ids:
        return ShowTopic(rest)
    match = _FEEDBACK.fullmatch(payload)
    if match:
        return GiveFeedback(int(match[1]), match[2] == "1")
    return None
