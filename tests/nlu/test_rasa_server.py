"""A real Rasa server, trained on the project's data: its answers, its token, and the
assistant carrying on with the embedded engine when the server stops mid-run.

The Rasa venv comes from `make rasa-install` (run by `make test`). The test model learns
from the first examples of every intent in every language of nlu/data, with few epochs,
so that it trains in minutes on a small machine; it is cached under RASA_HOME, and since
new examples are added at the end of their intent, it rarely needs training again.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from core.config import PROJECT_ROOT
from nlu import rasa_server
from nlu.rasa_engine import RasaClient, RasaUnavailable, RasaWithFallback
from nlu.rasa_server import RunningRasa, TrainedModel, latest_epoch, running_rasa, train
from nlu.service import NluService
from nlu.training_data import Example, load_examples

pytestmark = pytest.mark.rasa
TEST_EPOCHS = 20
PER_INTENT_AND_LANGUAGE = 10


def small_training_set() -> list[Example]:
    """The first examples of each intent in each language, in file order."""
    taken: Counter[tuple[str, str]] = Counter()
    chosen = []
    for example in load_examples(PROJECT_ROOT / "nlu" / "data"):
        key = (example.language, example.intent)
        if taken[key] < PER_INTENT_AND_LANGUAGE:
            taken[key] += 1
            chosen.append(example)
    return chosen


@pytest.fixture(scope="session")
def rasa_model() -> TrainedModel:
    return train(small_training_set(), epochs=TEST_EPOCHS)


@pytest.fixture(scope="module")
def rasa(rasa_model: TrainedModel) -> Iterator[RunningRasa]:
    with running_rasa(rasa_model.path) as server:
        yield server


def test_training_again_on_the_same_data_is_skipped(rasa_model: TrainedModel) -> None:
    again = train(small_training_set(), epochs=TEST_EPOCHS)
    assert again.cached and again.path == rasa_model.path


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("come rinnovo il permesso di soggiorno scaduto", "residence_permit_renewal"),
        ("I want to book an appointment", "book_appointment"),
        ("ciao", "greet"),
        ("أريد تجديد الإقامة", "residence_permit_renewal"),
        ("我想预约", "book_appointment"),
    ],
)
def test_rasa_understands_the_project_data(rasa: RunningRasa, text: str, intent: str) -> None:
    scores = RasaClient(rasa.url, rasa.token).parse(text)
    assert scores[0].intent == intent
    assert scores == sorted(scores, key=lambda s: s.confidence, reverse=True)


def test_the_server_refuses_requests_without_the_token(rasa: RunningRasa) -> None:
    for params in ({}, {"token": "wrong"}):
        answer = httpx.post(f"{rasa.url}/model/parse", params=params, json={"text": "ciao"})
        assert answer.status_code == 401
    with pytest.raises(RasaUnavailable, match="401"):
        RasaClient(rasa.url, "wrong").parse("ciao")


def test_nlu_predict_with_the_rasa_engine(
    rasa: RunningRasa, tmp_path: Path, with_trained_nlu: Callable[[Path], Path]
) -> None:
    env = os.environ | {
        "MEET2KNOW_DATA_DIR": str(with_trained_nlu(tmp_path)),
        "RASA_URL": rasa.url,
        "RASA_TOKEN": rasa.token,
    }
    result = subprocess.run(
        [sys.executable, "-m", "meet2know.cli", "nlu", "predict", "--engine", "rasa"],
        input='{"text": "ciao"}\n{"text": "I want to book an appointment", "lang": "en"}\n',
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["intent"] for line in lines] == ["greet", "book_appointment"]
    refused = subprocess.run(
        [sys.executable, "-m", "meet2know.cli", "nlu", "predict", "--engine", "rasa"],
        input='{"text": "ciao"}\n',
        capture_output=True,
        text=True,
        env=env | {"RASA_TOKEN": "wrong"},
        cwd=PROJECT_ROOT,
        timeout=300,
    )
    assert refused.returncode == 1 and "did not answer" in refused.stderr


def test_the_assistant_carries_on_when_rasa_stops_mid_run(
    rasa_model: TrainedModel, nlu_service: NluService
) -> None:
    with running_rasa(rasa_model.path) as server:
        client = RasaClient(server.url, server.token)
        # Retry at once (not after seconds) so that the test sees Rasa come back promptly.
        ranker = RasaWithFallback(client, nlu_service.classifier, retry_after=0.0)
        service = nlu_service.using(ranker)
        assert service.understand("ciao").intent == "greet" and ranker.rasa_is_up
        os.killpg(server.pid, signal.SIGKILL)  # the server dies, as in a crash
        for text in ("ciao", "come rinnovo il permesso di soggiorno", "grazie"):
            understood = service.understand(text)
            assert understood.intent in {"greet", "residence_permit_renewal", "thanks"}
        assert not ranker.rasa_is_up
        port = int(server.url.rsplit(":", 1)[1])
    # Rasa comes back on the same address: it is used again.
    with running_rasa(rasa_model.path, port=port, token=server.token):
        assert service.understand("ciao").intent == "greet"
        assert ranker.rasa_is_up


def test_latest_epoch_reads_the_last_step_of_diets_progress_bar() -> None:
    assert latest_epoch("INFO Starting to train component 'DIETClassifier'.\n") is None
    bar = (
        "Epochs:   0%|          | 0/30 [00:00<?, ?it/s]\r"
        "Epochs:   3%|▎         | 1/30 [02:44<1:19:20, 164.2s/it]\r"
        "Epochs:   7%|▋         | 2/30 [05:23<1:15:20, 161.4s/it, t_loss=9.03, i_acc=0.908]"
    )
    assert latest_epoch(bar) == (2, 30)


def _training_stand_in(progress: Path, script: str) -> subprocess.Popen[bytes]:
    output = progress.open("w")
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=output, stderr=output, start_new_session=True
    )
    output.close()
    return process


def test_training_logs_its_epochs_while_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(rasa_server, "PROGRESS_EVERY_SECONDS", 0.2)
    progress = tmp_path / "model.log"
    script = (
        "import sys, time\n"
        "sys.stdout.write('Epochs:  40%|####      | 2/5 [00:02<00:03]'); sys.stdout.flush()\n"
        "time.sleep(1.5)\n"
    )
    process = _training_stand_in(progress, script)
    with caplog.at_level(logging.INFO, logger="nlu.rasa_server"):
        returncode = rasa_server._wait_reporting_epochs(process, progress, started=0.0)
    assert returncode == 0
    assert any("epoch 2 of 5" in record.getMessage() for record in caplog.records)


def test_an_interrupted_training_leaves_no_process_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rasa_server, "PROGRESS_EVERY_SECONDS", 0.2)

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(rasa_server.log, "info", interrupt)
    process = _training_stand_in(tmp_path / "model.log", "import time; time.sleep(60)")
    with pytest.raises(KeyboardInterrupt):
        rasa_server._wait_reporting_epochs(process, tmp_path / "model.log", started=0.0)
    assert process.poll() is not None


def test_the_pipeline_comments_do_not_change_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployed = rasa_server.pipeline_config()
    commented = tmp_path / "config.yml"
    commented.write_text(
        "# a new comment\n" + rasa_server.PIPELINE.read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.setattr(rasa_server, "PIPELINE", commented)
    assert rasa_server.pipeline_config() == deployed
    assert "epochs: 3\n" in rasa_server.pipeline_config(epochs=3)
