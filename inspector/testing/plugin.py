"""pytest plugin (entry point ``event_inspector``): a real collector for your tests.

    def test_checkout(event_inspector):
        client = segment.analytics.Client(
            event_inspector.write_key, host=event_inspector.url, sync_mode=True
        )
        client.track("u1", "Order Completed", {"revenue": 9.99})
        [ev] = event_inspector.wait_for('type:track event:"Order Completed"')
        assert ev.properties["revenue"] == 9.99
        event_inspector.assert_no_lint_errors()

One headless collector per test session (127.0.0.1, a free port, a temporary data dir) runs in
a background thread with its own asyncio loop; ``event_inspector`` clears it before each test.
Or point every test at one running collector with ``--event-inspector-url URL`` (or the
``EVENT_INSPECTOR_URL`` environment variable), which is never cleared.

The collector the plugin starts is emptied before each test, so a test sees every event it
sent, whatever write key the app uses (each pytest-xdist worker starts a collector of its own).
Against a shared collector each test gets its own write key (``event_inspector.write_key``):
send your events with it, and the test's queries, waits, assertions and flow checks see only
them, so tests running in parallel never see each other's events. ``unscoped()`` sees every
event; ``scoped_to(key)`` only one write key's.

Assertion failures show what did arrive as a table. This module imports neither Qt nor aiohttp
until a test asks for the fixture.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from inspector.testing.client import EventInspector, test_write_key

if TYPE_CHECKING:
    from inspector.testing.collector import ThreadedCollector


# -- fixtures --------------------------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("event-inspector")
    group.addoption(
        "--event-inspector-url",
        default=os.environ.get("EVENT_INSPECTOR_URL"),
        help="use this running collector (e.g. `event-inspector serve`) instead of starting "
        "one; tests are told apart by their write keys (default: $EVENT_INSPECTOR_URL)",
    )


@pytest.fixture(scope="session")
def event_inspector_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ThreadedCollector | str]:
    """One collector for the test session (cleared per test), or the URL of a shared one."""
    url = request.config.getoption("event_inspector_url", None)
    if url:
        yield str(url)
        return
    from inspector.testing.collector import ThreadedCollector  # aiohttp only when asked

    collector = ThreadedCollector(tmp_path_factory.mktemp("event-inspector"), session="pytest")
    collector.start()
    try:
        yield collector
    finally:
        collector.stop()


@pytest.fixture
def event_inspector(
    request: pytest.FixtureRequest, event_inspector_server: ThreadedCollector | str
) -> Iterator[EventInspector]:
    """This test's client: ``url``, ``write_key``, ``events(q)``, ``wait_for(q, count,
    timeout)``, ``assert_no_lint_errors(q)``, ``expect(...)``, ``check_flow(flow, timeout)``,
    ``identities()``, ``unscoped()``, ``scoped_to(key)``. A collector this plugin started is
    emptied before the test and every event in it is the test's; a shared one
    (``--event-inspector-url``) is never emptied, and the client sees only the events sent
    with the test's ``write_key``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    key = test_write_key(request.node.nodeid, worker)
    if isinstance(event_inspector_server, str):
        client = EventInspector(event_inspector_server, write_key=key, scoped=True)
    else:
        client = EventInspector(
            event_inspector_server.url, collector=event_inspector_server, write_key=key
        )
        client.reset()
    yield client
