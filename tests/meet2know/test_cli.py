"""The `meet2know` command, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT


@pytest.fixture(scope="module")
def env(
    tmp_path_factory: pytest.TempPathFactory, with_trained_nlu: Callable[[Path], Path]
) -> dict[str, str]:
    data_dir = with_trained_nlu(tmp_path_factory.mktemp("cli"))
    return os.environ | {"MEET2KNOW_DATA_DIR": str(data_dir), "SECRET_KEY": "cli-test"}


def meet2know(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "meet2know.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=180,
    )


def test_db_upgrade_and_seed_are_repeatable(env: dict[str, str]) -> None:
    for _ in range(2):
        assert meet2know(env, "db", "upgrade").returncode == 0
    first = meet2know(env, "seed")
    assert first.returncode == 0 and "created" in first.stdout
    second = meet2know(env, "seed")
    assert second.returncode == 0 and "0 created, 0 updated" in second.stdout
    assert Path(env["MEET2KNOW_DATA_DIR"], "meet2know.sqlite3").exists()


def test_ask_prints_the_article_as_text_and_json(env: dict[str, str]) -> None:
    result = meet2know(env, "ask", "come faccio il codice fiscale", "--lang", "it")
    assert result.returncode == 0, result.stderr
    assert "Agenzia delle Entrate" in result.stdout
    as_json = meet2know(env, "ask", "where do i get the codice fiscale", "--json")
    (reply,) = json.loads(as_json.stdout)
    assert reply["topic"] == "tax_code" and reply["language"] == "en"


def test_nlu_predict_streams_json_lines_and_fails_on_bad_json(env: dict[str, str]) -> None:
    good = meet2know(
        env, "nlu", "predict", stdin='{"text": "ciao"}\n{"text": "hello", "lang": "en"}\n'
    )
    assert good.returncode == 0, good.stderr
    lines = [json.loads(line) for line in good.stdout.splitlines()]
    assert [line["intent"] for line in lines] == ["greet", "greet"]
    bad = meet2know(env, "nlu", "predict", stdin="oops\n")
    assert bad.returncode == 2 and "line 1: not valid JSON" in bad.stderr


def write_tiny_nlu_data(folder: Path) -> None:
    phrases = {
        "greet": ["hello", "hi", "good morning", "hey there", "good evening", "hiya"],
        "thanks": ["thank you", "thanks", "many thanks", "thx", "thank you so much", "cheers"],
        "tax_code": ["codice fiscale", "tax code", "my tax number", "fiscal code", "cf lost"],
    }
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in phrases.items():
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text} {n}" for text in texts for n in range(4)]
    (folder / "en.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_nlu_evaluate_on_the_held_out_split_as_json(env: dict[str, str], tmp_path: Path) -> None:
    write_tiny_nlu_data(tmp_path)
    result = meet2know(env | {"NLU_DATA_DIR": str(tmp_path)}, "nlu", "evaluate", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["method"] == "fixed held-out split"
    assert report["trained_on"] + report["overall"]["examples"] == 68
    assert set(report["per_language"]) == {"en"}
    refused = meet2know(env, "nlu", "evaluate", "--folds", "1")
    assert refused.returncode == 2 and "--folds" in refused.stderr


def test_chat_repl_with_numbered_choices(env: dict[str, str]) -> None:
    result = meet2know(env, "chat", stdin="2\n1\nhow do i renew my permesso\n\n")
    assert result.returncode == 0, result.stderr
    assert "[1] Italiano" in result.stdout and "[2] English" in result.stdout
    assert "Welcome!" in result.stdout
    assert "Renewing your residence permit" in result.stdout


@pytest.mark.parametrize(
    "command",
    [
        ("nlu", "rasa-train", "--epochs", "1"),
        ("nlu", "evaluate", "--engine", "rasa", "--folds", "2"),
    ],
)
def test_rasa_commands_say_how_to_install_rasa_when_it_is_missing(
    env: dict[str, str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    write_tiny_nlu_data(tmp_path)
    result = meet2know(env | {"RASA_HOME": str(tmp_path), "NLU_DATA_DIR": str(tmp_path)}, *command)
    assert result.returncode == 1
    assert "run `make rasa-install` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_rasa_serve_asks_for_a_token_before_anything_else(
    env: dict[str, str], tmp_path: Path
) -> None:
    result = meet2know(env | {"RASA_HOME": str(tmp_path), "RASA_TOKEN": ""}, "nlu", "rasa-serve")
    assert result.returncode == 2
    assert "RASA_TOKEN" in result.stderr
