"""segment-analytics-python, customerio-cdp-analytics and rudder-sdk-python, unmodified."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.clients.harness import Collector, burst_properties, by_tag, check_scenario, scenario


def drive(client: Any, sc: dict[str, Any]) -> None:
    """The six calls and the burst through a Segment-style Python client, then flush."""
    u = sc["userId"]
    client.identify(u, sc["identify"]["traits"])
    client.track(u, sc["track"]["event"], sc["track"]["properties"])
    client.page(u, sc["page"]["category"], sc["page"]["name"], sc["page"]["properties"])
    client.screen(u, sc["screen"]["category"], sc["screen"]["name"], sc["screen"]["properties"])
    client.group(u, sc["group"]["groupId"], sc["group"]["traits"])
    client.alias(sc["alias"]["previousId"], u)
    for i in range(sc["burst"]):
        client.track(u, sc["burstEvent"], burst_properties(sc, i))
    client.flush()
    client.shutdown()


def errors_into(bucket: list[Any]) -> Any:
    def on_error(exc: Exception, batch: list[Any]) -> None:
        bucket.append((exc, len(batch)))

    return on_error


@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip"])
def test_segment_analytics_python(collector: Collector, gzip: bool) -> None:
    from segment.analytics import Client
    from segment.analytics.version import VERSION

    tag = f"segpy-{'gz' if gzip else 'plain'}"
    sc = scenario(tag)
    errors: list[Any] = []
    client = Client(
        "WK_SEGMENT_PY",
        host=collector.url,
        gzip=gzip,
        upload_interval=0.05,
        on_error=errors_into(errors),
        max_retries=2,
    )
    drive(client, sc)
    assert not errors
    events = collector.wait_for(306, by_tag(tag))
    by = check_scenario(
        events,
        sc,
        client="segment-analytics-python",
        write_key="WK_SEGMENT_PY",
        library="analytics-python",
    )
    raw = collector.api(f"/api/events/{by['track'][0]['id']}")["raw"]
    assert raw["headers"]["User-Agent"] == f"analytics-python/{VERSION}"
    assert raw["contentEncoding"] == ("gzip" if gzip else "")
    assert raw["path"] == "/v1/batch"
    assert by["identify"][0]["source"]["auth"] == "basic"
    assert by["identify"][0]["source"]["libraryVersion"] == VERSION


@pytest.mark.parametrize("key", ["WK_CIO_PY", "pk_us_0123456789abcdef"], ids=["basic", "bearer"])
def test_customerio_cdp_analytics_python(collector: Collector, key: str) -> None:
    from customerio.analytics import Client
    from customerio.analytics.version import VERSION

    tag = f"ciopy-{key[:2]}"
    sc = scenario(tag)
    errors: list[Any] = []
    client = Client(
        key, host=collector.url, upload_interval=0.05, on_error=errors_into(errors), max_retries=2
    )
    drive(client, sc)
    assert not errors, errors  # Customer.io's client treats anything but exactly 200 as failure
    events = collector.wait_for(306, by_tag(tag))
    by = check_scenario(
        events, sc, client="customerio-cdp-analytics", write_key=key, library="analytics-python"
    )
    src = by["identify"][0]["source"]
    assert src["auth"] == ("bearer" if key.startswith("pk_") else "basic")
    assert src["libraryVersion"] == VERSION


def test_rudder_sdk_python(collector: Collector) -> None:
    from rudderstack.analytics import Client
    from rudderstack.analytics.version import VERSION

    tag = "rudderpy"
    sc = scenario(tag)
    errors: list[Any] = []
    client = Client(
        "WK_RUDDER_PY",
        host=collector.url,
        upload_interval=0.05,
        on_error=errors_into(errors),
        max_retries=2,
    )  # gzip is on by default
    drive(client, sc)
    assert not errors, errors
    events = collector.wait_for(306, by_tag(tag))
    by = check_scenario(
        events, sc, client="rudder-sdk-python", write_key="WK_RUDDER_PY", library="analytics-python"
    )
    ident = by["identify"][0]
    # rudder's identify carries its traits only in context.traits
    assert "traits" not in ident["message"]
    assert ident["message"]["context"]["traits"]["email"] == sc["identify"]["traits"]["email"]
    raw = collector.api(f"/api/events/{ident['id']}")["raw"]
    assert raw["contentEncoding"] == "gzip"
    assert ident["source"]["libraryVersion"] == VERSION
    assert ident["message"]["channel"] == "server"


@pytest.fixture(autouse=True)
def _quiet_client_loggers() -> None:
    for name in ("segment", "customerio", "rudderstack", "backoff"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
