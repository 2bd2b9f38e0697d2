"""Trained models cached on disk, keyed by what they were trained from."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib
import sklearn

log = logging.getLogger(__name__)


def cache_key(*parts: str) -> str:
    """A short key of the inputs, the scikit-learn version included (pickles depend on it)."""
    return hashlib.sha256(":".join([*parts, sklearn.__version__]).encode()).hexdigest()[:16]


def load_or_build(cache_dir: Path, name: str, key: str, build: Callable[[], Any]) -> Any:
    """The object cached as `<name>-<key>.joblib`, or a newly built one (then cached).

    An unreadable file is rebuilt rather than trusted; older versions of the same name
    are removed. The file is written under a temporary name and renamed, so a killed
    process never leaves half a model behind.
    """
    path = cache_dir / f"{name}-{key}.joblib"
    if path.exists():
        try:
            return joblib.load(path)
        except Exception:  # truncated or foreign: rebuild
            log.warning("cached %s unreadable; rebuilding", path)
    log.info("training %s", name)
    built = build()
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    joblib.dump(built, temporary)
    temporary.replace(path)
    for stale in cache_dir.glob(f"{name}-*.joblib"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return built
