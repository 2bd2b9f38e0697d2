"""The Bot API emulator, driven by a real telegram.Bot and a real PTB Application."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, EndPointNotFound
from telegram.ext import Application, CommandHandler, ContextTypes

from .fake_telegram import FakeTelegramServer, JSONDict

TOKEN = "123456:TEST-token"
CHAT = 4242
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer() as fake:
        yield fake


@pytest.fixture
async def bot(server: FakeTelegramServer) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=server.base_url, base_file_url=server.base_file_url) as bot:
        yield bot


async def test_get_me_records_token(bot: Bot, server: FakeTelegramServer) -> None:
    me = await bot.get_me()
    assert me.username == "meet2know_test_bot"
    assert me.is_bot
    assert server.tokens == {TOKEN}


async def test_send_message_records_reply_markup(bot: Bot, server: FakeTelegramServer) -> None:
    first = await bot.send_message(CHAT, "Ciao", reply_markup=KEYBOARD)
    second = await bot.send_message(CHAT, "Again")
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.text == "Ciao"
    assert first.from_user is not None and first.from_user.id == server.bot_user["id"]
    assert first.reply_markup == KEYBOARD
    params = await server.wait_for_call("sendMessage")
    assert params["chat_id"] == CHAT
    assert params["reply_markup"] == KEYBOARD.to_dict()
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"
    assert (await server.wait_for_call("sendMessage"))["text"] == "Again"
    assert [m["text"] for m in server.sent_messages(CHAT)] == ["Ciao", "Again"]


async def test_get_updates_returns_pushed_message(bot: Bot, server: FakeTelegramServer) -> None:
    pushed = server.push_message(CHAT, "/start hello", language_code="it")
    updates = await bot.get_updates(timeout=1)
    assert len(updates) == 1
    update = updates[0]
    assert update.update_id == pushed["update_id"]
    assert update.message is not None and update.message.text == "/start hello"
    assert update.message.chat.id == CHAT and update.message.chat.type == "private"
    assert update.effective_user is not None and update.effective_user.language_code == "it"
    assert update.message.parse_entities(["bot_command"]).popitem()[1] == "/start"
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()


async def test_get_updates_long_polls(bot: Bot, server: FakeTelegramServer) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    server.push_message(CHAT, "hi", language_code=None)
    updates = await asyncio.wait_for(poll, timeout=2)
    assert updates[0].effective_user is not None
    assert updates[0].effective_user.language_code is None


async def test_callback_and_edits(bot: Bot, server: FakeTelegramServer) -> None:
    sent = await bot.send_message(CHAT, "Choose", reply_markup=KEYBOARD)
    server.push_callback(CHAT, "yes", message_id=sent.message_id)
    (update,) = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.data == "yes"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await query.answer("ok")
    edited = await bot.edit_message_text("Chosen", chat_id=CHAT, message_id=sent.message_id)
    assert not isinstance(edited, bool) and edited.text == "Chosen"
    assert edited.reply_markup is None
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Chosen", chat_id=CHAT, message_id=sent.message_id)
    await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=KEYBOARD)
    assert server.sent_messages(CHAT)[0]["reply_markup"] == KEYBOARD.to_dict()
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text("x", chat_id=CHAT, message_id=99)


async def test_send_document_records_file(bot: Bot, server: FakeTelegramServer) -> None:
    await bot.send_chat_action(CHAT, "upload_document")
    message = await bot.send_document(CHAT, b"a,b\n1,2\n", filename="export.csv", caption="CSV")
    assert message.document is not None and message.document.file_name == "export.csv"
    params = await server.wait_for_call("sendDocument")
    assert params["document"]["filename"] == "export.csv"
    assert params["document"]["content"] == b"a,b\n1,2\n"
    assert params["caption"] == "CSV"


async def test_commands_and_profile_per_language(bot: Bot, server: FakeTelegramServer) -> None:
    await bot.set_my_commands([("start", "Inizia")], language_code="it")
    await bot.set_my_commands([("start", "Start")])
    assert [c.description for c in await bot.get_my_commands(language_code="it")] == ["Inizia"]
    assert server.my_commands() == [{"command": "start", "description": "Start"}]
    await bot.delete_my_commands(language_code="it")
    assert server.my_commands(language_code="it") == []
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([("Start", "capitalised")])
    await bot.set_my_description("Descrizione", language_code="it")
    await bot.set_my_short_description("Breve", language_code="it")
    await bot.set_my_name("Meet2Know")
    assert server.profile_text("description", "it") == "Descrizione"
    assert (await bot.get_my_short_description("it")).short_description == "Breve"
    assert (await bot.get_my_name()).name == "Meet2Know"


async def test_fail_methods_and_unknown_methods(bot: Bot, server: FakeTelegramServer) -> None:
    server.fail_methods.add("setMyCommands")
    with pytest.raises(BadRequest, match=r"(?i)simulated"):
        await bot.set_my_commands([("start", "Start")])
    assert server.my_commands() == []
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")
    assert [name for name, _ in server.calls][-2:] == ["setMyCommands", "noSuchMethod"]


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[JSONDict]]]:
    """A tiny webhook receiver that checks the secret header, as PTB's does."""
    received: list[JSONDict] = []

    async def webhook(request: Request) -> Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != "s3cret":
            return Response(status_code=403)
        received.append(json.loads(await request.body()))
        return Response()

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = Starlette(routes=[Route("/hook", webhook, methods=["POST"])])
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    uv_server = uvicorn.Server(config)
    task = asyncio.create_task(uv_server.serve(sockets=[sock]))
    while not uv_server.started:
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/hook", received
    uv_server.should_exit = True
    await task
    sock.close()


async def test_webhook_roundtrip(
    bot: Bot, server: FakeTelegramServer, receiver: tuple[str, list[JSONDict]]
) -> None:
    url, received = receiver
    assert await bot.set_webhook(url, secret_token="s3cret")
    assert (server.webhook_url, server.webhook_secret) == (url, "s3cret")
    assert (await bot.get_webhook_info()).url == url
    with pytest.raises(Conflict):
        await bot.get_updates()
    update = server.build_message(CHAT, "via webhook")
    assert await server.post_to_webhook(update) == 200
    assert await server.post_to_webhook(update, secret_token="wrong") == 403
    assert await server.post_to_webhook(update, secret_token=None) == 403
    assert received == [update]
    assert await bot.delete_webhook()
    assert server.webhook_url is None


def test_form_and_json_bodies_and_sync_wait(server: FakeTelegramServer) -> None:
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    url = f"{server.base_url}any-token/sendMessage"
    with httpx.Client(trust_env=False) as client:
        form_data = {"chat_id": "7", "text": "[1]", "reply_markup": json.dumps(markup)}
        form = client.post(url, data=form_data)
        as_json = client.post(url, json={"chat_id": 7, "text": "json"})
        empty = client.post(url, json={"chat_id": 7, "text": " "})
    assert form.json()["result"]["reply_markup"] == markup
    assert as_json.json()["result"]["message_id"] == 2
    assert empty.status_code == 400 and empty.json()["ok"] is False
    first = server.wait_for_call_sync("sendMessage", predicate=lambda p: p["text"] == "[1]")
    assert first == {"chat_id": 7, "text": "[1]", "reply_markup": markup}
    assert server.wait_for_call_sync("sendMessage")["text"] == "json"
    assert server.wait_for_call_sync("sendMessage")["text"] == " "
    with pytest.raises(TimeoutError):
        server.wait_for_call_sync("sendMessage", timeout=0.05)


async def test_application_end_to_end(server: FakeTelegramServer) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        lang = update.effective_user.language_code
        await update.effective_message.reply_text(f"Benvenuto ({lang})", reply_markup=KEYBOARD)

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        server.push_message(CHAT, "/start", language_code="fr")
        params = await server.wait_for_call("sendMessage", predicate=lambda p: p["chat_id"] == CHAT)
        assert params["text"] == "Benvenuto (fr)"
        await app.updater.stop()
        await app.stop()
    assert server.sent_messages(CHAT)[0]["text"] == "Benvenuto (fr)"
