"""What the assistant does with one inbound: the conversation's rules, free of any channel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import payloads, replies
from bot.knowledge import find_article, office_name, rendered_article, topic_titles
from bot.messages import Button, Inbound, Outbound
from core.i18n import Translator, translator
from core.languages import DEFAULT_LANGUAGE, NATIVE_LANGUAGE_NAMES
from core.models import ConversationState, Feedback, Message, UnansweredQuestion, User
from nlu.intents import taxonomy
from nlu.language_switch import suggested_language
from nlu.service import MAX_UNDERSTOOD_CHARS, NluService
from nlu.unsupported import unsupported_language

# What is kept of a message: Telegram's own limit; longer input is cut, never refused.
MAX_STORED_CHARS = 4096

# The same button pressed again within this time is a double click, not a new request.
DOUBLE_CLICK_WINDOW = dt.timedelta(seconds=3)
NOT_YET_AVAILABLE = frozenset(
    {"book_appointment", "my_appointments", "cancel_appointment", "human_handoff"}
)
COMMANDS = frozenset({"/start", "/language", "/menu", "/help"})


@dataclass
class Turn:
    """Everything one turn decides with, and the replies it collects."""

    session: Session
    user: User
    state: ConversationState
    inbound: Message
    nlu: NluService
    threshold: float
    language_hint: str | None  # a native language code (the engine normalised the client's)
    now: dt.datetime
    replies: list[Outbound] = field(default_factory=list)

    @property
    def tr(self) -> Translator:
        return translator(self.user.language or self.language_hint or DEFAULT_LANGUAGE)

    def say(self, *outbounds: Outbound) -> None:
        self.replies.extend(outbounds)


def decide(turn: Turn, event: Inbound) -> None:
    command = _command(event.text)
    if event.payload is not None:
        _on_payload(turn, event.payload)
        return
    # Anything typed in between makes the next press a new request, not a double click.
    turn.state.data = {k: v for k, v in turn.state.data.items() if k != "last_payload"}
    if command is not None:
        _on_command(turn, command)
    else:
        _on_text(turn, event.text or "")


def _command(text: str | None) -> str | None:
    """ "/start", also written "/start@our_bot" or "/start payload"; None for other text."""
    words = (text or "").split()
    name = words[0].split("@")[0].lower() if words else ""
    return name if name in COMMANDS else None


# -- buttons -------------------------------------------------------------------------------


def _on_payload(turn: Turn, payload: str) -> None:
    action = payloads.parse(payload)
    if action is None:
        turn.say(replies.main_menu(turn.tr, turn.tr._("That button is not valid any more.")))
        return
    if _is_double_click(turn, payload):
        turn.say(replies.notice(turn.tr, turn.tr._("Done already.")))
        return
    match action:
        case payloads.ChooseLanguage(language):
            _set_language(turn, language)
        case payloads.ShowLanguages():
            turn.say(replies.language_picker(turn.user.language))
        case payloads.ShowMenu():
            turn.state.step = "idle"
            turn.say(replies.main_menu(turn.tr))
        case payloads.AskQuestion():
            turn.state.step = "asking"
            turn.say(replies.ask_prompt(turn.tr))
        case payloads.ShowTopic(topic_id):
            _answer_topic(turn, topic_id)
        case payloads.GiveFeedback(message_id, helpful):
            _record_feedback(turn, message_id, helpful)


def _is_double_click(turn: Turn, payload: str) -> bool:
    data = dict(turn.state.data)
    last_at = data.get("last_payload_at")
    repeated = (
        data.get("last_payload") == payload
        and isinstance(last_at, str)
        and turn.now - dt.datetime.fromisoformat(last_at) < DOUBLE_CLICK_WINDOW
    )
    data.update(last_payload=payload, last_payload_at=turn.now.isoformat())
    turn.state.data = data
    return repeated


def _set_language(turn: Turn, language: str) -> None:
    if language == turn.user.language:
        turn.say(replies.main_menu(turn.tr))
        return
    first_choice = turn.user.language is None
    turn.user.language = language
    turn.state.step = "idle"
    tr = turn.tr
    if first_choice:
        turn.say(replies.welcome(tr, office_name(turn.session)))
    else:
        turn.say(
            replies.text(
                tr,
                tr._(
                    "From now on I will write in {language}.",
                    language=tr.language_name(language),
                ),
            )
        )
    pending = turn.state.data.get("pending_question")
    if isinstance(pending, str) and pending:
        turn.state.data = {k: v for k, v in turn.state.data.items() if k != "pending_question"}
        _answer_question(turn, pending)
    else:
        turn.say(replies.main_menu(tr))


def _record_feedback(turn: Turn, message_id: int, helpful: bool) -> None:
    tr = turn.tr
    reply = turn.session.get(Message, message_id)
    if (
        reply is None
        or reply.user_id != turn.user.id
        or reply.direction != "out"
        or (reply.intent not in taxonomy().topic_ids)
    ):
        turn.say(replies.main_menu(tr, tr._("That button is not valid any more.")))
        return
    existing = turn.session.scalar(select(Feedback).where(Feedback.message_id == message_id))
    if existing is not None and existing.helpful == helpful:
        turn.say(replies.notice(tr, tr._("Thank you, your answer is already noted.")))
        return
    if existing is None:
        turn.session.add(
            Feedback(
                message_id=message_id,
                topic_id=reply.intent,
                language=reply.language or tr.language,
                helpful=helpful,
            )
        )
    else:
        existing.helpful = helpful
    if helpful:
        turn.say(replies.text(tr, tr._("Thank you for your feedback!"), [replies.menu_button(tr)]))
    else:
        turn.say(
            replies.text(
                tr,
                tr._(
                    "Thank you for telling me. Try to ask in other words, or look at the "
                    "office information."
                ),
                [Button(tr._("Office information"), payloads.show_topic(replies.OFFICE_TOPIC))],
                [replies.menu_button(tr)],
            )
        )


# -- commands ------------------------------------------------------------------------------


def _on_command(turn: Turn, command: str) -> None:
    if command == "/language" or turn.user.language is None:
        turn.state.step = "choosing_language"
        turn.say(replies.language_picker(turn.user.language or turn.language_hint))
    elif command == "/start":
        turn.say(replies.welcome(turn.tr, office_name(turn.session)), replies.main_menu(turn.tr))
    else:
        turn.say(replies.main_menu(turn.tr))


# -- free text -----------------------------------------------------------------------------


def _on_text(turn: Turn, text: str) -> None:
    if not any(char.isalnum() for char in text):
        turn.say(
            replies.main_menu(
                turn.tr, turn.tr._("I can read only written messages. Please write your question.")
            )
        )
        return
    unsupported = unsupported_language(text)
    if unsupported is not None:
        _unsupported_language(turn, unsupported)
        return
    if turn.user.language is None:
        turn.state.step = "choosing_language"
        pending = {"pending_question": text[:MAX_STORED_CHARS]}
        turn.state.data = dict(turn.state.data) | pending
        guess = turn.nlu.identifier.detect(text).language
        turn.say(replies.language_picker(turn.language_hint or guess))
        return
    if len(text) > MAX_UNDERSTOOD_CHARS:
        turn.say(
            replies.text(
                turn.tr,
                turn.tr._(
                    "Your message is very long, so I may have missed part of it. "
                    "Short questions work best."
                ),
            )
        )
    _answer_question(turn, text)
    _maybe_offer_language(turn, text)


def _unsupported_language(turn: Turn, tag: str) -> None:
    """A language we do not speak: say so in the closest one we have, offer what works."""
    tr = turn.tr
    turn.inbound.language = f"x-{tag}"[:8]
    note = tr._(
        "I cannot write in your language yet, so I answer in {language}. The office can "
        "arrange a cultural mediator who speaks your language for your appointment.",
        language=tr.language_name(tr.language),
    )
    if turn.user.language is None:
        turn.say(replies.text(tr, note), replies.language_picker(turn.language_hint))
    else:
        turn.say(replies.main_menu(tr, note))


def _maybe_offer_language(turn: Turn, text: str) -> None:
    """Offer, once per language, to switch to the language the user is clearly writing in."""
    current = turn.user.language
    if current is None:
        return
    suggestion = suggested_language(turn.nlu.identifier, text, current)
    offered = turn.state.data.get("languages_offered", [])
    if suggestion is None or not isinstance(offered, list) or suggestion in offered:
        return
    turn.state.data = dict(turn.state.data) | {"languages_offered": [*offered, suggestion]}
    other = translator(suggestion)
    turn.say(
        replies.text(
            other,
            other._(
                "It looks like you are writing in {language}. Do you want me to answer in "
                "{language}?",
                language=other.language_name(suggestion),
            ),
            [
                Button(NATIVE_LANGUAGE_NAMES[suggestion], payloads.choose_language(suggestion)),
                Button(NATIVE_LANGUAGE_NAMES[current], payloads.choose_language(current)),
            ],
        )
    )


def _answer_question(turn: Turn, text: str) -> None:
    understanding = turn.nlu.understand(text)
    turn.inbound.language = understanding.language
    turn.inbound.intent = understanding.intent
    turn.inbound.confidence = understanding.confidence
    tr = turn.tr
    if understanding.confidence < turn.threshold:
        _not_sure(turn, [score.intent for score in understanding.ranking])
        return
    intent = understanding.intent
    group = taxonomy().intents[intent].group if intent in taxonomy().intents else None
    if group == "topics":
        _answer_topic(turn, intent)
    elif group == "chitchat":
        _chitchat(turn, intent)
    elif intent == "change_language":
        turn.say(replies.language_picker(turn.user.language))
    elif intent == "help":
        turn.say(
            replies.main_menu(
                tr, tr._("I can answer your questions and show the office information.")
            )
        )
    elif intent == "privacy":
        turn.say(_privacy(tr))
    elif intent in NOT_YET_AVAILABLE:
        turn.say(_not_yet_available(tr, intent))
    else:
        _not_sure(turn, [score.intent for score in understanding.ranking])


def _answer_topic(turn: Turn, topic_id: str) -> None:
    tr = turn.tr
    found = find_article(turn.session, topic_id, tr.language)
    if found is None:
        turn.say(replies.main_menu(tr, tr._("Sorry, this answer is not available yet.")))
        return
    turn.say(replies.article(tr, topic_id, rendered_article(turn.session, found, tr)))


def _not_sure(turn: Turn, ranked_intents: list[str]) -> None:
    topics = [i for i in ranked_intents if i in taxonomy().topic_ids][:3]
    turn.session.add(
        UnansweredQuestion(
            message_id=turn.inbound.id,
            language=turn.inbound.language,
            best_intent=turn.inbound.intent,
            confidence=turn.inbound.confidence,
        )
    )
    turn.say(replies.not_sure(turn.tr, topic_titles(turn.session, topics, turn.tr.language)))


def _chitchat(turn: Turn, intent: str) -> None:
    tr = turn.tr
    if intent == "greet":
        turn.say(replies.main_menu(tr, tr._("Hello! How can I help you?")))
    elif intent == "goodbye":
        turn.say(replies.text(tr, tr._("Goodbye! Write to me again whenever you need.")))
    elif intent == "thanks":
        turn.say(replies.text(tr, tr._("You are welcome!"), [replies.menu_button(tr)]))
    elif intent == "out_of_scope":
        turn.say(
            replies.main_menu(
                tr,
                tr._(
                    "Sorry, I can help only with questions about permits, asylum, reception, "
                    "family, work, health and the services of the Prefecture."
                ),
            )
        )
    else:  # affirm, deny: nothing is pending in this version
        turn.say(replies.main_menu(tr, tr._("All right.")))


def _privacy(tr: Translator) -> Outbound:
    return replies.text(
        tr,
        tr._(
            "I keep only what I need to answer you: your chat id, the language you chose and "
            "the messages of this conversation. Figures about the service are anonymous. "
            "The office staff can see your questions to improve the answers."
        )
        + "\n\n"
        + tr._("To see or delete your data, ask the office (see the office information)."),
        [Button(tr._("Office information"), payloads.show_topic(replies.OFFICE_TOPIC))],
        [replies.menu_button(tr)],
    )


def _not_yet_available(tr: Translator, intent: str) -> Outbound:
    if intent == "human_handoff":
        message = tr._(
            "I cannot put you in contact with a person from this chat yet. "
            "The office information tells you how to reach the staff."
        )
    else:
        message = tr._(
            "Appointments cannot be booked or changed from this chat yet. "
            "The office information tells you how to get an appointment."
        )
    return replies.text(
        tr,
        message,
        [Button(tr._("Office information"), payloads.show_topic(replies.OFFICE_TOPIC))],
        [replies.menu_button(tr)],
    )
