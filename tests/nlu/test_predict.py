"""`meet2know nlu predict`: JSON lines in and out, in order; bad input stops clearly."""

from __future__ import annotations

import io
import json

from nlu.predict import predict_stream
from nlu.service import NluService


def run(service: NluService, text: str) -> tuple[int, list[dict[str, object]], str]:
    out, err = io.StringIO(), io.StringIO()
    code = predict_stream(service, io.StringIO(text), out, err)
    return code, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_lines_in_lines_out_in_order(nlu_service: NluService) -> None:
    lines = [
        {"text": "ciao"},
        {"text": "where is the prefettura office", "lang": "en"},
        {"text": "🙏"},
    ]
    code, results, err = run(nlu_service, "\n".join(json.dumps(x) for x in lines) + "\n\n")
    assert code == 0 and err == ""
    assert [r["text"] for r in results] == ["ciao", "where is the prefettura office", "🙏"]
    assert results[1]["language"] == "en"
    assert results[2]["language"] is None
    for result in results:
        assert set(result) >= {"text", "language", "intent", "confidence"}


def test_bad_json_exits_non_zero_with_the_line_number(nlu_service: NluService) -> None:
    code, results, err = run(nlu_service, '{"text": "ok"}\n{not json}\n')
    assert code == 2 and len(results) == 1
    assert err.startswith("line 2: not valid JSON")


def test_wrong_shapes_are_refused(nlu_service: NluService) -> None:
    assert run(nlu_service, '["text"]\n')[0] == 2
    assert run(nlu_service, '{"text": 3}\n')[0] == 2
    assert run(nlu_service, '{"text": "a", "lang": 3}\n')[0] == 2
