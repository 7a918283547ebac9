"""Settings shows the line that connects a coding agent to this window's collector."""

from __future__ import annotations

import json

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton


def test_settings_show_the_agent_config_for_this_collector(inspector):
    dlg = inspector.window.prefs.open_settings()
    line = dlg.agent_line.text()
    entry = json.loads(line)["mcpServers"]["event-inspector"]
    assert entry["args"][-3:] == ["mcp", "--url", inspector.window.controller.url]
    assert dlg.agent_line.isReadOnly() and dlg.agent_line.isVisibleTo(dlg)
    dlg.findChild(QPushButton, "copyMcpConfig").click()
    assert QGuiApplication.clipboard().text() == line
    dlg.findChild(QPushButton, "copyMcpConfigVsCode").click()
    vs = json.loads(QGuiApplication.clipboard().text())["servers"]["event-inspector"]
    assert vs["type"] == "stdio" and vs["args"] == entry["args"]
    dlg.close()
