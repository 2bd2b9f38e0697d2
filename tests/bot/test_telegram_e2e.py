"""End to end: the real python-telegram-bot Application of TelegramChannel against the Bot API
emulator, in polling mode and in webhook mode behind the real web server (uvicorn)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import yaml

from bot.telegram_channel import TelegramChannel, webhook_secret
from core.config import PROJECT_ROOT
from meet2know.wiring import App
from tests.support.fake_telegram import FakeTelegramServer, JSONDict
from tests.support.web_server import free_socket, web_server

pytestmark = pytest.mark.e2e

TOKEN = "123456:TEST"
CHAT = 31337
# Generous bounds: every step takes milliseconds, these only keep a broken run from hanging.
STEP_TIMEOUT = 10.0
TEST_TIMEOUT = 30.0
# How long to watch for a reply that must not come.
QUIET_PERIOD = 0.5
RENEWAL_ARTICLE = (
    PROJECT_ROOT / "knowledge_base" / "articles" / "it" / "residence_permit_renewal.yaml"
)


def article_title(path: Path) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    title = data["title"]
    assert isinstance(title, str)
    return title


def buttons(params: JSONDict) -> list[JSONDict]:
    """Every inline button of a sendMessage call, row after row."""
    markup = params.get("reply_markup")
    if not isinstance(markup, dict):
        return []
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def button_labels(params: JSONDict) -> list[str]:
    return [str(button["text"]) for button in buttons(params)]


def message_id_of(server: FakeTelegramServer, chat_id: int, params: JSONDict) -> int:
    """The message id the emulator gave to the message a sendMessage call created."""
    for message in reversed(server.sent_messages(chat_id)):
        if message.get("text") == params["text"]:
            message_id = message["message_id"]
            assert isinstance(message_id, int)
            return message_id
    raise AssertionError(f"no message {params['text']!r} in chat {chat_id}")


def is_main_menu(params: JSONDict) -> bool:
    return any(button.get("callback_data") == "ask" for button in buttons(params))


async def next_message(server: FakeTelegramServer, chat_id: int = CHAT) -> JSONDict:
    return await server.wait_for_call(
        "sendMessage",
        predicate=lambda params: params.get("chat_id") == chat_id,
        timeout=STEP_TIMEOUT,
    )


async def messages_until_menu(server: FakeTelegramServer, chat_id: int = CHAT) -> list[JSONDict]:
    """Every message up to and including the next main menu (the "ask" button)."""
    result = [await next_message(server, chat_id)]
    while not is_main_menu(result[-1]):
        result.append(await next_message(server, chat_id))
    return result


async def assert_no_message(server: FakeTelegramServer, chat_id: int = CHAT) -> None:
    with pytest.raises(TimeoutError):
        await server.wait_for_call(
            "sendMessage",
            predicate=lambda params: params.get("chat_id") == chat_id,
            timeout=QUIET_PERIOD,
        )


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer() as fake:
        yield fake


def telegram_app(app: App, server: FakeTelegramServer, webhook_url: str | None = None) -> App:
    settings = dataclasses.replace(
        app.settings,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=server.base_url,
        telegram_webhook_url=webhook_url,
    )
    return dataclasses.replace(app, settings=settings)


@asynccontextmanager
async def polling_channel(app: App, server: FakeTelegramServer) -> AsyncIterator[TelegramChannel]:
    configured = telegram_app(app, server)
    channel = TelegramChannel(configured.settings, configured.engine)
    assert not channel.webhook_mode
    try:
        await asyncio.wait_for(channel.start(), STEP_TIMEOUT)
        yield channel
    finally:
        await asyncio.wait_for(channel.stop(), STEP_TIMEOUT)


# -- polling -------------------------------------------------------------------------------


async def test_polling_conversation_in_italian(app: App, server: FakeTelegramServer) -> None:
    title = article_title(RENEWAL_ARTICLE)
    async with asyncio.timeout(TEST_TIMEOUT), polling_channel(app, server):
        commands = server.my_commands(language_code="it")
        assert commands, "setMyCommands was not called for Italian at start-up"
        assert {c["command"] for c in commands} >= {"start", "menu", "language", "help"}
        assert server.my_commands(), "no default (English) command menu"
        for code in ("ar", "zh", "uk", "bn"):  # every language has its menu and description
            descriptions = {c["description"] for c in server.my_commands(language_code=code)}
            assert descriptions and descriptions != {
                c["description"] for c in server.my_commands()
            }, code
            assert server.profile_text("short_description", code), code

        server.push_message(CHAT, "/start", language_code="it")
        picker = await next_message(server)
        first = buttons(picker)[0]
        assert (first["text"], first["callback_data"]) == ("✓ Italiano", "lang:it")
        assert picker["text"] == "Scegli la tua lingua:"

        pressed = server.push_callback(
            CHAT, "lang:it", message_id=message_id_of(server, CHAT, picker), language_code="it"
        )
        answered = await server.wait_for_call(
            "answerCallbackQuery",
            predicate=lambda p: p.get("callback_query_id") == pressed["callback_query"]["id"],
            timeout=STEP_TIMEOUT,
        )
        assert answered
        welcome, menu = await messages_until_menu(server)
        assert welcome["text"].startswith("Ti do il benvenuto!")
        assert menu["text"] == "Cosa vuoi fare?"
        assert "Fai una domanda" in button_labels(menu)

        server.push_message(CHAT, "come rinnovo il permesso di soggiorno", language_code="it")
        article = await next_message(server)
        assert article["text"].startswith(title), article["text"][:200]
        vote = [b for b in buttons(article) if b["text"].startswith(("👍", "👎"))]
        assert len(vote) == 2
        up, down = vote
        assert up["text"].startswith("👍") and down["text"].startswith("👎")
        up_data, down_data = str(up["callback_data"]), str(down["callback_data"])
        reply_id = up_data.split(":")[1]
        assert reply_id.isdigit()
        assert (up_data, down_data) == (f"fb:{reply_id}:1", f"fb:{reply_id}:0")

        thumbs = server.push_callback(
            CHAT, up_data, message_id=message_id_of(server, CHAT, article), language_code="it"
        )
        thanks = await next_message(server)
        assert thanks["text"] == "Grazie per la tua risposta!"
        await server.wait_for_call(
            "answerCallbackQuery",
            predicate=lambda p: p.get("callback_query_id") == thumbs["callback_query"]["id"],
            timeout=STEP_TIMEOUT,
        )

        # A forged payload: the menu again, with the "not valid" text, and no crash.
        forged = server.push_callback(
            CHAT,
            "topic:../../etc",
            message_id=message_id_of(server, CHAT, thanks),
            language_code="it",
        )
        refused = await next_message(server)
        assert refused["text"] == "Questo pulsante non è più valido."
        assert "Fai una domanda" in button_labels(refused)
        await server.wait_for_call(
            "answerCallbackQuery",
            predicate=lambda p: p.get("callback_query_id") == forged["callback_query"]["id"],
            timeout=STEP_TIMEOUT,
        )

        # Still serving after all that.
        server.push_message(CHAT, "/menu", language_code="it")
        assert "Fai una domanda" in button_labels(await next_message(server))


async def test_start_up_survives_failing_profile_calls(
    app: App, server: FakeTelegramServer
) -> None:
    server.fail_methods |= {"setMyCommands", "setMyShortDescription"}
    async with asyncio.timeout(TEST_TIMEOUT), polling_channel(app, server):
        assert server.my_commands(language_code="it") == []
        assert any(name == "setMyCommands" for name, _ in server.calls)
        server.push_message(CHAT, "/start", language_code="it")
        picker = await next_message(server)
        assert buttons(picker)[0]["callback_data"] == "lang:it"


async def test_double_click_is_answered_with_a_toast(app: App, server: FakeTelegramServer) -> None:
    async with asyncio.timeout(TEST_TIMEOUT), polling_channel(app, server):
        server.push_message(CHAT, "/start", language_code="it")
        picker = await next_message(server)
        picker_id = message_id_of(server, CHAT, picker)
        server.push_callback(CHAT, "lang:it", message_id=picker_id, language_code="it")
        await messages_until_menu(server)
        again = server.push_callback(CHAT, "lang:it", message_id=picker_id, language_code="it")
        toast = await server.wait_for_call(
            "answerCallbackQuery",
            predicate=lambda p: p.get("callback_query_id") == again["callback_query"]["id"],
            timeout=STEP_TIMEOUT,
        )
        assert toast.get("text") == "Già fatto."
        await assert_no_message(server)


async def test_duplicate_update_is_answered_once(app: App, server: FakeTelegramServer) -> None:
    update = server.build_message(CHAT, "/start", language_code="it")
    # Both copies are queued before polling starts, so one getUpdates returns them together.
    server.push_update(update)
    server.push_update(update)
    async with asyncio.timeout(TEST_TIMEOUT), polling_channel(app, server):
        picker = await next_message(server)
        assert buttons(picker)[0]["callback_data"] == "lang:it"
        await assert_no_message(server)
        # The bot is still alive and the next update is answered.
        server.push_message(CHAT, "/language", language_code="it")
        assert buttons(await next_message(server))[0]["callback_data"] == "lang:it"
    assert len(server.sent_messages(CHAT)) == 2


async def test_long_message_is_answered_in_parts_telegram_accepts(
    app: App, server: FakeTelegramServer
) -> None:
    long_text = ("come rinnovo il permesso di soggiorno? " * 200)[:5000]
    assert len(long_text) == 5000
    async with asyncio.timeout(TEST_TIMEOUT), polling_channel(app, server):
        server.push_message(CHAT, "/start", language_code="it")
        picker = await next_message(server)
        server.push_callback(
            CHAT, "lang:it", message_id=message_id_of(server, CHAT, picker), language_code="it"
        )
        await messages_until_menu(server)

        server.push_message(CHAT, long_text, language_code="it")
        # Updates are handled one after the other: once /menu is answered, so is the long one.
        server.push_message(CHAT, "/menu", language_code="it")
        answers = await messages_until_menu(server)
    # A warning that only the beginning was read, the answer, and the menu asked for.
    assert len(answers) >= 3, [a["text"][:80] for a in answers]
    for params in answers:
        assert 0 < len(params["text"]) <= 4096
    warning, article = answers[0], answers[1]
    assert "lungo" in warning["text"] and not buttons(warning)
    assert article["text"].startswith(article_title(RENEWAL_ARTICLE))
    sends = [name for name, _ in server.calls if name == "sendMessage"]
    assert len(sends) == len(server.sent_messages(CHAT)), "a sendMessage was refused"


# -- webhook -------------------------------------------------------------------------------


async def test_webhook_mode_behind_the_web_server(app: App, server: FakeTelegramServer) -> None:
    sock = free_socket()
    port = sock.getsockname()[1]
    hook_url = f"http://127.0.0.1:{port}/telegram/webhook"
    configured = telegram_app(app, server, webhook_url=hook_url)
    assert configured.settings.telegram_mode == "webhook"
    async with asyncio.timeout(TEST_TIMEOUT), web_server(configured, sock):
        assert server.webhook_url == hook_url
        secret = server.webhook_secret
        assert secret and secret == webhook_secret(configured.settings)
        assert TOKEN not in secret
        assert server.my_commands(language_code="it")

        update = server.build_message(CHAT, "/start", language_code="it")
        assert await server.post_to_webhook(update) == 200
        picker = await next_message(server)
        assert buttons(picker)[0]["callback_data"] == "lang:it"

        # The same update posted again (Telegram retries): answered once only.
        assert await server.post_to_webhook(update) == 200
        await assert_no_message(server)

        forged = server.build_message(CHAT, "/language", language_code="it")
        assert await server.post_to_webhook(forged, secret_token="wrong-secret") == 403
        assert await server.post_to_webhook(forged, secret_token=None) == 403
        assert await server.post_to_webhook(forged, secret_token="") == 403
        await assert_no_message(server)

        pressed = server.build_callback(
            CHAT, "lang:it", message_id=message_id_of(server, CHAT, picker), language_code="it"
        )
        assert await server.post_to_webhook(pressed) == 200
        welcome, menu = await messages_until_menu(server)
        assert welcome["text"]
        assert "Fai una domanda" in button_labels(menu)
        await server.wait_for_call("answerCallbackQuery", timeout=STEP_TIMEOUT)
    assert not any(name == "getUpdates" for name, _ in server.calls)


async def test_webhook_answers_a_malformed_update_with_400(
    app: App, server: FakeTelegramServer
) -> None:
    sock = free_socket()
    hook_url = f"http://127.0.0.1:{sock.getsockname()[1]}/telegram/webhook"
    async with (
        asyncio.timeout(TEST_TIMEOUT),
        web_server(telegram_app(app, server, webhook_url=hook_url), sock),
    ):
        malformed: JSONDict = {"update_id": 5, "message": {"text": "no date, chat or id"}}
        assert await server.post_to_webhook(malformed) == 400
