"""The line the window's Settings shows for an agent's MCP settings starts a working server."""

from __future__ import annotations

import json
from pathlib import Path

from inspector.mcp.config import agent_config, launch_command, vscode_config
from tests.mcp.conftest import TOKEN, Collector
from tests.mcp.stdio import McpServerProcess


def test_the_pasted_config_starts_a_server_that_reads_the_collector(collector: Collector):
    line = agent_config(collector.url, TOKEN)
    assert "\n" not in line
    entry = json.loads(line)["mcpServers"]["event-inspector"]
    assert Path(entry["command"]).is_absolute() and Path(entry["command"]).exists()
    assert entry["args"][-3:] == ["mcp", "--url", collector.url]
    assert entry["env"] == {"EVENT_INSPECTOR_TOKEN": TOKEN}
    with McpServerProcess(command=[entry["command"], *entry["args"]], env=entry["env"]) as proc:
        stats = proc.answer("stats")
        assert stats["source"] == f"collector at {collector.url}" and stats["events"] >= 6


def test_vs_code_takes_the_same_entry_under_servers():
    vs = json.loads(vscode_config("http://127.0.0.1:8787"))["servers"]["event-inspector"]
    agent = json.loads(agent_config("http://127.0.0.1:8787"))["mcpServers"]["event-inspector"]
    assert vs == {"type": "stdio", **agent} and "env" not in agent
    assert vs["args"][-3:] == ["mcp", "--url", "http://127.0.0.1:8787"]
    assert launch_command()[0] == agent["command"]
