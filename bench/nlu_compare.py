"""The embedded engine against Rasa DIET, on the same fixed held-out split of nlu/data.

    .venv/bin/python bench/nlu_compare.py [--epochs N] [--json]

Both engines learn from the same training part (four fifths of the examples, see
nlu/evaluate.py) and are asked every held-out message one at a time, as in deployment:
the embedded engine in-process, Rasa over HTTP (`POST /model/parse`, pooled connection).

Printed side by side: accuracy and macro-F1 overall and per language, p50/p95 latency per
message, peak memory (peak RSS of the process that answers: the Rasa server, and a fresh
process with the assistant's code and the embedded model loaded), training time and
start-up time (from launching the process to the first answer). Rasa's training time is
read from its model's record when the model comes from the cache (nlu/rasa_server.py).
Needs `make rasa-install`; the first run trains Rasa, which takes long on a small machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu.evaluate import Report, build_report, held_out_split  # noqa: E402
from nlu.training_data import Example, load_examples  # noqa: E402

DATA_DIR = ROOT / "nlu" / "data"


@dataclass
class EngineRun:
    name: str
    predictions: list[tuple[str, float]]
    latencies_ms: list[float]
    peak_rss_mb: float
    training_seconds: float
    startup_seconds: float


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, help="DIET epochs (default: nlu/rasa/config.yml)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--worker", choices=["train", "serve"], help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--launched", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "train":
        return _train_worker(args.model)
    if args.worker == "serve":
        return _serve_worker(args.model, args.launched)

    train, test = held_out_split(load_examples(DATA_DIR))
    runs = [run_embedded(test), run_rasa(train, test, args.epochs)]
    reports = {
        run.name: build_report(test, run.predictions, "fixed held-out split", len(train))
        for run in runs
    }
    if args.json:
        figures = {run.name: _figures(run, reports[run.name]) for run in runs}
        print(json.dumps(figures, indent=2))
    else:
        print(format_table(runs, reports, len(train), len(test)))
    return 0


def run_embedded(test: list[Example]) -> EngineRun:
    """Train in one process, answer in a fresh one (so its memory is only the serving)."""
    with tempfile.TemporaryDirectory(prefix="m2k-bench-") as scratch:
        model = Path(scratch) / "embedded.joblib"
        trained = _worker(["--worker", "train", "--model", str(model)], "")
        launched = time.time()
        texts = "".join(json.dumps(e.text) + "\n" for e in test)
        served = _worker(
            ["--worker", "serve", "--model", str(model), "--launched", str(launched)], texts
        )
    return EngineRun(
        name="embedded",
        predictions=[(str(intent), float(score)) for intent, score in served["predictions"]],
        latencies_ms=served["latencies_ms"],
        peak_rss_mb=served["peak_rss_mb"],
        training_seconds=trained["seconds"],
        startup_seconds=served["startup_seconds"],
    )


def run_rasa(train: list[Example], test: list[Example], epochs: int | None) -> EngineRun:
    from nlu.rasa_engine import RasaClient
    from nlu.rasa_server import running_rasa
    from nlu.rasa_server import train as train_rasa

    print(f"Rasa: training on {len(train)} examples (cached when unchanged)...", file=sys.stderr)
    model = train_rasa(train, epochs)
    with running_rasa(model.path) as server:
        client = RasaClient(server.url, server.token, timeout=30.0)
        predictions, latencies = [], []
        for example in test:
            started = time.perf_counter()
            best = client.parse(example.text)[0]
            latencies.append((time.perf_counter() - started) * 1000)
            predictions.append((best.intent, best.confidence))
        client.close()
        peak = _peak_rss_of_group(server.pid)
    return EngineRun(
        name="rasa",
        predictions=predictions,
        latencies_ms=latencies,
        peak_rss_mb=peak,
        training_seconds=model.seconds,
        startup_seconds=server.started_in,
    )


def _train_worker(model: Path) -> int:
    import joblib

    from nlu.classifier import IntentClassifier

    train, _ = held_out_split(load_examples(DATA_DIR))
    started = time.perf_counter()
    classifier = IntentClassifier.train(train)
    seconds = time.perf_counter() - started
    joblib.dump(classifier, model)
    print(json.dumps({"seconds": seconds}))
    return 0


def _serve_worker(model: Path, launched: float) -> int:
    import joblib

    import meet2know.wiring  # noqa: F401  (the assistant's code, as in its process)
    from nlu.classifier import IntentClassifier

    classifier: IntentClassifier = joblib.load(model)
    texts = [json.loads(line) for line in sys.stdin]
    predictions, latencies = [], []
    startup = 0.0
    for text in texts:
        started = time.perf_counter()
        best = classifier.rank(text, limit=1)[0]
        latencies.append((time.perf_counter() - started) * 1000)
        if not startup:
            startup = time.time() - launched
        predictions.append((best.intent, best.confidence))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "predictions": predictions,
                "latencies_ms": latencies,
                "peak_rss_mb": peak_kb / 1024,
                "startup_seconds": startup,
            }
        )
    )
    return 0


def _worker(arguments: list[str], stdin: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench worker failed:\n{result.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return figures


def _peak_rss_of_group(leader: int) -> float:
    """Peak RSS (VmHWM) summed over the server's process group, in MB."""
    total_kb = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != leader:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total_kb += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total_kb / 1024


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _figures(run: EngineRun, report: Report) -> dict[str, object]:
    return {
        "accuracy": report.overall.accuracy,
        "macro_f1": report.overall.macro_f1,
        "per_language": {k: asdict(v) for k, v in report.per_language.items()},
        "latency_ms_p50": _percentile(run.latencies_ms, 0.5),
        "latency_ms_p95": _percentile(run.latencies_ms, 0.95),
        "peak_rss_mb": run.peak_rss_mb,
        "training_seconds": run.training_seconds,
        "startup_seconds": run.startup_seconds,
    }


def format_table(
    runs: list[EngineRun], reports: dict[str, Report], trained: int, tested: int
) -> str:
    embedded, rasa = runs
    lines = [
        f"Fixed held-out split: trained on {trained} examples, tested on {tested}",
        "",
        f"{'':22}{'embedded':>20}{'Rasa DIET':>20}",
        f"{'':22}{'acc    macro-F1':>20}{'acc    macro-F1':>20}",
    ]
    languages = ["overall", *reports[embedded.name].per_language]
    for language in languages:
        cells = []
        for run in runs:
            report = reports[run.name]
            scores = report.overall if language == "overall" else report.per_language[language]
            cells.append(f"{scores.accuracy:>10.1%}{scores.macro_f1:>10.1%}")
        lines.append(f"  {language:20}{cells[0]}{cells[1]}")
    lines += ["", f"{'':22}{'embedded':>20}{'Rasa DIET':>20}"]
    rows: list[tuple[str, Callable[[EngineRun], str]]] = [
        ("latency p50 (ms)", lambda r: f"{_percentile(r.latencies_ms, 0.5):.2f}"),
        ("latency p95 (ms)", lambda r: f"{_percentile(r.latencies_ms, 0.95):.2f}"),
        ("peak RSS (MB)", lambda r: f"{r.peak_rss_mb:.0f}"),
        ("training (s)", lambda r: f"{r.training_seconds:.0f}"),
        ("start-up (s)", lambda r: f"{r.startup_seconds:.1f}"),
    ]
    for label, value in rows:
        lines.append(f"  {label:20}{value(embedded):>20}{value(rasa):>20}")
    speedup = _percentile(rasa.latencies_ms, 0.5) / _percentile(embedded.latencies_ms, 0.5)
    lines += ["", f"embedded is {speedup:.0f}x faster per message at p50"]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
