"""Settings read from the environment (and a `.env` file in the working directory)."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
NLU_ENGINES = ("embedded", "rasa")


class ConfigurationError(ValueError):
    """A setting has a value the assistant cannot run with; the message names it."""


log = logging.getLogger(__name__)


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else value.strip()


def _optional_env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _number(name: str, default: str, kind: type[int] | type[float]) -> float:
    value = _env(name, default)
    try:
        return kind(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number, not {value!r}") from None


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = _env(name, default).lower()
    if value not in allowed:
        raise ConfigurationError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


@dataclass(frozen=True)
class Settings:
    """Everything the assistant can be configured with; see the README's table."""

    database_url: str
    data_dir: Path
    host: str
    port: int
    telegram_bot_token: str | None
    telegram_api_base_url: str
    telegram_webhook_url: str | None
    telegram_webhook_secret: str | None
    secret_key: str | None
    nlu_confidence_threshold: float
    log_level: str
    knowledge_base_dir: Path = field(default=PROJECT_ROOT / "knowledge_base")
    nlu_data_dir: Path = field(default=PROJECT_ROOT / "nlu" / "data")
    nlu_engine: str = "embedded"
    rasa_url: str = DEFAULT_RASA_URL
    rasa_token: str | None = None
    rasa_timeout: float = 1.0
    rasa_port: int = 5005

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    def web_secret_key(self) -> str:
        """The key that signs web-chat cookies; without SECRET_KEY, a random one."""
        if self.secret_key:
            return self.secret_key
        log.warning(
            "SECRET_KEY is not set: using a random key, so web-chat sessions end at restart."
        )
        return secrets.token_urlsafe(32)

    @property
    def telegram_mode(self) -> str:
        """`off`, `polling` or `webhook`."""
        if not self.telegram_bot_token:
            return "off"
        return "webhook" if self.telegram_webhook_url else "polling"


def load_settings(env_file: Path | None = None) -> Settings:
    """Read the settings; a `.env` file never overrides variables already set."""
    load_dotenv(env_file or Path.cwd() / ".env", override=False)
    data_dir = Path(_env("MEET2KNOW_DATA_DIR", str(PROJECT_ROOT / "var")))
    return Settings(
        database_url=_env("DATABASE_URL", f"sqlite:///{data_dir / 'meet2know.sqlite3'}"),
        data_dir=data_dir,
        host=_env("HOST", "127.0.0.1"),
        port=int(_number("PORT", "8000", int)),
        telegram_bot_token=_optional_env("TELEGRAM_BOT_TOKEN"),
        telegram_api_base_url=_env("TELEGRAM_API_BASE_URL", DEFAULT_TELEGRAM_API_BASE_URL),
        telegram_webhook_url=_optional_env("TELEGRAM_WEBHOOK_URL"),
        telegram_webhook_secret=_optional_env("TELEGRAM_WEBHOOK_SECRET"),
        secret_key=_optional_env("SECRET_KEY"),
        nlu_confidence_threshold=_number("NLU_CONFIDENCE_THRESHOLD", "0.45", float),
        log_level=_env("LOG_LEVEL", "INFO"),
        nlu_data_dir=Path(_env("NLU_DATA_DIR", str(PROJECT_ROOT / "nlu" / "data"))),
        nlu_engine=_choice("NLU_ENGINE", "embedded", NLU_ENGINES),
        rasa_url=_env("RASA_URL", DEFAULT_RASA_URL),
        rasa_token=_optional_env("RASA_TOKEN"),
        rasa_timeout=_number("RASA_TIMEOUT", "1.0", float),
        rasa_port=int(_number("RASA_PORT", "5005", int)),
    )
