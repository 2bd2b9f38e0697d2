"""Where Rasa's own venv is (see nlu/rasa/install.sh), and the error when it is not there.

Kept free of heavy imports so the `meet2know` command can catch RasaNotInstalled once
for every subcommand without loading scikit-learn at start-up.
"""

from __future__ import annotations

import os
from pathlib import Path

RASA_VERSION = "3.6.21"  # keep equal to nlu/rasa/install.sh


class RasaNotInstalled(RuntimeError):
    """The Rasa venv is missing; the message says how to create it."""


def rasa_home() -> Path:
    default = Path.home() / ".cache" / "meet2know" / "rasa"
    return Path(os.environ.get("RASA_HOME") or default)


def rasa_executable() -> Path:
    venv = rasa_home() / f"venv-{RASA_VERSION}"
    executable = venv / "bin" / "rasa"
    if not (venv / ".installed").exists() or not executable.exists():
        raise RasaNotInstalled(
            f"Rasa {RASA_VERSION} is not installed ({executable} is missing): "
            "run `make rasa-install` first"
        )
    return executable
