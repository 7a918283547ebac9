from __future__ import annotations

import gzip

import pytest

from inspector.domain.errors import IntakeError
from inspector.domain.intake import build_events, decode_body, parse_body


def test_decode_gzip_with_bound():
    data = b'{"a":1}'
    assert decode_body(gzip.compress(data), "gzip") == data
    with pytest.raises(IntakeError) as e:
        decode_body(gzip.compress(b"x" * 5000), "gzip", limit=1000)
    assert e.value.code == "payload_too_large"
    with pytest.raises(IntakeError) as e:
        decode_body(b"x", "br")
    assert e.value.code == "unsupported_encoding"


def test_invalid_json_message_says_where():
    with pytest.raises(IntakeError) as e:
        parse_body("batch", b'{\n  "batch": [1,,]\n}')
    assert e.value.code == "invalid_json"
    assert "line 2, column" in e.value.message


def test_message_without_type_on_batch_route_is_kept_as_unknown():
    parsed = parse_body("batch", b'{"batch":[{"event":"x"}]}')
    [ev] = build_events(parsed, session_id=1, received_at=0.0, headers={}, query={})
    assert ev.type == "unknown" and "type" not in ev.message


def test_missing_message_id_is_generated_and_marked():
    parsed = parse_body("track", b'{"event":"x","userId":"u"}')
    [ev] = build_events(parsed, session_id=1, received_at=0.0, headers={}, query={})
    assert ev.generated_message_id and ev.message_id and "messageId" not in ev.message


def test_astronomer_dialect_normalised_with_original_kept():
    parsed = parse_body("batch", b'{"batch":[{"type":"Group","userID":"u","groupID":"g"}]}')
    [ev] = build_events(parsed, session_id=1, received_at=0.0, headers={}, query={})
    assert ev.type == "group" and ev.message["userId"] == "u" and ev.message["groupId"] == "g"
    assert ev.original == {"type": "Group", "userID": "u", "groupID": "g"}


def test_big_integers_unicode_and_nested_nulls_round_trip():
    from inspector.domain import jsoncodec

    body = (
        '{"type":"track","event":"Zoë","properties":{"n":123456789012345678901234567890,'
        '"x":{"y":null},"f":1.5,"neg":-9223372036854775809}}'
    )
    parsed = parse_body("track", body.encode())
    [ev] = build_events(parsed, session_id=1, received_at=0.0, headers={}, query={})
    assert ev.message["properties"]["n"] == 123456789012345678901234567890
    assert jsoncodec.loads(jsoncodec.dumps(ev.message)) == ev.message
