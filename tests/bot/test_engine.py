"""The dialogue engine's flows, on a real database, without any channel."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from bot.engine import DialogueEngine
from bot.messages import Inbound, Outbound
from core.models import Feedback, Message, ProcessedUpdate, UnansweredQuestion, User
from meet2know.wiring import App

_updates = itertools.count(1000)


class Chat:
    """A user talking to the engine the way a channel does."""

    def __init__(self, engine: DialogueEngine, user_id: str = "u1", hint: str | None = None):
        self.engine, self.user_id, self.hint = engine, user_id, hint

    def send(self, text: str, update_id: str | None = None) -> list[Outbound]:
        return self._handle(
            Inbound("test", self.user_id, text=text, update_id=update_id, language_hint=self.hint)
        )

    def press(self, payload: str) -> list[Outbound]:
        return self._handle(
            Inbound(
                "test",
                self.user_id,
                payload=payload,
                update_id=str(next(_updates)),
                language_hint=self.hint,
            )
        )

    def _handle(self, event: Inbound) -> list[Outbound]:
        return self.engine.claim_replies(self.engine.handle(event))


def payloads_of(reply: Outbound) -> list[str]:
    return [b.payload for row in reply.buttons for b in row]


def labels_of(reply: Outbound) -> list[str]:
    return [b.label for row in reply.buttons for b in row]


@pytest.fixture
def chat(app: App) -> Chat:
    return Chat(app.engine)


def english_chat(app: App, user_id: str = "u1") -> Chat:
    chat = Chat(app.engine, user_id)
    chat.press("lang:en")
    return chat


def test_first_contact_shows_the_picker_with_the_hinted_language_first(app: App) -> None:
    replies = Chat(app.engine, hint="it-IT").send("/start")
    assert len(replies) == 1
    picker = replies[0]
    assert payloads_of(picker)[0] == "lang:it"
    assert labels_of(picker)[0] == "✓ Italiano"
    assert len(payloads_of(picker)) == 12
    assert "العربية" in labels_of(picker) and "中文" in labels_of(picker)
    assert picker.text.startswith("Scegli la tua lingua")


def test_unknown_language_hint_gives_a_picker_without_preselection(app: App) -> None:
    picker = Chat(app.engine, hint="ti").send("/start")[0]
    assert not any(label.startswith("✓") for label in labels_of(picker))


def test_choosing_a_language_welcomes_and_shows_only_working_menu_entries(chat: Chat) -> None:
    chat.send("/start")
    welcome, menu = chat.press("lang:it")
    assert welcome.text.startswith("Ti do il benvenuto")
    assert "Prefettura di Savona" in welcome.text
    assert labels_of(menu) == ["Fai una domanda", "Informazioni sull'ufficio", "Cambia lingua"]


def test_a_question_gets_the_article_in_the_users_language_with_feedback(app: App) -> None:
    chat = english_chat(app)
    (answer,) = chat.send("how can i renew my permesso di soggiorno, it expires next month")
    assert answer.topic == "residence_permit_renewal"
    assert answer.text.startswith("Renewing your residence permit")
    assert "Was this helpful?" in answer.text
    assert f"fb:{answer.id}:1" in payloads_of(answer) and "menu" in payloads_of(answer)
    with app.sessions() as session:
        inbound = session.scalars(
            select(Message).where(Message.direction == "in").order_by(Message.id.desc())
        ).first()
        assert inbound is not None
        assert inbound.intent == "residence_permit_renewal" and inbound.language == "en"
        assert inbound.confidence is not None and inbound.confidence >= 0.45


def test_office_facts_are_filled_in_and_unconfirmed_ones_are_marked(app: App) -> None:
    chat = english_chat(app)
    (answer,) = chat.press("topic:office_info")
    assert "{{" not in answer.text
    assert "[to be confirmed by the office]" in answer.text


def test_feedback_is_stored_once_and_a_double_click_is_only_acknowledged(app: App) -> None:
    chat = english_chat(app)
    (answer,) = chat.press("topic:tax_code")
    (thanks,) = chat.press(f"fb:{answer.id}:1")
    assert thanks.kind == "message" and "Thank you" in thanks.text
    (again,) = chat.press(f"fb:{answer.id}:1")
    assert again.kind == "notice"
    (changed,) = chat.press(f"fb:{answer.id}:0")
    assert "other words" in changed.text
    with app.sessions() as session:
        rows = session.scalars(select(Feedback)).all()
        assert [(r.topic_id, r.helpful) for r in rows] == [("tax_code", False)]


def test_feedback_on_someone_elses_reply_is_refused(app: App) -> None:
    alice, mallory = english_chat(app, "alice"), english_chat(app, "mallory")
    (answer,) = alice.press("topic:tax_code")
    (reply,) = mallory.press(f"fb:{answer.id}:0")
    assert "not valid" in reply.text
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Feedback)) == 0


@pytest.mark.parametrize(
    "payload",
    ["topic:../../etc/passwd", "lang:xx", "fb:1:2", "fb:abc:1", "x" * 500, "", "menu;drop", "☃"],
)
def test_forged_button_payloads_get_a_clear_answer(app: App, payload: str) -> None:
    chat = english_chat(app)
    (reply,) = chat.press(payload)
    assert reply.text.startswith("That button is not valid any more.")
    assert "menu" not in reply.text.lower() or payloads_of(reply)


def test_the_same_update_twice_makes_one_turn(app: App) -> None:
    chat = english_chat(app)
    first = app.engine.handle(Inbound("test", "u1", text="codice fiscale", update_id="77"))
    second = app.engine.handle(Inbound("test", "u1", text="codice fiscale", update_id="77"))
    assert [r.id for r in second] == [r.id for r in first]  # not delivered yet: offered again
    ids = [r.id or 0 for r in first]
    assert app.engine.claim(ids) == ids
    assert app.engine.claim(ids) == []  # the duplicate in flight must not send them again
    app.engine.release(ids[:1])  # sending failed: offered again to the next attempt
    (again,) = app.engine.handle(Inbound("test", "u1", text="codice fiscale", update_id="77"))
    assert again.id == ids[0] and app.engine.claim(ids) == ids[:1]
    assert app.engine.handle(Inbound("test", "u1", text="codice fiscale", update_id="77")) == []
    with app.sessions() as session:
        count = select(func.count()).where(ProcessedUpdate.update_id == "77")
        assert session.scalar(count) == 1
    assert chat.send("thanks")


def test_low_confidence_is_honest_offers_topics_and_is_recorded(app: App) -> None:
    chat = english_chat(app)
    (reply,) = chat.send("xq zzv plorb")
    assert reply.text.startswith("I am not sure I understood")
    topics = [p for p in payloads_of(reply) if p.startswith("topic:")]
    assert 1 <= len(topics) <= 3
    with app.sessions() as session:
        question = session.scalar(select(UnansweredQuestion))
        assert question is not None and question.status == "open"


def test_chitchat_gets_short_replies(app: App) -> None:
    chat = english_chat(app)
    assert chat.send("hello")[0].text == "Hello! How can I help you?"
    assert chat.send("thank you so much")[0].text == "You are welcome!"
    (reply,) = chat.send("who will win the champions league this year")
    assert reply.text.startswith("Sorry, I can help only with")
    assert labels_of(reply)[0] == "Ask a question"


def test_change_language_by_command_and_by_words(app: App) -> None:
    chat = english_chat(app)
    assert len(payloads_of(chat.send("/language")[0])) == 12
    assert len(payloads_of(chat.send("i want to change the language")[0])) == 12
    (confirmation, menu) = chat.press("lang:it")
    assert confirmation.text == "Da adesso scrivo in italiano."
    assert labels_of(menu)[0] == "Fai una domanda"


def test_a_question_before_choosing_a_language_is_answered_after_the_choice(app: App) -> None:
    chat = Chat(app.engine)
    (picker,) = chat.send("come posso rinnovare il permesso di soggiorno scaduto")
    assert payloads_of(picker)[0] == "lang:it"  # preselected from the text itself
    replies = chat.press("lang:it")
    assert replies[-1].topic == "residence_permit_renewal"
    assert replies[-1].text.startswith("Rinnovare il permesso di soggiorno")


def test_over_long_input_is_answered_not_crashed_on(app: App) -> None:
    chat = english_chat(app)
    story = (
        "Good morning. I came to Italy three years ago and I work in a restaurant in Savona. "
        "My boss is good and my family is still in my country, I send money every month. "
    ) * 30
    long_text = story + "My question: how do i renew my residence permit, it expires in May?"
    assert len(long_text) > 4096
    replies = chat.send(long_text)
    assert "very long" in replies[0].text
    assert replies[-1].topic == "residence_permit_renewal"
    with app.sessions() as session:
        stored = session.scalars(select(Message.text).where(Message.direction == "in")).all()
        assert max(len(t) for t in stored) == 4096


@pytest.mark.parametrize("text", ["🙏🙏🙏", "   ", "\u200f\u200e", "😀 👍"])
def test_messages_without_words_get_a_clear_answer(app: App, text: str) -> None:
    (reply,) = english_chat(app).send(text)
    assert "only written messages" in reply.text


@pytest.mark.parametrize(
    "text", ["مرحبا كيف حالك", "درخواست پناهندگی", "12345", "permesso 🙏 renew", "你好"]
)
def test_any_script_or_digits_get_an_answer(app: App, text: str) -> None:
    replies = english_chat(app).send(text)
    assert replies and all(r.text for r in replies)


def test_not_yet_available_actions_say_so_without_fake_buttons(app: App) -> None:
    (reply,) = english_chat(app).send("i want to book an appointment at the prefettura")
    assert "cannot be booked" in reply.text
    assert payloads_of(reply) == ["topic:office_info", "menu"]


def test_users_are_separate_per_channel_and_id(app: App) -> None:
    english_chat(app, "same")
    Chat(app.engine, "same").engine.handle(Inbound("other", "same", text="/start"))
    with app.sessions() as session:
        users = session.scalars(select(User).order_by(User.id)).all()
        assert [(u.channel, u.language) for u in users] == [("test", "en"), ("other", None)]
