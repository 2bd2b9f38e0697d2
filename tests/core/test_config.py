"""Settings come from the environment and a .env file; secrets only from there."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import ConfigurationError, load_settings


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
        "NLU_ENGINE",
        "RASA_URL",
        "RASA_TOKEN",
        "RASA_TIMEOUT",
        "NLU_DATA_DIR",
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


def test_nlu_engine_defaults_to_embedded_and_rasa_settings_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(tmp_path / "missing.env")
    assert settings.nlu_engine == "embedded" and settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.rasa_token is None and settings.rasa_timeout == 1.0
    monkeypatch.setenv("NLU_ENGINE", "Rasa")
    monkeypatch.setenv("RASA_URL", "http://10.0.0.5:5006")
    monkeypatch.setenv("RASA_TOKEN", "t0ken")
    monkeypatch.setenv("RASA_TIMEOUT", "0.5")
    settings = load_settings(tmp_path / "missing.env")
    assert (settings.nlu_engine, settings.rasa_url) == ("rasa", "http://10.0.0.5:5006")
    assert (settings.rasa_token, settings.rasa_timeout) == ("t0ken", 0.5)


@pytest.mark.parametrize(
    ("name", "value"),
    [("NLU_ENGINE", "spacy"), ("RASA_TIMEOUT", "fast"), ("PORT", "eighty")],
)
def test_a_bad_value_is_refused_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=name):
        load_settings(tmp_path / "missing.env")
