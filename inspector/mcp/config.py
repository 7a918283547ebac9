"""The entry a coding agent needs to start ``event-inspector mcp`` (its MCP settings), as the
window's Settings shows it: one line of JSON to paste.

Claude Desktop (``claude_desktop_config.json``), Cursor (``.cursor/mcp.json``) and Claude
Code (``.mcp.json``) read ``{"mcpServers": {name: {"command", "args", "env"}}}``; VS Code
(``.vscode/mcp.json``) reads the same entry under ``"servers"`` with ``"type": "stdio"``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

NAME = "event-inspector"


def launch_command() -> list[str]:
    """How this installation starts itself, by absolute path: an agent does not share the
    shell's PATH (or its virtual environment)."""
    if getattr(sys, "frozen", False):  # a packaged app: its executable takes the commands
        return [sys.executable]
    here = Path(sys.executable).parent
    for script in ("event-inspector", "event-inspector.exe"):
        if (here / script).is_file():
            return [str(here / script)]
    return [sys.executable, "-m", "inspector"]


def server_entry(
    url: str, token: str | None = None, command: list[str] | None = None
) -> dict[str, Any]:
    cmd = command or launch_command()
    entry: dict[str, Any] = {"command": cmd[0], "args": [*cmd[1:], "mcp", "--url", url]}
    if token:
        entry["env"] = {"EVENT_INSPECTOR_TOKEN": token}
    return entry


def agent_config(url: str, token: str | None = None, command: list[str] | None = None) -> str:
    """One line of JSON for Claude Desktop, Cursor and Claude Code."""
    return json.dumps({"mcpServers": {NAME: server_entry(url, token, command)}})


def vscode_config(url: str, token: str | None = None, command: list[str] | None = None) -> str:
    """The same for VS Code's ``.vscode/mcp.json``."""
    entry = {"type": "stdio", **server_entry(url, token, command)}
    return json.dumps({"servers": {NAME: entry}})
