"""Settings come from the environment and a .env file; secrets only from there."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "DATABASE_URL",
        "SECRET_KEY",
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_URL",
        "MEET2KNOW_DATA_DIR",
        "PORT",
        "NLU_CONFIDENCE_THRESHOLD",
    ):
        monkeypatch.delenv(name, raising=False)


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEET2KNOW_DATA_DIR", str(tmp_path))
    settings = load_settings(tmp_path / "missing.env")
    assert settings.database_url == f"sqlite:///{tmp_path / 'meet2know.sqlite3'}"
    assert settings.port == 8000 and settings.telegram_mode == "off"
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"


def test_env_file_is_read_but_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=9000\nTELEGRAM_BOT_TOKEN=1:abc\nSECRET_KEY=from-file\n")
    monkeypatch.setenv("PORT", "9100")
    settings = load_settings(env_file)
    assert settings.port == 9100
    assert settings.telegram_mode == "polling" and settings.web_secret_key() == "from-file"
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://example.org/telegram/webhook")
    assert load_settings(env_file).telegram_mode == "webhook"


def test_without_secret_key_a_random_one_is_used_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(tmp_path / "missing.env")
    first, second = settings.web_secret_key(), settings.web_secret_key()
    assert first != second and len(first) >= 32
    assert "SECRET_KEY is not set" in caplog.text
