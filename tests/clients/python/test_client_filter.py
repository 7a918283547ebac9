"""Three Python libraries all say ``analytics-python``: ``source.client`` and ``lib:`` tell
them apart (the query language matches ``lib:`` against library name and detected client)."""

from __future__ import annotations

import logging
import urllib.parse
from collections import Counter

from inspector.domain.secrets import mask_key
from tests.clients.harness import Collector, scenario
from tests.clients.python.test_python_clients import drive


def test_lib_filter_tells_same_named_python_clients_apart(collector: Collector) -> None:
    from customerio.analytics import Client as CioClient
    from rudderstack.analytics import Client as RudderClient
    from segment.analytics import Client as SegmentClient

    for name in ("segment", "customerio", "rudderstack"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    for cls, key, tag in (
        (SegmentClient, "WK_SEG", "f-seg"),
        (CioClient, "WK_CIO", "f-cio"),
        (RudderClient, "WK_RUD", "f-rud"),
    ):
        drive(cls(key, host=collector.url, upload_interval=0.05), scenario(tag, burst=20))
    evs = collector.wait_for(78, settle=0.1)
    assert Counter(e["source"]["library"] for e in evs) == {"analytics-python": 78}
    assert Counter((e["source"]["client"], e["source"]["writeKey"]) for e in evs) == {
        ("segment-analytics-python", mask_key("WK_SEG")): 26,
        ("customerio-cdp-analytics", mask_key("WK_CIO")): 26,
        ("rudder-sdk-python", mask_key("WK_RUD")): 26,
    }

    def q(expr: str) -> Counter[str]:
        page = collector.api("/api/events?limit=1000&q=" + urllib.parse.quote(expr))
        # write keys are shown masked (first and last characters): W••••••D for WK_RUD
        return Counter(e["source"]["writeKey"] for e in page["events"])

    assert q("lib:rudder-sdk-python") == {mask_key("WK_RUD"): 26}
    assert q("lib:customerio-cdp-analytics") == {mask_key("WK_CIO"): 26}
    assert q("lib:segment-analytics-python type:identify") == {mask_key("WK_SEG"): 1}
    assert q("lib:analytics-python") == {
        mask_key("WK_SEG"): 26,
        mask_key("WK_CIO"): 26,
        mask_key("WK_RUD"): 26,
    }
    assert q("-lib:segment-analytics-python") == {mask_key("WK_CIO"): 26, mask_key("WK_RUD"): 26}
