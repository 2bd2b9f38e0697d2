"""Rasa Open Source as the intent engine, with the embedded engine standing in for it.

The assistant asks a Rasa server (`rasa run --enable-api`, see nlu/rasa/) for the intent
ranking of each message over one pooled HTTP client with a short timeout. When Rasa is
slow, down or answers nonsense, that turn is answered by the embedded classifier instead:
the user never sees an error because of Rasa. The outage is logged once, when it starts,
and once when it ends; every turn answered in Rasa's place is counted in a metric. While
Rasa is down it is asked again every few seconds, not on every message, so the turns in
between do not each wait for a timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

import httpx
from prometheus_client import Counter, Gauge

from nlu.classifier import IntentScore

DEFAULT_TIMEOUT_SECONDS = 1.0
RETRY_AFTER_SECONDS = 5.0
log = logging.getLogger(__name__)

RASA_FALLBACKS = Counter(
    "meet2know_nlu_rasa_fallbacks",
    "Messages the embedded engine understood because Rasa was slow, down or wrong",
)
RASA_UP = Gauge("meet2know_nlu_rasa_up", "1 while the Rasa server answers, 0 during an outage")


class IntentRanker(Protocol):
    def rank(self, text: str, limit: int = 5) -> list[IntentScore]: ...


class RasaUnavailable(Exception):
    """Rasa did not give a usable answer (timeout, refused, HTTP error, bad JSON)."""


class RasaClient:
    """`POST /model/parse` on a Rasa server, over one pooled connection."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self._params = {"token": token} if token else {}
        self._client = httpx.Client(
            base_url=self.url,
            timeout=timeout,
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
            transport=transport,
        )

    def parse(self, text: str) -> list[IntentScore]:
        """The intents Rasa ranks for the text, best first."""
        try:
            response = self._client.post("/model/parse", params=self._params, json={"text": text})
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(_describe(error)) from error
        return _ranking(body)

    def rank(self, text: str, limit: int = 5) -> list[IntentScore]:
        """As parse(), for use as the service's ranker: failures raise RasaUnavailable."""
        return self.parse(text)[:limit]

    def close(self) -> None:
        self._client.close()


class RasaWithFallback:
    """Rank with Rasa; when it fails, with the embedded classifier for that turn."""

    def __init__(
        self,
        rasa: RasaClient,
        embedded: IntentRanker,
        retry_after: float = RETRY_AFTER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rasa = rasa
        self._embedded = embedded
        self._retry_after = retry_after
        self._clock = clock
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._next_try = 0.0
        self._fallbacks_in_outage = 0
        RASA_UP.set(1)

    @property
    def rasa_is_up(self) -> bool:
        return self._down_since is None

    def rank(self, text: str, limit: int = 5) -> list[IntentScore]:
        if self._should_ask_rasa():
            try:
                scores = self._rasa.rank(text, limit)
            except RasaUnavailable as error:
                self._went_down(error)
            else:
                self._came_back()
                return scores
        with self._lock:
            self._fallbacks_in_outage += 1
        RASA_FALLBACKS.inc()
        return self._embedded.rank(text, limit)

    def _should_ask_rasa(self) -> bool:
        with self._lock:
            if self._down_since is None:
                return True
            if self._clock() < self._next_try:
                return False
            # One turn at a time probes a server that was down; the others fall back.
            self._next_try = self._clock() + self._retry_after
            return True

    def _went_down(self, error: RasaUnavailable) -> None:
        with self._lock:
            self._next_try = self._clock() + self._retry_after
            if self._down_since is not None:
                return
            self._down_since = self._clock()
            self._fallbacks_in_outage = 0
        RASA_UP.set(0)
        log.warning(
            "Rasa at %s is not answering (%s): the embedded engine understands messages "
            "until it is back",
            self._rasa.url,
            error,
        )

    def _came_back(self) -> None:
        with self._lock:
            if self._down_since is None:
                return
            seconds = self._clock() - self._down_since
            answered = self._fallbacks_in_outage
            self._down_since = None
        RASA_UP.set(1)
        log.info(
            "Rasa at %s is answering again after %.0f s; the embedded engine answered "
            "%d messages meanwhile",
            self._rasa.url,
            seconds,
            answered,
        )


def _ranking(body: object) -> list[IntentScore]:
    if not isinstance(body, dict):
        raise RasaUnavailable("the answer is not a JSON object")
    ranking = body.get("intent_ranking") or [body.get("intent")]
    scores = []
    for item in ranking:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            confidence = item.get("confidence")
            if isinstance(confidence, int | float):
                scores.append(IntentScore(item["name"], float(confidence)))
    if not scores:
        raise RasaUnavailable("the answer has no intent")
    return sorted(scores, key=lambda score: score.confidence, reverse=True)


def _describe(error: Exception) -> str:
    if isinstance(error, httpx.HTTPStatusError):
        return f"HTTP {error.response.status_code}"
    return str(error) or type(error).__name__
