"""The Telegram channel: python-telegram-bot turns updates into Inbounds and renders Outbounds.

Polling by default; webhook mode when TELEGRAM_WEBHOOK_URL is set, with updates
posted to the web app's /telegram/webhook route (see bot/web.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
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
# Replies left undelivered (a failed send, a killed process) are sent again by a relay:
# after this delay, for this long, checking this often.
RELAY_AFTER = dt.timedelta(seconds=20)
RELAY_WITHIN = dt.timedelta(hours=6)
RELAY_EVERY_SECONDS = 15.0
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
        self._relay: asyncio.Task[None] | None = None

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
        self._relay = asyncio.create_task(self._relay_forever(), name="telegram-outbox-relay")
        log.info("Telegram bot running (%s)", "webhook" if self.webhook_mode else "polling")

    async def stop(self) -> None:
        if self._relay is not None:
            self._relay.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._relay
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def receive_webhook(self, data: dict[str, Any]) -> bool:
        """Queue a webhook update; False when the body is not an update (it is not queued)."""
        try:
            update = Update.de_json(data, self.application.bot)
        except (TypeError, KeyError, ValueError, AttributeError) as error:
            log.warning("webhook: ignored a body that is not an update (%s)", error)
            return False
        if update is None or not isinstance(data.get("update_id"), int):
            return False
        await self.application.update_queue.put(update)
        return True

    async def relay_pending(self, older_than: dt.timedelta = RELAY_AFTER) -> int:
        """Send replies that were saved but not delivered; returns how many were sent."""
        pending = await asyncio.to_thread(
            self.engine.pending_replies, CHANNEL, older_than=older_than, within=RELAY_WITHIN
        )
        sent = 0
        for user_id, reply in pending:
            if reply.kind == "notice":  # a toast answers a click; too late to show it now
                await asyncio.to_thread(self.engine.claim, [reply.id or 0])
                continue
            try:
                sent += await self.send(int(user_id), reply)
            except TelegramError as error:
                log.warning("relay: reply %s to %s not sent yet: %s", reply.id, user_id, error)
                break
        return sent

    async def _relay_forever(self) -> None:
        while True:
            await asyncio.sleep(RELAY_EVERY_SECONDS)
            try:
                await self.relay_pending()
            except Exception:  # the relay must outlive a database hiccup
                log.exception("relay failed; trying again later")

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
            await _best_effort(
                bot.set_my_description(
                    tr._(
                        "Ask me about residence permits, asylum, family reunification, "
                        "citizenship, health care and the services of the Prefecture, in your "
                        "language. I am a computer program: the office staff take all decisions."
                    ),
                    language_code=code,
                )
            )

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        event = to_inbound(update)
        if event is None:
            return
        replies = await asyncio.to_thread(self.engine.handle, event)
        chat_id = int(event.user_id)
        if update.callback_query is not None:
            # A button press is answered with a toast: the notice, if this caller claimed it.
            toast = await self._claim_notice(replies)
            await _best_effort(update.callback_query.answer(text=toast))
            replies = [r for r in replies if r.kind == "message"]
        for reply in replies:
            await self.send(chat_id, reply)

    async def _claim_notice(self, replies: Sequence[Outbound]) -> str | None:
        notices = [r for r in replies if r.kind == "notice"]
        claimed = await asyncio.to_thread(self.engine.claim, [n.id or 0 for n in notices])
        return next((n.text for n in notices if n.id in claimed), None)

    async def send(self, chat_id: int, reply: Outbound) -> bool:
        """Claim the reply, send it; if sending fails, release it for the relay.
        False when someone else had claimed it (a concurrent handler of the same update)."""
        if reply.id is not None and not await asyncio.to_thread(self.engine.claim, [reply.id]):
            return False
        try:
            parts = split_message(reply.text, MESSAGE_LIMIT)
            for index, part in enumerate(parts):
                markup = keyboard(reply) if index == len(parts) - 1 else None
                await self.application.bot.send_message(chat_id, part, reply_markup=markup)
            if reply.file is not None:
                await self._send_file(chat_id, reply)
        except BaseException:
            if reply.id is not None:
                await asyncio.to_thread(self.engine.release, [reply.id])
            raise
        return True

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
