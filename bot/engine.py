"""The dialogue engine: one turn = load state, decide, save state and replies, in one transaction.

Replies are saved as outbound messages (the outbox) before any channel sends them;
a channel marks them delivered once sent. The same (channel, update id) twice makes
one turn: the second time only replies not yet delivered are returned.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import payloads
from bot.flows import MAX_STORED_CHARS, Turn, decide
from bot.messages import Button, Inbound, Outbound
from core.languages import normalise_language_code
from core.models import ConversationState, Message, ProcessedUpdate, User, utcnow
from nlu.service import NluService

log = logging.getLogger(__name__)


class DialogueEngine:
    def __init__(
        self, sessions: sessionmaker[Session], nlu: NluService, confidence_threshold: float
    ) -> None:
        self.sessions = sessions
        self._nlu = nlu
        self._threshold = confidence_threshold

    def handle(self, event: Inbound) -> list[Outbound]:
        """Run one turn. Replies are saved, not sent: a channel claims each before sending."""
        for attempt in (1, 2):
            try:
                with self.sessions.begin() as session:
                    return self._turn(session, event)
            except IntegrityError:
                if event.update_id is not None:
                    # Another worker committed the same update first: it delivers the replies.
                    log.info("update %s/%s handled concurrently", event.channel, event.update_id)
                    return []
                if attempt == 2:
                    raise
                # A first message raced another for the same new user: the user exists now.
        raise AssertionError("unreachable")

    def claim(self, message_ids: Sequence[int]) -> list[int]:
        """Mark replies delivered; return those this caller claimed, in order. A reply
        claimed by someone else (a duplicate request in flight) must not be sent again."""
        ids = [i for i in message_ids if i]
        if not ids:
            return []
        with self.sessions.begin() as session:
            claimed = set(
                session.scalars(
                    update(Message)
                    .where(Message.id.in_(ids), Message.delivered_at.is_(None))
                    .values(delivered_at=utcnow())
                    .returning(Message.id)
                )
            )
        return [i for i in ids if i in claimed]

    def claim_replies(self, replies: Sequence[Outbound]) -> list[Outbound]:
        """The replies this caller may show at once (web, terminal): those it claimed."""
        claimed = set(self.claim([r.id for r in replies if r.id is not None]))
        return [r for r in replies if r.id is None or r.id in claimed]

    def release(self, message_ids: Sequence[int]) -> None:
        """A claimed reply could not be sent: leave it to the next attempt (the relay)."""
        if not message_ids:
            return
        with self.sessions.begin() as session:
            session.execute(
                update(Message).where(Message.id.in_(message_ids)).values(delivered_at=None)
            )

    def pending_replies(
        self, channel: str, *, older_than: dt.timedelta, within: dt.timedelta, limit: int = 100
    ) -> list[tuple[str, Outbound]]:
        """Replies saved but never delivered (a send failed, the process died), oldest first,
        with the channel user id they are for: what a channel's relay sends again."""
        now = utcnow()
        with self.sessions() as session:
            rows = session.execute(
                select(Message, User.channel_user_id)
                .join(User, Message.user_id == User.id)
                .where(
                    User.channel == channel,
                    Message.direction == "out",
                    Message.delivered_at.is_(None),
                    Message.created_at <= now - older_than,
                    Message.created_at >= now - within,
                )
                .order_by(Message.id)
                .limit(limit)
            ).all()
        return [(user_id, _outbound_from_row(row)) for row, user_id in rows]

    def _turn(self, session: Session, event: Inbound) -> list[Outbound]:
        if event.update_id is not None:
            done = session.scalar(
                select(ProcessedUpdate).where(
                    ProcessedUpdate.channel == event.channel,
                    ProcessedUpdate.update_id == event.update_id,
                )
            )
            if done is not None:
                return _undelivered_replies(session, done.message_id)
        user = _user(session, event)
        inbound = Message(
            user_id=user.id,
            direction="in",
            text=(event.text or "")[:MAX_STORED_CHARS],
            payload=(event.payload or "")[: payloads.MAX_PAYLOAD_BYTES] or None,
        )
        session.add(inbound)
        session.flush()
        if event.update_id is not None:
            session.add(
                ProcessedUpdate(
                    channel=event.channel, update_id=event.update_id, message_id=inbound.id
                )
            )
            session.flush()
        state = user.state or ConversationState(user_id=user.id, step="start", data={})
        user.state = state
        turn = Turn(
            session=session,
            user=user,
            state=state,
            inbound=inbound,
            nlu=self._nlu,
            threshold=self._threshold,
            language_hint=normalise_language_code(event.language_hint),
            now=dt.datetime.now(dt.UTC),
        )
        decide(turn, event)
        return [_save_reply(session, turn, reply) for reply in turn.replies]


def _user(session: Session, event: Inbound) -> User:
    user = session.scalar(
        select(User).where(User.channel == event.channel, User.channel_user_id == event.user_id)
    )
    if user is None:
        user = User(channel=event.channel, channel_user_id=event.user_id)
        session.add(user)
        session.flush()
    user.last_seen_at = utcnow()
    return user


def _save_reply(session: Session, turn: Turn, reply: Outbound) -> Outbound:
    row = Message(
        user_id=turn.user.id,
        direction="out",
        text=reply.text,
        language=reply.language,
        intent=reply.topic,
        reply_to_id=turn.inbound.id,
    )
    session.add(row)
    session.flush()
    rows = tuple(
        tuple(Button(b.label, b.payload.replace(payloads.SELF_ID, str(row.id))) for b in r)
        for r in reply.buttons
    )
    saved = replace(reply, buttons=rows, id=row.id)
    row.rendering = {"kind": saved.kind, "rows": saved.buttons_as_json(), "topic": saved.topic}
    return saved


def _undelivered_replies(session: Session, inbound_id: int) -> list[Outbound]:
    rows = session.scalars(
        select(Message)
        .where(Message.reply_to_id == inbound_id, Message.delivered_at.is_(None))
        .order_by(Message.id)
    )
    return [_outbound_from_row(row) for row in rows]


def _outbound_from_row(row: Message) -> Outbound:
    data = row.rendering or {}
    buttons = tuple(
        tuple(Button(b["label"], b["payload"]) for b in r) for r in data.get("rows", [])
    )
    kind: Literal["message", "notice"] = "notice" if data.get("kind") == "notice" else "message"
    return Outbound(
        text=row.text,
        language=row.language or "en",
        buttons=buttons,
        kind=kind,
        topic=data.get("topic"),
        id=row.id,
    )
