"""Rasa as the intent engine: its answers, and the embedded engine standing in for it.

These tests put a fake transport under the HTTP client; tests/nlu/test_rasa_server.py runs
the same code against a real Rasa server.
"""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from prometheus_client import REGISTRY

from nlu.classifier import IntentScore
from nlu.rasa_engine import RasaClient, RasaUnavailable, RasaWithFallback

RASA_ANSWER = {
    "text": "rinnovo permesso",
    "intent": {"name": "residence_permit_renewal", "confidence": 0.91},
    "intent_ranking": [
        {"name": "residence_permit_renewal", "confidence": 0.91},
        {"name": "residence_permit_first", "confidence": 0.05},
        {"name": "greet", "confidence": 0.04},
    ],
    "entities": [],
}


class FakeRasa:
    """A Rasa server that can be healthy, down, slow or broken."""

    def __init__(self) -> None:
        self.mode = "up"
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.mode == "down":
            raise httpx.ConnectError("connection refused", request=request)
        if self.mode == "slow":
            raise httpx.ReadTimeout("timed out", request=request)
        if self.mode == "error":
            return httpx.Response(500, json={"message": "boom"})
        if self.mode == "garbage":
            return httpx.Response(200, content=b"<html>proxy error</html>")
        if request.url.params.get("token") != "s3cret":
            return httpx.Response(401, json={"message": "User is not authenticated."})
        return httpx.Response(200, json=RASA_ANSWER)


class Embedded:
    def __init__(self) -> None:
        self.calls = 0

    def rank(self, text: str, limit: int = 5) -> list[IntentScore]:
        self.calls += 1
        return [IntentScore("help", 0.6)][:limit]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


def fallbacks_counted() -> float:
    return REGISTRY.get_sample_value("meet2know_nlu_rasa_fallbacks_total") or 0.0


def client(rasa: FakeRasa, token: str | None = "s3cret") -> RasaClient:
    return RasaClient("http://rasa.test:5005/", token, transport=httpx.MockTransport(rasa))


def test_parse_sends_the_text_and_token_and_reads_the_ranking(rasa: FakeRasa) -> None:
    scores = client(rasa).parse("rinnovo permesso")
    assert scores[0] == IntentScore("residence_permit_renewal", 0.91)
    assert [s.intent for s in scores] == [
        "residence_permit_renewal",
        "residence_permit_first",
        "greet",
    ]
    (request,) = rasa.requests
    assert request.url.path == "/model/parse"
    assert json.loads(request.content) == {"text": "rinnovo permesso"}


@pytest.mark.parametrize("mode", ["down", "slow", "error", "garbage"])
def test_every_kind_of_failure_is_rasa_unavailable(rasa: FakeRasa, mode: str) -> None:
    rasa.mode = mode
    with pytest.raises(RasaUnavailable):
        client(rasa).parse("ciao")


def test_a_wrong_token_is_a_failure_not_an_answer(rasa: FakeRasa) -> None:
    with pytest.raises(RasaUnavailable, match="401"):
        client(rasa, token="wrong").parse("ciao")


@pytest.mark.parametrize(
    "body",
    [[], {"intent": None}, {"intent_ranking": [{"name": 3, "confidence": "x"}]}, "text"],
)
def test_an_answer_without_an_intent_is_refused(rasa: FakeRasa, body: object) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    with pytest.raises(RasaUnavailable):
        RasaClient("http://rasa.test", transport=transport).parse("ciao")


def test_the_embedded_engine_answers_during_an_outage_and_rasa_again_after(
    rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    embedded, clock = Embedded(), Clock()
    ranker = RasaWithFallback(client(rasa), embedded, retry_after=5.0, clock=clock)
    before = fallbacks_counted()

    assert ranker.rank("rinnovo")[0].intent == "residence_permit_renewal"
    rasa.mode = "down"
    with caplog.at_level(logging.INFO, logger="nlu.rasa_engine"):
        answers = [ranker.rank("rinnovo")[0].intent for _ in range(20)]
        assert answers == ["help"] * 20 and not ranker.rasa_is_up
        # Within the retry interval Rasa is not asked again: no turn waits for a timeout.
        assert len(rasa.requests) == 2
        clock.now += 5.0
        ranker.rank("rinnovo")
        assert len(rasa.requests) == 3  # one probe, still down
        rasa.mode = "up"
        clock.now += 5.0
        assert ranker.rank("rinnovo")[0].intent == "residence_permit_renewal"
        assert ranker.rasa_is_up

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "not answering" in warnings[0].getMessage()
    back = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert len(back) == 1 and "21 messages" in back[0]
    assert embedded.calls == 21
    assert fallbacks_counted() - before == 21
    assert REGISTRY.get_sample_value("meet2know_nlu_rasa_up") == 1


def test_a_slow_rasa_falls_back_too(rasa: FakeRasa) -> None:
    rasa.mode = "slow"
    ranker = RasaWithFallback(client(rasa), Embedded(), clock=Clock())
    assert ranker.rank("ciao") == [IntentScore("help", 0.6)]


def test_the_limit_applies_to_rasa_answers(rasa: FakeRasa) -> None:
    ranker = RasaWithFallback(client(rasa), Embedded())
    assert len(ranker.rank("rinnovo", limit=2)) == 2
