"""Train and run the Rasa NLU server from the project's own data (see nlu/rasa/).

Rasa lives in a venv of its own (`make rasa-install`), outside the checkout, under
RASA_HOME (default ~/.cache/meet2know/rasa), with the models it trains: a model is named
after what it was trained from (data, pipeline, epochs, Rasa version), so training is
skipped when none of it changed, and a fresh clone on the same machine reuses it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

from nlu.evaluate import Prediction, Trainer
from nlu.rasa_engine import RasaClient
from nlu.rasa_install import RASA_VERSION, rasa_executable, rasa_home
from nlu.training_data import Example

RASA_DIR = Path(__file__).resolve().parent / "rasa"
PIPELINE = RASA_DIR / "config.yml"
DEFAULT_PORT = 5005
START_TIMEOUT_SECONDS = 300.0
PROGRESS_EVERY_SECONDS = 60.0
_EPOCH_BAR = re.compile(r"Epochs:[^\r\n|]*\|[^|]*\|\s*(\d+)/(\d+)")
log = logging.getLogger(__name__)


def write_training_data(examples: Sequence[Example], folder: Path) -> None:
    """The examples as Rasa NLU files, one per language, one block per intent."""
    folder.mkdir(parents=True, exist_ok=True)
    by_language: dict[str, dict[str, list[str]]] = {}
    for example in examples:
        by_language.setdefault(example.language, {}).setdefault(example.intent, []).append(
            example.text
        )
    for language, intents in by_language.items():
        blocks = [
            {"intent": intent, "examples": "".join(f"- {_one_line(t)}\n" for t in texts)}
            for intent, texts in sorted(intents.items())
        ]
        (folder / f"{language}.yml").write_text(
            yaml.dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )


def pipeline_config(epochs: int | None = None) -> str:
    """nlu/rasa/config.yml without its comments (editing them must not cost an hour of
    training), with DIET's epochs replaced when asked (quicker test models)."""
    config = yaml.safe_load(PIPELINE.read_text(encoding="utf-8"))
    if epochs is not None:
        for component in config["pipeline"]:
            if component.get("name") == "DIETClassifier":
                component["epochs"] = epochs
    return yaml.dump(config, allow_unicode=True, sort_keys=False)


@dataclass(frozen=True)
class TrainedModel:
    path: Path
    seconds: float  # how long its training took (then, if it came from the cache)
    cached: bool


def train(examples: Sequence[Example], epochs: int | None = None) -> TrainedModel:
    """A Rasa NLU model of these examples: from the cache, or trained now."""
    config = pipeline_config(epochs)
    with tempfile.TemporaryDirectory(prefix="m2k-rasa-data-") as scratch:
        data_dir = Path(scratch) / "data"
        write_training_data(examples, data_dir)
        model = _model_path(data_dir, config)
        if model.exists():
            log.info("Rasa model %s is up to date: not training", model.name)
            return TrainedModel(model, _training_seconds(model), cached=True)
        config_file = Path(scratch) / "config.yml"
        config_file.write_text(config, encoding="utf-8")
        started = time.perf_counter()
        command = [
            str(rasa_executable()),
            "train",
            "nlu",
            "--nlu",
            str(data_dir),
            "--config",
            str(config_file),
            "--out",
            scratch,
            "--fixed-model-name",
            "model",
        ]
        model.parent.mkdir(parents=True, exist_ok=True)
        progress = _beside(model, ".log")
        log.info(
            "training Rasa on %d examples (this takes a while; progress in %s)",
            len(examples),
            progress,
        )
        with progress.open("w") as output:
            process = subprocess.Popen(
                command,
                cwd=scratch,
                env=rasa_environment(),
                stdout=output,
                stderr=output,
                start_new_session=True,  # so stop() ends TensorFlow's workers too
            )
            returncode = _wait_reporting_epochs(process, progress, started)
        trained = Path(scratch) / "model.tar.gz"
        if returncode != 0 or not trained.exists():
            raise RuntimeError(f"rasa train failed:\n{_tail(progress.read_text())}")
        partial = _beside(model, ".partial")
        shutil.copyfile(trained, partial)
        seconds = time.perf_counter() - started
        _beside(model, ".json").write_text(
            json.dumps({"seconds": seconds, "examples": len(examples)})
        )
        partial.replace(model)  # only a complete model takes the final name
        return TrainedModel(model, seconds, cached=False)


def _wait_reporting_epochs(process: subprocess.Popen[bytes], progress: Path, started: float) -> int:
    """Wait for `rasa train`, logging DIET's epoch now and then: a full training takes an hour."""
    try:
        while True:
            try:
                return process.wait(timeout=PROGRESS_EVERY_SECONDS)
            except subprocess.TimeoutExpired:
                epoch = latest_epoch(progress.read_text(encoding="utf-8", errors="replace"))
                minutes = (time.perf_counter() - started) / 60
                if epoch is None:
                    log.info("Rasa training: preparing features, %.0f min so far", minutes)
                else:
                    log.info("Rasa training: epoch %d of %d, %.0f min so far", *epoch, minutes)
    finally:
        if process.poll() is None:  # interrupted: leave no orphan training behind
            stop(process)


def latest_epoch(progress_text: str) -> tuple[int, int] | None:
    """The last `done/total` of DIET's progress bar in rasa train's output, if any yet."""
    found = _EPOCH_BAR.findall(progress_text)
    if not found:
        return None
    done, total = found[-1]
    return int(done), int(total)


def rasa_trainer(epochs: int | None = None) -> Trainer:
    """An evaluation trainer (nlu/evaluate.py): train Rasa, then parse over HTTP as deployed."""

    def trainer(examples: Sequence[Example]) -> Callable[[Sequence[str]], list[Prediction]]:
        model = train(examples, epochs).path

        def predict(texts: Sequence[str]) -> list[Prediction]:
            with running_rasa(model) as server:
                client = RasaClient(server.url, server.token, timeout=30.0)
                try:
                    best = [client.parse(text)[0] for text in texts]
                finally:
                    client.close()
            return [(score.intent, score.confidence) for score in best]

        return predict

    return trainer


@dataclass(frozen=True)
class RunningRasa:
    url: str
    token: str
    pid: int
    started_in: float


@contextmanager
def running_rasa(
    model: Path,
    port: int | None = None,
    token: str | None = None,
    timeout: float = START_TIMEOUT_SECONDS,
) -> Iterator[RunningRasa]:
    """`rasa run --enable-api` on 127.0.0.1 with token authentication, until the block ends."""
    port = port or _free_port()
    token = token or secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="m2k-rasa-run-") as scratch:
        log_path = Path(scratch) / "rasa.log"
        with log_path.open("w") as log_file:
            process = subprocess.Popen(
                serve_command(model, port, token),
                cwd=scratch,
                env=rasa_environment(),
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started = time.perf_counter()
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_ready(url, token, process, log_path, timeout)
            yield RunningRasa(url, token, process.pid, time.perf_counter() - started)
        finally:
            stop(process)


def serve_command(model: Path, port: int, token: str) -> list[str]:
    return [
        str(rasa_executable()),
        "run",
        "--enable-api",
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
        "--auth-token",
        token,
        "--model",
        str(model),
    ]


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group, SIGKILL if it does not go."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def _wait_until_ready(
    url: str, token: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"rasa run exited early:\n{_tail(log_path.read_text())}")
        try:
            status = httpx.get(f"{url}/status", params={"token": token}, timeout=2.0)
            if status.status_code == 200 and status.json().get("model_file"):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    stop(process)
    raise RuntimeError(f"rasa run not ready after {timeout:.0f} s:\n{_tail(log_path.read_text())}")


def rasa_environment() -> dict[str, str]:
    # Keep Rasa from phoning home or looking for GPUs; quiet TensorFlow's start-up noise.
    return os.environ | {
        "RASA_TELEMETRY_ENABLED": "false",
        "CUDA_VISIBLE_DEVICES": "-1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }


def _beside(model: Path, ending: str) -> Path:
    """The file kept next to a model: its training log, its info, its partial copy."""
    return model.with_name(model.name.removesuffix(".tar.gz") + ending)


def _training_seconds(model: Path) -> float:
    try:
        return float(json.loads(_beside(model, ".json").read_text())["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0.0


def _model_path(data_dir: Path, config: str) -> Path:
    """Where the model of this data and pipeline is kept: named after both."""
    digest = hashlib.sha256(f"rasa {RASA_VERSION}\n{config}".encode())
    for path in sorted(data_dir.glob("*.yml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return rasa_home() / "models" / f"nlu-{digest.hexdigest()[:16]}.tar.gz"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])
