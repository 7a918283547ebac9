"""Browser libraries told apart when the collector's settings name both of them."""

from __future__ import annotations

from typing import Any

import pytest

from inspector.domain.capture import Source
from inspector.domain.clients import CIO_BROWSER, SEGMENT_BROWSER, detect_client


def _label(version: str, message: dict[str, Any]) -> str | None:
    source = Source(library="analytics.js", library_version=version)
    return detect_client(source, {}, None, {"type": "track", "event": "x", **message})


@pytest.mark.parametrize(
    ("version", "message", "client"),
    [
        # what each library sends when loaded as its docs show (settings name both)
        ("next-0.5.11", {"_metadata": {"bundled": ["Customer.io Data Pipelines"]}}, CIO_BROWSER),
        ("next-1.84.3", {"_metadata": {"bundled": ["Segment.io"]}}, SEGMENT_BROWSER),
        # bundled wins over a version that would say otherwise
        ("npm:next-1.0.0", {"_metadata": {"bundled": ["Customer.io Data Pipelines"]}}, CIO_BROWSER),
        # the npm build of Customer.io's library, without metadata
        ("npm:next-0.5.11", {}, CIO_BROWSER),
        ("npm:next-1.84.3", {}, SEGMENT_BROWSER),
        # integrations passed as load options
        ("next-1.84.3", {"integrations": {"Segment.io": True}}, SEGMENT_BROWSER),
        ("x", {"integrations": {"Customer.io Data Pipelines": True}}, CIO_BROWSER),
        # malformed metadata is no evidence
        ("2.0.0", {"_metadata": {"bundled": "Segment.io"}}, "analytics.js"),
        ("2.0.0", {"_metadata": []}, "analytics.js"),
    ],
)
def test_browser_library_labels(version: str, message: dict[str, Any], client: str) -> None:
    assert _label(version, message) == client
