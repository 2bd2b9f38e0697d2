"""The Telegram channel: python-telegram-bot turns updates into Inbounds and renders Outbounds.

Polling by default; webhook mode when TELEGRAM_WEBHOOK_URL is set, with updates
posted to the web app's /telegram/webhook route (see bot/web.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from typing import Any

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.engine import DialogueEngine
from bot.messages import Inbound, Outbound
from bot.splitting import split_message
from core.config import Settings
from core.i18n import LOCALES_DIR, Translator, translator
from core.languages import DEFAULT_LANGUAGE, NATIVE_LANGUAGES

CHANNEL = "telegram"
# Telegram counts some characters (emoji) twice; stay below its 4,096 limit.
MESSAGE_LIMIT = 4000
log = logging.getLogger(__name__)


def webhook_secret(settings: Settings) -> str:
    """The secret Telegram sends back in X-Telegram-Bot-Api-Secret-Token."""
    if settings.telegram_webhook_secret:
        return settings.telegram_webhook_secret
    token = settings.telegram_bot_token or ""
    return hashlib.sha256(f"meet2know-webhook:{token}".encode()).hexdigest()[:48]


def to_inbound(update: Update) -> Inbound | None:
    """The Inbound of a private-chat update, or None for anything we do not serve."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != "private" or user.is_bot:
        return None
    common: dict[str, Any] = {
        "channel": CHANNEL,
        "user_id": str(user.id),
        "update_id": str(update.update_id),
        "language_hint": user.language_code,
    }
    if update.callback_query is not None:
        return Inbound(payload=update.callback_query.data or "", **common)
    if update.message is not None:
        return Inbound(text=update.message.text or update.message.caption or "", **common)
    return None


def keyboard(reply: Outbound) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.payload) for b in row]
            for row in reply.buttons
        ]
    )


class TelegramChannel:
    def __init__(self, settings: Settings, engine: DialogueEngine) -> None:
        if not settings.telegram_bot_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        self.settings = settings
        self.engine = engine
        self.webhook_mode = settings.telegram_mode == "webhook"
        base_url = settings.telegram_api_base_url
        builder = (
            Application.builder()
            .token(settings.telegram_bot_token)
            .base_url(base_url)
            .base_file_url(_file_url(base_url))
            .rate_limiter(AIORateLimiter(max_retries=3))
        )
        if self.webhook_mode:
            builder = builder.updater(None)
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self.application.add_handler(MessageHandler(filters.ALL, self._on_update))
        self.application.add_handler(CallbackQueryHandler(self._on_update))
        self.application.add_error_handler(self._on_error)

    async def start(self) -> None:
        await self.application.initialize()
        await self._set_up_profile()
        if self.webhook_mode:
            await self.application.bot.set_webhook(
                url=self.settings.telegram_webhook_url or "",
                secret_token=webhook_secret(self.settings),
                allowed_updates=["message", "callback_query"],
            )
        await self.application.start()
        if not self.webhook_mode and self.application.updater is not None:
            await self.application.updater.start_polling(
                allowed_updates=["message", "callback_query"]
            )
        log.info("Telegram bot running (%s)", "webhook" if self.webhook_mode else "polling")

    async def stop(self) -> None:
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def receive_webhook(self, data: dict[str, Any]) -> None:
        update = Update.de_json(data, self.application.bot)
        await self.application.update_queue.put(update)

    async def _set_up_profile(self) -> None:
        """Command menus and descriptions per language; failures only cost comfort."""
        bot = self.application.bot
        for language in _catalog_languages():
            tr = translator(language)
            code = None if language == DEFAULT_LANGUAGE else language
            await _best_effort(bot.set_my_commands(_commands(tr), language_code=code))
            await _best_effort(
                bot.set_my_short_description(
                    tr._("Questions about permits, asylum and the Prefecture's services."),
                    language_code=code,
                )
            )

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        event = to_inbound(update)
        if event is None:
            return
        replies = await asyncio.to_thread(self.engine.handle, event)
        chat_id = int(event.user_id)
        notices = [r for r in replies if r.kind == "notice"]
        if update.callback_query is not None:
            await _best_effort(
                update.callback_query.answer(text=notices[0].text if notices else None)
            )
        elif notices:
            await self._send(chat_id, notices[0])
        await self._deliver(chat_id, [r for r in replies if r.kind == "message"])
        if notices and update.callback_query is not None:
            await asyncio.to_thread(self.engine.mark_delivered, [n.id for n in notices if n.id])

    async def _deliver(self, chat_id: int, replies: Sequence[Outbound]) -> None:
        for reply in replies:
            await self._send(chat_id, reply)

    async def _send(self, chat_id: int, reply: Outbound) -> None:
        bot = self.application.bot
        parts = split_message(reply.text, MESSAGE_LIMIT)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await bot.send_message(chat_id, part, reply_markup=keyboard(reply) if last else None)
        if reply.file is not None:
            await self._send_file(chat_id, reply)
        if reply.id is not None:
            await asyncio.to_thread(self.engine.mark_delivered, [reply.id])

    async def _send_file(self, chat_id: int, reply: Outbound) -> None:
        file = reply.file
        assert file is not None
        try:
            document: Any = file.path.open("rb") if file.path else file.url
            await self.application.bot.send_document(chat_id, document, filename=file.filename)
        except (TelegramError, OSError) as error:
            log.warning("could not send %s as a file (%s); sending a link", file.filename, error)
            tr = translator(reply.language)
            fallback = file.url or file.filename
            await self.application.bot.send_message(
                chat_id, tr._("Document: {name}", name=tr.isolate(fallback))
            )

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("Telegram update failed: %s", context.error, exc_info=context.error)


def _commands(tr: Translator) -> list[BotCommand]:
    return [
        BotCommand("start", tr._("Start and main menu")),
        BotCommand("menu", tr._("Main menu")),
        BotCommand("language", tr._("Change language")),
        BotCommand("help", tr._("What I can do")),
    ]


def _catalog_languages() -> list[str]:
    """The default (English) and every language with a catalog of its own."""
    with_catalogs = [
        code for code in NATIVE_LANGUAGES if (LOCALES_DIR / code / "LC_MESSAGES").is_dir()
    ]
    return [DEFAULT_LANGUAGE] + [code for code in with_catalogs if code != DEFAULT_LANGUAGE]


async def _best_effort(call: Any) -> None:
    try:
        await call
    except TelegramError as error:
        log.warning("Telegram start-up call failed, continuing without it: %s", error)


def _file_url(base_url: str) -> str:
    """PTB's base_file_url for a Bot API server given by its base_url."""
    return base_url[: -len("/bot")] + "/file/bot" if base_url.endswith("/bot") else base_url
