"""End to end: the web chat over real HTTP, served by uvicorn as `meet2know serve` does."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from bot.web import COOKIE, MAX_BODY_BYTES
from core.i18n import translator
from meet2know.wiring import App
from tests.support.web_server import web_server

pytestmark = pytest.mark.e2e

STEP_TIMEOUT = 10.0
TEST_TIMEOUT = 30.0
MESSAGES = "/chat/api/messages"
HISTORY = "/chat/api/history"
EN = translator("en")

JSON = dict[str, Any]


class _Assets(HTMLParser):
    """The <html> attributes and the URLs of every <script src> and <link href>."""

    def __init__(self) -> None:
        super().__init__()
        self.html: dict[str, str | None] = {}
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.html = values
        elif tag == "script":
            self.scripts += 1
            if values.get("src"):
                self.urls.append(str(values["src"]))
        elif tag == "link" and values.get("href"):
            self.urls.append(str(values["href"]))


def parse_page(html: str) -> _Assets:
    parser = _Assets()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture
async def base_url(app: App) -> AsyncIterator[str]:
    """The web app of an App without a Telegram token, served over HTTP."""
    assert app.settings.telegram_bot_token is None
    async with web_server(app) as url:
        yield url


@asynccontextmanager
async def client(base_url: str, **headers: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=base_url, timeout=STEP_TIMEOUT, trust_env=False, headers=headers
    ) as http:
        yield http


async def send(http: httpx.AsyncClient, body: JSON) -> list[JSON]:
    response = await http.post(MESSAGES, json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    replies = data["replies"]
    assert isinstance(replies, list)
    return replies


def payloads_of(reply: JSON) -> list[str]:
    return [str(button["payload"]) for row in reply["buttons"] for button in row]


def is_language_picker(replies: list[JSON]) -> bool:
    return len(replies) == 1 and all(p.startswith("lang:") for p in payloads_of(replies[0]))


def is_main_menu(reply: JSON) -> bool:
    return "ask" in payloads_of(reply)


async def test_chat_page(base_url: str) -> None:
    async with asyncio.timeout(TEST_TIMEOUT):
        async with client(base_url) as http:
            page = await http.get("/chat")
            assert page.status_code == 200
            assert page.headers["content-type"].startswith("text/html")
            assert COOKIE in page.cookies
            set_cookie = page.headers["set-cookie"].lower()
            assert "httponly" in set_cookie and "samesite=strict" in set_cookie
            parsed = parse_page(page.text)
            assert parsed.html.get("lang") == "en"
            assert parsed.html.get("dir") == "ltr"
            assert parsed.scripts >= 1 and parsed.urls
            external = [u for u in parsed.urls if u.lower().startswith(("http:", "https:", "//"))]
            assert external == [], "the chat page loads assets from outside (a CDN?)"
            for url in parsed.urls:
                asset = await http.get(url)
                assert asset.status_code == 200, url

            root = await http.get("/", follow_redirects=False)
            assert root.status_code in (302, 307)
            assert root.headers["location"].endswith("/chat")

        async with client(base_url, **{"Accept-Language": "ar"}) as http:
            arabic = parse_page((await http.get("/chat")).text)
            assert (arabic.html.get("lang"), arabic.html.get("dir")) == ("ar", "rtl")

        async with client(base_url, **{"Accept-Language": "it-IT,it;q=0.9,en;q=0.8"}) as http:
            italian = parse_page((await http.get("/chat")).text)
            assert (italian.html.get("lang"), italian.html.get("dir")) == ("it", "ltr")


async def test_conversation_over_http(base_url: str) -> None:
    async with asyncio.timeout(TEST_TIMEOUT):
        async with client(base_url) as http:
            assert (await http.get("/chat")).status_code == 200
            cookie = http.cookies[COOKIE]

            picker = await send(http, {"text": "/start", "id": "a1"})
            assert is_language_picker(picker)
            assert payloads_of(picker[0])[0] == "lang:en"

            welcome = await send(http, {"payload": "lang:en", "id": "a2"})
            assert len(welcome) == 2
            assert welcome[0]["text"].startswith("Welcome!")
            assert is_main_menu(welcome[1])
            assert all(r["dir"] == "ltr" and r["language"] == "en" for r in welcome)

            question = {"text": "how do i renew my permesso", "id": "a3"}
            answer = await send(http, question)
            assert len(answer) == 1
            article = answer[0]
            assert article["topic"] == "residence_permit_renewal"
            assert article["dir"] == "ltr" and article["kind"] == "message"
            assert article["text"].endswith(EN._("Was this helpful?"))
            feedback = [p for p in payloads_of(article) if p.startswith("fb:")]
            assert len(feedback) == 2 and all("@" not in p for p in feedback)

            assert await send(http, question) == [], "the same id was answered twice"
            assert http.cookies[COOKIE] == cookie, "the visitor changed"

            history = await http.get(HISTORY)
            assert history.status_code == 200
            messages = history.json()["messages"]
            directions = [m["direction"] for m in messages]
            texts = [m["text"] for m in messages]
            # /start, picker; (button press hidden) welcome, menu; question, article
            assert directions == ["in", "out", "out", "out", "in", "out"], texts
            assert texts[0] == "/start"
            assert texts[4] == question["text"]
            assert texts[5] == article["text"]
            assert messages[5]["buttons"] == article["buttons"]
            assert messages[4]["dir"] == "auto" and messages[5]["dir"] == "ltr"

            good = await send(http, {"payload": feedback[0], "id": "a4"})
            assert good[0]["text"] == EN._("Thank you for your feedback!")
            conversation = (await http.get(HISTORY)).json()["messages"]
            assert len(conversation) == len(messages) + 1

        # No cookie at all: somebody else, who is asked for a language again.
        async with client(base_url) as stranger:
            assert (await stranger.get(HISTORY)).json() == {"messages": []}
            assert is_language_picker(await send(stranger, {"text": "/start", "id": "a1"}))
            assert stranger.cookies[COOKIE] != cookie

        # The same cookie in another client is the same visitor (so the jar sends it)...
        async with client(base_url) as again:
            again.cookies.set(COOKIE, cookie, domain="127.0.0.1")
            assert (await again.get(HISTORY)).json()["messages"] == conversation

        # ...but a tampered cookie is not trusted: a new visitor.
        tampered = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
        async with client(base_url) as forger:
            forger.cookies.set(COOKIE, tampered, domain="127.0.0.1")
            assert (await forger.get(HISTORY)).json() == {"messages": []}
            assert is_language_picker(await send(forger, {"text": "/start", "id": "a1"}))
            assert forger.cookies[COOKIE] not in (cookie, tampered)


async def test_rejects_bad_requests(base_url: str) -> None:
    async with asyncio.timeout(TEST_TIMEOUT), client(base_url) as http:
        headers = {"content-type": "application/json"}
        invalid = await http.post(MESSAGES, content=b"{not json", headers=headers)
        assert invalid.status_code == 400
        not_utf8 = await http.post(MESSAGES, content=b"\xff\xfe", headers=headers)
        assert not_utf8.status_code == 400
        assert (await http.post(MESSAGES, json=["a list"])).status_code == 400
        assert (await http.post(MESSAGES, json={"text": 5})).status_code == 400
        assert (await http.post(MESSAGES, json={"payload": ["x"]})).status_code == 400
        assert (await http.post(MESSAGES, json={"text": "hi", "id": 3})).status_code == 400
        assert (await http.post(MESSAGES, json={"id": "only-an-id"})).status_code == 400

        big = json.dumps({"text": "a" * (MAX_BODY_BYTES + 1)}).encode()
        assert (await http.post(MESSAGES, content=big, headers=headers)).status_code == 413

        async def chunks() -> AsyncIterator[bytes]:
            # No Content-Length: the size is found while reading.
            for _ in range(5):
                yield b" " * (MAX_BODY_BYTES // 4)
            yield b"{}"

        streamed = await http.post(MESSAGES, content=chunks(), headers=headers)
        assert streamed.status_code == 413

        assert (await http.get(MESSAGES)).status_code == 405
        # Nothing of all that reached the engine: this visitor is still new.
        assert (await http.get(HISTORY)).json() == {"messages": []}


async def test_emoji_only_text_gets_an_answer(base_url: str) -> None:
    async with asyncio.timeout(TEST_TIMEOUT), client(base_url) as http:
        await send(http, {"payload": "lang:en", "id": "e1"})
        replies = await send(http, {"text": "👍🙏😊", "id": "e2"})
        assert len(replies) == 1
        assert replies[0]["text"] == EN._(
            "I can read only written messages. Please write your question."
        )
        assert is_main_menu(replies[0])


async def test_arabic_replies_are_right_to_left(base_url: str) -> None:
    async with asyncio.timeout(TEST_TIMEOUT), client(base_url, **{"Accept-Language": "ar"}) as http:
        picker = await send(http, {"text": "/start", "id": "r1"})
        assert payloads_of(picker[0])[0] == "lang:ar"
        replies = await send(http, {"payload": "lang:ar", "id": "r2"})
        assert len(replies) == 2
        assert all(r["language"] == "ar" and r["dir"] == "rtl" for r in replies)
        menu = await send(http, {"payload": "menu", "id": "r3"})
        assert menu and all(r["dir"] == "rtl" for r in menu)
        history = (await http.get(HISTORY)).json()["messages"]
        assert [m["dir"] for m in history if m["direction"] == "out"][-1] == "rtl"


async def test_health_and_no_telegram_webhook(base_url: str) -> None:
    async with asyncio.timeout(TEST_TIMEOUT), client(base_url) as http:
        health = await http.get("/healthz")
        assert health.status_code == 200
        assert health.json() == {"status": "ok"}
        metrics = await http.get("/metrics")
        assert metrics.status_code == 200 and "meet2know_nlu_rasa_up" in metrics.text
        hook = await http.post("/telegram/webhook", json={"update_id": 1})
        assert hook.status_code == 404
        with_secret = await http.post(
            "/telegram/webhook",
            json={"update_id": 1},
            headers={"X-Telegram-Bot-Api-Secret-Token": "anything"},
        )
        assert with_secret.status_code == 404
