"""A Telegram Bot API emulator for end-to-end tests of a real python-telegram-bot Application.

The server runs a Starlette app under uvicorn on 127.0.0.1 in a background thread with its own
event loop, so tests running in any event loop (or none) can use it::

    with FakeTelegramServer() as server:
        app = Application.builder().token("123:ABC").base_url(server.base_url).build()
        ...
        server.push_message(42, "/start")
        params = await server.wait_for_call("sendMessage")

All state is guarded by one lock: the test side and the server thread may touch it concurrently.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

JSONDict = dict[str, Any]
CallPredicate = Callable[[JSONDict], bool]

USE_REGISTERED = "use-registered"
_POLL_INTERVAL = 0.01
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
# Form values arrive as strings; these are coerced like the real Bot API does.
_INT_PARAMS = frozenset(
    {"chat_id", "message_id", "offset", "limit", "timeout", "cache_time", "max_connections"}
)
_BOOL_PARAMS = frozenset(
    {"show_alert", "drop_pending_updates", "disable_notification", "protect_content"}
)
# Free text that must never be JSON-decoded, even if it looks like "[1]".
_TEXT_PARAMS = frozenset(
    {"text", "caption", "description", "short_description", "name", "url", "secret_token"}
)
_PROFILE_LIMITS = {"description": 512, "short_description": 120, "name": 64}


class _ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _error(code: int, description: str) -> JSONResponse:
    body = {"ok": False, "error_code": code, "description": description}
    return JSONResponse(body, status_code=code)


def _decode(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in _INT_PARAMS and re.fullmatch(r"-?\d+", value):
        return int(value)
    if name in _BOOL_PARAMS and value in ("true", "false"):
        return value == "true"
    if name not in _TEXT_PARAMS and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


async def _read_params(request: Request) -> JSONDict:
    """Parameters from the query string and a JSON, url-encoded or multipart body."""
    raw: JSONDict = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if body:
            raw.update(json.loads(body))
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        async with request.form() as form:
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    raw[key] = {
                        "filename": value.filename,
                        "content_type": value.content_type,
                        "content": await value.read(),
                    }
                else:
                    raw[key] = value
    return {key: _decode(key, value) for key, value in raw.items()}


def _chat_id(params: JSONDict) -> int:
    chat_id = params.get("chat_id")
    if not isinstance(chat_id, int):
        raise _ApiError(400, "Bad Request: chat not found")
    return chat_id


def _int_param(params: JSONDict, name: str, default: int) -> int:
    value = params.get(name, default)
    return value if isinstance(value, int) else int(value)


def _inline_markup(params: JSONDict) -> JSONDict | None:
    """Messages only echo inline keyboards, as in the real Bot API."""
    markup = params.get("reply_markup")
    return markup if isinstance(markup, dict) and "inline_keyboard" in markup else None


class FakeTelegramServer:
    """Emulates the Bot API methods a PTB 22 bot uses; see the module docstring."""

    def __init__(
        self,
        *,
        bot_id: int = 7_000_000_001,
        bot_username: str = "meet2know_test_bot",
        bot_name: str = "Meet2Know Test",
    ) -> None:
        self.bot_user: JSONDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.fail_methods: set[str] = set()
        self._lock = threading.Lock()
        self._tokens: set[str] = set()
        self._calls: list[tuple[str, JSONDict]] = []
        self._returned: set[int] = set()
        self._pending: list[JSONDict] = []
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._messages: dict[int, dict[int, JSONDict]] = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._profile: dict[tuple[str, str], str] = {}
        self._webhook_url: str | None = None
        self._webhook_secret: str | None = None
        self._stopping = threading.Event()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        handlers: dict[str, Callable[[JSONDict], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._true,
            "sendDocument": self._send_document,
            "sendChatAction": self._true,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setMyDescription": self._profile_setter("description"),
            "getMyDescription": self._profile_getter("description"),
            "setMyShortDescription": self._profile_setter("short_description"),
            "getMyShortDescription": self._profile_getter("short_description"),
            "setMyName": self._profile_setter("name"),
            "getMyName": self._profile_getter("name"),
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "close": self._true,
            "logOut": self._true,
        }
        # Bot API method names are case-insensitive.
        self._handlers = {name.lower(): (name, handler) for name, handler in handlers.items()}
        self._app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._not_found, methods=["GET"]),
            ]
        )

    # ----------------------------------------------------------------- lifecycle

    @property
    def port(self) -> int:
        if self._socket is None:
            raise RuntimeError("FakeTelegramServer is not started")
        port: int = self._socket.getsockname()[1]
        return port

    @property
    def base_url(self) -> str:
        """PTB's ``base_url``: requests arrive at /bot<TOKEN>/<method>."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def start(self, timeout: float = 10.0) -> None:
        if self._thread is not None:
            raise RuntimeError("FakeTelegramServer is already started")
        self._stopping.clear()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        config = uvicorn.Config(
            self._app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        server = self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=server.run,
            kwargs={"sockets": [self._socket]},
            name="fake-telegram",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("FakeTelegramServer failed to start")
            time.sleep(_POLL_INTERVAL)
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout):
            pass

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._stopping.set()  # ends pending long polls at once
        self._server.should_exit = True
        self._thread.join(timeout=15)
        alive = self._thread.is_alive()
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None
        if alive:
            raise RuntimeError("FakeTelegramServer did not shut down within 15 s")

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ----------------------------------------------------------------- test-side API

    @property
    def tokens(self) -> set[str]:
        """Every bot token seen in a request path."""
        with self._lock:
            return set(self._tokens)

    @property
    def calls(self) -> list[tuple[str, JSONDict]]:
        """Snapshot of every request as (method, params), in arrival order."""
        with self._lock:
            return list(self._calls)

    @property
    def webhook_url(self) -> str | None:
        with self._lock:
            return self._webhook_url

    @property
    def webhook_secret(self) -> str | None:
        with self._lock:
            return self._webhook_secret

    def sent_messages(self, chat_id: int) -> list[JSONDict]:
        """The bot's messages in a chat (as currently edited), oldest first."""
        with self._lock:
            return copy.deepcopy(list(self._messages.get(chat_id, {}).values()))

    def my_commands(
        self, *, scope: JSONDict | None = None, language_code: str = ""
    ) -> list[JSONDict]:
        """Commands registered by setMyCommands for this scope and language."""
        with self._lock:
            return copy.deepcopy(self._commands.get(self._commands_key(scope, language_code), []))

    def profile_text(self, field: str, language_code: str = "") -> str | None:
        """Value set by setMyDescription / setMyShortDescription / setMyName (field "description",
        "short_description" or "name")."""
        with self._lock:
            return self._profile.get((field, language_code))

    def build_message(
        self, chat_id: int, text: str, *, language_code: str | None = "en", first_name: str = "Test"
    ) -> JSONDict:
        """A private-chat text Update from user ``chat_id``, not queued (e.g. for webhooks)."""
        message: JSONDict = {
            "message_id": self._next_message_id(chat_id),
            "from": self._user(chat_id, language_code, first_name),
            "chat": {"id": chat_id, "first_name": first_name, "type": "private"},
            "date": int(time.time()),
            "text": text,
        }
        command = _COMMAND_RE.match(text)
        if command:
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(command.group())}
            ]
        return {"update_id": next(self._update_ids), "message": message}

    def build_callback(
        self,
        chat_id: int,
        data: str,
        *,
        message_id: int,
        language_code: str | None = "en",
        first_name: str = "Test",
    ) -> JSONDict:
        """A callback_query Update for the bot's message ``message_id``, not queued."""
        with self._lock:
            message = copy.deepcopy(self._messages.get(chat_id, {}).get(message_id))
        if message is None:
            raise KeyError(f"the bot sent no message {message_id} to chat {chat_id}")
        query = {
            "id": str(next(self._ids)),
            "from": self._user(chat_id, language_code, first_name),
            "message": message,
            "chat_instance": str(chat_id * 7919),
            "data": data,
        }
        return {"update_id": next(self._update_ids), "callback_query": query}

    def push_message(
        self, chat_id: int, text: str, *, language_code: str | None = "en", first_name: str = "Test"
    ) -> JSONDict:
        update = self.build_message(
            chat_id, text, language_code=language_code, first_name=first_name
        )
        self.push_update(update)
        return update

    def push_callback(
        self,
        chat_id: int,
        data: str,
        *,
        message_id: int,
        language_code: str | None = "en",
        first_name: str = "Test",
    ) -> JSONDict:
        update = self.build_callback(
            chat_id,
            data,
            message_id=message_id,
            language_code=language_code,
            first_name=first_name,
        )
        self.push_update(update)
        return update

    def push_update(self, update: JSONDict) -> None:
        """Queue a raw update for getUpdates, as is (duplicates included)."""
        with self._lock:
            self._pending.append(copy.deepcopy(update))

    async def wait_for_call(
        self, method: str, *, predicate: CallPredicate | None = None, timeout: float = 10.0
    ) -> JSONDict:
        """Params of the first not yet returned call of ``method`` matching ``predicate``."""
        deadline = time.monotonic() + timeout
        while (params := self._take_call(method, predicate)) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(self._timeout_message(method, timeout))
            await asyncio.sleep(_POLL_INTERVAL)
        return params

    def wait_for_call_sync(
        self, method: str, *, predicate: CallPredicate | None = None, timeout: float = 10.0
    ) -> JSONDict:
        deadline = time.monotonic() + timeout
        while (params := self._take_call(method, predicate)) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(self._timeout_message(method, timeout))
            time.sleep(_POLL_INTERVAL)
        return params

    async def post_to_webhook(
        self, update: JSONDict, *, secret_token: str | None = USE_REGISTERED
    ) -> int:
        """POST ``update`` to the setWebhook URL; returns the HTTP status.

        The secret header is the registered one by default, the given one, or absent (None).
        """
        with self._lock:
            url, registered = self._webhook_url, self._webhook_secret
        if url is None:
            raise RuntimeError("no webhook registered: setWebhook was not called")
        token = registered if secret_token == USE_REGISTERED else secret_token
        headers = {} if token is None else {"X-Telegram-Bot-Api-Secret-Token": token}
        async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
            response = await client.post(url, json=update, headers=headers)
        return response.status_code

    # ----------------------------------------------------------------- internals

    def _take_call(self, method: str, predicate: CallPredicate | None) -> JSONDict | None:
        with self._lock:
            for index, (name, params) in enumerate(self._calls):
                if index in self._returned or name.lower() != method.lower():
                    continue
                if predicate is None or predicate(params):
                    self._returned.add(index)
                    return params
        return None

    def _timeout_message(self, method: str, timeout: float) -> str:
        names = [name for name, _ in self.calls]
        return f"no new {method} call within {timeout} s; calls so far: {names}"

    def _next_message_id(self, chat_id: int) -> int:
        with self._lock:
            return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    @staticmethod
    def _user(user_id: int, language_code: str | None, first_name: str) -> JSONDict:
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code is not None:
            user["language_code"] = language_code
        return user

    @staticmethod
    def _commands_key(scope: JSONDict | None, language_code: str) -> tuple[str, str]:
        return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code

    async def _endpoint(self, request: Request) -> JSONResponse:
        params = await _read_params(request)
        requested = request.path_params["method"]
        name, handler = self._handlers.get(requested.lower(), (requested, None))
        with self._lock:
            self._tokens.add(request.path_params["token"])
            self._calls.append((name, params))
        if handler is None:
            return _error(404, "Not Found")
        if name.lower() in {method.lower() for method in set(self.fail_methods)}:
            return _error(400, "Bad Request: simulated")
        try:
            result = await handler(params)
        except _ApiError as exc:
            return _error(exc.code, exc.description)
        return JSONResponse({"ok": True, "result": result})

    async def _not_found(self, request: Request) -> JSONResponse:
        return _error(404, "Not Found")

    async def _true(self, params: JSONDict) -> bool:
        return True

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return dict(self.bot_user)

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook_url is not None:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _int_param(params, "offset", 0)
        limit = min(max(_int_param(params, "limit", 100), 1), 100)
        deadline = time.monotonic() + _int_param(params, "timeout", 0)
        while True:
            with self._lock:
                if offset > 0:  # confirms every update below offset
                    self._pending = [u for u in self._pending if u["update_id"] >= offset]
                batch = copy.deepcopy(self._pending[offset:] if offset < 0 else self._pending)
            if batch or self._stopping.is_set() or time.monotonic() >= deadline:
                return batch[:limit]
            await asyncio.sleep(_POLL_INTERVAL)

    def _store_bot_message(self, chat_id: int, fields: JSONDict) -> JSONDict:
        message: JSONDict = {
            "message_id": self._next_message_id(chat_id),
            "from": dict(self.bot_user),
            "chat": {"id": chat_id, "type": "private"},
            "date": int(time.time()),
            **fields,
        }
        with self._lock:
            self._messages.setdefault(chat_id, {})[message["message_id"]] = message
            return copy.deepcopy(message)

    def _edit_message(self, params: JSONDict, changes: JSONDict) -> JSONDict | bool:
        if "inline_message_id" in params:
            return True
        chat_id = _chat_id(params)
        with self._lock:
            message = self._messages.get(chat_id, {}).get(params.get("message_id", 0))
            if message is None:
                raise _ApiError(400, "Bad Request: message to edit not found")
            updated = {key: value for key, value in message.items() if key != "reply_markup"}
            updated.update({key: value for key, value in changes.items() if value is not None})
            if all(updated.get(key) == message.get(key) for key in ("text", "reply_markup")):
                raise _ApiError(
                    400,
                    "Bad Request: message is not modified: specified new message content and "
                    "reply markup are exactly the same as a current content and reply markup "
                    "of the message",
                )
            updated["edit_date"] = int(time.time())
            message.clear()
            message.update(updated)
            return copy.deepcopy(message)

    async def _send_message(self, params: JSONDict) -> JSONDict:
        chat_id = _chat_id(params)
        text = str(params.get("text", ""))
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096 and not params.get("parse_mode"):
            raise _ApiError(400, "Bad Request: message is too long")
        fields: JSONDict = {"text": text}
        if (markup := _inline_markup(params)) is not None:
            fields["reply_markup"] = markup
        return self._store_bot_message(chat_id, fields)

    async def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        text = str(params.get("text", ""))
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        return self._edit_message(params, {"text": text, "reply_markup": _inline_markup(params)})

    async def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        return self._edit_message(params, {"reply_markup": _inline_markup(params)})

    async def _send_document(self, params: JSONDict) -> JSONDict:
        chat_id = _chat_id(params)
        document = params.get("document")
        file_id = f"BQACAgQAAx{next(self._ids)}"
        if isinstance(document, dict) and "content" in document:
            info: JSONDict = {
                "file_name": document["filename"],
                "mime_type": document["content_type"],
                "file_size": len(document["content"]),
            }
        elif isinstance(document, str) and document:
            info = {}  # a file_id or URL sent again
        else:
            raise _ApiError(400, "Bad Request: there is no document in the request")
        fields: JSONDict = {"document": {"file_id": file_id, "file_unique_id": file_id, **info}}
        if params.get("caption"):
            fields["caption"] = params["caption"]
        return self._store_bot_message(chat_id, fields)

    async def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _ApiError(400, "Bad Request: commands must be an array")
        for command in commands:
            if not _BOT_COMMAND_RE.fullmatch(str(command.get("command", ""))):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params.get("scope"), params.get("language_code", ""))
        with self._lock:
            self._commands[key] = commands
        return True

    async def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return self.my_commands(
            scope=params.get("scope"), language_code=params.get("language_code", "")
        )

    async def _delete_my_commands(self, params: JSONDict) -> bool:
        key = self._commands_key(params.get("scope"), params.get("language_code", ""))
        with self._lock:
            self._commands.pop(key, None)
        return True

    def _profile_setter(self, field: str) -> Callable[[JSONDict], Awaitable[bool]]:
        async def setter(params: JSONDict) -> bool:
            value = str(params.get(field, ""))
            if len(value) > _PROFILE_LIMITS[field]:
                raise _ApiError(400, f"Bad Request: {field} is too long")
            key = (field, str(params.get("language_code", "")))
            with self._lock:
                if value:
                    self._profile[key] = value
                else:
                    self._profile.pop(key, None)
            return True

        return setter

    def _profile_getter(self, field: str) -> Callable[[JSONDict], Awaitable[JSONDict]]:
        async def getter(params: JSONDict) -> JSONDict:
            language_code = str(params.get("language_code", ""))
            value = self.profile_text(field, language_code) or self.profile_text(field)
            return {field: value or ""}

        return getter

    def _drop_pending(self, params: JSONDict) -> None:
        if params.get("drop_pending_updates") is True:
            self._pending.clear()

    async def _set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url", ""))
        with self._lock:
            self._webhook_url = url or None
            self._webhook_secret = params.get("secret_token") if url else None
            self._drop_pending(params)
        return True

    async def _delete_webhook(self, params: JSONDict) -> bool:
        with self._lock:
            self._webhook_url = self._webhook_secret = None
            self._drop_pending(params)
        return True

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        with self._lock:
            return {
                "url": self._webhook_url or "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._pending),
            }
