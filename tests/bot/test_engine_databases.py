"""The engine's core promises on both databases: state survives, updates are handled once."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.messages import Inbound
from core.models import ConversationState, Message, ProcessedUpdate
from meet2know.wiring import App, build_app
from nlu.service import NluService


def test_a_question_is_answered_and_everything_is_kept(any_db_app: App) -> None:
    engine = any_db_app.engine
    engine.handle(Inbound("test", "42", payload="lang:en", update_id="1"))
    (answer,) = engine.handle(
        Inbound("test", "42", text="where do i get codice fiscale", update_id="2")
    )
    assert answer.topic == "tax_code"
    assert engine.handle(Inbound("test", "42", text="where do i get codice fiscale", update_id="2"))
    engine.claim([answer.id or 0])
    assert engine.handle(Inbound("test", "42", text="again", update_id="2")) == []
    with any_db_app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 2
        directions = session.scalars(select(Message.direction).order_by(Message.id)).all()
        assert directions.count("in") == 2
        state = session.scalar(select(ConversationState))
        assert state is not None and state.step == "idle"


def test_state_survives_a_restart(any_db_app: App, nlu_service: NluService) -> None:
    any_db_app.engine.handle(Inbound("test", "7", payload="lang:it"))
    any_db_app.close()
    restarted = build_app(any_db_app.settings, nlu=nlu_service)
    try:
        (reply,) = restarted.engine.handle(Inbound("test", "7", text="grazie mille"))
        assert reply.language == "it" and reply.text == "Prego!"
    finally:
        restarted.close()
