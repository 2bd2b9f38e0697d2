"""Finding Rasa's venv, and the clear error when it is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from nlu.rasa_install import RASA_VERSION, RasaNotInstalled, rasa_executable, rasa_home


def test_the_version_is_the_one_install_sh_installs() -> None:
    script = (PROJECT_ROOT / "nlu" / "rasa" / "install.sh").read_text(encoding="utf-8")
    pinned = re.search(r"^RASA_VERSION=(\S+)$", script, re.MULTILINE)
    assert pinned is not None and pinned[1] == RASA_VERSION


def test_a_missing_or_half_done_install_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RASA_HOME", str(tmp_path))
    assert rasa_home() == tmp_path
    with pytest.raises(RasaNotInstalled, match="make rasa-install"):
        rasa_executable()
    executable = tmp_path / f"venv-{RASA_VERSION}" / "bin" / "rasa"
    executable.parent.mkdir(parents=True)
    executable.touch()
    with pytest.raises(RasaNotInstalled):  # no stamp: pip was interrupted
        rasa_executable()
    (tmp_path / f"venv-{RASA_VERSION}" / ".installed").touch()
    assert rasa_executable() == executable
