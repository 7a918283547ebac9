from datetime import UTC, datetime, timedelta

import pytest

from inspector.domain.timeparse import corrected_timestamp, parse_iso


@pytest.mark.parametrize(
    "s",
    [
        "2026-11-22T10:31:19.522+00:00",
        "2026-11-22T10:31:19.522Z",
        "2026-11-22T10:31:19.522000+00:00",
        "2026-11-22T12:31:19.522+02:00",
        "2026-11-22T10:31:19.5220000Z",
    ],
)
def test_iso_forms(s):
    assert parse_iso(s) == datetime(2026, 11, 22, 10, 31, 19, 522000, tzinfo=UTC)


def test_lenient_unpadded():
    assert parse_iso("2026-1-5T1:2:3Z") == datetime(2026, 1, 5, 1, 2, 3, tzinfo=UTC)
    assert parse_iso("not a date") is None and parse_iso(5) is None


def test_skew_correction_prefers_event_sent_at():
    rec = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    msg = {"timestamp": "2026-01-01T00:00:00Z", "sentAt": "2026-01-01T00:00:05Z"}
    assert corrected_timestamp(rec, msg, "2026-01-01T00:01:00Z") == rec - timedelta(seconds=5)
    assert corrected_timestamp(
        rec, {"originalTimestamp": "2026-01-01T00:00:00Z"}, None
    ) == datetime(2026, 1, 1, tzinfo=UTC)
    assert corrected_timestamp(rec, {}, None) == rec
