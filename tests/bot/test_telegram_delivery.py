"""Delivery on Telegram when things fail: a refused send is retried by the relay, a refused
file falls back to a link."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator

import pytest

from bot.messages import Outbound, OutboundFile
from bot.telegram_channel import TelegramChannel
from meet2know.wiring import App
from tests.bot.test_telegram_e2e import STEP_TIMEOUT, TEST_TIMEOUT, polling_channel
from tests.support.fake_telegram import FakeTelegramServer

pytestmark = pytest.mark.e2e
CHAT = 4242


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer() as fake:
        yield fake


async def test_a_reply_that_could_not_be_sent_is_relayed_once(
    app: App, server: FakeTelegramServer
) -> None:
    async with asyncio.timeout(TEST_TIMEOUT), polling_channel(app, server) as channel:
        server.fail_methods.add("sendMessage")
        server.push_message(CHAT, "/start", language_code="en")
        await server.wait_for_call("sendMessage", timeout=STEP_TIMEOUT)  # refused
        await asyncio.sleep(0.2)  # the handler releases the reply after the failure
        assert server.sent_messages(CHAT) == []

        server.fail_methods.clear()
        assert await channel.relay_pending(older_than=dt.timedelta(0)) == 1
        (picker,) = server.sent_messages(CHAT)
        assert picker["text"].startswith("Choose your language")
        assert await channel.relay_pending(older_than=dt.timedelta(0)) == 0


async def test_a_refused_file_becomes_a_link(app: App, server: FakeTelegramServer) -> None:
    async with asyncio.timeout(TEST_TIMEOUT), polling_channel(app, server) as channel:
        server.fail_methods.add("sendDocument")
        reply = Outbound(
            text="Your form",
            language="ar",
            file=OutboundFile(filename="modulo.pdf", url="https://example.org/modulo.pdf"),
        )
        await channel.send(CHAT, reply)
        texts = [m["text"] for m in server.sent_messages(CHAT)]
        assert texts[0] == "Your form"
        assert "\u2068https://example.org/modulo.pdf\u2069" in texts[1]  # isolated in RTL


def test_channel_needs_a_token(app: App) -> None:
    with pytest.raises(ValueError, match="TELEGRAM_BOT_TOKEN"):
        TelegramChannel(app.settings, app.engine)
