"""The web app: the web chat (/chat), the Telegram webhook, a health check and the
Prometheus metrics (/metrics: anonymous counters only).

The web chat user is anonymous, identified by a random id in a signed cookie.
"""

from __future__ import annotations

import hmac
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import Environment, FileSystemLoader, select_autoescape
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.engine import DialogueEngine
from bot.messages import Inbound, Outbound
from bot.telegram_channel import TelegramChannel, webhook_secret
from core.i18n import translator
from core.languages import DEFAULT_LANGUAGE, NATIVE_LANGUAGES, direction
from core.models import Message, User

CHANNEL = "web"
COOKIE = "m2k_chat"
MAX_BODY_BYTES = 64 * 1024
HISTORY_LIMIT = 50
HERE = Path(__file__).resolve().parent
_templates = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
)


def create_web_app(
    engine: DialogueEngine,
    secret_key: str,
    telegram: TelegramChannel | None = None,
    lifespan: Callable[[Starlette], Any] | None = None,
) -> Starlette:
    signer = URLSafeSerializer(secret_key, salt="web-chat")

    def visitor(request: Request) -> tuple[str, bool]:
        """The visitor's id from the cookie, or a new one (True when new)."""
        cookie = request.cookies.get(COOKIE)
        if cookie:
            try:
                value = signer.loads(cookie)
                if isinstance(value, str):
                    return value, False
            except BadSignature:
                pass
        return uuid.uuid4().hex, True

    def with_cookie(request: Request, response: Response, visitor_id: str) -> Response:
        response.set_cookie(
            COOKIE,
            signer.dumps(visitor_id),
            max_age=180 * 24 * 3600,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    async def chat_page(request: Request) -> Response:
        visitor_id, _ = visitor(request)
        language = _page_language(request)
        tr = translator(language)
        html = _templates.get_template("chat.html").render(
            _=tr._, lang=language, dir=direction(language)
        )
        return with_cookie(request, HTMLResponse(html), visitor_id)

    async def post_message(request: Request) -> Response:
        body = await _json_body(request)
        if isinstance(body, Response):
            return body
        visitor_id, _ = visitor(request)
        text, payload, client_id = body.get("text"), body.get("payload"), body.get("id")
        if not _optional_str(text) or not _optional_str(payload) or not _optional_str(client_id):
            return JSONResponse({"error": "text, payload and id must be strings"}, 400)
        if text is None and payload is None:
            return JSONResponse({"error": "send a text or a payload"}, 400)
        event = Inbound(
            channel=CHANNEL,
            user_id=visitor_id,
            text=text,
            payload=payload,
            update_id=f"{visitor_id}:{client_id[:64]}" if client_id else None,
            language_hint=_page_language(request),
        )
        replies = await run_in_threadpool(lambda: engine.claim_replies(engine.handle(event)))
        answer = JSONResponse({"replies": [_reply_json(r) for r in replies]})
        return with_cookie(request, answer, visitor_id)

    async def history(request: Request) -> Response:
        visitor_id, new = visitor(request)
        if new:
            return JSONResponse({"messages": []})
        messages = await run_in_threadpool(_history, engine, visitor_id)
        return JSONResponse({"messages": messages})

    async def telegram_webhook(request: Request) -> Response:
        if telegram is None or not telegram.webhook_mode:
            return JSONResponse({"error": "webhook not enabled"}, 404)
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), webhook_secret(telegram.settings).encode()):
            return JSONResponse({"error": "forbidden"}, 403)
        body = await _json_body(request)
        if isinstance(body, Response):
            return body
        if not await telegram.receive_webhook(body):
            return JSONResponse({"error": "not a Telegram update"}, 400)
        return JSONResponse({"ok": True})

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    async def root(request: Request) -> Response:
        return RedirectResponse("/chat")

    routes = [
        Route("/", root),
        Route("/healthz", health),
        Route("/metrics", metrics),
        Route("/chat", chat_page),
        Route("/chat/api/messages", post_message, methods=["POST"]),
        Route("/chat/api/history", history),
        Route("/telegram/webhook", telegram_webhook, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _optional_str(value: object) -> bool:
    return value is None or isinstance(value, str)


async def _json_body(request: Request) -> dict[str, Any] | Response:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return JSONResponse({"error": "request too large"}, 413)
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY_BYTES:
            return JSONResponse({"error": "request too large"}, 413)
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return JSONResponse({"error": "invalid JSON"}, 400)
    if not isinstance(body, dict):
        return JSONResponse({"error": "expected a JSON object"}, 400)
    return body


def _page_language(request: Request) -> str:
    """The best native language of the browser's Accept-Language, else English."""
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in NATIVE_LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def _reply_json(reply: Outbound) -> dict[str, object]:
    return reply.as_json() | {"dir": direction(reply.language)}


def _history(engine: DialogueEngine, visitor_id: str) -> list[dict[str, object]]:
    with engine.sessions() as session:
        user = session.scalar(
            select(User).where(User.channel == CHANNEL, User.channel_user_id == visitor_id)
        )
        if user is None:
            return []
        rows = list(
            session.scalars(
                select(Message)
                .where(Message.user_id == user.id)
                .order_by(Message.id.desc())
                .limit(HISTORY_LIMIT)
            )
        )
    result: list[dict[str, object]] = []
    for row in reversed(rows):
        if row.direction == "in" and row.payload:
            continue  # a button press: the reply that follows shows its effect
        language = row.language or user.language or DEFAULT_LANGUAGE
        rendering = row.rendering or {}
        result.append(
            {
                "direction": row.direction,
                "text": row.text,
                "dir": "auto" if row.direction == "in" else direction(language),
                "kind": rendering.get("kind", "message"),
                "buttons": rendering.get("rows", []),
            }
        )
    return result
