"""One ``event-inspector serve`` subprocess fed by a real client library, and ``event-inspector
mcp`` subprocesses reading it (``--url`` with its token, ``--data-dir`` read-only), shared by
the MCP tests so that each process starts once."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from inspector.testing.serve import serve
from tests.mcp.stdio import McpServerProcess
from tests.qa.journeys import journey, send_python

TOKEN = "mcp-test-token"
WRITE_KEY = "wk-mcp"
PLAN = """\
events:
  Order Completed:
    required: true
    properties:
      order_id: {type: string, required: true}
      revenue: number
  Signed Up: {}
  Cart Viewed:
    required: true
  Product Viewed: {}
"""


class Collector:
    def __init__(self, url: str, data_dir: Path, plan: Path) -> None:
        self.url, self.data_dir, self.plan = url, data_dir, plan

    def post(self, path: str, body: Any) -> int:
        """A tracking call as JSON (``/v1/...``): the answer's status."""
        req = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status

    def api(self, path: str, **params: Any) -> tuple[int, dict[str, Any]]:
        """``GET /api/...`` with the token: (status, JSON body)."""
        query = urllib.parse.urlencode(params)
        req = urllib.request.Request(
            f"{self.url}{path}?{query}", headers={"X-Inspector-Token": TOKEN}
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())


def segment_client(url: str) -> Any:
    from segment.analytics import Client

    return Client(WRITE_KEY, host=url, sync_mode=True)


def send_sample(url: str) -> None:
    """A checkout journey (anon-a, then user-a) and two calls with lint findings."""
    send_python("segment", url, WRITE_KEY, journey("a"))
    client = segment_client(url)
    client.track(user_id="u-lint", event="order completed", properties={"revenue": "9.99"})
    client.track(user_id="u-lint", event="", properties={})
    client.flush()


@pytest.fixture(scope="session")
def collector(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collector]:
    root = tmp_path_factory.mktemp("mcp")
    plan = root / "plan.yaml"
    plan.write_text(PLAN)
    with serve(root / "data", "--token", TOKEN, "--plan", str(plan), session="mcp") as url:
        send_sample(url)
        yield Collector(url, root / "data", plan)


@pytest.fixture(scope="session")
def mcp_url(collector: Collector) -> Iterator[McpServerProcess]:
    """``event-inspector mcp --url URL`` with the token from the environment."""
    env = {"EVENT_INSPECTOR_TOKEN": TOKEN}
    with McpServerProcess("--url", collector.url, env=env) as proc:
        yield proc


@pytest.fixture(scope="session")
def mcp_dir(collector: Collector) -> Iterator[McpServerProcess]:
    """``event-inspector mcp --data-dir D`` on the directory the collector is writing."""
    args = ("--data-dir", str(collector.data_dir), "--plan", str(collector.plan))
    with McpServerProcess(*args) as proc:
        yield proc
