"""`meet2know serve`: one process serving the web app and, with a token, the Telegram bot."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette

from bot.telegram_channel import TelegramChannel
from bot.web import create_web_app
from core.config import Settings
from meet2know.wiring import App, build_app

log = logging.getLogger(__name__)


def create_server_app(app: App) -> Starlette:
    """The ASGI app; its lifespan starts and stops the Telegram bot with the web server."""
    telegram = (
        TelegramChannel(app.settings, app.engine) if app.settings.telegram_bot_token else None
    )

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if telegram is not None:
            await telegram.start()
        else:
            log.info("TELEGRAM_BOT_TOKEN not set: Telegram is off, the web chat runs alone")
        try:
            yield
        finally:
            if telegram is not None:
                await telegram.stop()

    return create_web_app(app.engine, app.settings.web_secret_key(), telegram, lifespan)


def run_server(settings: Settings, *, host: str, port: int) -> None:
    app = build_app(settings, prepare_database=True)
    try:
        log.info("web chat on http://%s:%d/chat", host, port)
        uvicorn.run(create_server_app(app), host=host, port=port, log_level="info")
    finally:
        app.close()
